"""Tests of the synthetic report generator (synth/): consistent records, and every layout printing them."""

from __future__ import annotations

import io
import json
import random
import re
import unicodedata
import zipfile

import docx
import pdfplumber
import pytest
from lxml import html as lxml_html

from synth import ERA_TEMPLATES, LAYOUTS, TEMPLATES, failing, random_record, render, write_corpus
from synth.labels import applicant_columns, request_rows, section_headings, template_variants, variant

FLOW = ("new_requests", "carried_over", "total_processed", "carried_forward")
UNITS = re.compile(r"(万元|元|件)$")


def n(value):
    return value or 0


def recompute(record) -> set[tuple[str, str]]:
    """The identities a record breaks, computed here independently of synth.identities."""
    req, bad = record["requests"], set()
    results = [r for r in req if r not in FLOW]
    six = [c["key"] for c in applicant_columns() if c["key"] != "total"]
    for col in [*six, "total"]:
        def cell(row, col=col):
            return n(req[row][col])
        if cell("new_requests") + cell("carried_over") != cell("total_processed") + cell("carried_forward"):
            bad.add(("T3.flow", col))
        if cell("total_processed") != sum(cell(r) for r in results):
            bad.add(("T3.results", col))
    bad |= {("T3.rowsum", r) for r, v in req.items() if n(v["total"]) != sum(n(v[c]) for c in six)}
    bad |= {("T4.sum", g) for g, v in record["review_litigation"].items()
            if n(v["total"]) != sum(n(v[k]) for k in ("upheld", "corrected", "other", "pending"))}
    stated = record["text_values"]["requests_received"]  # prose counts 新收, or 新收 + 结转
    new, carried = req["new_requests"]["total"], req["carried_over"]["total"]
    bases = [b for b in (new, None if new is None and carried is None else n(new) + n(carried)) if b is not None]
    if bases and stated not in bases:
        bad.add(("X.text", "requests_received"))
    return bad


def records(count: int, **kwargs):
    for seed in range(count):
        for template in TEMPLATES:
            yield random_record(random.Random(seed), template, **kwargs)


# ---------------------------------------------------------------- records


@pytest.mark.parametrize("blanks", [False, True])
def test_records_satisfy_all_identities(blanks):
    for record in records(80, blanks=blanks):
        assert recompute(record) == set()
        assert failing(record) == []


def test_break_arithmetic_lists_exactly_the_broken_identities():
    for record in records(80, blanks=True, break_arithmetic=True):
        planted = {(e["id"], e["scope"]) for e in record["_planted_errors"]}
        assert planted
        assert planted == recompute(record)


def test_record_shape_follows_the_template():
    for record in records(20, blanks=True):
        names = template_variants(record["template"])
        assert list(record["requests"]) == [r["key"] for r in request_rows(names["requests"])]
        other_rows = {"other_no_correction", "other_fee_unpaid", "other_misc"} & set(record["requests"])
        assert bool(other_rows) == (record["template"] == "gov2021")
        has_fee = "fee_amount_wan_yuan" in record["proactive"]["admin_fees"]
        assert has_fee == (record["template"] != "gov2019")
        assert record["title"] == f"{record['agency']}{record['year']}年政府信息公开工作年度报告"
        low, high = (2019, 2020) if record["template"] == "gov2019" else (2021, 2025)
        assert low <= record["year"] <= high
        assert [s["heading"] for s in record["sections"]] == [s["label_zh"] for s in section_headings()]
        year = record["year"]
        assert f"本报告所列数据统计期限为{year}年1月1日至{year}年12月31日" in record["sections"][0]["text"]
        assert "信息处理费" in record["sections"][5]["text"]
        json.dumps(record)


def test_values_are_non_negative_except_signed_columns():
    for record in records(30):
        cells = [(k, v) for t in ("requests", "review_litigation", "proactive") for row in record[t].values()
                 for k, v in row.items()]
        assert all(v is not None for _, v in cells)
        assert all(v >= 0 for k, v in cells if k != "change")
        decimal = ("fee_amount_wan_yuan", "procurement_amount")
        assert all(isinstance(v, int) for k, v in cells if k not in decimal)


def test_blanks_only_replace_zeros():
    for plain, blank in zip(records(20), records(20, blanks=True), strict=True):
        for table in ("proactive", "requests", "review_litigation"):
            for row, cells in blank[table].items():
                for key, value in cells.items():
                    assert value == plain[table][row][key] or (value is None and plain[table][row][key] == 0)
    blank = [v for r in records(5, blanks=True) for row in r["requests"].values() for v in row.values()]
    assert None in blank


