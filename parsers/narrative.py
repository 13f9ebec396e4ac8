"""Figures stated in prose, with the sentence as provenance (templates/narrative.yaml holds the phrasings).

Early reports (2008–2013) have no national table: their numbers live in sentences such as
"全年共受理政府信息公开申请123件，其中同意公开98件". These become text values with source kind `text`,
kept apart from table cells. Precision comes first: approximate, relative, cumulative or ranged figures
are rejected, and a key stated with two different values is dropped.
"""

from __future__ import annotations

import fnmatch
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files
from typing import Any

import yaml

from parsers.models import Document, Paragraph

FILE = files("parsers.templates").joinpath("narrative.yaml")  # package data (wheel, zip, egg)
SENTENCE_MAX = 300
WRAPPED_LINE_MIN = 20  # a PDF line this long without closing punctuation continues on the next line
_SPACE = re.compile(r"\s+")
_FIGURE_HINT = re.compile(r"[\d未没]")
_GROUP_NAME = re.compile(r"\(\?P<\w+>")
_BACKREF = re.compile(r"\\[1-9]|\(\?P=|\(\?\(")
_CLOSED = re.compile(r"[。！？；：!?;:]$")
_NUMBERED = re.compile(r"^(?:[一二三四五六七八九十]+[、.．]|[(（][一二三四五六七八九十\d]+[)）]|\d+[.、．])")


@dataclass(frozen=True)
class Pattern:
    key: str
    regex: re.Pattern[str]
    context: tuple[str, ...]
    value: int | None
    unit: str | None
    other_period: bool  # names another year on purpose (上年结转): the other-period words do not void it


@dataclass(frozen=True)
class Rules:
    patterns: tuple[Pattern, ...]
    sentence_split: re.Pattern[str]
    clause_split: re.Pattern[str]
    reject_after: re.Pattern[str]
    reject_before: tuple[str, ...]
    forbid: tuple[str, ...]
    other_period: tuple[str, ...]
    default_units: dict[str, str]
    compare: dict[str, list[list[str]]]
    compare_templates: tuple[str, ...]


def _expand(pattern: str, macros: dict[str, str]) -> str:
    for name, body in macros.items():
        pattern = pattern.replace("{" + name + "}", body)
    return pattern


@lru_cache(maxsize=1)
def rules() -> Rules:
    data = yaml.safe_load(FILE.read_text(encoding="utf-8"))
    contexts = data["contexts"]
    patterns = tuple(
        Pattern(p["key"], re.compile(_expand(p["pattern"], data["macros"])),
                tuple(contexts[p["context"]]) if "context" in p else (), p.get("value"), p.get("unit"),
                bool(p.get("other_period")))
        for p in data["patterns"]
    )
    return Rules(patterns, re.compile(data["sentence_split"]), re.compile(data["clause_split"]),
                 re.compile(data["reject_after"]), tuple(data["reject_before_number"]),
                 tuple(data["clause_forbid"]), tuple(data["other_period"]), data["default_units"], data["compare"],
                 tuple(data["compare_templates"]))


def fold(text: str) -> str:
    """NFKC (full-width digits and punctuation to ASCII) without whitespace: 1 件 → 1件."""
    return _SPACE.sub("", unicodedata.normalize("NFKC", text))


def _number(text: str) -> int | float:
    text = text.replace(",", "")
    return float(text) if "." in text else int(text)


@lru_cache(maxsize=256)
def _any_word(words: tuple[str, ...]) -> Callable[[str], re.Match[str] | None]:
    """`any(word in text for word in words)` as one C-level regex search (words are literal phrases)."""
    return re.compile("|".join(map(re.escape, words)) if words else "(?!)").search


_PREFILTERS: dict[int, tuple[Rules, Callable[[str], re.Match[str] | None]]] = {}


def _any_pattern(rule: Rules) -> Callable[[str], re.Match[str] | None]:
    """One regex search answering "does any pattern match somewhere in this clause?" (its patterns as one
    alternation, group names dropped). Most clauses with a digit match none: they skip the patterns one by one."""
    hit = _PREFILTERS.get(id(rule))
    if hit is None or hit[0] is not rule:
        alternation = "|".join(f"(?:{_GROUP_NAME.sub('(?:', p.regex.pattern)})" for p in rule.patterns)
        try:
            if _BACKREF.search(alternation) or any(p.regex.flags & ~re.UNICODE for p in rule.patterns):
                raise re.error("group numbers or flags would change in one alternation")
            search = re.compile(alternation or "(?!)").search
        except re.error:  # a pattern that cannot be combined: no prefilter
            search = re.compile("").search
        hit = _PREFILTERS[id(rule)] = (rule, search)
    return hit[1]


def _match_clause(clause: str, sentence: str, rule: Rules,
                  in_context: dict[tuple[str, ...], bool]) -> list[tuple[Pattern, re.Match[str]]]:
    """in_context: whether the sentence holds one of a context's words (filled per sentence, shared by its clauses)."""
    if _any_word(rule.forbid)(clause):
        return []
    out = []
    elsewhen = _any_word(rule.other_period)(clause) is not None
    for pattern in rule.patterns:
        if pattern.context:
            ok = in_context.get(pattern.context)
            if ok is None:
                ok = in_context[pattern.context] = _any_word(pattern.context)(sentence) is not None
            if not ok:
                continue
        if elsewhen and not pattern.other_period:
            continue
        for m in pattern.regex.finditer(clause):
            if pattern.value is None:
                if rule.reject_after.match(clause[m.end():]):
                    continue
                if clause.endswith(rule.reject_before, 0, m.start("n")):
                    continue
            out.append((pattern, m))
    return out


