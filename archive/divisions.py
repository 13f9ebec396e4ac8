"""Place a printed agency name (洪泽区人民政府, 海原县财政局, 石桥镇人民政府…) on the county-level map.

Pure and offline: reads archive/data/*.csv (built by ``python -m archive.divisions_build``) once and answers from
in-memory indexes. The rule throughout is *never guess*: a name that fits several places resolves only when the
string itself (a province/prefecture/county prefix) or the caller's ``hint_code`` leaves exactly one.

How a name is read, left to right, longest known name first:

    [province] [prefecture] [county] [township] rest

Each known name is an *entry* of one rank (0 province, 1 prefecture, 2 county, 3 township); later names must be
of a lower rank than earlier ones. The last name is the subject, the earlier ones only narrow it. A county subject
is tried as, in turn: a current county (together with names renamed away since 2008, which compete with it), a
current province/prefecture, a historical county name (division_history.csv) or short-name alias (长阳县 for
长阳土家族自治县; the two compete: 东乡县 was 江西's until 2017 and is 甘肃's 东乡族自治县 informally), a
historical prefecture. The first reading that survives the prefixes wins; if it still leaves several counties,
``hint_code`` may pick one, otherwise the answer is None.

A township subject (石桥镇, 高良涧街道) resolves to the county that townships.csv files it under, narrowed the same
way; a township name unknown there but following a county name (海原县城关镇人民政府) is that county's township.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files

DATA_DIR = files("archive") / "data"  # package data (importlib.resources)

LEVELS = ("county_gov", "department", "township", "other")

# Annual reports exist from 2008 on: a county renamed away since then still competes for its old name.
REPORTS_FIRST_YEAR = 2008

# Report-title noise around the agency name, removed repeatedly until nothing changes (after NFKC).
DROP_CHARS = re.compile(r"[\s《》〈〉【】「」『』“”\"'·•]")
NOISE_PATTERNS = tuple(re.compile(p) for p in (
    r"^关于",
    r"关于.+$",
    r"^\(?\d{4}年?度?\)?",
    r"\(\d{4}年?度?\)$",
    r"\((?:全文|正文|摘要|简本|公开版)\)$",
    r"(?:\d{4}年度?)?(?:的)?(?:(?<!人民)政府)?信息公开(?:工作)?(?:年度)?(?:报告|年报)(?:全文|正文)?$",
    r"(?:\d{4}年度?)?(?:工作)?(?:年度报告|年报)$",
    r"\d{4}年度?$",
    r"的$",
))
CODE_PATTERN = re.compile(r"^\d{6}(?:\d{3}|\d{6})?$")
# A trailing place in brackets, as listings disambiguate townships: 张家湾镇(富县) reads as 富县张家湾镇.
TRAILING_PLACE = re.compile(r"^(?P<body>.+?)\((?P<place>[^()]+)\)$")

# Leading words that make the whole body a party/people's-organisation one, not the government's.
OTHER_PREFIXES = ("中国共产党", "中共", "共青团", "中国人民政治协商会议", "政协")
# What may follow a county name for the county's own government (or its general office).
COUNTY_GOV_RESTS = frozenset({
    "", "人民政府", "政府", "人民政府办公室", "政府办公室", "人民政府办", "政府办", "人民政府办公厅", "政府办公厅",
})
# Bodies after a county name that are not the executive: courts, procuratorates, congress, party, mass orgs.
OTHER_BODY_PREFIXES = (
    "委", "人民法院", "法院", "人民检察院", "检察院", "人大", "人民代表大会", "政协", "纪委", "监委", "纪律检查委员会",
    "监察委员会", "总工会", "团委", "妇联", "妇女联合会", "工商联", "科协", "残联", "残疾人联合会", "红十字会",
)
GOV_PREFIXES = ("人民政府", "政府")
DEPARTMENT_ENDINGS = (
    "局", "委员会", "委", "办公室", "办", "中心", "所", "站", "队", "处", "署", "馆", "院", "社", "室", "厅", "部",
)
# A township body whose name is missing from townships.csv (renamed, or newer than the 2023 list).
TOWNSHIP_BODY = re.compile(
    r"^.{1,12}?(?:镇|乡|街道|苏木)(?:人民政府|政府|街道办事处|办事处|街道办)?(?:党政办公室|党政办|综合办公室|办公室)?$"
)
# What may follow a known township name.
TOWNSHIP_TAIL = re.compile(
    r"^(?:人民政府|政府|街道办事处|办事处|街道办|办)?(?:党政办公室|党政办|综合办公室|办公室)?$"
)
# Extra spellings of a short name: 长阳县 for 长阳土家族自治县, 洪泽县 for 洪泽区 (旗 only for banners).
SHORT_ALIAS_SUFFIXES = ("县", "区", "市")
BANNER = "旗"
# Extra spellings of an autonomous prefecture: 恩施州 for 恩施土家族苗族自治州.
REGION_ALIAS_SUFFIXES = {"自治州": "州"}

PROVINCE, PREFECTURE, COUNTY, TOWNSHIP = range(4)
# How much of a hint code counts, by its zero tail: 320000 → "32", 320800 → "3208", else the full county code.
HINT_WIDTH = {"0000": 2, "00": 4}


@dataclass(frozen=True)
class Division:
    """A county-level unit of 2024 (one row of divisions.csv)."""

    code: str
    name: str
    short_name: str
    province_code: str
    province: str
    prefecture_code: str
    prefecture: str
    lon: float | None
    lat: float | None
    latlon_source: str
    pinyin: str


@dataclass(frozen=True)
class Resolution:
    """Where an agency name belongs: its county code, that county's name, what kind of body it is, and how."""

    code: str
    division_name: str
    level: str  # one of LEVELS
    method: str  # exact-name, prefecture+name, hint, short-name, history, township, code