def test_records_are_deterministic():
    a = random_record(random.Random(9), "mixed", blanks=True, break_arithmetic=True)
    assert a == random_record(random.Random(9), "mixed", blanks=True, break_arithmetic=True)


# ------------------------------------------------- reading rendered tables back (a tiny span-aware reader)


def html_matrices(data: bytes, encoding: str) -> list[list[list[str | None]]]:
    """Innermost <table>s as matrices; a position covered by a span is None."""
    root = lxml_html.document_fromstring(data.decode(encoding))
    return [expand_html(t) for t in root.xpath("//table[not(.//table)]")]


def expand_html(table) -> list[list[str | None]]:
    grid: dict[tuple[int, int], str | None] = {}
    for r, tr in enumerate(table.xpath(".//tr")):
        c = 0
        for td in tr.xpath("./td|./th"):
            while (r, c) in grid:
                c += 1
            rs, cs = int(td.get("rowspan", 1)), int(td.get("colspan", 1))
            for i in range(rs):
                for j in range(cs):
                    grid[r + i, c + j] = None
            grid[r, c] = td.text_content()
            c += cs
    rows, cols = max(r for r, _ in grid) + 1, max(c for _, c in grid) + 1
    return [[grid.get((r, c)) for c in range(cols)] for r in range(rows)]


def docx_matrices(data: bytes) -> list[list[list[str | None]]]:
    out = []
    for table in docx.Document(io.BytesIO(data)).tables:
        cells, cols = table._cells, len(table.columns)
        matrix = [[c.text for c in cells[i:i + cols]] for i in range(0, len(cells), cols)]
        for i, cell in enumerate(cells):
            r, c = divmod(i, cols)
            left = c and cells[i - 1]._tc is cell._tc
            above = r and cells[i - cols]._tc is cell._tc
            if left or above:
                matrix[r][c] = None
        out.append(matrix)
    return out


def text_matrices(text: str, sep: str) -> list[list[list[str | None]]]:
    """Runs of table lines (tab-separated or markdown pipes) as matrices."""
    out, current = [], []
    for line in [*text.split("\n"), ""]:
        if sep == "\t" and "\t" in line:
            current.append(line.split("\t"))
        elif sep == "|" and line.startswith("|"):
            if not line.startswith("|---"):
                current.append([c.strip() for c in line.strip("|").split(" | ")])
        elif current:
            out.append(current)
            current = []
    return out


def pdf_matrices(data: bytes) -> list[list[list[str | None]]]:
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        return [t.extract() for page in pdf.pages for t in page.find_tables()]


def norm(text: str | None) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text or ""))


def number(text: str | None):
    text = UNITS.sub("", norm(text))
    if not text:
        return None
    return float(text) if "." in text else int(text)


def read_tables(matrices, template: str) -> dict:
    """Tables 2–4 read back by label, the way a parser would (values by column position)."""
    names = template_variants(template)
    blocks = variant(names["proactive"])["blocks"]
    t2_rows = {norm(r["label_zh"]): r["key"] for b in blocks for r in b["rows"]}
    t2_cols = {norm(c["label_zh"]): c["key"] for b in blocks for c in b["columns"]}
    t3_rows = {norm(r["label_zh"]): r["key"] for r in request_rows(names["requests"])}
    out: dict = {"proactive": {}, "requests": {}, "review_litigation": {}}
    headers: dict[int, str] = {}
    for matrix in matrices:
        width = len(matrix[0])
        if width == 15:
            values = [number(v) for v in matrix[-1]]
            for g, key in enumerate(("review", "lit_direct", "lit_after_review")):
                out["review_litigation"][key] = dict(zip(("upheld", "corrected", "other", "pending", "total"),
                                                         values[5 * g:5 * g + 5], strict=True))
        for row in matrix:
            label = norm(row[0])
            if label == "信息内容":
                headers = {i: t2_cols[norm(t)] for i, t in enumerate(row) if i and norm(t)}
            elif label in t2_rows:
                out["proactive"][t2_rows[label]] = {k: number(row[i]) for i, k in headers.items()}
            elif width in (9, 10):
                labels = [norm(t) for t in row[:width - 7] if norm(t)]
                if labels and labels[-1] in t3_rows:
                    cols = [c["key"] for c in applicant_columns()]
                    out["requests"][t3_rows[labels[-1]]] = dict(zip(cols, map(number, row[-7:]), strict=True))
    return out


