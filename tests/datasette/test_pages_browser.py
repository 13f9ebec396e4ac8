"""The journalist pages in headless Chromium against a real `nianbao serve` command line: screenshots of the
report page with its cell links, the original opened at a number's row, the agency history, the comparison
and the copy-paste query; the DOM after rendering. Skipped without `chromium`."""

from __future__ import annotations

import os
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from lxml import etree
from lxml import html as lxml_html
from sqlite_utils import Database

from nianbao.serve import datasette_args
from tests.datasette import pages_build as p
from tests.datasette.pages_build import PagesArchive
from tests.datasette.served import served
from tests.datasette.test_browser import CHROMIUM, _colours, dump_dom, screenshot

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed")


@pytest.fixture(scope="module")
def server(pages_archive: PagesArchive) -> Iterator[str]:
    with served(lambda port: datasette_args(pages_archive.db_path, "127.0.0.1", port),
                env={**os.environ, "NIANBAO_DEMO": "1"}) as (base, _):
        yield base


def test_screenshots_of_the_journalist_pages(server: str, pages_archive: PagesArchive, tmp_path: Path) -> None:
    db = Database(pages_archive.db_path)
    agency_id = db["reports"].get(pages_archive.edited_id)["agency_id"]
    copier = pages_archive.ids[p.TEXT_FROM_OTHER[0]]
    pages = {
        "report": (f"/nianbao/reports/{copier}", "1280,2400"),
        "agency": (f"/nianbao/agencies/{agency_id}", "1280,1500"),
        "compare": (f"/-/compare?agency={agency_id}&agency=1", "1280,1500"),
        "flags": ("/nianbao/copy_flags?kind=&province=&year=", "1280,900"),
        "report_summary": ("/nianbao/report_summary", "1280,900"),
    }
    for name, (path, size) in pages.items():
        out = tmp_path / f"{name}.png"
        image = screenshot(server + path, out, size)
        assert image.size[0] == 1280, name
        assert _colours(image) > 50, f"{name} looks blank"


def test_a_number_opens_the_original_at_its_row(server: str, pages_archive: PagesArchive, tmp_path: Path) -> None:
    report_id = pages_archive.ids[(p.HONGZE, 2022)]
    dom = lxml_html.fromstring(dump_dom(f"{server}/nianbao/reports/{report_id}"))
    link = dom.xpath('//td[@data-row="new_requests"][@data-col="total"]/a[@class="cell-link"]')[0]
    assert "as printed" in link.getparent().get("title")
    href = link.get("href")
    view = lxml_html.fromstring(dump_dom(server + href))
    marked = view.xpath('//tr[@class="hit"]')
    assert len(marked) == 1
    assert marked[0].get("id") == href.rsplit("#", 1)[1]
    assert view.xpath('//tr[@class="hit"]/td[@class="hit-cell"]')[0].text_content().strip() == link.text_content()
    image = screenshot(server + href.split("#")[0], tmp_path / "original.png", "1280,900")
    assert _colours(image) > 50


def test_agency_page_charts_render_as_svg(server: str, pages_archive: PagesArchive) -> None:
    agency_id = Database(pages_archive.db_path)["reports"].get(pages_archive.edited_id)["agency_id"]
    dom = lxml_html.fromstring(dump_dom(f"{server}/nianbao/agencies/{agency_id}"))
    assert len(dom.xpath('//svg[@class="trend"]//polyline')) >= 6


def test_feed_from_the_running_server_is_atom(server: str) -> None:
    with urllib.request.urlopen(server + "/-/feeds/late.atom?province=%E5%9B%9B%E5%B7%9D%E7%9C%81", timeout=10) as r:
        feed = etree.fromstring(r.read())
    assert feed.tag == "{http://www.w3.org/2005/Atom}feed"
    assert feed.findall("{http://www.w3.org/2005/Atom}entry")
