"""Copy-paste flags: reports whose tables repeat last year's numbers exactly, or whose text repeats another
agency's or last year's report beyond the template's boilerplate. Thresholds and template sentences live in
archive/data/flags.yaml. Pure functions first; refresh_flags() at the end reads and writes the database.
"""

from __future__ import annotations

import re
import zlib
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from importlib.resources import files
from pathlib import Path
from typing import Any

import yaml
from sqlite_utils import Database

CONFIG = files("archive").joinpath("data", "flags.yaml")  # package data (wheel, zip, egg)
SENTENCE_END = re.compile(r"[。；;！？!?\n]+")
LIST_MARK = re.compile(r"^[（(]?[一二三四五六七八九十\d]+[)）、.．]|^[一二三四五六七八九十]是")
DIGITS = re.compile(r"[0-9０-９]+(?:\.[0-9]+)?")
SPACE = re.compile(r"\s+")
VALID = "r.status IN ('ok', 'partial') AND r.is_current = 1"


@lru_cache(maxsize=2)
def load_config(path: Any = CONFIG) -> dict:
    with (Path(path) if isinstance(path, str) else path).open(encoding="utf-8") as f:
        return yaml.safe_load(f)


@dataclass
class Text:
    report_id: int
    agency_id: int | None
    year: int | None
    sentences: list[str]
    shingles: set[str] = field(default_factory=set)


def sentences(text: str, names: list[str]) -> list[str]:
    """Normalised sentences (or lines): no spaces or list markers, numbers as #, the agency's own names as 〇."""
    out = []
    for raw in SENTENCE_END.split(text or ""):
        s = SPACE.sub("", raw)
        for name in sorted((n for n in names if n), key=len, reverse=True):
            s = s.replace(name, "〇")
        s = DIGITS.sub("#", LIST_MARK.sub("", s))
        if len(s) >= 4:
            out.append(s)
    return out


def template_sentence(config: dict) -> Callable[[str], bool]:
    patterns = [re.compile(p) for p in config["boilerplate"]]
    return lambda sentence: any(p.search(sentence) for p in patterns)


def shingle_set(text: str, k: int) -> set[str]:
    return {text[i:i + k] for i in range(len(text) - k + 1)}


def own_shingles(texts: list[Text], config: dict) -> None:
    """Each text's shingles beyond boilerplate: the template's sentences (patterns) go first, then every shingle
    that the reports of `common_agencies` agencies or more print (the template's wording, a portal's page
    furniture). Kept sentences are joined without breaks, so a line wrapped in a PDF shingles as one line."""
    is_template = template_sentence(config)
    for t in texts:
        t.shingles = shingle_set("".join(s for s in t.sentences if not is_template(s)), config["shingle"])
    by_agency: dict[object, set[str]] = defaultdict(set)
    for t in texts:
        by_agency[t.agency_id if t.agency_id is not None else f"r{t.report_id}"] |= t.shingles
    counts: Counter = Counter()
    for shingles in by_agency.values():
        counts.update(shingles)
    common = {sh for sh, n in counts.items() if n >= config["common_agencies"]}
    for t in texts:
        t.shingles -= common


def jaccard(a: set, b: set) -> float:
    return len(a & b) / len(a | b) if a or b else 0.0


def _comparable(a: Text, b: Text) -> bool:
    """Another agency's report, or the same agency's report of the year before (never a version of itself)."""
    if a.agency_id is None or b.agency_id is None or a.agency_id != b.agency_id:
        return True
    return a.year is not None and b.year is not None and abs(a.year - b.year) == 1


def candidate_pairs(texts: list[Text], config: dict) -> set[tuple[int, int]]:
    """Pairs sharing enough sampled shingles (an inverted index over 1 in sample_mod shingles)."""
    postings: dict[str, list[int]] = defaultdict(list)
    for i, t in enumerate(texts):
        for sh in t.shingles:
            if zlib.crc32(sh.encode()) % config["sample_mod"] == 0:
                postings[sh].append(i)
    shared: Counter = Counter()
    for members in postings.values():
        if 1 < len(members) <= config["max_posting"]:
            for x in range(len(members)):
                for y in range(x + 1, len(members)):
                    shared[(members[x], members[y])] += 1
    return {pair for pair, n in shared.items() if n >= config["min_shared_samples"]}


