"""A small but realistic archive for the Datasette tests, built through the real pipeline.

Synthetic reports (synth) over four real counties, several agencies and years, with planted cases: one
report whose arithmetic fails, one whose title, agency, section text and a cell's raw text carry HTML/JS
payloads, a late report, a missing year, matching and mismatching carry-overs between years, and words
planted in section text for the 1-, 2- and ≥3-character searches. The shared corpus is added when present.
"""

from __future__ import annotations

import hashlib
import random
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from sqlite_utils import Database

import synth
from archive import textdb
from archive.directory import Archive
from nianbao.pipeline import ingest_bytes

SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=\"document.body.setAttribute('data-pwned','1')\">"
TITLE_SCRIPT = "<script>document.title='PWNED'</script>"
# Words planted in one section each: none occurs in synth's prose.
WORD_1, WORD_2, WORD_3 = "鳄", "麒麟", "鹦鹉螺号"

HONGZE, HONGZE_FIN = "淮安市洪泽区人民政府", "淮安市洪泽区财政局"
HAIYUAN, HAIYUAN_EDU = "海原县人民政府", "海原县教育局"
QINGTIAN, QINGTIAN_HEALTH = "青田县人民政府", "青田县卫生健康局"
WUHOU, WUHOU_CIVIL = "成都市武侯区人民政府", "武侯区民政局"
TOWNSHIP = "洪泽区高良涧街道办事处"
INJECTION_AGENCY = "海原县审计局" + SCRIPT
INJECTION_URL = "javascript:alert(1)//injection.html"  # a source URL must never become a live link

UNKNOWN = ("海原县财政局", 2023)  # every 不予公开 cell printed blank: its refusal rate is unknown, not 0
SPELLINGS = (("洪泽区人民政府", 2020), HONGZE)  # one agency under two printed names (2020 vs 2021-2024)
NO_TABLES = ("青田县教育局", 2024)  # a report page whose tables were not read: its checks neither pass nor fail
NO_TABLES_HTML = ("<html><head><title>青田县教育局2024年政府信息公开工作年度报告</title></head><body>"
                  "<h1>青田县教育局2024年政府信息公开工作年度报告</h1><p>一、总体情况</p><p>2024年，我局认真贯彻落实条例。</p>"
                  "<p>二、主动公开政府信息情况</p><p>详见附表。</p></body></html>").encode()
CHECKED = ("640522", "2025-06-01T08:00:00Z")  # 海原县: its column was crawled; late/missing judged there only
# (agency, year, template, layout)
PLAN = [
    *[(HONGZE, y, "gov2021", "html-plain") for y in (2021, 2022, 2023, 2024)],
    (HAIYUAN, 2019, "gov2019", "html-plain"), (HAIYUAN, 2020, "gov2019", "html-nbsp"),
    (HAIYUAN, 2021, "gov2021", "html-layout"), (HAIYUAN, 2023, "gov2021", "html-plain"),
    (HAIYUAN, 2024, "mixed", "html-plain"),
    *[(QINGTIAN, y, "gov2021", "html-rowspan_alt") for y in (2022, 2023, 2024)],
    (QINGTIAN, 2021, "gov2021", "html-plain"),
    (WUHOU, 2021, "gov2021", "pdf"), (WUHOU, 2023, "gov2021", "html-plain"), (WUHOU, 2024, "gov2021", "html-gbk"),
    *[(HONGZE_FIN, y, "gov2021", "html-plain") for y in (2021, 2022, 2023, 2024)],
    (HAIYUAN_EDU, 2022, "gov2021", "html-plain"), (HAIYUAN_EDU, 2023, "gov2021", "tsv"),
    (WUHOU_CIVIL, 2022, "gov2021", "html-nbsp"), (WUHOU_CIVIL, 2023, "gov2021", "html-plain"),
    (WUHOU_CIVIL, 2024, "gov2021", "md"),
    (QINGTIAN_HEALTH, 2023, "gov2021", "docx"), (TOWNSHIP, 2023, "gov2021", "html-plain"),
    (TOWNSHIP, 2024, "gov2021", "html-plain"),
    (None, 2022, "gov2021", "html-plain"), (None, 2023, "gov2021", "html-plain"),
    (UNKNOWN[0], UNKNOWN[1], "gov2021", "html-plain"), (SPELLINGS[0][0], SPELLINGS[0][1], "gov2021", "html-plain"),
]
BROKEN = (QINGTIAN, 2023)
BLANKS = {(HONGZE_FIN, 2024), (WUHOU_CIVIL, 2023), (HAIYUAN_EDU, 2022)}  # some zero cells printed blank
LATE = (WUHOU, 2023, "2024-05-10")
MATCHED = (HONGZE, 2022, 2023)  # 结转下年 of 2022 equals 上年结转 of 2023, column by column
SEARCH = {(HONGZE, 2022): WORD_1, (HAIYUAN, 2021): WORD_2, (QINGTIAN, 2024): WORD_3}


def archive_db(path: Path) -> Database:
    """The built numbers database with its text database attached as the writer and Datasette attach it
    (archive/textdb.py), read-only: sections are read by their plain name."""
    db = Database(sqlite3.connect(f"file:{path}", uri=True))
    db.execute(f"ATTACH DATABASE ? AS {textdb.SCHEMA}", [textdb.file_uri(textdb.text_path(path))])
    return db