@dataclass(frozen=True)
class _Entry:
    """One reading of a known name: a region, a county (current/history/short alias) or a township."""

    rank: int
    kind: str  # current, history, short, historical (regions), township
    targets: tuple[str, ...]  # current county codes, or the 6-digit region code for regions ('' if none)
    origins: tuple[str, ...] = ()  # old codes (history) — prefixes match these too
    prefixes: tuple[str, ...] = ()  # for regions: the code prefixes they cover
    recent: bool = False  # history renamed away in or after REPORTS_FIRST_YEAR

    def within(self, prefix: str) -> bool:
        """Whether this reading lies inside the region or county that `prefix` (a code prefix) stands for."""
        codes = self.prefixes if self.rank <= PREFECTURE else self.targets + self.origins
        return any(c.startswith(prefix) for c in codes if c)


@dataclass
class _Token:
    """A known name found in the string, with its readings."""

    text: str
    entries: list[_Entry]

    @property
    def rank(self) -> int:
        """The most general of its readings (巢湖市 is a county-level city today, a prefecture until 2011)."""
        return min(e.rank for e in self.entries)

    def prefixes(self) -> tuple[set[str], set[str]]:
        """The code prefixes this name may stand for, used to narrow what follows it: first its likely readings
        (current units and names renamed away since 2008), then all of them (东城区 was also 成都's until 1990)."""
        likely = [e for e in self.entries if e.kind == "current" or e.recent]
        return _prefixes_of(likely), _prefixes_of(self.entries)


def _prefixes_of(entries: list[_Entry]) -> set[str]:
    """Code prefixes covered by some readings: a region's prefixes, a county's current and old codes."""
    out: set[str] = set()
    for e in entries:
        out.update(e.prefixes if e.rank <= PREFECTURE else (*e.targets, *e.origins))
    return {p for p in out if p}


# The prefixes a name before the subject allows: (its likely readings', all its readings').
_Context = tuple[set[str], set[str]]


