"""The `nianbao` command. Each subcommand is a thin shell over one package; its docstring is its help."""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

import click


@click.group()
@click.version_option(package_name="nianbao")
def cli() -> None:
    """nianbao (年报): archive and parse China's government-information-disclosure annual reports."""


@cli.command()
@click.argument("files", nargs=-1, required=True, type=click.Path())
@click.option("--json", "as_json", is_flag=True, help="Print a JSON object (one file) or a JSON array.")
@click.option("--jsonl", is_flag=True, help="Print one JSON object per line.")
@click.option("--cells/--no-cells", default=True, help="Include per-cell provenance (raw text, grid position, page).")
@click.option("--pages", is_flag=True, help="The files are the page images of ONE scanned report, in order (OCR).")
def parse(files: tuple[str, ...], as_json: bool, jsonl: bool, cells: bool, pages: bool) -> None:
    """Parse annual reports (HTML, PDF, DOCX, DOC/WPS/ODT/RTF, XLS/XLSX/ET/ODS, ZIP, text) into records.

    Directories are walked (links to directories are not followed). A broken file gets a status and a
    plain-language error and the batch goes on; a path that is not read (not a regular file, a broken link,
    an unreadable directory, over the size limit) gets a record with the error `skipped: why`. The exit
    code is non-zero only for usage errors.

    Example: nianbao parse ../shared/corpus/huaian-hongze-2023.pdf --json
    """
    from parsers import parse_file_all, skipped
    from parsers.files import display_name, read_document, walk

    if as_json and jsonl:
        raise click.UsageError("choose one of --json and --jsonl")
    entries = list(walk(files))
    records = (_trim(r, cells) for e in entries
               for r in ([skipped(e.path, e.skip)] if e.skip is not None else parse_file_all(e.path)))
    if pages:  # the readable files, in order, are the page images of one report
        from parsers import parse_pages

        readable = [e.path for e in entries if e.skip is None]
        if not readable:
            raise click.UsageError("no readable page images")
        records = iter([_trim(parse_pages([read_document(p) for p in readable], source=display_name(readable[0])),
                              cells)])
    if jsonl:
        for record in records:
            click.echo(json.dumps(record, ensure_ascii=False))
    elif as_json:
        items = list(records)
        click.echo(json.dumps(items[0] if len(items) == 1 else items, ensure_ascii=False, indent=1))
    else:
        for record in records:
            click.echo(_summary(record))


def _trim(record: dict, cells: bool) -> dict:
    if not cells:
        record.pop("cells", None)
    return record


def _summary(record: dict) -> str:
    failing = [f"{c['id']}[{c['scope']}]" for c in record["checks"] if not c["ok"]]
    head = f"{record['source']}: {record['status']} · {record['template']} · {record['agency']} · {record['year']}"
    lines = [head]
    lines += [f"  error: {e}" for e in record["errors"]]
    if failing:
        lines.append(f"  failing checks: {', '.join(failing)}")
    return "\n".join(lines)


ARCHIVE_OPTION = click.option(
    "--archive", "archive_dir", default=lambda: os.environ.get("NIANBAO_ARCHIVE", "var/archive"),
    show_default="var/archive or $NIANBAO_ARCHIVE", type=click.Path(file_okay=False),
    help="Archive directory: nianbao.db, raw/ (content-addressed bytes), warc/.",
)


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@ARCHIVE_OPTION
@click.option("--force", is_flag=True, help="Ingest files that do not look like report documents too.")
def ingest(paths: tuple[str, ...], archive_dir: str, force: bool) -> None:
    """Store, parse and archive report files (directories are walked; hidden files and links to
    directories are not). Each path that is not ingested gets a line `PATH: skipped: why` on stderr.

    Raw bytes go to the content-addressed store and a WARC resource record before anything is
    parsed. Running it twice changes nothing. Only report documents are taken: README files, JSON/CSV
    data and the like are skipped with a reason (--force takes them). A sidecar report.pdf.json (or .meta)
    with {"url": …, "published": …}, or 原文链接/发布时间 lines atop a saved text page, give the source URL
    and date; without them the source URL is unknown (a local path is never shown).

    Example: nianbao ingest ../shared/corpus --archive var/archive
    """
    from archive.errors import ArchiveWriteError
    from nianbao.pipeline import Archive, ingest_paths

    archive = Archive.open(archive_dir)
    try:
        outcome = ingest_paths(archive, paths, lambda line: click.echo(line, err=True), force)
    except ArchiveWriteError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"documents: {dict(outcome.counts)}; reports by status: {dict(outcome.statuses)}")
    _refresh_flags(archive.db)


