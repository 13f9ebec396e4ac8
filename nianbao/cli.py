"""The `nianbao` command. Each subcommand is a thin shell over one package; its docstring is its help."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import click


@click.group()
@click.version_option(package_name="nianbao")
def cli() -> None:
    """nianbao (年报): archive and parse China's government-information-disclosure annual reports."""


def _expand(paths: tuple[str, ...]) -> list[Path]:
    out: list[Path] = []
    for p in map(Path, paths):
        out.extend(sorted(q for q in p.rglob("*") if q.is_file()) if p.is_dir() else [p])
    return out


@cli.command()
@click.argument("files", nargs=-1, required=True, type=click.Path())
@click.option("--json", "as_json", is_flag=True, help="Print a JSON object (one file) or a JSON array.")
@click.option("--jsonl", is_flag=True, help="Print one JSON object per line.")
@click.option("--cells/--no-cells", default=True, help="Include per-cell provenance (raw text, grid position, page).")
def parse(files: tuple[str, ...], as_json: bool, jsonl: bool, cells: bool) -> None:
    """Parse annual reports (HTML, PDF, DOCX, DOC/WPS, text) into canonical records.

    Directories are walked. A broken file gets a status and a plain-language error and the batch
    goes on; the exit code is non-zero only for usage errors.

    Example: nianbao parse ../shared/corpus/huaian-hongze-2023.pdf --json
    """
    from parsers import parse_file

    if as_json and jsonl:
        raise click.UsageError("choose one of --json and --jsonl")
    paths = _expand(files)
    records = (_trim(parse_file(p), cells) for p in paths)
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
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
@ARCHIVE_OPTION
def ingest(paths: tuple[str, ...], archive_dir: str) -> None:
    """Store, parse and archive report files (directories are walked).

    Raw bytes go to the content-addressed store and a WARC resource record before anything is
    parsed. Running it twice changes nothing.

    Example: nianbao ingest ../shared/corpus --archive var/archive
    """
    from nianbao.pipeline import Archive, ingest_paths

    outcome = ingest_paths(Archive.open(archive_dir), paths)
    click.echo(f"documents: {dict(outcome.counts)}; reports by status: {dict(outcome.statuses)}")


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

    outcome = run(Archive.open(archive_dir), status)
    click.echo(f"reports: {dict(outcome.counts)}; by status: {dict(outcome.statuses)}")


@cli.command()
@ARCHIVE_OPTION
@click.option("--out", default="var/releases", show_default=True, type=click.Path(file_okay=False),
              help="Directory that receives the nianbao-<release>/ folder.")
@click.option("--release", default=None, help="Release name (default: today's date).")
def dump(archive_dir: str, out: str, release: str | None) -> None:
    """Write a dated release: SQLite file, gzip, one CSV per table, SHA256SUMS and a README.

    Example: nianbao dump --archive var/archive --out var/releases
    """
    from archive.dump import dump as write

    path = write(Path(archive_dir) / "nianbao.db", out, release)
    click.echo(str(path))


@cli.command()
@ARCHIVE_OPTION
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8001, show_default=True, type=int, help="Port to listen on.")
@click.option("--get", "get_path", default=None, help="Print the response for this path and exit (smoke test).")
def serve(archive_dir: str, host: str, port: int, get_path: str | None) -> None:
    """Serve the archive with Datasette and the project's configuration (immutable, so .db downloads work).

    Example: nianbao serve --archive var/archive --port 8001
    """
    from nianbao.serve import datasette_args, prepare

    db_path = prepare(Path(archive_dir) / "nianbao.db")
    args = datasette_args(db_path, host, port, get_path)
    os.execvp(args[0], args)


def main() -> None:  # pragma: no cover - console entry
    cli(prog_name="nianbao")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