def text_flags(texts: list[Text], config: dict) -> list[dict]:
    """Pairs whose text beyond boilerplate is at least `similarity` alike (the later report is flagged)."""
    own_shingles(texts, config)
    usable = [t for t in texts if len(t.shingles) >= config["min_shingles"]]
    flags = []
    for x, y in sorted(candidate_pairs(usable, config)):
        a, b = usable[x], usable[y]
        if not _comparable(a, b):
            continue
        score = jaccard(a.shingles, b.shingles)
        if score >= config["similarity"]:
            later, earlier = sorted((a, b), key=lambda t: (t.year or 0, t.report_id), reverse=True)
            kind = "text_repeats_last_year" if later.agency_id == earlier.agency_id else "text_repeats_other_agency"
            flags.append({"report_id": later.report_id, "other_report_id": earlier.report_id, "kind": kind,
                          "measure": round(score, 4), "threshold": config["similarity"],
                          "compared": len(later.shingles | earlier.shingles),
                          "detail": f"Jaccard of {config['shingle']}-character shingles beyond boilerplate"})
    return flags


def tables_repeat(this: dict[tuple, object], last: dict[tuple, object], config: dict) -> dict | None:
    """The measure when this year's cells equal last year's (cells printed in both), else None."""
    both = [k for k in this.keys() & last.keys() if this[k] is not None and last[k] is not None]
    if len(both) < config["min_cells"]:
        return None
    equal = [k for k in both if this[k] == last[k]]
    nonzero = sum(1 for k in equal if this[k] != 0)
    share = len(equal) / len(both)
    if share < config["equal_share"] or nonzero < config["min_nonzero"]:
        return None
    return {"measure": round(share, 4), "threshold": config["equal_share"], "compared": len(both),
            "detail": f"{len(equal)} of {len(both)} cells equal, {nonzero} of them not 0"}


# I/O edge ------------------------------------------------------------------------------------------------


def _texts(db: Database, sections: list[int]) -> list[Text]:
    rows = db.execute(
        f"SELECT r.id, r.agency_id, r.year, r.agency, a.name, d.name, d.short_name, "
        f"group_concat(s.text, char(10)) FROM reports r "
        f"JOIN sections s ON s.report_id = r.id AND s.no IN ({', '.join(map(str, map(int, sections)))}) "
        f"LEFT JOIN agencies a ON a.id = r.agency_id LEFT JOIN divisions d ON d.code = r.division_code "
        f"WHERE {VALID} GROUP BY r.id ORDER BY r.id").fetchall()
    return [Text(rid, aid, year, sentences(text, [printed, name, county, short]))
            for rid, aid, year, printed, name, county, short, text in rows]


def _cells(db: Database, report_id: int) -> dict[tuple, object]:
    return {(t, r, c): v for t, r, c, v in db.execute(
        "SELECT table_key, row_key, col_key, value FROM report_values WHERE report_id = ?", [report_id])}


def _table_flags(db: Database, config: dict) -> list[dict]:
    pairs = db.execute(
        f"SELECT r.id, p.id FROM reports r JOIN reports p ON p.agency_id = r.agency_id AND p.year = r.year - 1 "
        f"AND p.status IN ('ok', 'partial') AND p.is_current = 1 WHERE {VALID} AND r.agency_id IS NOT NULL "
        f"ORDER BY r.id").fetchall()
    flags = []
    for this_id, last_id in pairs:
        found = tables_repeat(_cells(db, this_id), _cells(db, last_id), config)
        if found:
            flags.append({"report_id": this_id, "other_report_id": last_id, "kind": "tables_repeat_last_year",
                          **found})
    return flags


def compute_flags(db: Database, config: dict | None = None) -> list[dict]:
    config = config or load_config()
    return _table_flags(db, config["tables"]) + text_flags(_texts(db, config["text"]["sections"]), config["text"])


def refresh_flags(db: Database, config: dict | None = None) -> int:
    """Recompute every flag of the archive (one transaction); returns how many there are."""
    from archive.db import write_transaction
    from archive.save import now

    flags = compute_flags(db, config)
    when = now()
    with write_transaction(db):  # BEGIN IMMEDIATE: a concurrent ingest waits for it (and it for the ingest)
        db["copy_flags"].delete_where()
        db["copy_flags"].insert_all([{**f, "computed_at": when} for f in flags])
    return len(flags)