@cli.command()
@ARCHIVE_OPTION
@click.option("--status", default=None, help="Only reports that currently have this status (e.g. partial).")
def reparse(archive_dir: str, status: str | None) -> None:
    """Re-run the parsers over the stored raw documents, without re-crawling.

    Changed values are written and the old ones kept in value_changes (see parse_runs).

    Example: nianbao reparse --archive var/archive --status partial
    """
    from nianbao.pipeline import Archive
    from nianbao.pipeline import reparse as run

    archive = Archive.open(archive_dir)
    outcome = run(archive, status)
    for problem in outcome.problems:
        click.echo(f"skipped: {problem}", err=True)
    click.echo(f"reports: {dict(outcome.counts)}; by status: {dict(outcome.statuses)}")
    _refresh_flags(archive.db)
    if outcome.problems:
        sys.exit(1)


@cli.command()
@ARCHIVE_OPTION
def ocr(archive_dir: str) -> None:
    """Read by OCR the reports still `image_only`: articles printed as page images (the crawl archives the
    images but does not OCR them: seconds of CPU per page) and scanned documents. Each becomes `ok` or `partial`
    with per-cell OCR confidence and review flags, under the same report row (nianbao/page_ocr.py).

    Example: nianbao ocr --archive var/archive
    """
    from nianbao.pipeline import Archive
    from nianbao.pipeline import reparse as run

    archive = Archive.open(archive_dir)
    outcome = run(archive, "image_only")
    for problem in outcome.problems:
        click.echo(f"skipped: {problem}", err=True)
    click.echo(f"image-only reports: {dict(outcome.counts)}; by status now: {dict(outcome.statuses)}")
    _refresh_flags(archive.db)
    if outcome.problems:
        sys.exit(1)


def _refresh_flags(db) -> None:
    from archive.flags import refresh_flags

    click.echo(f"copy-paste flags: {refresh_flags(db)}")


@cli.command()
@ARCHIVE_OPTION
@click.option("--repair", is_flag=True, help="Fix what the archive's own data allows (see above).")
def verify(archive_dir: str, repair: bool) -> None:
    """Check the whole archive: raw files against their hashes, every fetch against its WARC record, every
    report against its document, every WARC file readable from start to end. Exits 1 when something is wrong.

    --repair moves corrupt raw files to raw-quarantine/ (restoring them from WARC records when those hold the
    bytes), cuts a broken WARC file at its last good record (the rest kept aside) and writes missing WARC
    records again from good raw bytes.

    Example: nianbao verify --archive var/archive --repair
    """
    from nianbao.checking import run_verify

    sys.exit(run_verify(archive_dir, repair, click.echo))


@cli.command()
@ARCHIVE_OPTION
def flags(archive_dir: str) -> None:
    """Recompute the copy-paste flags: tables that repeat last year's numbers exactly, text that repeats last
    year's or another agency's report beyond the template's boilerplate (thresholds: archive/data/flags.yaml).

    ingest and reparse run it at the end; run it after a crawl. Served as the copy_flags query.

    Example: nianbao flags --archive var/archive
    """
    from archive.db import open_db

    db = open_db(Path(archive_dir) / "nianbao.db")
    _refresh_flags(db)
    db.close()


@cli.command()
@ARCHIVE_OPTION
@click.option("--out", default="var/releases", show_default=True, type=click.Path(file_okay=False),
              help="Directory that receives the nianbao-<release>/ folder.")