@dataclass
class _Parse:
    """What the string says: the resolved county (if any) and the province/prefecture code (if any)."""

    resolution: Resolution | None = None
    region: str | None = None
    township_parent: str | None = None  # a township's non-county parent (东莞市, a development zone)


# ---------------------------------------------------------------- loading


def _read(name: str) -> list[dict[str, str]]:
    """Rows of one of the project's data files."""
    with (DATA_DIR / name).open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def _float(value: str) -> float | None:
    """A coordinate, or None where the file has none."""
    return float(value) if value else None


@lru_cache(maxsize=1)
def load_divisions() -> dict[str, Division]:
    """All 2024 county-level units by 6-digit code."""
    out = {}
    for row in _read("divisions.csv"):
        row = dict(row, lon=_float(row["lon"]), lat=_float(row["lat"]))
        out[row["code"]] = Division(**row)
    return out


@lru_cache(maxsize=1)
def load_history() -> list[dict[str, str]]:
    """division_history.csv rows (old code/name → current code, or the successors of a split)."""
    return _read("division_history.csv")


@lru_cache(maxsize=1)
def load_regions() -> list[dict[str, str]]:
    """regions.csv rows: current provinces/prefectures and historical prefecture names."""
    return _read("regions.csv")


# ---------------------------------------------------------------- indexes


def _region_entries(row: dict[str, str]) -> list[tuple[str, _Entry]]:
    """A region's names (full, short, 州 alias) with one entry for it."""
    rank = PROVINCE if row["level"] == "province" else PREFECTURE
    width = 2 if rank == PROVINCE else 4
    current = row["current_code"]
    prefixes = {row["code"][:width]}
    if current:
        prefixes.add(current[:2] if current.endswith("0000") else current[:4])
    entry = _Entry(rank, "current" if row["status"] == "current" else "historical", (current,),
                   prefixes=tuple(sorted(prefixes)))
    names = {row["name"]}
    if row["short_name"] and row["short_name"] != row["name"]:
        names.add(row["short_name"])
        for suffix, alias in REGION_ALIAS_SUFFIXES.items():
            if row["name"].endswith(suffix):
                names.add(row["short_name"] + alias)
    return [(name, entry) for name in names]


def _history_entry(row: dict[str, str]) -> _Entry:
    """A historical county name: its current code, or all successors of an unresolved split."""
    targets = (row["new_code"],) if row["new_code"] else tuple(row["successors"].split(";"))
    recent = bool(row["last_year"]) and int(row["last_year"]) >= REPORTS_FIRST_YEAR
    return _Entry(COUNTY, "history", targets, origins=(row["old_code"],), recent=recent)


class _Index:
    """Every known name → its readings, plus lookups by code; built once."""

    def __init__(self) -> None:
        self.divisions = load_divisions()
        self.names: dict[str, list[_Entry]] = defaultdict(list)
        self.history_by_code: dict[str, list[dict[str, str]]] = defaultdict(list)
        self.current_regions = {r["code"]: r for r in load_regions() if r["status"] == "current"}
        for row in load_regions():
            for name, entry in _region_entries(row):
                self.names[name].append(entry)
        for d in self.divisions.values():
            self.names[d.name].append(_Entry(COUNTY, "current", (d.code,)))
            if d.short_name != d.name:
                suffixes = (*SHORT_ALIAS_SUFFIXES, BANNER) if d.name.endswith(BANNER) else SHORT_ALIAS_SUFFIXES
                for suffix in suffixes:
                    if d.short_name + suffix != d.name:
                        self.names[d.short_name + suffix].append(_Entry(COUNTY, "short", (d.code,)))
        for row in load_history():
            self.names[row["old_name"]].append(_history_entry(row))
            self.history_by_code[row["old_code"]].append(row)
        for row in _read("townships.csv"):
            self.names[row["name"]].append(_Entry(TOWNSHIP, "township", (row["code"],)))
        self.lengths = sorted({len(n) for n in self.names}, reverse=True)

    def longest(self, text: str, pos: int, after_rank: int) -> _Token | None:
        """The longest known name at `pos` with a reading below `after_rank` in the hierarchy."""
        room = len(text) - pos
        for length in self.lengths:
            if length > room:
                continue
            entries = self.names.get(text[pos:pos + length])
            if entries:
                usable = [e for e in entries if e.rank > after_rank]
                if usable:
                    return _Token(text[pos:pos + length], usable)
        return None

    def tokenize(self, text: str) -> tuple[list[_Token], str]:
        """Known names from the start of `text`, each of lower rank than the one before, and the rest."""
        tokens: list[_Token] = []
        pos, rank = 0, -1
        while rank < TOWNSHIP:
            token = self.longest(text, pos, rank)
            if token is None:
                break
            tokens.append(token)
            pos += len(token.text)
            rank = token.rank
        return tokens, text[pos:]


