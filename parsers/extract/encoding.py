"""Decode HTML and text bytes: BOM, then declared charset (meta or HTTP header), then detection."""

from __future__ import annotations

import codecs
import re

from charset_normalizer import from_bytes

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.I)
_HEADER_CHARSET = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9_\-]+)", re.I)
BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
# Chinese sites declare gb2312/gbk but use characters only GB18030 covers; decode with the superset.
SUPERSETS = {"gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "gb_2312-80": "gb18030", "cp936": "gb18030"}


def _normal(name: str) -> str | None:
    name = name.strip().lower()
    name = SUPERSETS.get(name, name)
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def _try(data: bytes, encoding: str | None) -> str | None:
    if not encoding:
        return None
    try:
        return data.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return None


def declared_charsets(data: bytes, content_type: str | None) -> list[str]:
    found: list[str] = []
    m = _META_CHARSET.search(data[:8192])
    if m:
        found.append(m.group(1).decode("ascii", "ignore"))
    if content_type:
        h = _HEADER_CHARSET.search(content_type)
        if h:
            found.append(h.group(1))
    return [n for n in (_normal(x) for x in found) if n]


def decode_text(data: bytes, content_type: str | None = None) -> tuple[str, str]:
    """Return (text, encoding used). Never raises: undecodable bytes become U+FFFD."""
    for bom, enc in BOMS:
        if data.startswith(bom):
            return data.decode(enc, errors="replace"), enc
    for enc in [*declared_charsets(data, content_type), "utf-8", "gb18030"]:
        text = _try(data, enc)
        if text is not None:
            return text, enc
    best = from_bytes(data[:200_000]).best()
    enc = best.encoding if best else "gb18030"
    return data.decode(enc, errors="replace"), enc


decode_html = decode_text