@click.option("--release", default=None, help="Release name (default: today's date; -2, -3 … when taken).")
@click.option("--excel", is_flag=True, help="Also write csv-excel/: the CSVs as UTF-8 with BOM for Excel.")
@click.option("--synthetic", is_flag=True, help="Mark the release synthetic (automatic for portal-farm crawls).")
def dump(archive_dir: str, out: str, release: str | None, excel: bool, synthetic: bool) -> None:
    """Write a dated release: SQLite file, gzip, one CSV per table (UTF-8), SHA256SUMS and a README.

    Never replaces a release: a second dump the same day is nianbao-<date>-2.

    Example: nianbao dump --archive var/archive --out var/releases --excel
    """
    from archive.dump import dump as write

    before = {p.name for p in Path(out).glob("nianbao-*")}
    path = write(Path(archive_dir) / "nianbao.db", out, release, excel=excel, synthetic=synthetic)
    click.echo(str(path))
    if path.name.rsplit("-", 1)[0] in before:
        click.echo(f"note: {path.name.rsplit('-', 1)[0]} already exists and was left as it is", err=True)


@cli.command()
@ARCHIVE_OPTION
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8001, show_default=True, type=int, help="Port to listen on.")
@click.option("--get", "get_path", default=None, help="Print the response for this path and exit (smoke test).")
@click.option("--watch", "watch_interval", default=2.0, show_default=True, type=float,
              help="Seconds between checks for a changed archive (Datasette restarts to show it); 0: never.")
def serve(archive_dir: str, host: str, port: int, get_path: str | None, watch_interval: float) -> None:
    """Serve the archive with Datasette and the project's configuration (immutable, so .db downloads work).

    A later `nianbao ingest` or crawl into the same archive shows up by itself: serve restarts Datasette
    when the database changed (a second or two without answers), unless --watch 0.

    Example: nianbao serve --archive var/archive --port 8001
    """
    from nianbao.serve import datasette_args, prepare

    db_path = prepare(Path(archive_dir) / "nianbao.db")
    if get_path is None and watch_interval > 0:
        from nianbao.supervise import serve_watching

        raise SystemExit(serve_watching(db_path, prepare, lambda: datasette_args(db_path, host, port),
                                        watch_interval, click.echo))
    args = datasette_args(db_path, host, port, get_path)
    os.execvp(args[0], args)


@cli.command()
@ARCHIVE_OPTION
@click.option("--spider", default="reports", show_default=True,
              help="reports (every source) or one family: trs, hanweb, gkmlpt, vsb, generic.")
@click.option("--sources", "sources_path", default=None, type=click.Path(exists=True, dir_okay=False),
              help="A sources CSV instead of the bundled crawler/sources.csv.")
@click.option("--ids", default=None, help="Only these source ids (comma-separated).")
@click.option("--division", default=None, help="Only sources whose division code starts with this (e.g. 3208).")
@click.option("--jobdir", default=None, type=click.Path(file_okay=False),
              help="Scrapy JOBDIR: a crawl killed and restarted with the same JOBDIR resumes.")
@click.option("--proxy", default=None, help="HTTP proxy for every request (e.g. the local portal farm).")
@click.option("--allow-hosts", default=None, help="Allowed host suffixes, comma-separated (default .gov.cn).")
@click.option("--redis", "redis_url", default=None, envvar="NIANBAO_REDIS_URL",
              help="Distributed mode: share the frontier in this Redis (redis://host:port); start any number of "
                   "workers with the same --redis and --run (docs/distributed.md).")
@click.option("--run", default="default", show_default=True, envvar="NIANBAO_RUN",
              help="Distributed mode: the run name; a new name is a new crawl with an empty frontier.")
@click.option("--worker", default=None, help="Distributed mode: this worker's name (default host-pid).")
@click.option("-s", "settings", multiple=True, help="Extra Scrapy setting NAME=VALUE (repeatable).")
@click.option("--wait", is_flag=True, help="If another crawl holds this archive, wait for it (default: exit 75).")
@click.option("--log-file", default=None, type=click.Path(dir_okay=False),
              help="Append the log here (directory created), rotated at 10 MB keeping 5 old files.")
@click.option("--parse-workers", default=None, type=click.IntRange(min=0),
              help="Parse pool size: N `nianbao parse-worker` processes parse what the crawl archives; 0 parses "
                   "inside the crawl. Default: one per CPU core.")
@click.option("--archive-only", is_flag=True,
              help="Archive and queue documents for parsing, start no parse worker: `nianbao parse-worker` "
                   "processes elsewhere (other machines sharing the archive) parse them.")