@dataclass
class Built:
    root: Path
    db_path: Path
    ids: dict[tuple, int] = field(default_factory=dict)  # (agency, year) -> report id
    records: dict[tuple, dict] = field(default_factory=dict)
    shas: dict[tuple, str] = field(default_factory=dict)
    injection_id: int = 0
    corpus_ids: dict[str, int] = field(default_factory=dict)  # file name -> report id


def _recount(table: dict, row: str) -> None:
    cols = table[row]
    cols["total"] = sum(v or 0 for k, v in cols.items() if k != "total")


def _match_carry_over(before: dict, after: dict) -> None:
    """Zero 结转下年 of `before` and 上年结转 of `after`, rebalancing 新收 so every identity still holds."""
    for record, row in ((before, "carried_forward"), (after, "carried_over")):
        req = record["requests"]
        for col in req[row]:
            if col == "total":
                continue
            req[row][col] = 0
            req["new_requests"][col] = (req["total_processed"][col] + req["carried_forward"][col]
                                        - req["carried_over"][col])
        _recount(req, row)
        _recount(req, "new_requests")


def _records(rng: random.Random) -> dict[tuple, dict]:
    records = {}
    for agency, year, template, _ in PLAN:
        key = (agency or f"synth-{year}", year)
        records[key] = synth.random_record(rng, template, agency=agency, year=year, blanks=key in BLANKS,
                                           break_arithmetic=key == BROKEN)
    _match_carry_over(records[(MATCHED[0], MATCHED[1])], records[(MATCHED[0], MATCHED[2])])
    records[LATE[:2]]["published"] = LATE[2]
    for row, cols in records[UNKNOWN]["requests"].items():
        if row.startswith("denied_"):
            for col in cols:
                cols[col] = None
    for key, word in SEARCH.items():
        records[key]["sections"][4]["text"] += f"另据统计，{word}相关申请已办结。"
    return records


def _injection_bytes(rng: random.Random) -> bytes:
    record = synth.random_record(rng, "gov2021", agency="海原县审计局", year=2022)
    record["title"] = IMG + INJECTION_AGENCY + TITLE_SCRIPT + "2022年政府信息公开工作年度报告"
    record["sections"][0]["text"] += IMG + SCRIPT + TITLE_SCRIPT
    data, _ = synth.render(record, "html-plain", rng)
    return data


def build(root: Path, corpus: Path | None = None, seed: int = 7) -> Built:
    rng = random.Random(seed)
    archive = Archive.open(root)
    built = Built(root, root / "nianbao.db")
    built.records = _records(rng)
    layouts = {(agency or f"synth-{year}", year): layout for agency, year, _, layout in PLAN}
    for key, record in built.records.items():
        data, ext = synth.render(record, layouts[key], rng)
        ingest_bytes(archive, data, f"https://example.gov.cn/gk/{len(built.shas):03d}.{ext}", f"r.{ext}")
        built.shas[key] = hashlib.sha256(data).hexdigest()
    ingest_bytes(archive, _injection_bytes(rng), INJECTION_URL, "injection.html")
    ingest_bytes(archive, NO_TABLES_HTML, "https://example.gov.cn/gk/no-tables.html", "no-tables.html")
    db = archive.db
    for key, sha in built.shas.items():
        built.ids[key] = db.execute("SELECT id FROM reports WHERE sha256 = ?", [sha]).fetchone()[0]
    built.ids[NO_TABLES] = db.execute("SELECT id FROM reports WHERE source_url LIKE '%no-tables.html'").fetchone()[0]
    built.injection_id = db.execute("SELECT id FROM reports WHERE source_url LIKE '%injection.html'").fetchone()[0]
    # Today's parsers drop a cell whose text is not a number; a later one may keep it as raw text, so the
    # site must escape `raw` too. Simulate that on one blank cell of the injection report.
    db.execute("UPDATE report_values SET raw = ? WHERE report_id = ? AND table_key = 'requests' AND "
               "(row_key, col_key) = (SELECT row_key, col_key FROM report_values WHERE report_id = ? "
               "AND table_key = 'requests' ORDER BY grid_row, grid_col LIMIT 1)",
               [SCRIPT, built.injection_id, built.injection_id])
    # A crawl read 海原县's 年报 column in June 2025 (reports 2019-2024 listed); no crawl ever read 武侯区's.
    db["columns_crawled"].insert({"crawl_id": 1, "source_id": 1, "division_code": CHECKED[0], "checked_at": CHECKED[1],
                           "column_url": "https://www.hy.gov.cn/zwgk/ndbg/", "first_year": 2019, "last_year": 2024})
    db.conn.commit()
    if corpus is not None:
        for path in sorted(p for p in corpus.iterdir() if p.is_file() and p.suffix != ".md"):
            data = path.read_bytes()  # as `nianbao ingest` does: no sidecar here, so the source URL is unknown
            ingest_bytes(archive, data, f"ingest:{path.name}", path.name, {})
            row = db.execute("SELECT id FROM reports WHERE sha256 = ?", [hashlib.sha256(data).hexdigest()]).fetchone()
            built.corpus_ids[path.name] = row[0]
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.execute("PRAGMA journal_mode = DELETE")
    db.close()
    return built


if __name__ == "__main__":  # pragma: no cover - manual: python -m tests.datasette.build DIR
    import sys

    b = build(Path(sys.argv[1]), Path(sys.argv[2]) if len(sys.argv) > 2 else None)
    print(b.db_path, len(b.ids), b.injection_id, b.corpus_ids)
    print(Database(b.db_path).execute("select status, count(*) from reports group by 1").fetchall())
