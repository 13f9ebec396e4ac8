"""The format of what queue-mode workers push to Redis for `nianbao archive-writer`: JSON, bodies in base64.

A data format, not pickle: whoever can write to that Redis list can make the writer store a document, never
run code. Every message is checked before use (size cap, known fields, types); anything else is rejected
with a reason.
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import json
from typing import Any

from crawler.items import FetchedDocument
from crawler.settings import DOWNLOAD_MAXSIZE
from crawler.sources import Source

MAX_MESSAGE_BYTES = DOWNLOAD_MAXSIZE * 4 // 3 + 1024 * 1024  # the largest body in base64, plus its metadata
FORMAT = "nianbao-item/1"
SOURCE_FIELDS = {f.name for f in dataclasses.fields(Source)}
SOURCE_REQUIRED = {f.name for f in dataclasses.fields(Source) if f.default is dataclasses.MISSING}
ITEM_FIELDS = {f.name: f for f in dataclasses.fields(FetchedDocument)}
REQUIRED = {name for name, f in ITEM_FIELDS.items()
            if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING}
TYPES: dict[str, tuple[type, ...]] = {
    "url": (str,), "final_url": (str,), "http_status": (int,), "headers": (dict,), "body": (str,),
    "fetched_at": (str,), "kind": (str,), "source_id": (int, type(None)), "division_code": (str, type(None)),
    "family": (str, type(None)), "referer": (str, type(None)), "title": (str, type(None)),
    "title_year": (int, type(None)), "meta": (dict,), "attachments": (list,), "note": (str, type(None)),
}


class RejectedMessage(ValueError):
    """A queue message that is not a well-formed item or robots record; it is dropped, never executed."""


def encode(payload: dict[str, Any]) -> bytes:
    """{"item": asdict(FetchedDocument), "crawl_id", "worker"} or {"robots": {host: {...}}, …} → message bytes."""
    out = {**payload, "format": FORMAT}
    if "item" in payload:
        out["item"] = {**payload["item"], "body": base64.b64encode(payload["item"]["body"]).decode("ascii")}
    return json.dumps(out, ensure_ascii=False).encode("utf-8")


def decode(message: bytes) -> dict[str, Any]:
    """Message bytes → {"item": FetchedDocument, "crawl_id", "worker"} or {"robots": {...}}; RejectedMessage else."""
    if len(message) > MAX_MESSAGE_BYTES:
        raise RejectedMessage(f"message of {len(message)} bytes is over the {MAX_MESSAGE_BYTES}-byte limit")
    try:
        data = json.loads(message.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise RejectedMessage(f"not a JSON queue message ({exc.__class__.__name__})") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise RejectedMessage(f"not a {FORMAT} message")
    if "robots" in data:
        return {"robots": _robots(data["robots"]), "crawl_id": _optional(data.get("crawl_id"), int, "crawl_id"),
                "requests": _optional(data.get("requests"), int, "requests") or 0,
                "sources": _sources(data.get("sources", []))}
    return {"item": _item(data.get("item")), "crawl_id": _optional(data.get("crawl_id"), int, "crawl_id"),
            "worker": _optional(data.get("worker"), str, "worker")}


def _optional(value: Any, kind: type, name: str) -> Any:
    if value is not None and (not isinstance(value, kind) or isinstance(value, bool)):
        raise RejectedMessage(f"{name} is not {kind.__name__}")
    return value


def _robots(robots: Any) -> dict[str, dict[str, Any]]:
    if not isinstance(robots, dict) or not all(
            isinstance(h, str) and isinstance(r, dict) and isinstance(r.get("text", ""), str)
            and isinstance(r.get("status", 0), int) for h, r in robots.items()):
        raise RejectedMessage("robots is not a map of host → {status, text}")
    return {h: {"status": r.get("status"), "text": r.get("text", "")} for h, r in robots.items()}


def _sources(sources: Any) -> list[dict[str, Any]]:
    """Registry rows as a worker sent them: only Source's fields, each a string (id an integer)."""
    if not isinstance(sources, list):
        raise RejectedMessage("sources is not a list")
    out = []
    for row in sources:
        if not isinstance(row, dict) or set(row) - SOURCE_FIELDS or not set(row) >= SOURCE_REQUIRED:
            raise RejectedMessage("a source row has unknown or missing fields")
        if not all(isinstance(v, int if k == "id" else str) and not isinstance(v, bool) for k, v in row.items()):
            raise RejectedMessage("a source row field has the wrong type")
        out.append(row)
    return out


def _item(item: Any) -> FetchedDocument:
    if not isinstance(item, dict):
        raise RejectedMessage("item is missing")
    unknown, missing = set(item) - set(ITEM_FIELDS), REQUIRED - set(item)
    if unknown or missing:
        raise RejectedMessage(f"item fields: unknown {sorted(unknown)}, missing {sorted(missing)}")
    for name, value in item.items():
        if not isinstance(value, TYPES.get(name, ())) or isinstance(value, bool):
            raise RejectedMessage(f"item field {name} has the wrong type")
    if not all(isinstance(k, str) and isinstance(v, str) for d in (item["headers"], item.get("meta", {}))
               for k, v in d.items()) or not all(isinstance(u, str) for u in item.get("attachments", [])):
        raise RejectedMessage("item headers, meta and attachments must hold strings")
    try:
        body = base64.b64decode(item["body"], validate=True)
    except (binascii.Error, ValueError):
        raise RejectedMessage("item body is not base64") from None
    return FetchedDocument(**{**item, "body": body})
