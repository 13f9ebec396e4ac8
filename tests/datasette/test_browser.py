"""A real `datasette serve` (the `nianbao serve` command line) looked at by headless Chromium.

Screenshots of the home page, a report page, the map and the charts go to tmp_path; the injection report's
DOM after its scripts ran shows that no scraped script or handler executed. Skipped without `chromium`.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image

from nianbao.serve import datasette_args
from tests.datasette import build as b
from tests.datasette.build import Built
from tests.datasette.served import served

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--hide-scrollbars", "--virtual-time-budget=8000"]
BANNER = "演示数据：本库内容为合成数据 / Demo data: synthetic reports"


@pytest.fixture(scope="module")
def server(built: Built) -> Iterator[str]:
    with served(lambda port: datasette_args(built.db_path, "127.0.0.1", port),
                env={**os.environ, "NIANBAO_DEMO": "1"}) as (base, _):
        yield base


def _chromium(*args: str) -> subprocess.CompletedProcess:
    with tempfile.TemporaryDirectory(prefix="chromium-") as profile:
        return subprocess.run([CHROMIUM, *FLAGS, f"--user-data-dir={profile}", *args],
                              capture_output=True, text=True, timeout=90)


def screenshot(url: str, out: Path, size: str = "1280,1600") -> Image.Image:
    result = _chromium(f"--window-size={size}", f"--screenshot={out}", url)
    assert out.exists(), result.stderr[-2000:]
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    image = Image.open(out)
    image.load()
    return image


def dump_dom(url: str) -> str:
    result = _chromium("--dump-dom", url)
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


def _colours(image: Image.Image) -> int:
    return len(image.convert("RGB").resize((320, 400)).getcolors(maxcolors=1 << 16) or [])


def test_screenshots_of_home_report_map_and_charts(server: str, built: Built, tmp_path: Path) -> None:
    pages = {
        "home": "/",
        "report": f"/nianbao/reports/{built.ids[b.BROKEN]}",
        "map": "/nianbao/county_map",
        "charts": "/-/dashboards/overview",
    }
    for name, path in pages.items():
        out = tmp_path / f"{name}.png"
        image = screenshot(server + path, out, "1280,2400" if name == "report" else "1280,1400")
        assert image.size[0] == 1280, name
        assert out.stat().st_size > 20_000, name
        assert _colours(image) > 50, f"{name} looks blank"


def test_map_draws_tiles_and_markers_from_this_server(server: str) -> None:
    dom = dump_dom(server + "/nianbao/county_map")
    assert "leaflet-tile-loaded" in dom
    assert re.search(r'src="/-/tiles/basemap/\d+/\d+/\d+\.png"', dom)
    assert "leaflet-marker-icon" in dom
    assert "tile.openstreetmap.org" not in dom


def test_charts_render_with_bundled_vega(server: str) -> None:
    dom = dump_dom(server + "/-/dashboards/overview")
    assert dom.count('class="marks"') >= 6  # one vega canvas per chart


def test_injected_scripts_never_run(server: str, built: Built) -> None:
    paths = [f"/nianbao/reports/{built.injection_id}", "/nianbao/reports", "/nianbao/search?q=审计局",
             f"/nianbao/sections?report_id={built.injection_id}"]
    for path in paths:
        dom = dump_dom(server + path)
        assert BANNER in dom, path
        assert not re.search(r"<body[^>]*data-pwned", dom), path  # the <img onerror> payload
        title = re.search(r"<title>(.*?)</title>", dom, re.S).group(1)
        assert title != "PWNED", path  # the <script>document.title=…</script> payload
        assert "&lt;script&gt;" in dom, path
        assert not re.search(r"<img[^>]+onerror", dom), path
