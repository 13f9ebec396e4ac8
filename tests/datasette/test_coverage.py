"""Coverage you can see: `nianbao sources coverage` and the Datasette coverage table and map, on a real archive."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from click.testing import CliRunner

import synth
from archive import registry_table
from crawler.coverage import by_province, by_unit, open_archive
from crawler.registry import Unit, build, write_registry
from nianbao.cli import cli
from nianbao.pipeline import Archive, ingest_paths
from nianbao.serve import prepare
from tests.datasette.conftest import Client, make_datasette

COLUMN = "http://www.dongzhi.gov.cn/Xxgknb/"


def _reports(folder: Path) -> None:
    """洪泽 under its old county name (2014) and as a district (2022); 桐梓 twice."""
    rng = random.Random(5)
    for i, (agency, year) in enumerate([("洪泽县人民政府", 2014), ("洪泽区人民政府", 2022),
                                        ("桐梓县人民政府", 2021), ("桐梓县人民政府", 2022)]):
        record = synth.random_record(rng, synth.TEMPLATES[0])
        record.update(agency=agency, year=year, title=f"{agency}{year}年政府信息公开工作年度报告")
        data, ext = synth.render(record, "html-plain", rng)
        (folder / f"r{i}.{ext}").write_bytes(data)


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("coverage")
    (root / "in").mkdir()
    _reports(root / "in")
    stores = Archive.open(root / "a")
    ingest_paths(stores, [root / "in"])
    stores.db.conn.close()
    registry = root / "registry.csv"
    write_registry(build([
        Unit("610827", "米脂县", "陕西省", "榆林市", status="blocked", host="www.mizhi.gov.cn", checked="2026-11-02"),
        Unit("341721", "东至县", "安徽省", "池州市", status="verified", host="www.dongzhi.gov.cn",
             final_url="http://www.dongzhi.gov.cn/", title="东至县人民政府", checked="2026-11-03", column_urls=COLUMN),
        Unit("130123", "正定县", "河北省", "石家庄市", status="verified", host="www.zd.gov.cn",
             final_url="http://www.zd.gov.cn/", title="正定县人民政府", checked="2026-11-04"),
    ], []), registry)
    db = open_archive(root / "a", refresh=False)
    registry_table.refresh(db, registry)
    # the 东至 年报 column was crawled and held no report: a fetch of it, nothing archived from it
    db["documents"].insert({"sha256": "0" * 64, "size": 10, "format": "html", "first_seen": "2026-11-03"})
    db["fetches"].insert({"sha256": "0" * 64, "url": COLUMN, "final_url": COLUMN, "http_status": 200,
                          "fetched_at": "2026-11-03T00:00:00Z", "outcome": "list"})
    db.conn.commit()
    db.conn.close()
    return root / "a"


def test_findings_tell_nothing_found_yet_from_not_published(archive: Path) -> None:
    db = open_archive(archive, refresh=False)
    units = {r["division_code"]: r for r in by_unit(db)}
    assert len(units) == 2846
    assert units["320813"]["finding"] == "archived"
    assert units["320813"]["reports_by_year"] == "2014:1 2022:1"  # the old county's report stays with the district
    assert units["520322"]["reports"] == 2
    assert units["341721"]["finding"] == "not_published"
    assert units["341721"]["column_found"] == 1
    assert units["130123"]["finding"] == "portal_only"
    assert units["610827"]["finding"] == "blocked"
    assert units["110101"]["finding"] == "nothing_found_yet"
    assert units["110101"]["reports"] == 0
    provinces = {r["province"]: r for r in by_province(db)}
    assert len(provinces) == 31
    assert provinces["江苏省"]["with_reports"] == 1
    assert provinces["江苏省"]["reports"] == 2
    assert provinces["安徽省"]["not_published"] == 1
    assert provinces["陕西省"]["blocked"] == 1
    assert provinces["北京市"]["nothing_found_yet"] == provinces["北京市"]["units"] == 16
    db.conn.close()


def test_datasette_serves_the_coverage_table_and_map(archive: Path) -> None:
    client = Client(make_datasette(prepare(archive / "nianbao.db")))
    rows = client.json("/nianbao/coverage_map.json", finding="blocked")
    assert [r["division_code"] for r in rows] == ["610827"]
    assert rows[0]["latitude"]
    assert rows[0]["longitude"]
    assert len(client.json("/nianbao/coverage_map.json", finding="nothing_found_yet")) == 1000  # a page of them
    page = client.get("/nianbao/coverage_map", finding="")
    assert "datasette-cluster-map" in page.text
    # the view itself is the full map layer: every unit, paged through by the map plugin
    view = client.get("/nianbao/coverage")
    assert view.status_code == 200
    assert "datasette-cluster-map" in view.text
    first = client.get("/nianbao/coverage.json", _size="max").json()
    assert first["filtered_table_rows_count"] == 2846
    assert first["next_url"]
    facets = client.get("/nianbao/coverage.json", _facet="finding", _size="0").json()
    counts = {f["value"]: f["count"] for f in facets["facet_results"]["finding"]["results"]}
    assert counts["archived"] == 2
    assert counts["not_published"] == 1
    assert counts["nothing_found_yet"] > 2800
    registry = client.json("/nianbao/registry.json", code="341721")
    assert registry[0]["title"] == "东至县人民政府"
    assert registry[0]["checked"] == "2026-11-03"


def test_cli_coverage_per_province_and_unit(archive: Path) -> None:
    result = CliRunner().invoke(cli, ["sources", "coverage", "--archive", str(archive), "--by", "unit",
                                      "--province", "3208"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].split("\t")[:3] == ["division_code", "county", "province"]
    hongze = next(line for line in lines if line.startswith("320813"))
    assert "2014:1 2022:1" in hongze
    assert "archived" in hongze
    missing = CliRunner().invoke(cli, ["sources", "coverage", "--archive", str(archive.parent / "none")])
    assert missing.exit_code != 0
    assert "no archive" in missing.output