def _found(pattern: Pattern, m: re.Match[str], sentence: str, rule: Rules) -> dict[str, Any]:
    value = pattern.value if pattern.value is not None else _number(m.group("n"))
    unit = m.groupdict().get("u") or pattern.unit or rule.default_units.get(pattern.key, "件")
    return {"key": pattern.key, "value": value, "unit": unit, "raw": m.group(0), "sentence": sentence[:SENTENCE_MAX],
            "source_kind": "text"}


def _unwrap(text: str) -> str:
    """Join lines a PDF wrapped inside a sentence (so 共受理申请12 / 3件 reads 123件)."""
    lines = [ln.strip() for ln in text.split("\n") if ln.strip()]
    out: list[str] = []
    for line in lines:
        prev = out[-1] if out else ""
        if prev and len(prev) >= WRAPPED_LINE_MIN and not _CLOSED.search(prev) and not _NUMBERED.match(line):
            out[-1] = prev + line
        else:
            out.append(line)
    return "\n".join(out)


def prose_text(doc: Document) -> str:
    """The document's prose: paragraphs with wrapped lines joined and the text of table cells left out
    (a PDF page's text also holds its tables' cells; those numbers belong to the tables)."""
    cells: dict[int, str] = {}
    for table in doc.tables:
        for page in [p for p in table.pages or [table.page] if p is not None]:  # only PDF tables have pages
            cells[page] = cells.get(page, "") + "\u0000".join(fold(c) for row in table.grid for c in row)
    if not cells:  # no table printed on a page (HTML, text): nothing to drop, one comprehension
        return "\n".join([block.text.strip() if "\n" not in block.text else _unwrap(block.text)
                          for block in doc.blocks if isinstance(block, Paragraph)])
    parts = []
    for block in doc.blocks:
        if not isinstance(block, Paragraph):
            continue
        in_cells = cells.get(block.page, "") if block.page is not None else ""
        if not in_cells and "\n" not in block.text:  # one line, nothing to drop or join (HTML paragraphs)
            parts.append(block.text.strip())
            continue
        kept = [ln for ln in block.text.split("\n") if not (in_cells and fold(ln) and fold(ln) in in_cells)]
        parts.append(_unwrap("\n".join(kept)))
    return "\n".join(parts)


def find_figures(text: str) -> list[dict[str, Any]]:
    """Every figure a pattern finds, in text order (before conflicts are resolved)."""
    rule = rules()
    any_pattern = _any_pattern(rule)
    out = []
    for raw_sentence in rule.sentence_split.split(unicodedata.normalize("NFKC", text)):
        if not _FIGURE_HINT.search(raw_sentence):  # removing spaces adds no digit: skip before folding
            continue
        sentence = _SPACE.sub("", raw_sentence)
        in_context: dict[tuple[str, ...], bool] = {}
        for clause in rule.clause_split.split(sentence):
            if not _FIGURE_HINT.search(clause) or not any_pattern(clause):
                continue  # no digit and no 未/没 (zero forms), or no pattern matches: nothing to find here
            out.extend(_found(p, m, sentence, rule) for p, m in _match_clause(clause, sentence, rule, in_context))
    return out


def text_values(text: str) -> tuple[list[dict[str, Any]], list[str]]:
    """One value per key; a key stated with different values is dropped, with a warning."""
    by_key: dict[str, list[dict[str, Any]]] = {}
    for figure in find_figures(text):
        by_key.setdefault(figure["key"], []).append(figure)
    values, warnings = [], []
    for key, found in by_key.items():
        distinct = sorted({(f["value"], f["unit"]) for f in found}, key=str)
        if len(distinct) == 1:
            values.append(found[0])
        else:
            stated = ", ".join(f"{v}{u}" for v, u in distinct)
            warnings.append(f"text: {key} is stated as {stated}; none of them is kept")
    return values, warnings


@lru_cache(maxsize=1024)
def _path(path: str) -> tuple[str, Callable[[str], object], str]:
    """table, a matcher of row names (the row part is a shell-style pattern), column: compiled once."""
    table, row, col = path.split(".")
    return table, re.compile(fnmatch.translate(row)).match, col


def _cells(path: str, tables: dict[str, dict]) -> list[int | float | None]:
    table, row_matches, col = _path(path)
    return [cols.get(col) for name, cols in tables.get(table, {}).items() if row_matches(name)]


def _alternative(paths: list[str], tables: dict[str, dict]) -> int | float | None:
    """The sum of an alternative's printed cells; None when none of them is printed."""
    cells = [v for p in paths for v in _cells(p, tables)]
    printed = [v for v in cells if v is not None]
    return sum(printed) if printed else None


def text_checks(values: list[dict[str, Any]], tables: dict[str, dict], template: str) -> list[dict[str, Any]]:
    """X.text: a figure stated in prose against the same figure in the table (2019+ formats)."""
    rule = rules()
    if template not in rule.compare_templates:
        return []
    out = []
    for value in values:
        alternatives = rule.compare.get(value["key"], [])
        sums = list(dict.fromkeys(s for alt in alternatives if (s := _alternative(alt, tables)) is not None))
        if not sums:
            continue
        ok = value["value"] in sums
        rhs = value["value"] if ok else sums[0]
        out.append({"id": "X.text", "scope": value["key"], "ok": ok, "lhs": value["value"], "rhs": rhs,
                    "detail": f"the text says “{value['raw']}”; the table gives "
                              + " or ".join(str(s) for s in sums)})
    return out