def crawl(archive_dir: str, spider: str, sources_path: str | None, ids: str | None, division: str | None,
          jobdir: str | None, proxy: str | None, allow_hosts: str | None, redis_url: str | None, run: str,
          worker: str | None, settings: tuple[str, ...], wait: bool, log_file: str | None,
          parse_workers: int | None, archive_only: bool) -> None:
    """Crawl portals from the sources registry, archive every report found, and parse it.

    The same as `scrapy crawl reports -s NIANBAO_ARCHIVE=…`; robots.txt is obeyed, at most two
    requests per host run at once, re-crawls are conditional (ETag/Last-Modified). With --redis, any number
    of workers share one frontier (scrapy-redis), per-host limits hold across them, and a worker may die or
    join at any time.

    One crawl at a time per archive (exit 75 if another holds it, or --wait). Exit status: 0 success; 1 the
    crawl did not finish or its log has tracebacks; 3 abnormal parse-error rate (over 20% status error);
    4 the --run named a distributed run that already finished. `{date}` in --run becomes today's date (UTC).

    Example: nianbao crawl --archive var/archive --division 3208 --jobdir var/jobs/jiangsu
    Example: nianbao crawl --archive /shared/archive --redis redis://10.0.0.5:6379 --run 2026-12
    """
    from nianbao.crawl import crawl_once

    if worker:
        os.environ["NIANBAO_WORKER"] = worker
    extra = dict(item.split("=", 1) for item in settings)
    if archive_only:
        extra["NIANBAO_PARSE_DEFERRED"], parse_workers = "True", 0
    sys.exit(crawl_once(archive_dir, wait=wait, say=click.echo, spider=spider, sources_path=sources_path, ids=ids,
                        division=division, jobdir=jobdir, proxy=proxy, allow_hosts=allow_hosts, extra=extra,
                        redis_url=redis_url, run=run, log_file=log_file, parse_workers=parse_workers))


@cli.command("parse-worker")
@ARCHIVE_OPTION
@click.option("--worker", default=None, help="This worker's name in the parse queue (default host-pid).")
@click.option("--until-idle", is_flag=True, help="Exit when nothing is left to parse (else run until stopped).")
@click.option("--parent", default=None, type=int, help="Exit when the process with this id is gone (pools).")
@click.option("--nice", default=0, type=click.IntRange(0, 19), show_default=True,
              help="Lower this worker's CPU priority by this much (a crawl's own pool: 10, so fetching comes first).")
def parse_worker(archive_dir: str, worker: str | None, until_idle: bool, parent: int | None, nice: int) -> None:
    """Parse the documents a crawl archived (pending in the archive's parse queue), one at a time, with a lease:
    any number of workers, on this machine or others sharing the archive directory, never parse the same one.
    `nianbao crawl` starts a pool of these itself (--parse-workers); start more to drain a backlog.

    Example: nianbao parse-worker --archive var/archive --until-idle
    """
    from nianbao.parsepool import run_worker, worker_name

    if nice:
        os.nice(nice)
    stats = run_worker(archive_dir, worker or worker_name(), until_idle=until_idle,
                       parent=parent, say=click.echo)
    if until_idle:
        click.echo(f"{stats.parsed} documents parsed, {stats.crashed} recorded as parser crashes")


@cli.group()
def sources() -> None:
    """The sources registry (crawler/sources.csv): where crawls start.

    Example: nianbao sources validate
    """


@sources.command("list")
@click.option("--family", default=None, help="Only this family.")
def sources_list(family: str | None) -> None:
    """List registry entries: id, division, agency, level, family, verified, start URLs.

    Example: nianbao sources list --family hanweb
    """
    from crawler.sources import load_sources

    for s in load_sources():
        if family is None or s.family == family:
            fields = (s.id, s.division_code, s.agency, s.level, s.family or "-", s.verified, s.start_urls)
            click.echo("\t".join(map(str, fields)))


@sources.command("validate")
def sources_validate() -> None:
    """Check every registry entry; exits 1 when any is invalid.

    Example: nianbao sources validate
    """
    from crawler.sources import load_sources, problems

    bad = 0
    for s in load_sources():
        for problem in problems(s):
            bad += 1
            click.echo(f"source {s.id} ({s.agency}): {problem}")
    click.echo(f"{bad} problem(s)")
    if bad:
        raise SystemExit(1)


