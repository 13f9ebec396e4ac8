"""Every file format portals publish: generated reports converted to DOC/WPS/ODT/RTF/XLS/ET/ODS/XLSX/ZIP
parse back to the same tables. LibreOffice makes the office formats; tests needing it skip without it."""

from __future__ import annotations

import io
import random
import zipfile
from concurrent.futures import ThreadPoolExecutor

import pytest

import synth
from parsers import parse, parse_all
from parsers.extract.office import convert, soffice_path
from parsers.sniff import sniff
from synth.render_xlsx import render_xlsx

TABLES = ("proactive", "requests", "review_litigation")
needs_soffice = pytest.mark.skipif(soffice_path() is None, reason="LibreOffice (soffice) is not installed")


def _record(seed: int, template: str = "gov2021") -> dict:
    return synth.random_record(random.Random(seed), template, blanks=seed % 2 == 0, break_arithmetic=seed % 3 == 0)


def _assert_tables(record: dict, parsed: dict, fmt: str, prose: bool = True) -> None:
    assert parsed["format"] == fmt
    assert parsed["status"] == "ok", (parsed["errors"], parsed["warnings"])
    for key in (*TABLES, "title", "year", "template"):
        assert parsed[key] == record[key], key
    if prose:
        assert [s["heading"] for s in parsed["sections"]] == [s["heading"] for s in record["sections"]]
    planted = {(f["id"], f["scope"]) for f in synth.failing(record)}
    assert {(c["id"], c["scope"]) for c in parsed["checks"] if not c["ok"]} == planted


@pytest.mark.parametrize(("seed", "template"), [(1, "gov2021"), (2, "gov2019"), (3, "mixed"), (6, "gov2021")])
def test_xlsx_tables_parse_cell_for_cell(seed: int, template: str) -> None:
    record = _record(seed, template)
    data = render_xlsx(record, merged_title=seed % 2 == 0)
    assert sniff(data, "report.xlsx") == "xlsx"
    _assert_tables(record, parse(data, "report.xlsx"), "xlsx", prose=False)


def test_sheet_numbers_print_as_the_sheet_shows_them() -> None:
    from parsers.extract.sheet import cell_text

    printed = [cell_text(v) for v in (5.0, 12.5, 7730.28, None, "  规章 ", 0.0)]
    assert printed == ["5", "12.5", "7730.28", "", "规章", "0"]


@needs_soffice
@pytest.mark.parametrize(("target", "name", "fmt"), [("xls", "r.xls", "xls"), ("xls", "r.et", "et"),
                                                     ("ods", "r.ods", "ods")])
def test_binary_and_open_spreadsheets(target: str, name: str, fmt: str) -> None:
    record = _record(5)
    data = convert(render_xlsx(record), "xlsx", target)
    assert sniff(data, name) == fmt
    _assert_tables(record, parse(data, name), fmt, prose=False)


@needs_soffice
@pytest.mark.parametrize(("target", "name", "fmt"), [("doc", "r.doc", "doc"), ("doc", "r.wps", "wps"),
                                                     ("odt", "r.odt", "odt"), ("rtf", "r.rtf", "rtf")])
def test_word_processor_formats(target: str, name: str, fmt: str) -> None:
    record = _record(4)
    docx, _ = synth.render(record, "docx", random.Random(4))
    data = convert(docx, "docx", target)
    assert sniff(data, name) == fmt
    _assert_tables(record, parse(data, name), fmt)


@needs_soffice
def test_concurrent_conversions_use_separate_profiles() -> None:
    """Two soffice runs at once: with a shared profile the second would fail or wait for the first."""
    records = [_record(10), _record(11)]
    docs = [synth.render(r, "docx", random.Random(i))[0] for i, r in enumerate(records)]
    with ThreadPoolExecutor(2) as pool:
        converted = list(pool.map(lambda d: convert(d, "docx", "doc"), docs))
    with ThreadPoolExecutor(2) as pool:
        parsed = list(pool.map(lambda d: parse(d, "r.doc"), converted))
    for record, result in zip(records, parsed, strict=True):
        _assert_tables(record, result, "doc")


def _zip(members: dict[str, bytes], gbk_names: bool = False) -> bytes:
    """With gbk_names, names are GBK bytes without the UTF-8 flag, as Windows zip tools write them: written
    under ASCII placeholders of the same length, then swapped in (names are outside the CRC)."""
    buf = io.BytesIO()
    swaps = []
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for i, (name, data) in enumerate(members.items()):
            raw = name.encode("gbk")
            placeholder = f"@{i:03d}".ljust(len(raw), "_") if gbk_names else name
            swaps.append((placeholder.encode(), raw))
            zf.writestr(placeholder, data)
    out = buf.getvalue()
    for placeholder, raw in swaps if gbk_names else []:
        out = out.replace(placeholder, raw)
    return out


def test_zip_of_reports_parses_each_member_as_its_own_document() -> None:
    records = [_record(20), _record(21, "gov2019"), _record(22)]
    rendered = [synth.render(r, lay, random.Random(i)) for i, (r, lay) in
                enumerate(zip(records, ("html-plain", "docx", "pdf"), strict=True))]
    names = [f"部门{i}.{ext}" for i, (_, ext) in enumerate(rendered)]
    data = _zip(dict(zip(names, (d for d, _ in rendered), strict=True)) | {"说明.txt": "附件说明".encode()},
                gbk_names=True)
    container = parse(data, "reports.zip")
    assert container["format"] == "zip"
    assert container["status"] == "not_a_report"
    assert [m["name"] for m in container["members"]] == [*names, "说明.txt"]
    members = parse_all(data, "reports.zip")
    assert [r["source"] for _, r in members] == [f"reports.zip!/{n}" for n in [*names, "说明.txt"]]
    for record, (_, parsed), (_, ext) in zip(records, members, rendered, strict=False):
        _assert_tables(record, parsed, ext)
    assert members[-1][1]["status"] == "not_a_report"


def test_zip_nested_one_level_is_followed_and_deeper_is_not() -> None:
    record = _record(30)
    html, _ = synth.render(record, "html-plain", random.Random(30))
    inner = _zip({"r.html": html})
    members = parse_all(_zip({"inner.zip": inner}), "outer.zip")
    assert [r["source"] for _, r in members] == ["outer.zip!/inner.zip!/r.html"]
    _assert_tables(record, members[0][1], "html")
    deep = parse_all(_zip({"a.zip": _zip({"b.zip": inner})}), "outer.zip")
    assert [(r["status"], r["errors"][0][:19]) for _, r in deep] == [("unparseable", "a zip nested more t")]


def test_zip_ingest_stores_and_saves_each_member(tmp_path) -> None:
    from nianbao.pipeline import Archive, ingest_bytes

    records = [_record(40), _record(41)]
    htmls = {f"r{i}.html": synth.render(r, "html-plain", random.Random(i))[0] for i, r in enumerate(records)}
    archive = Archive.open(tmp_path / "a")
    ingest_bytes(archive, _zip(htmls), "http://x.gov.cn/f/reports.zip", "reports.zip")
    rows = {r["source_url"]: r for r in archive.db["reports"].rows}
    assert rows["http://x.gov.cn/f/reports.zip"]["status"] == "not_a_report"
    for i, record in enumerate(records):
        row = rows[f"http://x.gov.cn/f/reports.zip!/r{i}.html"]
        assert row["status"] == "ok"
        assert row["year"] == record["year"]
        assert archive.store.read(row["sha256"]) == htmls[f"r{i}.html"]
