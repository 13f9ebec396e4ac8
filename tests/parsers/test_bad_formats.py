"""The bad-input suite for every format beyond HTML/PDF/DOCX: truncated, empty, random bytes, encrypted,
hostile ZIPs. Each gets a status and a plain message; nothing raises, nothing expands without limit."""

from __future__ import annotations

import io
import json
import random
import zipfile
from functools import cache

import pytest

import synth
from parsers import parse, parse_all
from parsers.extract.office import convert, soffice_path
from synth.render_xlsx import render_xlsx

needs_soffice = pytest.mark.skipif(soffice_path() is None, reason="LibreOffice (soffice) is not installed")


@cache
def _xlsx() -> bytes:
    return render_xlsx(synth.random_record(random.Random(1), "gov2021"))


@cache
def _docx() -> bytes:
    return synth.render(synth.random_record(random.Random(1), "gov2021"), "docx", random.Random(1))[0]


@cache
def _converted(target: str) -> bytes:
    source, fmt = (_xlsx(), "xlsx") if target in ("xls", "ods") else (_docx(), "docx")
    return convert(source, fmt, target)


def _encrypted(data: bytes) -> bytes:
    from msoffcrypto.format.ooxml import OOXMLFile

    out = io.BytesIO()
    OOXMLFile(io.BytesIO(data)).encrypt("secret", out)
    return out.getvalue()


def _assert_clean(record: dict, status: str, words: str) -> None:
    assert record["status"] == status, record["errors"]
    assert record["errors"], "a failed document must say why"
    assert words in record["errors"][0], record["errors"]
    assert "Traceback" not in json.dumps(record, ensure_ascii=False)


@pytest.mark.parametrize("name", ["r.xlsx", "r.xls", "r.et", "r.ods", "r.odt", "r.rtf", "r.wps", "r.zip"])
def test_empty_and_random_bytes(name: str) -> None:
    _assert_clean(parse(b"", name), "unparseable", "empty")
    noise = random.Random(name).randbytes(4096) + b"\x00"  # seeded: os.urandom holds "<p" now and then (HTML)
    _assert_clean(parse(noise, name), "unparseable", "unknown binary")


def test_truncated_xlsx() -> None:
    data = _xlsx()
    _assert_clean(parse(data[: len(data) // 2], "r.xlsx"), "unparseable", "truncated or corrupt")


@pytest.mark.parametrize(("maker", "name"), [(_xlsx, "r.xlsx"), (_docx, "r.docx")])
def test_password_protected_office_files(maker, name: str) -> None:
    record = parse(_encrypted(maker()), name)
    assert record["format"] == "encrypted"
    _assert_clean(record, "unparseable", "encrypted with a password")


@needs_soffice
@pytest.mark.parametrize(("target", "name", "words"), [
    ("xls", "r.xls", "truncated or corrupt"), ("ods", "r.ods", "truncated or corrupt"),
    ("doc", "r.doc", "could not convert"), ("doc", "r.wps", "could not convert"),
    ("odt", "r.odt", "could not convert"), ("rtf", "r.rtf", "could not convert"),
])
def test_truncated_office_files(target: str, name: str, words: str) -> None:
    data = _converted(target)
    _assert_clean(parse(data[: len(data) // 2], name), "unparseable", words)


@needs_soffice
def test_et_that_is_not_a_spreadsheet_is_not_read_as_one() -> None:
    """LibreOffice imports any bytes as a sheet of text lines: a broken ET must not pass for a report."""
    _assert_clean(parse(_converted("xls")[:600], "r.et"), "unparseable", "truncated or corrupt")


def _zip_with(entries: list[tuple[zipfile.ZipInfo | str, bytes]]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for info, data in entries:
            zf.writestr(info, data)
    return buf.getvalue()


def test_truncated_and_empty_zip() -> None:
    data = _zip_with([("a.html", b"<p>x</p>" * 500), ("b.html", b"<p>y</p>" * 500)])
    _assert_clean(parse(data[: len(data) // 2], "r.zip"), "unparseable", "not valid (truncated or corrupt)")
    _assert_clean(parse(_zip_with([]), "r.zip"), "unparseable", "empty")


def test_zip_bomb_is_refused_without_expanding() -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf, zf.open("big.txt", "w", force_zip64=True) as f:
        for _ in range(400):
            f.write(b"0" * (1 << 20))
    _assert_clean(parse(buf.getvalue(), "bomb.zip"), "unparseable", "zip bomb")
    assert parse_all(buf.getvalue(), "bomb.zip")[0][1]["status"] == "unparseable"


def test_zip_with_too_many_members() -> None:
    data = _zip_with([(f"{i}.txt", b"x") for i in range(150)])
    _assert_clean(parse(data, "many.zip"), "unparseable", "at most 100")


def _mark_encrypted(data: bytes, name: bytes) -> bytes:
    """Set the 'encrypted' flag of one member in its local header and central directory entry (zipfile cannot
    write encrypted members; the parser must skip them on the flag alone, never trying to decrypt)."""
    out = bytearray(data)
    for signature, flag_at, name_len_at, name_at in ((b"PK\x03\x04", 6, 26, 30), (b"PK\x01\x02", 8, 28, 46)):
        at = out.find(signature)
        while at != -1:
            n = int.from_bytes(out[at + name_len_at:at + name_len_at + 2], "little")
            if out[at + name_at:at + name_at + n] == name:
                out[at + flag_at] |= 0x1
            at = out.find(signature, at + 4)
    return bytes(out)


def test_zip_member_names_that_escape_and_encrypted_members_are_skipped() -> None:
    data = _mark_encrypted(_zip_with([("../../etc/passwd", b"root"), ("/abs.txt", b"x"), ("C:/win.txt", b"x"),
                                      ("locked.pdf", b"%PDF-1.4"),
                                      ("ok.txt", "某县2023年政府信息公开工作年度报告".encode())]), b"locked.pdf")
    container = parse(data, "hostile.zip")
    problems = {m["name"]: m["problem"] for m in container["members"]}
    assert all("path traversal" in problems[n] for n in ("../../etc/passwd", "/abs.txt", "C:/win.txt"))
    assert "encrypted" in problems["locked.pdf"]
    assert problems["ok.txt"] is None
    statuses = [(r["source"], r["status"]) for _, r in parse_all(data, "hostile.zip")]
    assert statuses[:4] == [(f"hostile.zip!/{n}", "unparseable")
                            for n in ("../../etc/passwd", "/abs.txt", "C:/win.txt", "locked.pdf")]
    assert statuses[4][1] != "unparseable"
