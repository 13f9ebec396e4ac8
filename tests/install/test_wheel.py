"""`pip install .` gives a working nianbao: the wheel, installed into a fresh venv outside the checkout with only
its declared runtime dependencies (tests/install/envs.py), runs parse, ingest, sources, serve and demo from a
working directory outside the checkout."""

from __future__ import annotations

import json
import re
import sqlite3
import subprocess
import zipfile
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from crawler.sources import load_sources
from nianbao.cli import cli
from synth.corpus import write_corpus
from tests.install.envs import ROOT, build_wheel, clean_env, make_venv, pip_install, wheel_requirements

pytestmark = pytest.mark.slow


@dataclass
class Installed:
    wheel: Path
    nianbao: Path  # the console script the wheel installed
    env: dict[str, str]
    work: Path  # the working directory: outside the checkout

    def run(self, *args: str, timeout: float = 300) -> subprocess.CompletedProcess:
        return subprocess.run([str(self.nianbao), *args], cwd=self.work, env=self.env, capture_output=True,
                              text=True, timeout=timeout)


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Installed:
    base = tmp_path_factory.mktemp("wheel")
    wheel = build_wheel(base / "dist")
    python = make_venv(base / "venv", wheel_requirements(wheel))
    pip_install(python, str(wheel))
    work = base / "work"
    work.mkdir()
    assert not work.resolve().is_relative_to(ROOT)
    return Installed(wheel, base / "venv" / "bin" / "nianbao", clean_env(base / "venv"), work)


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """Synthetic reports in each layout (HTML, PDF, DOCX, ...), written by the checkout's generator."""
    folder = tmp_path_factory.mktemp("reports")
    made = write_corpus(tmp_path_factory.mktemp("generated"), 9, seed=14)
    return [path.rename(folder / path.name) for path in made]  # without the JSON sidecars


def test_wheel_ships_every_data_file(installed: Installed) -> None:
    with zipfile.ZipFile(installed.wheel) as z:
        names = set(z.namelist())
    tracked = subprocess.run(["git", "ls-files", "archive/data", "crawler/sources.csv", "parsers/templates",
                              "synth/farm/data", "datasette"], cwd=ROOT, capture_output=True, text=True,
                             check=True).stdout.split()
    # the top-level datasette/ folder ships as nianbao/_site/ (pyproject.toml's package-dir)
    data = [re.sub(r"^datasette/", "nianbao/_site/", name)
            for name in tracked if not name.endswith("build_counties.py")]
    assert len([name for name in data if name.startswith("nianbao/_site/")]) >= 8
    assert len(data) >= 15
    assert sorted(set(data) - names) == []
    assert not any(name.startswith("datasette/") for name in names)  # never beside the datasette library


def test_installed_runs_outside_the_checkout(installed: Installed) -> None:
    probe = installed.run("--version")
    assert probe.returncode == 0, probe.stderr
    where = subprocess.run([str(installed.nianbao.with_name("python")), "-c",
                            "import nianbao, parsers, archive, crawler, synth; "
                            "print('\\n'.join(m.__file__ for m in (nianbao, parsers, archive, crawler, synth)))"],
                           cwd=installed.work, env=installed.env, capture_output=True, text=True, check=True)
    assert all("site-packages" in line and str(ROOT) not in line for line in where.stdout.splitlines())
    config = subprocess.run([str(installed.nianbao.with_name("python")), "-c",
                             "from nianbao.serve import CONFIG; print(CONFIG)"],
                            cwd=installed.work, env=installed.env, capture_output=True, text=True, check=True)
    assert config.stdout.strip().endswith("site-packages/nianbao/_site"), config.stdout


def test_parse_matches_the_checkout(installed: Installed, reports: list[Path]) -> None:
    folder = str(reports[0].parent)
    result = installed.run("parse", folder, "--jsonl", "--no-cells")
    assert result.returncode == 0, result.stderr[-3000:]
    got = [json.loads(line) for line in result.stdout.splitlines()]
    expected = [json.loads(line) for line in CliRunner().invoke(cli, ["parse", folder, "--jsonl", "--no-cells"])
                .output.splitlines()]
    assert len(got) == len(reports)
    assert got == expected
    assert {r["status"] for r in got} <= {"ok", "partial"}


def test_ingest_resolves_divisions(installed: Installed, reports: list[Path]) -> None:
    result = installed.run("ingest", str(reports[0].parent), "--archive", "archive")
    assert result.returncode == 0, result.stderr[-3000:]
    with closing(sqlite3.connect(installed.work / "archive" / "nianbao.db")) as db:
        rows = db.execute("SELECT r.status, a.name, a.division_code FROM reports r "
                          "LEFT JOIN agencies a ON a.id = r.agency_id").fetchall()
        divisions = db.execute("SELECT count(*) FROM divisions").fetchone()[0]
    assert len(rows) == len(reports)
    assert all(status in ("ok", "partial") and agency and code for status, agency, code in rows), rows
    assert divisions > 2000


def test_sources_list(installed: Installed) -> None:
    result = installed.run("sources", "list")
    assert result.returncode == 0, result.stderr[-3000:]
    registry = load_sources()
    assert registry
    assert len([line for line in result.stdout.splitlines() if line.strip()]) >= len(registry)
    assert registry[0].agency in result.stdout


def test_serve_uses_the_packaged_datasette_configuration(installed: Installed, reports: list[Path]) -> None:
    archive = installed.work / "served"
    assert installed.run("ingest", str(reports[0].parent), "--archive", str(archive)).returncode == 0
    page = installed.run("serve", "--archive", str(archive), "--get", "/nianbao/reports/1", timeout=120)
    assert page.returncode == 0, page.stderr[-3000:]
    assert 'class="checks-table"' in page.stdout or 'class="legend"' in page.stdout  # our row template
    assert "nianbao.css" in page.stdout  # our base template and static mount
    plugins = installed.run("serve", "--archive", str(archive), "--get", "/-/plugins.json", timeout=120)
    names = {p["name"] for p in json.loads(plugins.stdout)}
    assert {"report_page.py", "raw_documents.py"} <= names


def test_demo_without_dev_dependencies(installed: Installed) -> None:
    result = installed.run("demo", "--archive", "demo", "--counties", "1", "--reports-per-county", "2",
                           "--no-serve", timeout=400)
    assert result.returncode == 0, (result.stdout + result.stderr)[-3000:]
    assert "missing 0, duplicated 0, wrong 0" in result.stdout
    with closing(sqlite3.connect(installed.work / "demo" / "nianbao.db")) as db:
        formats = {f for (f,) in db.execute("SELECT DISTINCT format FROM documents")}
    assert "pdf" in formats  # the farm rendered PDFs (reportlab) on a plain install