@sources.command("add")
@click.option("--division", "division_code", required=True, help="6-digit division code.")
@click.option("--agency", required=True, help="Agency name as it publishes.")
@click.option("--level", required=True, help="county_gov, department, township, prefecture, province or other.")
@click.option("--url", "urls", multiple=True, required=True, help="Start URL (repeatable).")
@click.option("--family", default="", help="Family hint: trs, hanweb, gkmlpt, vsb, generic.")
@click.option("--notes", default="", help="Free notes.")
def sources_add(division_code: str, agency: str, level: str, urls: tuple[str, ...], family: str, notes: str) -> None:
    """Add a validated entry (marked unverified until a crawl confirms it).

    Example: nianbao sources add --division 640522 --agency 海原县 --level county_gov --url http://www.hy.gov.cn/
    """
    from crawler.sources import add_source, load_sources, write_sources

    registry = load_sources()
    try:
        source = add_source(registry, division_code=division_code, agency=agency, level=level,
                            start_urls=" ".join(urls), family=family, notes=notes, verified="no")
    except ValueError as exc:
        raise click.UsageError(str(exc)) from None
    write_sources(registry)
    from crawler.registry_build import rebuild

    rebuild()  # the national registry takes the hand-found entry over (crawler/registry.csv)
    click.echo(f"added source {source.id}")


@sources.command("verify")
@ARCHIVE_OPTION
@click.option("--sources", "sources_path", default=None, type=click.Path(exists=True, dir_okay=False),
              help="A sources CSV instead of the bundled crawler/sources.csv.")
def sources_verify(archive_dir: str, sources_path: str | None) -> None:
    """Mark entries verified whose portals yielded at least one archived report in this archive.

    Example: nianbao sources verify --archive var/archive
    """
    import sqlite3
    from contextlib import closing
    from urllib.parse import urlsplit

    from crawler.sources import REGISTRY, confirm, load_sources, write_sources

    path = sources_path or REGISTRY
    with closing(sqlite3.connect(Path(archive_dir) / "nianbao.db")) as db:
        rows = db.execute("SELECT source_url, min(first_seen) FROM reports WHERE status IN ('ok', 'partial') "
                          "GROUP BY source_url").fetchall()
    first: dict[str, str] = {}
    for url, seen in rows:
        host = urlsplit(url or "").hostname or ""
        first[host] = min(first.get(host, seen), seen)
    registry = load_sources(path)
    newly = confirm(registry, first)
    write_sources(registry, path)
    click.echo(f"{len(newly)} source(s) newly verified; {sum(s.verified.startswith('yes') for s in registry)} "
               f"of {len(registry)} verified")


@sources.command("registry")
@click.option("--build", "rebuild_it", is_flag=True,
              help="Regenerate crawler/registry.csv from the divisions registry and crawler/sources.csv first.")
@click.option("--status", default=None, help="Only rows with this status (verified, candidate, blocked…).")
@click.option("--province", default=None, help="Only this province (name, e.g. 江苏省, or code prefix, e.g. 32).")
def sources_registry(rebuild_it: bool, status: str | None, province: str | None) -> None:
    """The national registry: one row per county-level unit with its host status and 年报 columns.

    Prints code, name, status, host, checked, 年报 column URLs (tab-separated), then counts per status.

    Example: nianbao sources registry --build --province 32
    """
    from crawler.registry import counts, load_registry
    from crawler.registry_build import rebuild

    if rebuild_it:
        rebuild()
    units = load_registry()
    shown = [u for u in units if (status is None or u.status == status)
             and (province is None or u.province == province or u.code.startswith(province))]
    for u in shown:
        click.echo("\t".join((u.code, u.name, u.status, u.host or "-", u.checked or "-", u.column_urls or "-")))
    click.echo(f"{len(shown)} of {len(units)} units: "
               + ", ".join(f"{n} {s}" for s, n in counts(units).items()), err=True)


@sources.command("coverage")
@ARCHIVE_OPTION
@click.option("--by", "by", type=click.Choice(["province", "unit"]), default="province", show_default=True,
              help="One line per province, or per county-level unit.")
