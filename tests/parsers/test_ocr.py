"""Scanned reports: parse(scan(render(r))) gives r's cells, and every cell it gets wrong is flagged.

The scan (synth.scan) is the rendered PDF rasterised at 200 dpi, turned up to ±0.8°, with noise and JPEG
compression, saved as an image-only PDF. OCR is slow on 2 cores: one report here; bench/ocr_bench.py
measures more pages and both engines.
"""

from __future__ import annotations

import random
from functools import cache

import numpy as np
import pytest
from PIL import Image, ImageDraw

import synth
from parsers import parse, parse_pages
from parsers.extract.ocr import clean_cell, engine
from synth.scan import images_to_pdf, scan_pages

TABLES = ("proactive", "requests", "review_litigation")
needs_ocr = pytest.mark.skipif(engine() is None, reason="no OCR engine (rapidocr-onnxruntime or tesseract)")


def _cells(record: dict) -> dict:
    return {(t, r, c): v for t in TABLES for r, cols in record[t].items() for c, v in cols.items()}


@cache
def _scanned(seed: int) -> tuple[dict, list[bytes], dict]:
    rng = random.Random(seed)
    record = synth.random_record(rng, "gov2021", break_arithmetic=True)
    pdf, _ = synth.render(record, "pdf", rng)
    pages = scan_pages(pdf, random.Random(seed), dpi=200)
    return record, pages, parse(images_to_pdf(pages), "scan.pdf")


@needs_ocr
@pytest.mark.slow
def test_scanned_pdf_round_trip_with_every_wrong_cell_flagged() -> None:
    record, _, parsed = _scanned(3)
    assert parsed["format"] == "pdf"
    assert parsed["source_kind"] == "ocr"
    want, got = _cells(record), _cells(parsed)
    assert len(want) > 150
    wrong = [k for k in want if got.get(k, "missing") != want[k]]
    assert len(wrong) <= 0.01 * len(want), wrong
    flagged = {(c["table"], c["row"], c["col"]) for c in parsed["cells"] if c.get("review")}
    assert set(wrong) <= flagged, "a wrong cell must be caught by a failing identity or low confidence"
    assert all("ocr_confidence" in c and c["source_kind"] == "ocr" for c in parsed["cells"])
    assert any(isinstance(c["ocr_confidence"], float) for c in parsed["cells"])


@needs_ocr
@pytest.mark.slow
def test_planted_error_is_flagged_not_repaired() -> None:
    record, _, parsed = _scanned(3)
    planted = {(f["id"], f["scope"]) for f in synth.failing(record)}
    assert planted
    assert planted <= {(c["id"], c["scope"]) for c in parsed["checks"] if not c["ok"]}
    assert parsed["status"] == "partial"
    assert any("need review" in w for w in parsed["warnings"])
    flagged = {(c["table"], c["row"], c["col"]) for c in parsed["cells"] if c.get("review")}
    assert ("requests", "denied_enforcement_file", "total") in flagged  # the row whose printed sum is wrong
    got = _cells(parsed)
    assert [got[k] for k in sorted(_cells(record)) if k[1] == "denied_enforcement_file"] == \
        [v for k, v in sorted(_cells(record).items()) if k[1] == "denied_enforcement_file"]  # kept as printed


@needs_ocr
@pytest.mark.slow
def test_page_images_of_one_report_are_read_together() -> None:
    """An article printed as JPEG pages: table 3 runs from page 2 onto page 3 and is stitched back."""
    record, pages, _ = _scanned(3)
    parsed = parse_pages(pages[1:], "http://x.gov.cn/art/1.html")
    assert parsed["format"] == "image"
    assert parsed["source_kind"] == "ocr"
    assert any("stitched" in w for w in parsed["warnings"])
    want, got = _cells(record), _cells(parsed)
    wanted = [k for k in want if k[0] != "proactive"]
    wrong = [k for k in wanted if got.get(k, "missing") != want[k]]
    assert len(wrong) <= 0.01 * len(wanted), wrong
    flagged = {(c["table"], c["row"], c["col"]) for c in parsed["cells"] if c.get("review")}
    assert set(wrong) <= flagged


