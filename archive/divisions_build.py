"""Build the project's divisions registry (archive/data/*.csv) from the public datasets in ../shared.

Run ``python -m archive.divisions_build [--shared ../shared] [--out archive/data]``. The output is sorted and
byte-for-byte reproducible, so re-running it on unchanged inputs changes nothing (a test checks that).

Inputs (all under ``<shared>/datasets/admin-divisions``; see archive/data/SOURCES.md for licences):

* ``counties_2024_latlon.csv`` — the 2,846 county-level units of 2024 with GCJ-02 coordinates;
* ``yescallop-areacodes/2024.txt`` and ``result.csv`` — current province/prefecture codes and the
  1980–2024 code history (each record is valid from 启用时间 up to, not including, 变更/弃用时间);
* ``modood/streets.csv`` and ``areas.csv`` — 2023 township/street names with their county code;
* ``xiangyuecn/ok_data_level3.csv`` — pinyin of county names;
* ``cpca-latlon/adcodes.csv`` — prefecture/province centroids for the few units the join left without coordinates.

Outputs: ``divisions.csv``, ``division_history.csv``, ``regions.csv`` and ``townships.csv``.
"""

from __future__ import annotations

import argparse
import csv
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SHARED = ROOT.parent / "shared"
DEFAULT_OUT = Path(__file__).resolve().parent / "data"
ADMIN = Path("datasets") / "admin-divisions"

# Name suffixes of county-level units, longest first; the short name is what remains (if ≥ MIN_STEM chars).
COUNTY_SUFFIXES = ("自治旗", "自治县", "林区", "特区", "新区", "矿区", "区", "县", "市", "旗")
PREFECTURE_SUFFIXES = ("自治州", "地区", "盟", "市")
PROVINCE_SUFFIXES = ("特别行政区", "自治区", "省", "市")
MIN_STEM = 2
# Where a suffix rule cuts into the stem: 万柏林区 is a 区 named 万柏林, not a 林区 named 万柏.
SHORT_NAME_OVERRIDES = {"万柏林区": "万柏林"}

# Ethnic groups as they appear inside autonomous names (长阳土家族自治县 → 长阳, 伊犁哈萨克自治州 → 伊犁).
# One-character groups only ever appear with 族; longer ones also bare (巴里坤哈萨克自治县).
ETHNIC_GROUPS = (
    "蒙古", "回", "藏", "维吾尔", "苗", "彝", "壮", "布依", "朝鲜", "满", "侗", "瑶", "白", "土家", "哈尼", "哈萨克",
    "傣", "黎", "傈僳", "佤", "畲", "高山", "拉祜", "水", "东乡", "纳西", "景颇", "柯尔克孜", "土", "达斡尔", "仫佬",
    "羌", "布朗", "撒拉", "毛南", "仡佬", "锡伯", "阿昌", "普米", "塔吉克", "怒", "乌孜别克", "俄罗斯", "鄂温克",
    "德昂", "保安", "裕固", "京", "塔塔尔", "独龙", "鄂伦春", "赫哲", "门巴", "珞巴", "基诺", "各",
)
ETHNIC_ENDINGS = tuple(
    sorted({g + "族" for g in ETHNIC_GROUPS} | {g for g in ETHNIC_GROUPS if len(g) > 1}, key=lambda g: (-len(g), g))
)

# Township-level names kept from modood streets.csv (others are farms, parks, development zones, prisons…).
TOWNSHIP_SUFFIXES = ("街道办事处", "办事处", "街道", "民族乡", "乡", "镇", "民族苏木", "苏木", "地区", "区公所")

# A successor code followed by [year] marks an earlier partial transfer of territory, not the successor.
BRACKETED = re.compile(r"\[\d{4}\]$")