@lru_cache(maxsize=1)
def _index() -> _Index:
    return _Index()


# ---------------------------------------------------------------- cleaning and classifying


def clean_agency(text: str) -> str:
    """The agency name without whitespace, brackets, year prefixes and report-title suffixes."""
    text = DROP_CHARS.sub("", unicodedata.normalize("NFKC", text or ""))
    previous = None
    while previous != text:
        previous = text
        for pattern in NOISE_PATTERNS:
            text = pattern.sub("", text)
    return text


def classify_rest(rest: str) -> str:
    """What kind of body the text after a county name denotes (人民政府 → county_gov, 教育局 → department…)."""
    if rest in COUNTY_GOV_RESTS:
        return "county_gov"
    if rest.startswith(OTHER_BODY_PREFIXES):
        return "other"
    if TOWNSHIP_BODY.match(rest):
        return "township"
    for prefix in GOV_PREFIXES:
        if rest.startswith(prefix):
            rest = rest[len(prefix):]
            break
    return "department" if rest.endswith(DEPARTMENT_ENDINGS) else "other"


def _hint_prefixes(hint_code: str | None) -> list[str]:
    """Code prefixes from a hint, finest first, never wider than the hint itself (old codes followed too).

    A county hint also admits its prefecture (a county portal reposting a neighbour), but not its province:
    a 石桥镇 elsewhere in the province is a guess.
    """
    digits = re.sub(r"\D", "", hint_code or "")[:6]
    if len(digits) != 6:
        return []
    codes = [digits]
    current = division_of_code(digits)
    if current and current.code != digits:
        codes.append(current.code)
    out: list[str] = []
    for code in codes:
        width = HINT_WIDTH.get(code[2:], HINT_WIDTH.get(code[4:], 6))
        for prefix in (code[:width], code[:4]) if width == 6 else (code[:width],):
            if prefix not in out:
                out.append(prefix)
    return sorted(out, key=len, reverse=True)


# ---------------------------------------------------------------- resolving


@dataclass
class _Pick:
    """The outcome of choosing among candidate readings."""

    target: str | None  # the one code left, None if none or several
    ambiguous: bool
    entries: list[_Entry]
    narrowed_by: str  # "", "context" or "hint"


def _inside(entries: list[_Entry], context: list[_Context]) -> list[_Entry]:
    """Readings that lie within every name before them: by those names' likely readings, else by any reading."""
    for which in (0, 1):
        inside = [e for e in entries if all(any(e.within(p) for p in ctx[which]) for ctx in context)]
        if inside:
            return inside
    return []


def _pick(entries: list[_Entry], context: list[_Context], hints: list[str]) -> _Pick:
    """Narrow readings by the prefixes named before them, then (if several remain) by the hint."""
    inside = _inside(entries, context)
    if not inside:
        return _Pick(None, False, [], "")
    targets = {t for e in inside for t in e.targets}
    if len(targets) == 1:
        unfiltered = {t for e in entries for t in e.targets}
        return _Pick(targets.pop(), False, inside, "context" if len(unfiltered) > 1 else "")
    for prefix in hints:
        hit = {t for e in inside for t in e.targets if t.startswith(prefix)}
        if len(hit) == 1:
            target = hit.pop()
            return _Pick(target, False, [e for e in inside if target in e.targets], "hint")
        if hit:
            break
    return _Pick(None, True, inside, "")