def matrices_of(data: bytes, layout: str):
    if layout.startswith("html"):
        return html_matrices(data, "gb18030" if layout == "html-gbk" else "utf-8")
    readers = {"docx": docx_matrices, "pdf": pdf_matrices,
               "tsv": lambda d: text_matrices(d.decode(), "\t"),
               "md": lambda d: text_matrices(d.decode(), "|")}
    return readers[layout](data)


# ---------------------------------------------------------------- renderers


@pytest.mark.parametrize("template", TEMPLATES)
@pytest.mark.parametrize("layout", list(LAYOUTS))
def test_layout_prints_every_table_cell(layout, template):
    seed = TEMPLATES.index(template) * 100 + list(LAYOUTS).index(layout)
    record = random_record(random.Random(seed), template, blanks=seed % 2 == 0)
    data, ext = render(record, layout, random.Random(seed))
    assert data
    assert ext == LAYOUTS[layout][0]
    tables = read_tables(matrices_of(data, layout), template)
    for key in ("proactive", "requests", "review_litigation"):
        assert tables[key] == record[key], key


@pytest.mark.parametrize("layout", list(LAYOUTS))
def test_rendering_is_deterministic(layout):
    record = random_record(random.Random(5), "gov2021", blanks=True)
    assert render(record, layout, random.Random(1)) == render(record, layout, random.Random(1))


def test_text_layouts_print_title_date_and_headings_in_order():
    record = random_record(random.Random(3), "gov2019")
    record["published"] = "2020-02-01"
    for layout in ("html-plain", "html-layout", "tsv", "md"):
        text = norm(lxml_html.document_fromstring(render(record, layout, random.Random(1))[0]).text_content()
                    if layout.startswith("html") else render(record, layout, random.Random(1))[0].decode())
        positions = [text.index(norm(s["heading"])) for s in record["sections"]]
        assert positions == sorted(positions), layout
        assert norm(record["title"]) in text
        assert "发布日期:2020-02-01" in text


def test_pdf_splits_table_3_over_two_pages():
    record = random_record(random.Random(11), "gov2021")
    data, _ = render(record, "pdf", random.Random(11))
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        pages = [i for i, page in enumerate(pdf.pages)
                 for t in page.find_tables() if len(t.extract()[0]) == 10]
        text = "".join(page.extract_text() for page in pdf.pages)
        last_line = pdf.pages[0].extract_text().splitlines()[-1]
    assert len(pages) == 2
    assert pages[1] == pages[0] + 1
    assert "自然人" in text
    assert "予以公开" in text
    assert "（本列数据的勾稽关系为" in text
    assert last_line == "- 1 -"


def test_docx_has_merged_cells():
    data, _ = render(random_record(random.Random(2), "gov2021"), "docx", random.Random(2))
    xml = zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml").decode()
    assert "w:gridSpan" in xml
    assert "w:vMerge" in xml


def test_gbk_html_is_not_utf8():
    data, _ = render(random_record(random.Random(2), "gov2019"), "html-gbk", random.Random(2))
    assert "charset=gb2312" in data.decode("gb18030")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")


def test_nbsp_and_layout_html_details():
    record = random_record(random.Random(4), "gov2019", blanks=True)
    record["published"] = "2020-01-31"
    nbsp = render(record, "html-nbsp", random.Random(4))[0].decode()
    assert "&nbsp;" in nbsp
    assert "本年新<br/>制作数量" in nbsp
    assert "<p align" in nbsp
    assert re.search(r">\d+件<", nbsp)
    page = render(record, "html-layout", random.Random(4))[0].decode()
    assert f'<meta name="ArticleTitle" content="{record["title"]}">' in page
    assert re.search(r'<meta name="PubDate" content="2020-01-31 \d\d:\d\d">', page)
    tree = lxml_html.document_fromstring(page)
    assert tree.xpath("//table//table//table//table")  # data tables sit three layout tables deep


def test_rowspan_alt_varies_the_layout():
    record = random_record(random.Random(6), "gov2021")
    page = render(record, "html-rowspan_alt", random.Random(6))[0].decode()
    assert "合计" in page
    assert "<thead>" in page
    assert re.search("[０-９]", page)