@click.option("--province", default=None, help="Only this province (name or code prefix).")
def sources_coverage(archive_dir: str, by: str, province: str | None) -> None:
    """What the archive covers: host status, 年报 column found, reports archived by year, last checked.

    Refreshes the archive's registry table from crawler/registry.csv (Datasette shows the same as the
    `coverage` view and the coverage_map query). `finding` keeps "nothing_found_yet" (nobody checked) apart
    from "not_published" (the 年报 column was crawled and held no report).

    Example: nianbao sources coverage --archive var/archive --by unit --province 32
    """
    from crawler.coverage import as_tsv, by_province, by_unit, open_archive

    db = open_archive(archive_dir)
    rows = by_province(db, province) if by == "province" else by_unit(db, province)
    click.echo(as_tsv(rows))


@sources.command("discover")
@click.option("--code", "codes", default=None, help="Only these division codes (comma-separated).")
@click.option("--province", default=None, help="Only this province (name, e.g. 陕西省, or code prefix, e.g. 61).")
@click.option("--limit", default=10, show_default=True, help="Candidate hosts tried per unit.")
@click.option("--max-age", default=30, show_default=True, help="Skip units checked fewer than this many days ago.")
@click.option("--registry", default=None, type=click.Path(dir_okay=False),
              help="A registry CSV instead of the bundled crawler/registry.csv (updated in place).")
@click.option("--proxy", default=None, help="HTTP proxy for every request (e.g. the local portal farm).")
@click.option("-s", "settings", multiple=True, help="Extra Scrapy setting NAME=VALUE (repeatable).")
def sources_discover(codes: str | None, province: str | None, limit: int, max_age: int, registry: str | None,
                     proxy: str | None, settings: tuple[str, ...]) -> None:
    """Find each unit's portal from its code: try candidate hosts until one verifies, then find its 年报 column.

    robots.txt is obeyed, one request per host at a time; every finished unit is written to the registry at
    once (safe to stop and resume; a re-run skips units checked within --max-age days). WAF challenges are
    recorded as blocked, not absent.

    Example: nianbao sources discover --province 61
    """
    from nianbao.discovery import run_discovery

    extra = dict(item.split("=", 1) for item in settings)
    done = run_discovery(codes=codes, province=province, registry=registry, limit=limit, max_age=max_age,
                         proxy=proxy, extra=extra)
    click.echo(f"discovery finished: {done}")


@sources.command("candidates")
@click.argument("codes", nargs=-1, required=True)
@click.option("--limit", default=10, show_default=True, help="Candidates per code.")
def sources_candidates(codes: tuple[str, ...], limit: int) -> None:
    """Ranked candidate portal hosts per division code, from the unit's name in pinyin (no network).

    One line per code: the code, then its hosts, tab-separated. `-` reads codes from stdin.

    Example: nianbao sources candidates 610827 150926
    Example: cut -d, -f1 archive/data/divisions.csv | tail -n +2 | nianbao sources candidates -
    """
    from crawler.hostnames import candidates

    wanted = [c for code in codes for c in (click.get_text_stream("stdin").read().split() if code == "-" else [code])]
    for code in wanted:
        hosts = candidates(code, limit)
        if not hosts:
            click.echo(f"{code}: not a known county-level division code", err=True)
        click.echo("\t".join([code, *hosts]))


@cli.command()
@click.option("--format", "fmt", type=click.Choice(["cron", "systemd"]), default="cron", show_default=True,
              help="A crontab block or systemd service + timer units.")
@click.option("--install", is_flag=True, help="Install it (crontab of this user, or ~/.config/systemd/user).")
@ARCHIVE_OPTION
@click.option("--workdir", default=None, type=click.Path(file_okay=False),
              help="Where the crawls run (var/jobs, var/log; a relative --archive): default this checkout.")
@click.option("--sources", "sources_path", default=None, help="Passed to `nianbao crawl --sources`.")
@click.option("--proxy", default=None, help="Passed to `nianbao crawl --proxy`.")
@click.option("-s", "settings", multiple=True, help="Passed to `nianbao crawl -s` (repeatable).")
@click.option("--redis", "redis_url", default=None, help="Distributed mode: the lines every worker host runs.")
@click.option("--run", default="scheduled-{date}", show_default=True,
              help="Distributed mode: run name; {date} becomes the day, so each slot is a new run.")
