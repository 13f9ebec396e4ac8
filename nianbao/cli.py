"""The `nianbao` command. Each subcommand is a thin shell over one package; its docstring is its help."""

from __future__ import annotations

import json
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


def main() -> None:  # pragma: no cover - console entry
    cli(prog_name="nianbao")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