def test_flat_text_layouts():
    record = random_record(random.Random(8), "gov2021")
    tsv = render(record, "tsv", random.Random(8))[0].decode()
    assert "第二十条第（一）项\t\t\t\n" in tsv
    assert any(line.startswith("\t\t") for line in tsv.splitlines())
    md = render(record, "md", random.Random(8))[0].decode()
    assert "\n|---|---|---|---|\n" in md
    assert "| 行政复议 |" in md


def test_write_corpus(tmp_path):
    paths = write_corpus(tmp_path, 9, seed=3)
    assert len(paths) == 9
    assert {p.suffix for p in paths} == {".html", ".docx", ".pdf", ".txt", ".md"}
    for path in paths:
        record = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
        planted = {(e["id"], e["scope"]) for e in record.get("_planted_errors", [])}
        assert planted == recompute(record)
    assert [p.name for p in write_corpus(tmp_path / "again", 9, seed=3)] == [p.name for p in paths]


# ---------------------------------------------------------------- 2008–2018 eras


def era_records(count: int, **kwargs):
    for seed in range(count):
        for template in ERA_TEMPLATES:
            yield random_record(random.Random(seed), template, **kwargs)


def stat_failures(stats) -> set[tuple[str, str]]:
    """The statistics identities a table breaks, written out here independently of synth.statistics."""
    def c(key):
        return n(stats[key]["count"])
    sums = {"S.received": ("requests_received", ["received_in_person", "received_fax", "received_online",
                                                 "received_letter"]),
            "S.closed": ("requests_closed", ["closed_on_time", "closed_extended"]),
            "S.answered": ("requests_answered", ["answer_already_public", "answer_granted", "answer_partly",
                                                 "answer_refused", "answer_not_this_agency", "answer_not_exist",
                                                 "answer_redirect_change", "answer_redirect_other"]),
            "S.refused": ("answer_refused", [k for k in stats if k.startswith("refused_")]),
            "S.reviews": ("reviews", ["review_upheld", "review_corrected", "review_other"]),
            "S.lawsuits": ("lawsuits", ["lit_upheld", "lit_corrected", "lit_other"]),
            "S.staff": ("staff", ["staff_full_time", "staff_part_time"])}
    return {(cid, "count") for cid, (total, parts) in sums.items() if c(total) != sum(c(p) for p in parts)}


def test_era_records_follow_their_era():
    for record in era_records(40, blanks=True):
        low, high = {"stat2014": (2014, 2018), "legacy": (2008, 2013)}[record["template"]]
        assert low <= record["year"] <= high
        assert record["requests"] == record["proactive"] == record["review_litigation"] == {}
        assert bool(record["statistics"]) == (record["template"] == "stat2014")
        assert record["text_values"], "every era report states some figures in its prose"
        prose = "".join(s["text"] for s in record["sections"])
        assert all(str(v) in prose for v in record["text_values"].values())
        if record["statistics"]:
            assert stat_failures(record["statistics"]) == set() == {(f["id"], f["scope"]) for f in failing(record)}
            assert len(record["statistics"]) >= 40
        json.dumps(record)


def test_era_planted_errors_are_exactly_the_broken_identities():
    records_with_errors = [r for r in era_records(40, break_arithmetic=True) if r["statistics"]]
    assert records_with_errors
    for record in records_with_errors:
        planted = {(e["id"], e["scope"]) for e in record["_planted_errors"]}
        assert planted
        assert planted == stat_failures(record["statistics"])


@pytest.mark.parametrize("layout", list(LAYOUTS))
def test_era_layouts_print_the_statistics_table_and_prose(layout):
    record = random_record(random.Random(3), "stat2014")
    data, _ = render(record, layout, random.Random(3))
    width = 4 if layout == "html-rowspan_alt" else 3  # the alternative prints group labels as row spans
    stat = [m for m in matrices_of(data, layout) if m and len(m[0]) == width]  # a PDF splits it over pages
    assert stat, layout
    assert norm(stat[0][0][0]) == "统计指标"
    rows = {norm(row[-3]): row[-2:] for m in stat for row in m[1:]}
    assert number(rows[norm("（一）收到申请数")][1]) == record["statistics"]["requests_received"]["count"]
    assert norm(rows[norm("（二）通过不同渠道和方式公开政府信息的情况")][1]) == "——"
    assert norm(rows[norm("（三）接受培训人员数")][0]) == "人次"