def schedule(fmt: str, install: bool, archive_dir: str, workdir: str | None, sources_path: str | None,
             proxy: str | None, settings: tuple[str, ...], redis_url: str | None, run: str) -> None:
    """Print (or install) recurring crawls: weekly, and daily around the 31 Jan / 31 Mar deadlines.

    Each slot is a new crawl that re-checks everything archived (conditional requests); a crawl that was killed
    or stopped is resumed by the next slot. Logs go to var/log/crawl.log (rotated).

    Example: nianbao schedule --format systemd
    Example: nianbao schedule --archive /srv/nianbao/archive --redis redis://10.0.0.5:6379
    """
    from nianbao.scheduling import ROOT, NoCrontab, Plan, install_or_print

    plan = Plan(archive_dir, workdir or str(ROOT), sources_path, proxy, settings, redis_url, run)
    try:
        click.echo(install_or_print(fmt, install, plan))
    except NoCrontab as exc:
        raise click.ClickException(str(exc)) from None


@cli.group()
def farm() -> None:
    """The synthetic portal farm (docs/farm.md): local portals on 127.0.0.1 to try crawls and schedules on.

    Example: nianbao farm serve --port 8899 --sources-out var/farm/sources.csv
    """


@farm.command("serve")
@click.option("--seed", default=1, show_default=True, type=int, help="Same seed, same portals.")
@click.option("--port", default=8899, show_default=True, type=int, help="Proxy port (0 picks a free one).")
@click.option("--sites", default=6, show_default=True, type=int, help="County portals.")
@click.option("--reports-per-county", default=None, type=int, help="Fewer reports for quicker crawls.")
@click.option("--latency-ms", default=0, show_default=True, type=int, help="Delay per response.")
@click.option("--generation", default=0, show_default=True, type=int, help="Start at this generation.")
@click.option("--manifest", default=None, type=click.Path(dir_okay=False), help="Write the ground truth here.")
@click.option("--sources-out", default=None, type=click.Path(dir_okay=False),
              help="Write the farm as a sources CSV for `nianbao crawl --sources`.")
def farm_serve(seed: int, port: int, sites: int, reports_per_county: int | None, latency_ms: int, generation: int,
               manifest: str | None, sources_out: str | None) -> None:
    """Serve the farm until Ctrl-C; the first line printed is its port. Crawl it with --proxy
    http://127.0.0.1:PORT --sources FILE; switch generation: curl -d 1 http://127.0.0.1:PORT/__farm__/generation

    Example: nianbao farm serve --port 8899 --sources-out var/farm/sources.csv
    """
    from synth.farm.__main__ import main

    argv = ["--seed", str(seed), "--port", str(port), "--sites", str(sites), "--latency-ms", str(latency_ms),
            "--generation", str(generation)]
    argv += ["--reports-per-county", str(reports_per_county)] if reports_per_county else []
    argv += ["--manifest", manifest] if manifest else []
    argv += ["--sources-out", sources_out] if sources_out else []
    sys.exit(main(argv))


@cli.command()
@ARCHIVE_OPTION
@click.option("--farm", "farm_url", required=True, help="The running farm, http://127.0.0.1:PORT.")
def audit(archive_dir: str, farm_url: str) -> None:
    """Check an archive crawled from the farm against its ground truth: every reachable report found once,
    edited ones kept as versions, removed ones marked removed_at. Exits 1 on any discrepancy.

    Example: nianbao audit --archive var/farm-archive --farm http://127.0.0.1:8899
    """
    import sqlite3
    from contextlib import closing

    from synth.farm.audit import audit as check
    from synth.farm.audit import report_rows
    from synth.farm.remote import manifests

    db_path = Path(archive_dir) / "nianbao.db"
    if not db_path.is_file():
        raise click.ClickException(f"no archive at {archive_dir} (no nianbao.db)")
    try:
        current, earlier = manifests(farm_url)
    except OSError as exc:
        raise click.ClickException(f"cannot read the farm's manifest at {farm_url}: {exc}") from None
    with closing(sqlite3.connect(db_path)) as db:
        result = check(current, report_rows(db), earlier)
    click.echo(f"generation {current['generation']}: {result.summary()}")
    for name in ("missing", "duplicated", "wrong", "extra", "unreachable_archived", "not_marked_removed"):
        for entry in getattr(result, name)[:20]:
            click.echo(f"  {name}: {entry}")
    sys.exit(0 if result.ok else 1)