def _method(pick: _Pick) -> str:
    """How a county was found, for the record."""
    kinds = {e.kind for e in pick.entries if pick.target in e.targets}
    if "current" in kinds:
        return {"": "exact-name", "context": "prefecture+name", "hint": "hint"}[pick.narrowed_by]
    return "history" if "history" in kinds else "short-name"


def _county_tiers(entries: list[_Entry]) -> list[tuple[str, list[_Entry]]]:
    """The readings of a subject name in the order they are tried (see the module docstring)."""
    current = [e for e in entries if e.rank == COUNTY and e.kind == "current"]
    history = [e for e in entries if e.kind == "history"]
    return [
        ("county", current + [e for e in history if e.recent] if current else []),
        ("region", [e for e in entries if e.rank <= PREFECTURE and e.kind == "current"]),
        ("county", history + [e for e in entries if e.kind == "short"]),
        ("region", [e for e in entries if e.rank <= PREFECTURE and e.kind == "historical"]),
    ]


def _region_of(entries: list[_Entry]) -> str | None:
    """The one region code these region readings name (current ones first), else None."""
    for kind in ("current", "historical"):
        codes = {e.targets[0] for e in entries if e.kind == kind and e.targets[0]}
        if codes:
            return codes.pop() if len(codes) == 1 else None
    return None


def _resolve_subject(token: _Token, rest: str, context: list[_Context], hints: list[str], level: str | None,
                     parse: _Parse) -> None:
    """Resolve the last county-or-region name of the string into `parse`."""
    index = _index()
    for kind, entries in _county_tiers(token.entries):
        if not entries:
            continue
        pick = _pick(entries, context, hints)
        if pick.ambiguous:
            return
        if not pick.entries:
            continue
        if kind == "region":
            parse.region = _region_of(pick.entries)
            return
        division = index.divisions[pick.target] if pick.target else None
        if division:
            parse.resolution = Resolution(division.code, division.name, level or classify_rest(rest), _method(pick))
        return


def _resolve_township(token: _Token, context: list[_Context], hints: list[str], level: str | None,
                      parse: _Parse) -> bool:
    """Resolve a township name to its county; False if the prefixes rule out every township of that name."""
    entries = [e for e in token.entries if e.rank == TOWNSHIP]
    pick = _pick(entries, context, hints)
    if pick.ambiguous:
        return True
    if not pick.entries or pick.target is None:
        return False
    division = _index().divisions.get(pick.target)
    if division:
        parse.resolution = Resolution(division.code, division.name, level or "township", "township")
    else:
        parse.township_parent = pick.target
    return True


def _place_first(text: str) -> str:
    """Move a bracketed trailing place name to the front (张家湾镇(富县) → 富县张家湾镇); drop other brackets."""
    match = TRAILING_PLACE.match(text)
    if not match:
        return text
    tokens, rest = _index().tokenize(match["place"])
    return match["place"] + match["body"] if tokens and not rest else match["body"]


