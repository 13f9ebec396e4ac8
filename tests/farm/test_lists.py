"""Every family's list pagination yields exactly the planted entries of each column."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import pytest

from synth.farm import FAMILIES
from tests.farm.client import Client
from tests.farm.listing import READERS, anchors, fetch_html, gkmlpt_config


def _columns(manifest: dict[str, Any], host: str) -> dict[str, set[str]]:
    """column URL -> article URLs of the reports planted there."""
    out: dict[str, set[str]] = defaultdict(set)
    for r in manifest["reports"]:
        if r["host"] == host:
            out[r["column_url"]].add(r["article_url"])
    return out


def _others(manifest: dict[str, Any]) -> set[str]:
    """List entries that are not reports: notices, dead links, the mirror copy."""
    t = manifest["trouble"]
    return ({n["url"] for n in manifest["notices"]} | {x["url"] for x in t["not_found"]}
            | {x["url"] for x in t["outside_links"]})


def test_default_farm_covers_every_family(sites: dict[str, dict[str, Any]]) -> None:
    families = {s["family"] for s in sites.values() if s["kind"] == "county"}
    assert families == set(FAMILIES)
    assert {s["encoding"] for s in sites.values()} == {"utf-8", "gbk-meta", "gbk-header"}


@pytest.mark.parametrize("family", FAMILIES)
def test_pagination_yields_every_planted_report(family: str, client: Client, manifest: dict[str, Any],
                                                sites: dict[str, dict[str, Any]]) -> None:
    hosts = [h for h, s in sites.items() if s["kind"] == "county" and s["family"] == family]
    assert hosts
    others = _others(manifest)
    most = 0
    for host in hosts:
        for column_url, planted in _columns(manifest, host).items():
            entries, pages = READERS[family](client, column_url)
            found = {url for _, url in entries}
            assert planted <= found, f"{column_url}: missing {planted - found}"
            assert found - planted <= others, f"{column_url}: unexpected {found - planted - others}"
            assert len(entries) == len(found), "an entry is listed twice"
            most = max(most, pages)
    assert most >= 2, f"no {family} column has a second page"


def test_some_column_has_three_or_more_pages(client: Client, manifest: dict[str, Any],
                                             sites: dict[str, dict[str, Any]]) -> None:
    most = 0
    for host, site in sites.items():
        if site["kind"] == "county":
            for column_url in _columns(manifest, host):
                most = max(most, READERS[site["family"]](client, column_url)[1])
    assert most >= 3


def test_year_and_unit_subcolumns(sites: dict[str, dict[str, Any]]) -> None:
    names = {c["name"] for s in sites.values() if s["kind"] == "county" for c in s.get("columns", [])}
    assert any(n.endswith("年度") for n in names)
    assert any("部门" in n or "单位" in n for n in names)
    assert any("镇" in n or "乡" in n for n in names)


def test_reports_of_every_level_form_and_template(manifest: dict[str, Any]) -> None:
    reports = manifest["reports"]
    assert {r["level"] for r in reports} == {"county_gov", "department", "township"}
    assert {r["template"] for r in reports} == {"gov2019", "gov2021", "mixed"}
    assert {"inline", "pdf", "docx", "inline+pdf", "doc", "wps", "xls", "images"} <= {r["form"] for r in reports}
    assert any(r["errors_planted"] and r["planted_errors"] for r in reports)
    for r in reports:
        assert (r["template"] == "gov2019") == (r["year"] <= 2020)


def test_home_links_lead_to_the_nianbao_column(client: Client, sites: dict[str, dict[str, Any]]) -> None:
    """Discovery by link text: home -> 政务公开/信息公开 (through a meta-refresh shell) -> 年报 link."""
    for site in sites.values():
        if site["kind"] != "county":
            continue
        home = fetch_html(client, site["home_url"])
        entry = next(h for t, h in anchors(home, site["home_url"], "//div[@class='nav']//a | //td//a")
                     if t in ("政务公开", "信息公开", "政府信息公开"))
        page = fetch_html(client, entry)
        if 'http-equiv="refresh"' in page:
            entry = anchors(f'<a href="{page.split("url=")[1].split(chr(34))[0]}">x</a>', entry, "//a")[0][1]
            page = fetch_html(client, entry)
        assert entry == site["platform_url"]
        if site["family"] == "gkmlpt":
            tree = gkmlpt_config(page)["TREE"]
            node = next(n for n in tree if "年报" in n["name"] or "年度报告" in n["name"])
            assert site["nb_url"].endswith(f"#{node['id']}")
            continue
        links = [h for t, h in anchors(page, entry, "//a") if "年报" in t or "年度报告" in t]
        assert site["nb_url"] in links