@dataclass(frozen=True)
class Record:
    """One row of yescallop result.csv: a code with one name and parent over [start, end)."""

    code: str
    province: str
    prefecture: str
    name: str
    level: str
    status: str
    start: int
    end: int | None
    new_codes: tuple[str, ...]  # successors at `end` (bracketed partial transfers dropped)

    @property
    def last_year(self) -> int | None:
        """Last year-end listing (31 Dec) that still had this record."""
        return None if self.end is None else self.end - 1


# ---------------------------------------------------------------- names


def strip_ethnic(stem: str) -> str:
    """Drop trailing ethnic-group names while a stem of MIN_STEM chars remains (管城回族 → 管城)."""
    changed = True
    while changed:
        changed = False
        for ending in ETHNIC_ENDINGS:
            if stem.endswith(ending) and len(stem) - len(ending) >= MIN_STEM:
                stem, changed = stem[: -len(ending)], True
                break
    if stem.endswith("族") and stem[:-1] in ETHNIC_GROUPS and len(stem) - 1 >= MIN_STEM:
        stem = stem[:-1]  # the whole stem is a group: 鄂温克族自治旗 → 鄂温克, 东乡族自治县 → 东乡
    return stem


def short_name(name: str, suffixes: Iterable[str]) -> str:
    """The name without its administrative suffix and ethnic groups, or the name itself if too little remains."""
    if name in SHORT_NAME_OVERRIDES:
        return SHORT_NAME_OVERRIDES[name]
    for suffix in suffixes:
        if name.endswith(suffix) and len(name) - len(suffix) >= MIN_STEM:
            return strip_ethnic(name[: -len(suffix)])
    return name


# ---------------------------------------------------------------- reading


