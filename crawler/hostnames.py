"""Ranked candidate portal hosts for a county-level unit, from its name alone (offline, deterministic).

Most county portals live at a host spelled from the unit's name in pinyin (www.mizhi.gov.cn, cyqq.gov.cn,
hljfy.gov.cn, changjiang.hainan.gov.cn). The patterns and their prior weights are data
(crawler/data/host_patterns.yaml); names pypinyin reads wrongly are corrected by
crawler/data/pinyin_overrides.csv. A unit has several readings (overrides, the divisions registry's own pinyin,
pypinyin's phrase reading, then heteronyms at a lower weight, then names it had since 2008); each reading fills
every pattern, and a host's score is the sum over the ways it was reached.
"""

from __future__ import annotations

import csv
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files

import yaml
from pypinyin import Style, lazy_pinyin, pinyin

from archive.divisions import REPORTS_FIRST_YEAR, Division, load_divisions, load_history, load_regions

DATA = files("crawler").joinpath("data")  # package data (wheel, zip, egg)
PLACEHOLDER = re.compile(r"\{(\w+)\}")
SHENGMU_KEEP = ("zh", "ch", "sh")
HETERONYM_WEIGHT = 0.04
HISTORY_WEIGHT = 0.15
MAX_HETERONYM_READINGS = 4
U_FOR_V_WEIGHT = 0.3
PHRASE_WEIGHT = 0.5


@dataclass(frozen=True)
class Reading:
    """One way to spell a unit's name: syllables of its short name, suffix (pinyin, letter), weight."""

    syllables: tuple[str, ...]
    suffix: tuple[str, str] | None
    weight: float


@dataclass(frozen=True)
class Pattern:
    name: str
    host: str
    weight: float
    boosts: tuple[tuple[dict, float], ...]


# ---------------------------------------------------------------- data


