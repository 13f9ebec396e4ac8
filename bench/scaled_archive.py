"""A scaled archive of N reports (10k … 1M) cloned at SQL level from a seed archive built by the real pipeline.

Why this way: the real pipeline (parse + write) runs at tens of documents per second, so a million reports
through it would take days; cloning rows inside SQLite (INSERT … SELECT from the attached seed, one transaction
per chunk, secondary indexes and full-text indexes built after the load, journal off during the build only)
builds a million in well under an hour and the rows are exactly what the pipeline writes.

Schema-agnostic: it reads sqlite_master and PRAGMA table_info/foreign_key_list of every database file in the
seed archive (the numbers database, a separate full-text database, ...) and clones
- every table with a `report_id` column, and `reports` itself (one copy of each seed report per clone);
- every table with a `sha256` column (documents, fetches, ...) through the seed report's sha256;
- integer `id` primary keys of cloned tables (and the foreign keys that point at them) shifted per clone;
- the per-clone columns by name (division_code, county, province, prefecture, agency, agency_id,
  agency_level, year, published, sha256); text columns that name the seed report's agency, county or year
  are rewritten to name the clone's own (found by looking at the seed's rows, not listed here).
External-content FTS5 tables are rebuilt after the load; their triggers are dropped during it and restored.

Clone i (1..N) is seed report (i-1) % S + 1 as published by agency (i-1) // 7 for year 2019 + (i-1) % 7:
every agency has one report a year (7 in all) whatever N, as a national archive would, so the agency page
stays a real agency's size. Agencies are county-level units × organs, county governments first (the first
~19k reports are all county governments), so a search for a county's name selects about N/2,800 reports.

Usage: python bench/scaled_archive.py --reports 10000 --out /work/scale/a10k
"""

from __future__ import annotations

import argparse
import json
import random
import re
import shutil
import sqlite3
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))  # archive_bench's pool of parsed synthetic reports

YEARS = 7
FIRST_YEAR = 2019
# County departments that publish their own 年报 (the first ten are synth.records.ORGANS); 1M reports / 7 years
# needs 142,858 agencies, i.e. ≥ 53 organs over the ~2,728 county-level units.
ORGANS = ("人民政府", "财政局", "教育局", "卫生健康局", "自然资源局", "市场监督管理局", "民政局", "住房和城乡建设局",
          "人力资源和社会保障局", "交通运输局", "人民政府办公室", "发展和改革局", "公安局", "司法局", "农业农村局",
          "水利局", "文化和旅游局", "退役军人事务局", "应急管理局", "审计局", "统计局", "医疗保障局", "林业局",
          "商务局", "科学技术局", "工业和信息化局", "城市管理局", "乡村振兴局", "信访局", "民族宗教事务局",
          "档案局", "体育局", "行政审批局", "粮食和物资储备局", "机关事务管理局", "数据资源管理局",
          "投资促进局", "生态环境分局", "人民防空办公室", "地方志办公室", "残疾人联合会", "妇女联合会",
          "总工会", "共青团委员会", "供销合作社", "住房公积金管理中心", "公共资源交易中心", "政务服务中心",
          "融媒体中心", "农业机械化服务中心", "水务局", "畜牧兽医局", "不动产登记中心", "综合行政执法局",
          "消防救援大队", "气象局", "烟草专卖局")
CHUNK = 20_000  # reports per transaction
PER_CLONE = {"division_code", "county", "province", "prefecture", "agency", "agency_id", "agency_level", "year",
             "published"}


@dataclass
class Table:
    name: str
    columns: list[str]
    pk: list[str]
    kind: str  # "report" (has report_id), "reports", "sha" (has sha256)
    int_id: bool = False  # an INTEGER PRIMARY KEY id shifted per clone
    fks: dict[str, str] = field(default_factory=dict)  # column -> referenced table


def build(seed_dir: Path, out_dir: Path, n: int, seed: int = 2026, say=print) -> dict:
    """Clone seed_dir's archive into out_dir with n reports; returns timings."""
    timings: dict[str, float] = {}
    start = time.perf_counter()
    out_dir.mkdir(parents=True, exist_ok=True)
    for path in seed_dir.glob("*.db"):  # a seed left in WAL mode: its rows into the file that is copied
        with sqlite3.connect(path) as conn:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    files = sorted(p for p in seed_dir.glob("*.db") if _has_reports(p))
    numbers = next(p for p in files if _has_table(p, "reports"))
    with tempfile.TemporaryDirectory(prefix="nianbao-scale-", dir=out_dir.parent) as tmp:
        map_path = Path(tmp) / "map.db"
        info = write_map(numbers, map_path, n, seed)
        timings["map_s"] = time.perf_counter() - start
        for path in files:
            target = out_dir / path.name
            shutil.copyfile(path, target)
            t0 = time.perf_counter()
            clone_file(target, path, map_path, n, info, say)
            timings[f"{path.name}_s"] = time.perf_counter() - t0
    timings["build_s"] = time.perf_counter() - start
    return timings