def _ruled_page(angle: float) -> bytes:
    """A blank A4 page at 150 dpi with a 5×4 ruled grid, turned by `angle` degrees."""
    im = Image.new("L", (1240, 1754), 255)
    draw = ImageDraw.Draw(im)
    for r in range(6):
        draw.line([(150, 300 + r * 60), (1050, 300 + r * 60)], fill=0, width=2)
    for c in range(5):
        draw.line([(150 + c * 225, 300), (150 + c * 225, 600)], fill=0, width=2)
    import io

    buf = io.BytesIO()
    im.rotate(angle, fillcolor=255).save(buf, "PNG")
    return buf.getvalue()


def test_ruling_lines_make_the_grid_and_the_tilt_is_undone() -> None:
    from parsers.extract.image_tables import load_gray, straighten, table_cells

    page = straighten(load_gray(_ruled_page(0.7)))
    assert abs(page.angle + 0.7) < 0.15 or abs(page.angle - 0.7) < 0.15
    groups, lines = table_cells(page)
    assert len(groups) == 1
    assert len(groups[0]) == 5 * 4
    assert np.count_nonzero(lines) > 0


def test_cleaned_numbers_keep_a_confidence_that_forces_review() -> None:
    assert clean_cell("12", 0.99) == ("12", 0.99)
    assert clean_cell("0.", 0.99) == ("0", 0.5)
    assert clean_cell("2窗", 0.9) == ("2", 0.5)
    assert clean_cell("12件", 0.99) == ("12件", 0.99)  # units are printed text, left to the readers
    assert clean_cell("1.属于国家秘密", 0.99) == ("1.属于国家秘密", 0.99)
    assert clean_cell("=", 0.61) == ("", 0.0)  # a smudge: unreadable, flagged, not a printed blank
    assert clean_cell("—", 0.99) == ("—", 0.99)  # a printed blank mark stays one


def test_unreadable_image_bytes() -> None:
    record = parse(b"\xff\xd8\xff\xe0" + b"\x00" * 64, "cut.jpg")
    assert record["status"] == "unparseable"
    assert "could not be decoded" in record["errors"][0]


def test_ocr_confidence_and_review_reach_the_archive(tmp_path) -> None:
    """The archive keeps each OCR cell's confidence and review reason (m045) beside its value."""
    from archive.db import open_db
    from archive.save import save_document, save_report

    record = synth.random_record(random.Random(8), "gov2021")
    html, _ = synth.render(record, "html-plain", random.Random(8))
    parsed = parse(html, "r.html")
    first, second = parsed["cells"][:2]
    first.update(ocr_confidence=0.42, review="low OCR confidence")
    second.update(ocr_confidence=0.99)
    db = open_db(tmp_path / "a.db")
    save_document(db, parsed["sha256"], len(html), "html", "text/html", "2025-01-01T00:00:00Z")
    report_id = save_report(db, parsed, source_url="http://x.gov.cn/r.html")
    rows = {(r["table_key"], r["row_key"], r["col_key"]): r for r in
            db["report_values"].rows_where("report_id = ?", [report_id])}
    assert rows[(first["table"], first["row"], first["col"])]["ocr_review"] == "low OCR confidence"
    assert rows[(first["table"], first["row"], first["col"])]["ocr_confidence"] == 0.42
    assert rows[(second["table"], second["row"], second["col"])]["ocr_review"] is None
    assert rows[(second["table"], second["row"], second["col"])]["value"] == second["value"]


def test_image_claiming_a_huge_size_is_refused_before_decoding() -> None:
    """A PNG header saying 30000×30000 (a decompression bomb): refused from the header, nothing allocated."""
    import struct
    import zlib

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = chunk(b"IHDR", struct.pack(">IIBBBBB", 30000, 30000, 8, 0, 0, 0, 0))
    png = b"\x89PNG\r\n\x1a\n" + header + chunk(b"IDAT", zlib.compress(b"\x00" * 1000)) + chunk(b"IEND", b"")
    record = parse(png, "bomb.png")
    assert record["status"] == "unparseable"
    assert "too large" in record["errors"][0]