@lru_cache(maxsize=1)
def config() -> dict:
    return yaml.safe_load((DATA / "host_patterns.yaml").read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def patterns() -> tuple[Pattern, ...]:
    return tuple(Pattern(p["name"], p["host"], float(p["weight"]),
                         tuple((b["when"], float(b["times"])) for b in p.get("boost", ())))
                 for p in config()["patterns"])


@lru_cache(maxsize=1)
def overrides() -> dict[str, tuple[str, ...]]:
    """Place-name readings pypinyin gets wrong (乐陵 → lao ling), longest first."""
    with (DATA / "pinyin_overrides.csv").open(encoding="utf-8", newline="") as f:
        rows = {r["name"]: tuple(r["pinyin"].split()) for r in csv.DictReader(f)}
    return dict(sorted(rows.items(), key=lambda kv: -len(kv[0])))


# ---------------------------------------------------------------- pinyin


def _clean(syllable: str) -> str:
    return re.sub(r"[^a-z]", "", syllable.lower().replace("ü", "v").replace("u:", "v"))


def phrase_reading(name: str) -> tuple[str, ...]:
    """pypinyin's phrase-dictionary reading with the override table laid over it."""
    syllables = [_clean(s) for s in lazy_pinyin(name, errors="ignore")]
    if len(syllables) != len(name):
        return tuple(s for s in syllables if s)
    for key, value in overrides().items():
        start = name.find(key)
        while start >= 0 and len(value) == len(key):
            syllables[start:start + len(key)] = value
            start = name.find(key, start + 1)
    return tuple(syllables)


def heteronym_readings(name: str) -> list[tuple[str, ...]]:
    """Other readings of a name's polyphonic characters (a few, most likely first)."""
    options = [[_clean(s) for s in alternatives] for alternatives in pinyin(name, style=Style.NORMAL,
                                                                           heteronym=True, errors="ignore")]
    if len(options) != len(name):
        return []
    base = [o[0] for o in options]
    out = []
    for i, alternatives in enumerate(options):  # one character changed at a time
        out += [(*base[:i], alt, *base[i + 1:]) for alt in alternatives[1:]]
    return [tuple(r) for r in out[:MAX_HETERONYM_READINGS]]


def initials(syllables: tuple[str, ...], keep_double: bool = False) -> str:
    """First letters (zd), or with keep_double the initials keeping zh/ch/sh (dch for 东城)."""
    out = []
    for s in syllables:
        out.append(s[:2] if keep_double and s.startswith(SHENGMU_KEEP) else s[:1])
    return "".join(out)


def _abbreviated(name: str) -> str:
    for long, short in config().get("name_abbreviations", {}).items():
        if name.startswith(long):
            return short + name[len(long):]
    return name


def _suffix_of(division_name: str, short: str) -> tuple[str, str] | None:
    rest = division_name[len(short):] if division_name.startswith(short) else ""
    table = config()["suffixes"]
    for key in sorted(table, key=len, reverse=True):
        if rest.endswith(key):
            return tuple(table[key])  # type: ignore[return-value]
    return None


def _dataset_reading(division: Division, short: str) -> tuple[str, ...] | None:
    """The registry's own pinyin column (xiangyuecn), cut to the short name's syllables."""
    syllables = tuple(_clean(s) for s in division.pinyin.split())
    if len(syllables) < len(short) or not all(syllables):
        return None
    return syllables[: len(short)]


def primary_reading(division: Division) -> tuple[str, ...]:
    """The most likely spelling of a unit's short name: the override table's, else the divisions registry's own
    pinyin (right for 都 du, 什 shi, 勒 le, 召陵 shao, where pypinyin's phrase reading is not), else pypinyin's."""
    short = division.short_name or division.name
    if any(key in short for key in overrides()):
        return phrase_reading(short)
    return _dataset_reading(division, short) or phrase_reading(short)


def readings(division: Division) -> list[Reading]:
    """Every spelling of a unit worth trying, most likely first; duplicates merged by max weight."""
    short = division.short_name or division.name
    suffix = _suffix_of(division.name, short)
    found: dict[tuple, float] = {}

    def add(name: str, syllables: tuple[str, ...] | None, sfx: tuple[str, str] | None, weight: float) -> None:
        if not syllables or len(syllables) != len(name):
            return
        key = (syllables, sfx)
        found[key] = max(found.get(key, 0.0), weight)

    base = primary_reading(division)
    add(short, base, suffix, 1.0)
    add(short, phrase_reading(short), suffix, PHRASE_WEIGHT)
    for alt in heteronym_readings(short):
        add(short, alt, suffix, HETERONYM_WEIGHT)
    if any("v" in syllable for syllable in base):  # ü: most portals write lv (lvchun), some lu
        add(short, tuple(syllable.replace("v", "u") for syllable in base), suffix, U_FOR_V_WEIGHT)
    abbreviated = _abbreviated(short)
    if abbreviated != short:
        add(abbreviated, phrase_reading(abbreviated), suffix, 1.0)
    for old_name in former_names(division.code):
        old_short, old_suffix = _split_suffix(old_name)
        add(old_short, phrase_reading(old_short), old_suffix, HISTORY_WEIGHT)
    return [Reading(s, sfx, w) for (s, sfx), w in sorted(found.items(), key=lambda kv: -kv[1])]


def _split_suffix(name: str) -> tuple[str, tuple[str, str] | None]:
    table = config()["suffixes"]
    for key in sorted(table, key=len, reverse=True):
        if name.endswith(key) and len(name) > len(key) + 1:
            return name[: -len(key)], tuple(table[key])  # type: ignore[return-value]
    return name, None


@lru_cache(maxsize=1)
def _former() -> dict[str, tuple[str, ...]]:
    out: dict[str, list[str]] = defaultdict(list)
    for row in load_history():
        if row["new_code"] and row["last_year"] and int(row["last_year"]) >= REPORTS_FIRST_YEAR:
            out[row["new_code"]].append(row["old_name"])
    return {k: tuple(v) for k, v in out.items()}


def former_names(code: str) -> tuple[str, ...]:
    """Names a unit had since reports began (洪泽县 for 洪泽区): its portal often kept the old host."""
    return _former().get(code, ())


# ---------------------------------------------------------------- context: provinces, prefectures, contests


@lru_cache(maxsize=1)
def current_regions() -> dict[str, dict[str, str]]:
    return {r["code"]: r for r in load_regions() if r["status"] == "current"}


def region_short(code: str) -> str:
    row = current_regions().get(code)
    return (row["short_name"] or row["name"]) if row else ""


@lru_cache(maxsize=1)
def contested_labels() -> frozenset[str]:
    """Bare pinyin labels several places want (朝阳区 ×2, 朝阳县; 临邑 vs 临沂市): a unit with one of these
    less often owns www.{full}.gov.cn."""
    counts: Counter[str] = Counter()
    for division in load_divisions().values():
        counts["".join(primary_reading(division))] += 1
    for code in current_regions():
        counts["".join(phrase_reading(region_short(code)))] += 2  # a prefecture or province always wins
    return frozenset(label for label, n in counts.items() if n > 1)


def _placeholders(division: Division, reading: Reading) -> list[dict[str, str]]:
    """Values for every placeholder (one dict per province abbreviation, the first one most likely)."""
    syllables = reading.syllables
    full = "".join(syllables)
    sfx, letter = reading.suffix or ("", "")
    pref_code = division.prefecture_code
    pref_syllables = phrase_reading(region_short(pref_code)) if pref_code else ()
    province = config()["provinces"].get(division.province_code, [])
    base = {
        "full": full,
        "full_sfx": full + sfx if sfx else "",
        "ini": initials(syllables) if len(syllables) > 1 else "",
        "ini_s": initials(syllables) + letter if letter else "",
        "sm": initials(syllables, keep_double=True) if len(syllables) > 1 else "",
        "sm_s": initials(syllables, keep_double=True) + letter if letter else "",
        "pref": _prefecture_abbreviation(pref_code, pref_syllables),
        "pref_full": "".join(pref_syllables),
        "prov_full": "".join(phrase_reading(region_short(division.province_code))),
    }
    return [{**base, "prov": abbr} for abbr in province] or [{**base, "prov": ""}]


def _prefecture_abbreviation(code: str, syllables: tuple[str, ...]) -> str:
    """The prefecture's domain prefix: the data file's spelling where it has one, else the initials."""
    spelled = config().get("prefectures", {}).get(code)
    return spelled[0] if spelled else (initials(syllables) if syllables else "")


def _facts(division: Division) -> dict[str, object]:
    short = division.short_name or division.name
    suffix = next((k for k in sorted(config()["suffixes"], key=len, reverse=True)
                   if division.name[len(short):].endswith(k)), "") if division.name.startswith(short) else ""
    return {"province": division.province_code, "suffix": suffix[-1:] if suffix else "",
            "direct": not division.prefecture_code,
            "contested": "".join(primary_reading(division)) in contested_labels()}


def _weight(pattern: Pattern, facts: dict[str, object]) -> float:
    weight = pattern.weight
    for when, times in pattern.boosts:
        if all(facts.get(k) == v for k, v in when.items()):
            weight *= times
    return weight


def _fill(template: str, values: dict[str, str]) -> str | None:
    names = PLACEHOLDER.findall(template)
    if any(not values.get(n) for n in names):
        return None
    return PLACEHOLDER.sub(lambda m: values[m.group(1)], template)


def scored_candidates(division: Division) -> list[tuple[str, float]]:
    """Every candidate host with its score, best first (ties broken by the host, so output is stable)."""
    scores: dict[str, float] = defaultdict(float)
    facts = _facts(division)
    bare = float(config().get("bare_factor", 0.3))
    for reading in readings(division):
        own_facts = dict(facts, contested=facts["contested"] if reading.weight >= 0.8 else False)
        for rank, values in enumerate(_placeholders(division, reading)):
            for pattern in patterns():
                host = _fill(pattern.host, values)
                if not host:
                    continue
                weight = _weight(pattern, own_facts) * reading.weight * (1.0 if rank == 0 else 0.3)
                scores[host] += weight
                if host.startswith("www."):
                    scores[host[4:]] += weight * bare
    return sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))


def candidates(code: str, limit: int | None = None) -> list[str]:
    """Ranked candidate hosts for a division code (old codes follow the history); [] for unknown codes."""
    from archive.divisions import division_of_code

    division = division_of_code(code)
    if division is None:
        return []
    hosts = [host for host, _ in scored_candidates(division)]
    return hosts[:limit] if limit else hosts