def _has_table(path: Path, name: str) -> bool:
    with sqlite3.connect(path) as conn:
        return conn.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name=?", [name]).fetchone() is not None


def _has_reports(path: Path) -> bool:
    return bool(discover(sqlite3.connect(path)))


def write_map(numbers: Path, map_path: Path, n: int, seed: int) -> dict:
    """map.db: seed_info (each seed report's agency, county, year, sha) and clones (each new report's attributes)."""
    src = sqlite3.connect(f"file:{numbers}?mode=ro", uri=True)
    seeds = src.execute("SELECT r.id, r.sha256, r.agency, r.year, d.name FROM reports r "
                        "LEFT JOIN divisions d ON d.code = r.division_code ORDER BY r.id").fetchall()
    counties = src.execute("SELECT code, name, province, prefecture FROM divisions WHERE code NOT LIKE '%00' "
                           "ORDER BY code").fetchall()
    agency_cols = [r[1] for r in src.execute("PRAGMA table_info(agencies)")]
    src.close()
    if [s[0] for s in seeds] != list(range(1, len(seeds) + 1)):
        raise SystemExit("seed report ids must be 1..S")
    rng = random.Random(seed)
    order = list(counties)
    rng.shuffle(order)
    n_agencies = -(-n // YEARS)
    if n_agencies > len(order) * len(ORGANS):
        raise SystemExit(f"{n} reports need more than {len(ORGANS)} organs per county")
    conn = sqlite3.connect(map_path)
    conn.execute("PRAGMA journal_mode = OFF")
    conn.execute("CREATE TABLE seed_info (seed_id INTEGER PRIMARY KEY, sha256 TEXT, agency TEXT, year INT, "
                 "county TEXT)")
    conn.executemany("INSERT INTO seed_info VALUES (?,?,?,?,?)", seeds)
    conn.execute("CREATE TABLE agencies (id INTEGER PRIMARY KEY, name TEXT, division_code TEXT, level TEXT, "
                 "role TEXT, identity TEXT)")
    agencies = []
    for a in range(n_agencies):
        organ = ORGANS[a // len(order)]
        code, county = order[a % len(order)][:2]
        level = "county_gov" if organ == "人民政府" else "department"
        agencies.append((a + 1, county + organ, code, level, organ, f"{code}|{level}|{organ}"))
    conn.executemany("INSERT INTO agencies VALUES (?,?,?,?,?,?)", agencies)
    conn.execute("CREATE TABLE clones (new_id INTEGER PRIMARY KEY, seed_id INT, k INT, agency_id INT, agency TEXT, "
                 "agency_level TEXT, division_code TEXT, county TEXT, province TEXT, prefecture TEXT, year INT, "
                 "sha256 TEXT)")
    place = {c[0]: c for c in counties}
    rows = []
    s = len(seeds)
    for i in range(1, n + 1):
        a = agencies[(i - 1) // YEARS]
        code, county, province, prefecture = place[a[2]]
        rows.append((i, (i - 1) % s + 1, (i - 1) // s, a[0], a[1], a[3], code, county, province, prefecture,
                     FIRST_YEAR + (i - 1) % YEARS, f"{i:064x}"))
    conn.executemany("INSERT INTO clones VALUES (?,?,?,?,?,?,?,?,?,?,?,?)", rows)
    conn.commit()
    conn.close()
    return {"seeds": s, "agency_columns": agency_cols}


def discover(conn: sqlite3.Connection) -> list[Table]:
    """The tables to clone in one database file, from sqlite_master (virtual/FTS shadow tables left out)."""
    names = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table' "
                                        "AND sql NOT LIKE 'CREATE VIRTUAL%' AND name NOT LIKE 'sqlite_%'")]
    fts = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE sql LIKE 'CREATE VIRTUAL%'")]
    tables = []
    for name in names:
        if any(name.startswith(f + "_") for f in fts):
            continue
        info = conn.execute(f"PRAGMA table_info([{name}])").fetchall()
        columns = [r[1] for r in info]
        pk = [r[1] for r in sorted(info, key=lambda r: r[5]) if r[5]]
        if name == "reports":
            kind = "reports"
        elif "report_id" in columns:
            kind = "report"
        elif "sha256" in columns and name not in ("documents_seen",):
            kind = "sha"
        else:
            continue
        int_id = pk == ["id"] and any(r[1] == "id" and r[2].upper() == "INTEGER" for r in info)
        fks = {r[3]: r[2] for r in conn.execute(f"PRAGMA foreign_key_list([{name}])")}
        tables.append(Table(name, columns, pk, kind, int_id and name != "reports", fks))
    return tables


def _strides(conn: sqlite3.Connection, tables: list[Table]) -> dict[str, int]:
    return {t.name: (conn.execute(f"SELECT coalesce(max(id), 0) FROM seed.[{t.name}]").fetchone()[0] or 0)
            for t in tables if t.int_id}


def _retarget_columns(conn: sqlite3.Connection, t: Table) -> list[str]:
    """Text columns whose seed rows name their report's agency, county or year (to be rewritten per clone)."""
    if t.kind == "sha":
        return []
    key = "id" if t.kind == "reports" else "report_id"
    out = []
    for col in t.columns:
        if col in PER_CLONE or col in ("sha256", "report_id", "id"):
            continue
        hit = conn.execute(
            f"SELECT 1 FROM seed.[{t.name}] s JOIN map.seed_info i ON i.seed_id = s.[{key}] "
            f"WHERE typeof(s.[{col}]) = 'text' AND (instr(s.[{col}], i.agency) OR instr(s.[{col}], i.year || '年') "
            f"OR instr(s.[{col}], i.county)) LIMIT 1").fetchone()
        if hit:
            out.append(col)
    return out


def _expr(t: Table, col: str, strides: dict[str, int], retarget: list[str], seeds: int) -> str:
    """The SELECT expression of one column of a clone row (s: seed row, c: clones row)."""
    shift = "c.k"
    if t.kind == "reports" and col == "id":
        return "c.new_id"
    if col == "report_id":
        return "c.new_id"
    if t.fks.get(col) == "reports":  # another report of the same clone block
        return f"s.[{col}] + {shift} * {seeds}"
    if t.int_id and col == "id":
        return f"s.id + {shift} * {strides[t.name]}"
    if t.fks.get(col) in strides:
        return f"s.[{col}] + {shift} * {strides[t.fks[col]]}"
    if col == "sha256" or t.fks.get(col) == "documents":
        return f"CASE WHEN s.[{col}] = i.sha256 THEN c.sha256 ELSE s.[{col}] END"
    if col == "published":
        return f"CASE WHEN s.[{col}] IS NULL THEN NULL ELSE (c.year + 1) || substr(s.[{col}], 5) END"
    if col in PER_CLONE and t.kind != "sha":
        return f"c.[{col}]"
    if col in retarget:
        agency = f"replace(s.[{col}], i.agency, c.agency)"
        county = f"CASE WHEN i.county IS NULL THEN {agency} ELSE replace({agency}, i.county, c.county) END"
        return f"replace({county}, i.year || '年', c.year || '年')"
    return f"s.[{col}]"


def clone_sql(t: Table, strides: dict[str, int], retarget: list[str], seeds: int) -> str:
    cols = ", ".join(f"[{c}]" for c in t.columns)
    exprs = ", ".join(_expr(t, c, strides, retarget, seeds) for c in t.columns)
    if t.kind == "sha":
        join = f"JOIN seed.[{t.name}] s ON s.sha256 = i.sha256"
    else:
        key = "id" if t.kind == "reports" else "report_id"
        join = f"JOIN seed.[{t.name}] s ON s.[{key}] = c.seed_id"
    order = ", ".join(f"s.[{c}]" for c in t.pk if c not in ("report_id",)) or "s.rowid"
    return (f"INSERT INTO main.[{t.name}] ({cols}) SELECT {exprs} FROM map.clones c "
            f"JOIN map.seed_info i ON i.seed_id = c.seed_id {join} "
            f"WHERE c.new_id BETWEEN ? AND ? ORDER BY c.new_id, {order}")


def clone_file(target: Path, seed_path: Path, map_path: Path, n: int, info: dict, say=print) -> None:
    """Empty the cloned tables of target (a copy of the seed file) and fill them with n clones."""
    conn = sqlite3.connect(target, isolation_level=None)
    for pragma in ("journal_mode = OFF", "synchronous = OFF", "foreign_keys = OFF", "cache_size = -400000",
                   "temp_store = FILE"):
        conn.execute(f"PRAGMA {pragma}")
    conn.execute("ATTACH ? AS seed", [f"file:{seed_path}?mode=ro"])
    conn.execute("ATTACH ? AS map", [str(map_path)])
    tables = discover(conn)
    names = {t.name for t in tables}
    has_agencies = "agencies" in _main_tables(conn)
    rebuilt = names | ({"agencies", "agency_names"} & _main_tables(conn) if has_agencies and "reports" in names
                       else set())
    saved = _drop_derived(conn, rebuilt)
    for name in rebuilt:
        conn.execute(f"DELETE FROM [{name}]")
    if "reports" in names and has_agencies:
        _fill_agencies(conn, info["agency_columns"])
    strides = _strides(conn, tables)
    plans = [(t, clone_sql(t, strides, _retarget_columns(conn, t), info["seeds"])) for t in tables]
    for lo in range(1, n + 1, CHUNK):
        hi = min(n, lo + CHUNK - 1)
        conn.execute("BEGIN")
        for _, sql in plans:
            conn.execute(sql, [lo, hi])
        conn.execute("COMMIT")
        say(f"  {target.name}: {hi:,} of {n:,} reports")
    _restore_derived(conn, saved, say)
    conn.execute("ANALYZE main")
    conn.execute("DETACH seed")
    conn.execute("DETACH map")
    conn.execute("PRAGMA journal_mode = DELETE")
    conn.close()


def _main_tables(conn: sqlite3.Connection) -> set[str]:
    return {r[0] for r in conn.execute("SELECT name FROM main.sqlite_master WHERE type='table'")}


def _fill_agencies(conn: sqlite3.Connection, columns: list[str]) -> None:
    """One agencies row (and its name in agency_names) per agency the clones use."""
    known = {"id": "id", "name": "name", "division_code": "division_code", "level": "level", "role": "role",
             "identity": "identity", "resolved_by": "'exact-name'", "region_code": "NULL"}
    cols = [c for c in columns if c in known]
    conn.execute(f"INSERT INTO main.agencies ({', '.join(cols)}) SELECT {', '.join(known[c] for c in cols)} "
                 "FROM map.agencies ORDER BY id")
    if "agency_names" in _main_tables(conn):
        conn.execute("INSERT INTO main.agency_names (agency_id, name) SELECT id, name FROM map.agencies")


def _drop_derived(conn: sqlite3.Connection, tables: set[str]) -> dict:
    """Drop the indexes and triggers on the tables to fill (kept to be recreated after the load)."""
    rows = conn.execute("SELECT type, name, tbl_name, sql FROM main.sqlite_master "
                        "WHERE type IN ('index', 'trigger') AND sql IS NOT NULL").fetchall()
    saved = {"index": [], "trigger": [], "fts": []}
    for kind, name, table, sql in rows:
        if table in tables:
            saved[kind].append(sql)
            conn.execute(f"DROP {kind.upper()} [{name}]")
    for name, sql in conn.execute("SELECT name, sql FROM main.sqlite_master WHERE sql LIKE 'CREATE VIRTUAL%fts5%'"):
        content = _fts_content(sql)
        if content in tables:
            saved["fts"].append(name)
    return saved


def _fts_content(sql: str) -> str | None:
    """The content= table of an external-content FTS5 table (None for one that holds its own text)."""
    match = re.search(r"content\s*=\s*[\[\"'`]?(\w+)", sql, re.IGNORECASE)
    return match.group(1) if match else None


def _restore_derived(conn: sqlite3.Connection, saved: dict, say=print) -> None:
    for sql in saved["index"]:
        t0 = time.perf_counter()
        conn.execute(sql)
        say(f"  index in {time.perf_counter() - t0:.0f} s: {' '.join(sql.split())[:90]}")
    for name in saved["fts"]:
        t0 = time.perf_counter()
        conn.execute(f"INSERT INTO [{name}]([{name}]) VALUES ('rebuild')")
        conn.execute(f"INSERT INTO [{name}]([{name}]) VALUES ('optimize')")
        say(f"  full-text index {name} rebuilt in {time.perf_counter() - t0:.0f} s")
    for sql in saved["trigger"]:
        conn.execute(sql)


def seed_archive(path: Path, pool_size: int = 60, seed: int = 2026) -> Path:
    """The seed: pool_size synthetic reports of every template and HTML layout through the real `ingest`."""
    from archive_bench import parsed_pool

    from nianbao.pipeline import Archive, ingest_bytes

    archive = Archive.open(path)
    for i, (data, ext, _) in enumerate(parsed_pool(pool_size, seed)):
        ingest_bytes(archive, data, f"http://www.example.gov.cn/r{i}.{ext}", f"r{i}.{ext}")
    archive.db.conn.close()
    return path


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reports", type=int, required=True)
    ap.add_argument("--out", type=Path, required=True, help="archive directory to create (must not exist)")
    ap.add_argument("--seed-archive", type=Path, help="an existing seed archive (default: ingest a fresh one)")
    ap.add_argument("--pool", type=int, default=60)
    ap.add_argument("--seed", type=int, default=2026)
    args = ap.parse_args()
    if args.out.exists():
        raise SystemExit(f"{args.out} exists")
    seed_dir = args.seed_archive
    if seed_dir is None:
        seed_dir = args.out.with_name(args.out.name + ".seed")
        if not seed_dir.exists():
            seed_archive(seed_dir, args.pool, args.seed)
    timings = build(seed_dir, args.out, args.reports, args.seed)
    args.out.with_name(args.out.name + ".build.json").write_text(json.dumps(timings, indent=1))
    print({k: round(v, 1) for k, v in timings.items()})


if __name__ == "__main__":
    main()
