"""Which files `nianbao ingest` takes as report documents, and where their source URL and date come from.

A folder handed to ingest holds more than reports: README.md, label JSON, other tools' CSV output, and
sidecars (report.pdf.json or report.pdf.meta with {"url": …, "published": …}). Only documents are ingested;
the rest is skipped with a reason. A file's local path is never its source: the URL comes from its sidecar or
from the header lines of a saved text page (原文链接/发布时间), and is unknown otherwise. Pure but for reading
the rules and the sidecars.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib.resources import files
from pathlib import Path

import yaml

from parsers.sniff import sniff

DATE = re.compile(r"(\d{4})\s*[-年/.]\s*(\d{1,2})\s*[-月/.]\s*(\d{1,2})")
URL = re.compile(r"https?://[^\s\"'<>，。；]+")
HEADER = re.compile(r"^\s*([^:：]{1,12}?)\s*[:：]\s*(.*)$")


@lru_cache(maxsize=1)
def rules() -> dict:
    return yaml.safe_load((files("archive") / "data" / "ingest_rules.yaml").read_text(encoding="utf-8"))


@dataclass
class Candidate:
    path: Path
    skip: str | None = None  # why it is not ingested
    meta: dict[str, str] = field(default_factory=dict)  # source_url, published


def sidecar_of(path: Path) -> Path | None:
    """The document a sidecar describes (report.pdf.json → report.pdf), when that document exists."""
    if path.suffix.lower() in rules()["sidecar_suffixes"]:
        doc = path.with_name(path.name[: -len(path.suffix)])
        if doc.suffix and doc.is_file():
            return doc
    return None


def skip_reason(path: Path, data: bytes) -> str | None:
    """Why a file is not a report document, or None when it may be one."""
    r = rules()
    if path.stem.lower() in r["skip_names"]:
        return f"a project file ({path.name}), not a report document"
    reason = r["skip_suffixes"].get(path.suffix.lower())
    if reason:
        return reason
    fmt = sniff(data, path.name)
    if fmt in r["skip_formats"]:
        return r["skip_formats"][fmt]
    if fmt in ("txt", "md") and data.lstrip()[:1] in (b"{", b"["):
        try:
            json.loads(data.decode("utf-8"))
            return "JSON data (labels or another tool's output), not a report document"
        except (UnicodeDecodeError, ValueError):
            pass
    return None


def _date(text: str) -> str | None:
    m = DATE.search(text or "")
    return f"{int(m[1]):04d}-{int(m[2]):02d}-{int(m[3]):02d}" if m else None


def _http(url: str | None) -> str | None:
    """Only web addresses are sources; file:// and other local references never are."""
    return url.strip() if url and URL.fullmatch(url.strip()) else None


def read_sidecar(path: Path) -> dict[str, str]:
    """{"source_url", "published"} from a JSON sidecar, or from `key: value` lines of a .meta file."""
    text = path.read_text(encoding="utf-8", errors="replace")
    try:
        raw = json.loads(text)
    except ValueError:
        raw = dict(line.split(":", 1) if ":" in line else line.split("=", 1)
                   for line in text.splitlines() if ":" in line or "=" in line)
    if not isinstance(raw, dict):
        return {}
    raw = {str(k).strip().lower(): str(v).strip() for k, v in raw.items() if v is not None}
    url = _http(raw.get("url") or raw.get("source_url") or raw.get("source"))
    published = _date(raw.get("published") or raw.get("date") or "")
    return {k: v for k, v in (("source_url", url), ("published", published)) if v}


def text_headers(data: bytes) -> dict[str, str]:
    """原文链接/发布时间 header lines at the top of a saved text page."""
    r = rules()
    text = data[:8192].decode("utf-8", errors="ignore")
    out: dict[str, str] = {}
    for line in text.splitlines()[: r["text_header_lines"]]:
        m = HEADER.match(line)
        if not m:
            continue
        key, value = m[1].strip(), m[2]
        if key in r["text_headers"]["url"] and "source_url" not in out and URL.search(value):
            out["source_url"] = URL.search(value)[0]  # type: ignore[index]
        elif key in r["text_headers"]["published"] and "published" not in out and _date(value):
            out["published"] = _date(value)  # type: ignore[assignment]
    return out


def walk(paths: list[Path]) -> list[Path]:
    out: list[Path] = []
    for p in paths:
        if p.is_dir():
            out.extend(sorted(q for q in p.rglob("*") if q.is_file() and not any(
                part.startswith(".") for part in q.relative_to(p).parts)))
        else:
            out.append(p)
    return out


def admit(path: Path, data: bytes, force: bool = False) -> Candidate:
    """A file with its skip reason (None: ingest it) and the source metadata found for it."""
    if sidecar_of(path) is not None:
        return Candidate(path, f"sidecar of {sidecar_of(path).name}")  # type: ignore[union-attr]
    candidate = Candidate(path, None if force else skip_reason(path, data))
    if candidate.skip:
        return candidate
    if sniff(data, path.name) in ("txt", "md"):
        candidate.meta.update(text_headers(data))
    for suffix in rules()["sidecar_suffixes"]:
        sidecar = path.with_name(path.name + suffix)
        if sidecar.is_file():
            candidate.meta.update(read_sidecar(sidecar))
    return candidate
