"""ZIP attachments holding several reports: the members, read within limits, each to be parsed alone.

Portals zip a county's department reports together ("各部门2023年年报.zip"). Nothing is written to
disk; member names are only labels, yet a name that would escape a directory (../, /etc, C:) marks a
hostile archive and the member is skipped. Limits: member count, each member's and the total
uncompressed size (checked against the real bytes read, not only the declared sizes), compression
ratio, and nesting depth (a zip inside a zip is followed MAX_DEPTH levels).
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass

from parsers.models import ExtractError

MAX_MEMBERS = 100
MAX_MEMBER_BYTES = 100 * 1024 * 1024
MAX_TOTAL_BYTES = 300 * 1024 * 1024
MAX_RATIO = 200
MAX_DEPTH = 2
UTF8_FLAG = 0x800
ENCRYPTED_FLAG = 0x1
_DRIVE = re.compile(r"^[a-zA-Z]:")


@dataclass
class Member:
    name: str
    data: bytes | None  # None: skipped, `problem` says why
    problem: str | None = None


def member_name(info: zipfile.ZipInfo) -> str:
    """Chinese Windows zips store names in GBK without the UTF-8 flag; Python read them as cp437."""
    if info.flag_bits & UTF8_FLAG:
        return info.filename
    try:
        return info.filename.encode("cp437").decode("gb18030")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return info.filename


def is_unsafe(name: str) -> bool:
    parts = name.replace("\\", "/").split("/")
    return name.startswith(("/", "\\")) or bool(_DRIVE.match(name)) or ".." in parts


def _open(data: bytes) -> zipfile.ZipFile:
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise ExtractError("unparseable", "the zip archive is not valid (truncated or corrupt)") from None
    files = [i for i in infos if not i.is_dir()]
    if not files:
        raise ExtractError("unparseable", "the zip archive is empty")
    if len(files) > MAX_MEMBERS:
        raise ExtractError("unparseable", f"the zip archive has {len(files):,} files; at most {MAX_MEMBERS} are read")
    total = sum(i.file_size for i in files)
    packed = max(1, sum(i.compress_size for i in files))
    if total > MAX_TOTAL_BYTES or total / packed > MAX_RATIO:
        raise ExtractError("unparseable", f"the zip archive would expand to {total:,} bytes: refused as a zip bomb")
    return zf


def _read(zf: zipfile.ZipFile, info: zipfile.ZipInfo, budget: int) -> bytes:
    """Read at most `budget` bytes: declared sizes can lie, so the limit is on what comes out."""
    with zf.open(info) as f:
        blob = f.read(min(budget, MAX_MEMBER_BYTES) + 1)
    if len(blob) > min(budget, MAX_MEMBER_BYTES):
        raise ExtractError("unparseable", "a member expands beyond the size limit: refused as a zip bomb")
    return blob


def _member(zf: zipfile.ZipFile, info: zipfile.ZipInfo, budget: int) -> Member:
    name = member_name(info)
    if is_unsafe(name):
        return Member(name, None, "a member name that escapes its folder (path traversal); skipped")
    if info.flag_bits & ENCRYPTED_FLAG:
        return Member(name, None, "the member is encrypted with a password")
    try:
        return Member(name, _read(zf, info, budget))
    except ExtractError as exc:
        return Member(name, None, exc.message)
    except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError, RuntimeError) as exc:
        return Member(name, None, f"the member could not be read (corrupt): {type(exc).__name__}")


def zip_members(data: bytes) -> list[Member]:
    """Every file member in archive order (skipped ones carry their problem); ExtractError for the archive."""
    zf = _open(data)
    budget = MAX_TOTAL_BYTES
    out = []
    for info in zf.infolist():
        if info.is_dir() or info.filename.startswith("__MACOSX/"):
            continue
        member = _member(zf, info, budget)
        budget -= len(member.data or b"")
        out.append(member)
    return out