def read_csv(path: Path) -> list[dict[str, str]]:
    """All rows of a UTF-8 CSV (BOM tolerated)."""
    with path.open(encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def read_current_regions(admin: Path) -> dict[str, str]:
    """Current province and prefecture codes → names, from the MCA 2024 list."""
    regions = {}
    for line in (admin / "yescallop-areacodes" / "2024.txt").read_text(encoding="utf-8").splitlines():
        parts = line.split()
        if len(parts) == 2 and parts[0].endswith("00"):
            regions[parts[0]] = parts[1]
    return regions


def _new_codes(field: str) -> tuple[str, ...]:
    """Successor codes of a record; bracketed ones are earlier partial transfers, not successors."""
    return tuple(c for c in field.split(";") if c and not BRACKETED.search(c))


def read_history(admin: Path) -> list[Record]:
    """All records of the 1980–2024 code history."""
    records = []
    for row in read_csv(admin / "yescallop-areacodes" / "result.csv"):
        end = row["变更/弃用时间"]
        records.append(Record(
            code=row["代码"], province=row["一级行政区"], prefecture=row["二级行政区"], name=row["名称"],
            level=row["级别"], status=row["状态"], start=int(row["启用时间"]), end=int(end) if end else None,
            new_codes=_new_codes(row["新代码"]),
        ))
    return records


def read_pinyin(admin: Path) -> dict[tuple[str, str], str]:
    """(county code, full name) → pinyin of its short name ('hong ze'), from the 2023 xiangyuecn table.

    Keyed by name too: a few codes were reused between 2023 and 2024 (460302 南沙区 → 西沙区).
    """
    return {
        (row["ext_id"][:6], row["ext_name"]): row["pinyin"]
        for row in read_csv(admin / "xiangyuecn" / "ok_data_level3.csv")
        if row["deep"] == "2" and row["pinyin"]
    }


# ---------------------------------------------------------------- history


class History:
    """Follows result.csv successor links from any record to the current county codes it became."""

    def __init__(self, records: list[Record]) -> None:
        self.records = records
        self.by_code: dict[str, list[Record]] = defaultdict(list)
        self._targets: dict[Record, frozenset[str]] = {}
        into: dict[tuple[int, str], set[str]] = defaultdict(set)
        for rec in records:
            self.by_code[rec.code].append(rec)
            for code in rec.new_codes if rec.end is not None else ():
                into[(rec.end, code)].add(rec.code)
        self._merged: dict[int, set[str]] = defaultdict(set)
        for (year, code), olds in into.items():
            if len(olds) > 1:
                self._merged[year].add(code)

    def at(self, code: str, year: int) -> Record | None:
        """The record that used `code` in `year` (codes get reused, so the year matters)."""
        for rec in self.by_code.get(code, ()):
            if rec.start <= year and (rec.end is None or year < rec.end):
                return rec
        return None

    def immediate(self, rec: Record) -> list[Record]:
        """The records that took over `rec` when it ended."""
        if rec.end is None:
            return []
        found = (self.at(code, rec.end) for code in rec.new_codes)
        return [r for r in found if r is not None]

    def targets(self, rec: Record) -> frozenset[str]:
        """Current (在用) codes reached from `rec`; a current record is its own target."""
        if rec not in self._targets:
            if rec.status == "在用":
                self._targets[rec] = frozenset({rec.code})
            else:
                self._targets[rec] = frozenset().union(*(self.targets(nxt) for nxt in self.immediate(rec)))
        return self._targets[rec]

    def merged_into(self, year: int) -> set[str]:
        """Codes that took in two or more ended records in `year` (a merger, not a plain rename)."""
        return self._merged.get(year, set())


def change_label(rec: Record, target: str, current_name: str, history: History) -> str | None:
    """How `rec` became the current unit `target`: renamed, recoded, renamed+recoded or merged (None: no change)."""
    if rec.code == target:
        return None if rec.name == current_name else "renamed"
    successors = history.immediate(rec)
    pre_existing = any(s.start < (rec.end or 0) for s in successors)
    if pre_existing or any(s.code in history.merged_into(rec.end or 0) for s in successors):
        return "merged"
    return "recoded" if rec.name == current_name else "renamed+recoded"


HISTORY_COLUMNS = ["old_code", "old_name", "new_code", "change", "last_year", "old_province", "old_prefecture",
                   "successors"]


def history_rows(history: History, counties: dict[str, dict[str, str]]) -> list[dict[str, str]]:
    """Rows mapping an old county-level code or name to its current county code (one per old code and name).

    Splits keep new_code empty and list their current successors; records that became prefecture-level
    units (县级市 → 地级市 in the 1980s) map to no county and are left out.
    """
    best: dict[tuple[str, str], tuple[int, dict[str, str]]] = {}
    for rec in history.records:
        if rec.level != "县级" or rec.status == "在用":
            continue
        targets = history.targets(rec)
        if not targets or not targets <= counties.keys():
            continue
        row = _history_row(rec, targets, counties, history)
        if row is None:
            continue
        key = (rec.code, rec.name)
        if key not in best or best[key][0] < (rec.end or 0):
            best[key] = (rec.end or 0, row)
    return sorted((row for _, row in best.values()), key=lambda r: (r["old_code"], r["old_name"]))


def _history_row(rec: Record, targets: frozenset[str], counties: dict[str, dict[str, str]],
                 history: History) -> dict[str, str] | None:
    """One division_history row for a record, or None when it tells nothing new."""
    if len(targets) == 1:
        target = next(iter(targets))
        change = change_label(rec, target, counties[target]["name"], history)
        if change is None:
            return None
        new_code, successors = target, ""
    else:
        change, new_code, successors = "split", _continuation(rec, targets, counties), ";".join(sorted(targets))
    return {
        "old_code": rec.code, "old_name": rec.name, "new_code": new_code, "change": change,
        "last_year": str(rec.last_year), "old_province": rec.province,
        "old_prefecture": "" if rec.prefecture == "直辖" else rec.prefecture, "successors": successors,
    }


def _continuation(rec: Record, targets: frozenset[str], counties: dict[str, dict[str, str]]) -> str:
    """The one successor that carries the split unit on, by code (庐山区 360402 → 濂溪区 360402 and a piece to
    庐山市) or by name (永年县 → 永年区 and a piece to 丛台区), else ''.

    The government of 永年县 became that of 永年区, so its reports belong there; splits without such a
    successor (邢台县 → 襄都区 + 信都区; 遵义县 → 播州区 + pieces) stay unmapped.
    """
    if rec.code in targets:
        return rec.code
    stem = short_name(rec.name, COUNTY_SUFFIXES)
    same = [code for code in targets if counties[code]["short_name"] == stem]
    return same[0] if len(same) == 1 else ""


# ---------------------------------------------------------------- divisions


DIVISION_COLUMNS = ["code", "name", "short_name", "province_code", "province", "prefecture_code", "prefecture",
                    "lon", "lat", "latlon_source", "pinyin"]


def read_centroids(admin: Path) -> dict[str, tuple[str, str]]:
    """6-digit code → (lon, lat) from the cpca table, for units it knows with coordinates."""
    return {
        row["adcode"][:6]: (row["longitude"], row["latitude"])
        for row in read_csv(admin / "cpca-latlon" / "adcodes.csv")
        if row["longitude"] and row["latitude"]
    }


def fill_latlon(row: dict[str, str], centroids: dict[str, tuple[str, str]]) -> dict[str, str]:
    """Coordinates as given; where the joined input left them empty (清江浦区 has none in cpca, nor do the 新疆
    兵团 cities whose prefecture is '(省直辖)'), the prefecture's or else the province's centroid, flagged so."""
    if row["lon_gcj02"] and row["lat_gcj02"]:
        return row
    for code, source in ((row["code"][:4] + "00", "cpca_prefecture_fallback"),
                         (row["code"][:2] + "0000", "cpca_province_fallback")):
        if code in centroids:
            lon, lat = centroids[code]
            return dict(row, lon_gcj02=lon, lat_gcj02=lat, latlon_source=source)
    return row


def division_rows(admin: Path) -> list[dict[str, str]]:
    """One row per county-level unit of 2024, coordinates as given (GCJ-02, gaps filled by fill_latlon)."""
    pinyin = read_pinyin(admin)
    centroids = read_centroids(admin)
    rows = []
    for row in read_csv(admin / "counties_2024_latlon.csv"):
        row = fill_latlon(row, centroids)
        direct = not row["prefecture_code"]  # 直辖市 districts and 省直辖 units: "(直辖市)", "(省直辖)" in the input
        rows.append({
            "code": row["code"], "name": row["name"], "short_name": short_name(row["name"], COUNTY_SUFFIXES),
            "province_code": row["province_code"], "province": row["province"],
            "prefecture_code": row["prefecture_code"], "prefecture": "" if direct else row["prefecture"],
            "lon": row["lon_gcj02"], "lat": row["lat_gcj02"], "latlon_source": row["latlon_source"],
            "pinyin": pinyin.get((row["code"], row["name"]), ""),
        })
    return sorted(rows, key=lambda r: r["code"])


# ---------------------------------------------------------------- regions


REGION_COLUMNS = ["code", "name", "short_name", "level", "status", "current_code", "last_year"]


def region_rows(admin: Path, history: History, divisions: dict[str, dict[str, str]]) -> list[dict[str, str]]:
    """Current provinces/prefectures, plus historical prefecture names (毕节地区, 巢湖市) for placing old titles."""
    current = read_current_regions(admin)
    rows = {
        (code, name): {
            "code": code, "name": name, "level": "province" if code.endswith("0000") else "prefecture",
            "short_name": short_name(name, PROVINCE_SUFFIXES if code.endswith("0000") else PREFECTURE_SUFFIXES),
            "status": "current", "current_code": code, "last_year": "",
        }
        for code, name in current.items()
    }
    for rec in history.records:
        if rec.level != "地级" or rec.status == "在用":
            continue
        old = rows.get((rec.code, rec.name))
        if old and (old["status"] == "current" or int(old["last_year"]) >= (rec.last_year or 0)):
            continue
        rows[(rec.code, rec.name)] = {
            "code": rec.code, "name": rec.name, "short_name": "", "level": "prefecture", "status": "historical",
            "current_code": _region_successor(rec, history, current, divisions), "last_year": str(rec.last_year),
        }
    return sorted(rows.values(), key=lambda r: (r["code"], r["status"], r["name"]))


def _region_successor(rec: Record, history: History, current: dict[str, str],
                      divisions: dict[str, dict[str, str]]) -> str:
    """The one current region a historical prefecture became, judged by where its counties went ('' if several)."""
    if rec.code in current:
        return rec.code  # same code, new name (襄樊市 → 襄阳市)
    places = set()
    for county in history.records:
        if county.level == "县级" and county.prefecture == rec.name and county.code[:4] == rec.code[:4]:
            for target in history.targets(county):
                division = divisions.get(target)
                if division:
                    places.add(division["prefecture_code"] or division["province_code"])
    return places.pop() if len(places) == 1 else ""


# ---------------------------------------------------------------- townships


TOWNSHIP_COLUMNS = ["name", "code", "county_name"]


def township_rows(admin: Path, history: History, divisions: dict[str, dict[str, str]]) -> list[dict[str, str]]:
    """Township/street name → its county (2023 codes carried to 2024); non-county parents kept as NBS gives them."""
    areas = {row["code"]: row["name"] for row in read_csv(admin / "modood" / "areas.csv")}
    rows = set()
    for row in read_csv(admin / "modood" / "streets.csv"):
        name = row["name"].strip()
        if not name.endswith(TOWNSHIP_SUFFIXES):
            continue
        code = _current_county(row["areaCode"], history, divisions)
        county = divisions[code]["name"] if code in divisions else areas.get(code, "")
        rows.add((name, code, county))
    return [dict(zip(TOWNSHIP_COLUMNS, r, strict=True)) for r in sorted(rows, key=lambda r: (r[1], r[0]))]


def _current_county(code: str, history: History, divisions: dict[str, dict[str, str]]) -> str:
    """A 2023 county code as of 2024 (unchanged unless the history maps it to exactly one current county)."""
    if code in divisions:
        return code
    recs = [r for r in history.by_code.get(code, ()) if r.level == "县级"]
    targets = {t for r in recs for t in history.targets(r)}
    return targets.pop() if len(targets) == 1 and targets <= divisions.keys() else code


# ---------------------------------------------------------------- writing


def write_csv(path: Path, columns: list[str], rows: list[dict[str, str]]) -> None:
    """Write rows with a fixed column order and LF line ends (stable diffs)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def build(shared: Path, out: Path) -> dict[str, int]:
    """Build all four CSVs from `shared` into `out`; returns row counts per file."""
    admin = shared / ADMIN
    if not (admin / "counties_2024_latlon.csv").exists():
        raise FileNotFoundError(f"no admin-divisions datasets under {shared}")
    history = History(read_history(admin))
    divisions = division_rows(admin)
    by_code = {row["code"]: row for row in divisions}
    outputs = {
        "divisions.csv": (DIVISION_COLUMNS, divisions),
        "division_history.csv": (HISTORY_COLUMNS, history_rows(history, by_code)),
        "regions.csv": (REGION_COLUMNS, region_rows(admin, history, by_code)),
        "townships.csv": (TOWNSHIP_COLUMNS, township_rows(admin, history, by_code)),
    }
    for name, (columns, rows) in outputs.items():
        write_csv(out / name, columns, rows)
    return {name: len(rows) for name, (_, rows) in outputs.items()}


def main(argv: list[str] | None = None) -> None:
    """Command line: python -m archive.divisions_build [--shared DIR] [--out DIR]."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=DEFAULT_SHARED, help="the shared folder (../shared)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="where to write the CSVs (archive/data)")
    args = parser.parse_args(argv)
    for name, count in build(args.shared, args.out).items():
        print(f"{args.out / name}: {count} rows")


if __name__ == "__main__":
    main()