@cli.command("archive-writer")
@ARCHIVE_OPTION
@click.option("--redis", "redis_url", required=True, envvar="NIANBAO_REDIS_URL", help="The run's Redis.")
@click.option("--run", default="default", show_default=True, envvar="NIANBAO_RUN", help="The run name.")
@click.option("--until-done", is_flag=True, help="Exit when the run is finished (else serve until stopped).")
def archive_writer(archive_dir: str, redis_url: str, run: str, until_done: bool) -> None:
    """The one process that writes the archive for a distributed crawl whose workers run in queue mode
    (-s NIANBAO_ARCHIVE_WRITER=queue): they push fetched documents to Redis, this stores and parses them.

    Start it before the workers, on the host that holds the archive.

    Example: nianbao archive-writer --archive /srv/nianbao/archive --redis redis://10.0.0.5:6379 --run 2026-12
    """
    from archive.errors import ArchiveWriteError
    from nianbao.runlock import ArchiveBusy
    from nianbao.writer import run_writer

    try:
        run_writer(archive_dir, redis_url, run, until_done, click.echo)
    except ArchiveBusy as exc:
        click.echo(str(exc), err=True)
        sys.exit(75)
    except ArchiveWriteError as exc:
        raise click.ClickException(f"{exc} (the message being written is back in the queue)") from None


@cli.command()
@click.option("--archive", "archive_dir", default="var/demo", show_default=True, type=click.Path(file_okay=False),
              help="Where the demo archive goes (recreated on every run; never a directory with other data).")
@click.option("--seed", default=1, show_default=True, type=int, help="Which farm: same seed, same portals.")
@click.option("--counties", default=6, show_default=True, type=int, help="County portals in the farm (6 covers "
              "every family and trouble case).")
@click.option("--reports-per-county", default=None, type=int, help="Fewer reports for a quicker demo.")
@click.option("--host", default="127.0.0.1", show_default=True, help="Datasette listens here.")
@click.option("--port", default=8001, show_default=True, type=int, help="Datasette port.")
@click.option("--no-serve", is_flag=True, help="Stop after building the archive (do not start Datasette).")
def demo(archive_dir: str, seed: int, counties: int, reports_per_county: int | None, host: str, port: int,
         no_serve: bool) -> None:
    """The whole pipeline on synthetic portals: start the local portal farm, crawl it with Scrapy, archive and
    parse every report, check the result against the farm's ground truth, then serve it with Datasette.

    Nothing leaves this machine: the farm binds 127.0.0.1 and is the crawler's proxy. Takes a few minutes.

    Example: nianbao demo --port 8001
    """
    from nianbao.demo import check_against_farm, crawl_farm, fresh_archive
    from synth.farm import Farm

    archive = fresh_archive(Path(archive_dir))
    started = time.monotonic()
    with Farm(seed=seed, n_counties=counties, reports_per_county=reports_per_county) as farm:
        truth = farm.manifest()
        click.echo(f"1/3 portal farm on {farm.proxy_url}: {len(truth['gov_hosts'])} synthetic portals, "
                   f"{len(truth['reports'])} planted reports (seed {seed})")
        click.echo(f"2/3 crawling into {archive} (Scrapy, robots.txt obeyed, 2 requests per host) …")
        if crawl_farm(farm, archive, click.echo) != 0:
            raise click.ClickException("the crawl failed; see the log above")
        result = check_against_farm(farm, archive)
    click.echo(f"    done in {time.monotonic() - started:.0f} s: {result.summary()}")
    from archive.db import open_db

    db = open_db(archive / "nianbao.db")
    _refresh_flags(db)
    db.close()  # serving below folds the WAL into the file: nothing may hold it open
    if no_serve:
        click.echo(f"3/3 skipped (--no-serve); serve later with: nianbao serve --archive {archive}")
        return
    click.echo(f"3/3 Datasette on http://{host}:{port}/ (demo data is synthetic; Ctrl-C stops)")
    from nianbao.serve import datasette_args, prepare

    os.environ["NIANBAO_DEMO"] = "1"
    args = datasette_args(prepare(archive / "nianbao.db"), host, port)
    os.execvp(args[0], args)


def main() -> None:  # pragma: no cover - console entry
    cli(prog_name="nianbao")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