def _parse_agency(agency: str, hint_code: str | None = None) -> _Parse:
    """Read an agency string into a county resolution and/or a region code."""
    parse = _Parse()
    text = DROP_CHARS.sub("", unicodedata.normalize("NFKC", agency or ""))
    if CODE_PATTERN.match(text):
        division = division_of_code(text)
        if division:
            method = "code" if division.code == text[:6] else "history"
            parse.resolution = Resolution(division.code, division.name, "county_gov", method)
            _set_region(parse, [])
        return parse
    text = clean_agency(text)
    level = None
    if text.startswith(OTHER_PREFIXES):
        level = "other"
        text = text[len(next(p for p in OTHER_PREFIXES if text.startswith(p))):]
    tokens, rest = _index().tokenize(_place_first(text))
    if not tokens:
        return parse
    hints = _hint_prefixes(hint_code)
    last = tokens[-1]
    if last.rank == TOWNSHIP and (TOWNSHIP_TAIL.match(rest) or rest.endswith(DEPARTMENT_ENDINGS)):
        context = [t.prefixes() for t in tokens[:-1]]
        if _resolve_township(last, context, hints, level, parse):
            _set_region(parse, tokens[:-1])
            return parse
    if last.rank == TOWNSHIP:  # not a township after all, or not in the county named: read it as the rest
        tokens, rest = tokens[:-1], last.text + rest
    if tokens:
        _resolve_subject(tokens[-1], rest, [t.prefixes() for t in tokens[:-1]], hints, level, parse)
        _set_region(parse, tokens[:-1])
    return parse


def _set_region(parse: _Parse, context: list[_Token]) -> None:
    """Fill parse.region with the province/prefecture that holds what was found (or the last one named)."""
    if parse.region:
        return
    index = _index()
    if parse.resolution:
        division = index.divisions[parse.resolution.code]
        parse.region = division.prefecture_code or division.province_code
        return
    if parse.township_parent:
        code = parse.township_parent
        parse.region = code[:4] + "00" if code[:4] + "00" in index.current_regions else code[:2] + "0000"
        return
    regions = [t for t in context if t.rank <= PREFECTURE]
    if regions:
        entries = [e for e in regions[-1].entries if e.rank <= PREFECTURE]
        parse.region = _region_of(_inside(entries, [t.prefixes() for t in regions[:-1]]))


# ---------------------------------------------------------------- public API


def resolve_agency(agency: str, hint_code: str | None = None) -> Resolution | None:
    """The county an agency name belongs to, or None if it is not county-level or cannot be placed for sure.

    hint_code: a 6-digit region code (a page's SiteIDCode prefix, the crawl source's county) used only to
    choose among several places that fit the name equally well.
    """
    return _parse_agency(agency, hint_code).resolution


def resolve_region(agency: str) -> str | None:
    """The province or prefecture code (e.g. 310000, 320800) an agency belongs to.

    Meant for province- and prefecture-level agencies (淮安市人民政府 → 320800), which resolve_agency leaves
    out; for a county-level agency it gives the county's prefecture (or province, for 直辖 units).
    """
    return _parse_agency(agency).region


def division_of_code(code: str) -> Division | None:
    """The current county-level unit for a code, following the history for old codes (320829 → 洪泽区)."""
    code = (code or "").strip()[:6]
    index = _index()
    if code in index.divisions:
        return index.divisions[code]
    targets = {row["new_code"] for row in index.history_by_code.get(code, ())}
    if len(targets) == 1 and "" not in targets:
        return index.divisions.get(targets.pop())
    return None


def agency_role(agency: str) -> str:
    """What the agency is within its place, place names dropped: 人民政府, 财政局, 高良涧街道办事处 …

    洪泽区财政局 and 淮安市洪泽区财政局 both give 财政局; with the place's code and the level this names one body.
    """
    text = clean_agency(DROP_CHARS.sub("", unicodedata.normalize("NFKC", agency or "")))
    party = next((p for p in OTHER_PREFIXES if text.startswith(p)), "")
    text = text[len(party):]
    tokens, rest = _index().tokenize(_place_first(text))
    if tokens and tokens[-1].rank == TOWNSHIP:  # a township's own name is its role within the county
        rest = tokens[-1].text + rest
    return party + rest


def region_places(code: str | None) -> tuple[str | None, str | None]:
    """(province, prefecture) names of a province or prefecture code (320800 → 江苏省, 淮安市)."""
    if not code or len(code) != 6:
        return None, None
    regions = _index().current_regions
    province = regions.get(code[:2] + "0000", {}).get("name")
    prefecture = regions.get(code[:4] + "00", {}).get("name") if code[2:] != "0000" else None
    return province, prefecture
