"""Discovery: homepage verification and its trouble cases (pure), then from division codes alone on the farm."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from archive.divisions import load_divisions
from crawler.discover import Check, check_homepage, column_links, sub_units, unit_status
from crawler.registry import load_registry, load_sub_units, sub_units_path, write_registry
from synth.farm import Farm
from tests.crawler.farmcrawl import FAST, env

DIVISIONS = load_divisions()
MIZHI, CHAOYANG_BJ, HONGZE = DIVISIONS["610827"], DIVISIONS["110105"], DIVISIONS["320813"]


def _page(title: str, site_id: str | None = None) -> str:
    meta = f'<meta name="SiteIDCode" content="{site_id}">' if site_id else ""
    return f"<html><head><title>{title}</title>{meta}</head><body><a href='/zwgk/'>政务公开</a></body></html>"


@pytest.mark.parametrize(("division", "title", "site_id", "outcome"), [
    (MIZHI, "米脂县人民政府", None, "verified"),
    (MIZHI, "首页 - 米脂县政府网", None, "verified"),
    (MIZHI, "中国·米脂", None, "verified"),
    (MIZHI, "欢迎访问", "6108270001", "verified"),  # SiteIDCode names the unit
    (MIZHI, "米脂县人民政府", "6108000001", "lookalike"),  # the prefecture's site code
    (MIZHI, "榆林市人民政府", None, "lookalike"),  # a prefecture's portal
    (MIZHI, "This domain is for sale", None, "lookalike"),  # parked
    (CHAOYANG_BJ, "长春市朝阳区人民政府", None, "lookalike"),  # the same name in another province
    (CHAOYANG_BJ, "朝阳区人民政府", None, "ambiguous"),  # two 朝阳区, nothing tells which
    (CHAOYANG_BJ, "北京市朝阳区人民政府", None, "verified"),
    (HONGZE, "洪泽县人民政府", None, "verified"),  # the county it was before it became a district
    (HONGZE, "", "3208290001", "verified"),  # and its old code
])
def test_homepage_verification(division, title: str, site_id: str | None, outcome: str) -> None:
    check = check_homepage(division, "www.x.gov.cn", 200, "http://www.x.gov.cn/", _page(title, site_id))
    assert check.outcome == outcome, check


def test_blocked_and_off_gov_redirects() -> None:
    body = _page("米脂县人民政府")
    waf = check_homepage(MIZHI, "www.mizhi.gov.cn", 412, "http://www.mizhi.gov.cn/", "", "瑞数 412")
    assert waf.outcome == "blocked"
    off = check_homepage(MIZHI, "www.mizhi.gov.cn", 200, "http://mizhi.parked-domains.com/", body)
    assert off.outcome == "lookalike"
    assert "redirected off" in off.note
    assert check_homepage(MIZHI, "www.mizhi.gov.cn", 404, "http://www.mizhi.gov.cn/", body).outcome == "unreachable"


def test_unit_status_order() -> None:
    def checks(*outcomes: str) -> list[Check]:
        return [Check(f"h{i}", o) for i, o in enumerate(outcomes)]

    assert unit_status(checks("unreachable", "lookalike", "blocked", "verified")) == "verified"
    assert unit_status(checks("unreachable", "blocked", "lookalike")) == "blocked"
    assert unit_status(checks("unreachable", "ambiguous", "blocked")) == "ambiguous"
    assert unit_status(checks("unreachable", "lookalike")) == "none_found"
    assert unit_status(checks("unreachable", "unreachable")) == "unreachable"
    assert unit_status([]) == "unreachable"


def test_column_links_by_text() -> None:
    body = ("<a href='/zwgk/'>政务公开</a><a href='/xxgk/nb/'>政府信息公开年报</a><a href='/news/'>新闻</a>"
            "<a href='/xxgk/nb/a.html'>米脂县2023年政府信息公开工作年度报告</a>")
    columns, platform = column_links("http://www.mizhi.gov.cn/", body)
    assert columns == ["http://www.mizhi.gov.cn/xxgk/nb/"]
    assert platform == ["http://www.mizhi.gov.cn/zwgk/"]


def test_sub_units_are_named_units_not_reports() -> None:
    body = ("<a href='http://czj.mizhi.gov.cn/'>米脂县财政局</a><a href='/xz/yhz/'>银州街道办事处</a>"
            "<a href='/nb/1.html'>米脂县教育局2023年政府信息公开工作年度报告</a><a href='/nb/2024/'>2024年度</a>"
            "<a href='http://www.yl.gov.cn/'>榆林市财政局</a><a href='http://czj.mizhi.com/'>米脂县统计局</a>")
    assert sub_units("http://www.mizhi.gov.cn/nb/", body, "610827") == [
        ("米脂县财政局", "department", "http://czj.mizhi.gov.cn/"),
        ("银州街道办事处", "township", "http://www.mizhi.gov.cn/xz/yhz/"),  # a township of 米脂 (townships.csv)
    ]


@pytest.mark.slow
def test_discovery_from_codes_alone_on_the_farm(tmp_path: Path) -> None:
    """Every farm county verified at its host with its 年报 column; each trouble scenario (old-domain redirect to
    a platform on the province's cluster, same-name county elsewhere, shared name, parked, off-gov mirror, WAF,
    no portal) classified as synth/farm/discovery.py plants it."""
    registry = tmp_path / "registry.csv"
    with Farm(seed=1) as farm:
        expected = farm.manifest()["discovery"]
        assert {e["kind"] for e in expected} == {"farm_site", "redirect", "lookalike", "ambiguous", "parked",
                                                 "offgov", "blocked", "none"}
        codes = {e["code"] for e in expected}
        write_registry([u for u in load_registry() if u.code in codes], registry)  # codes, no hosts
        command = [sys.executable, "-c", "from nianbao.cli import cli; cli()", "sources", "discover",
                   "--registry", str(registry), "--proxy", farm.proxy_url, *FAST]
        first = subprocess.run(command, env=env(), capture_output=True, text=True, timeout=300)
        assert first.returncode == 0, first.stderr[-3000:]
        units = {u.code: u for u in load_registry(registry)}
        assert set(units) == codes
        for e in expected:
            unit = units[e["code"]]
            assert unit.status == e["status"], (e, unit)
            assert unit.checked
            if e["status"] == "verified":
                assert unit.host == e["host"], (e, unit)
                assert unit.title
                assert unit.final_url
                assert e["column"] in unit.columns, (e, unit)
            else:
                assert not unit.columns
        assert not [r.url for r in farm.requests if r.outside and r.host.endswith("-gov-mirror.com")]
        # the departments each county links are rows of their own, with their 年报 column or their WAF
        departments = [s for s in farm.manifest()["sites"] if s["kind"] == "department"]
        assert departments
        rows = {(r.parent_code, r.agency): r for r in load_sub_units(sub_units_path(registry))}
        assert len(rows) == len(departments)
        for site in departments:
            row = rows[(site["county"]["adcode"], site["site_name"])]
            assert row.level == "department"
            assert urlsplit(row.url).hostname == site["host"]
            if site["waf"]:
                assert row.status == "blocked"
                assert not row.columns
            else:
                assert row.status == "verified"
                assert row.columns == [site["nb_url"]]
        again = subprocess.run(command, env=env(), capture_output=True, text=True, timeout=300)
        assert again.returncode == 0
        assert "'units': 0" in again.stdout  # nothing stale: a re-run re-checks nothing
