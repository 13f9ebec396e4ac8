"""Scanned reports (image-only PDFs, page images) → Document, by OCR, with a confidence per table cell.

Each page is straightened, its ruled tables cut into cells from the ruling lines (image_tables), the
lines erased, and the page read once by the OCR engine; each recognised text box goes to the cell
holding its centre, the rest becomes paragraphs. The readers then see an ordinary Document. Numbers
are never repaired: text that needed cleaning (a stray dot, an O for 0) keeps a low confidence, so
the record flags the cell for review (`review_ocr`).

Engine: RapidOCR (PP-OCRv4 Chinese models shipped inside the rapidocr-onnxruntime wheel, no download
at run time); Tesseract chi_sim is the fallback when RapidOCR is not installed. docs/benchmarks.md
has the comparison that chose this order.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from bisect import bisect_left
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Protocol

import cv2
import numpy as np

from parsers.extract.image_tables import Cell, Page, erase, ink, load_gray, straighten, table_cells
from parsers.models import Document, ExtractError, Origin, Paragraph, Table

MAX_PAGES = 40  # OCR costs seconds per page; a report has under 20
RENDER_DPI = 200
LOW_CONFIDENCE = 0.9
MIN_INK_PIXELS = 25  # a printed "1" at 150 dpi has about 40 ink pixels; JPEG noise leaves single pixels
CLEANED_CONFIDENCE = 0.5  # what a cell whose text had to be cleaned is worth: always reviewed
_DIGIT_LOOKALIKES = str.maketrans({"O": "0", "o": "0", "〇": "0", "l": "1", "I": "1", "|": "1"})
_NUMBERISH = re.compile(r"^[\s.,，。·'`_:：]*([\dOolI|〇][\d,.OolI|〇]*)[\s.,，。·'`_:：]*$")
_STRAY = re.compile(r"^(\D{0,2}?)(\d+)(\D{0,2})$")
_UNITS = re.compile(r"[件个条次人元项万%％]")
_WORDISH = re.compile(r"[\dA-Za-z\u3400-\u9fff]")
BLANK_MARKS = {"-", "—", "–", "－", "/", "／", "--", "——", "\\"}
_CJK = re.compile(r"[\u3000-\u9fff\uff00-\uffef]")


@dataclass
class Box:
    x0: float
    y0: float
    x1: float
    y1: float
    text: str
    conf: float

    @property
    def centre(self) -> tuple[float, float]:
        return (self.x0 + self.x1) / 2, (self.y0 + self.y1) / 2


class Engine(Protocol):
    name: str

    def read(self, gray: np.ndarray) -> list[Box]: ...


class RapidEngine:
    name = "rapidocr"

    def __init__(self) -> None:
        from rapidocr_onnxruntime import RapidOCR

        self._ocr = RapidOCR()

    def read(self, gray: np.ndarray) -> list[Box]:
        result, _ = self._ocr(np.ascontiguousarray(gray))
        out = []
        for points, text, score in result or []:
            xs, ys = [p[0] for p in points], [p[1] for p in points]
            out.append(Box(min(xs), min(ys), max(xs), max(ys), str(text), float(score)))
        return out


class TesseractEngine:
    name = "tesseract"
    TIMEOUT_S = 120

    def read(self, gray: np.ndarray) -> list[Box]:
        from PIL import Image

        buf = io.BytesIO()
        Image.fromarray(gray).save(buf, "PNG")
        cmd = ["tesseract", "stdin", "stdout", "-l", "chi_sim", "--psm", "11", "tsv"]
        try:
            out = subprocess.run(cmd, input=buf.getvalue(), capture_output=True, timeout=self.TIMEOUT_S, check=False)
        except subprocess.TimeoutExpired:
            raise ExtractError("unparseable", "Tesseract timed out reading a page image") from None
        boxes = []
        for line in out.stdout.decode("utf-8", "replace").splitlines()[1:]:
            cols = line.split("\t")
            if len(cols) == 12 and cols[0] == "5" and cols[11].strip() and float(cols[10]) >= 0:
                x, y, w, h = (float(v) for v in cols[6:10])
                boxes.append(Box(x, y, x + w, y + h, cols[11].strip(), float(cols[10]) / 100))
        return boxes


@lru_cache(maxsize=1)
def engine() -> Engine | None:
    """The OCR engine of this machine (loaded once per process); None when neither is installed."""
    try:
        return RapidEngine()
    except ImportError:
        pass
    if shutil.which("tesseract"):
        return TesseractEngine()
    return None


@dataclass
class OcrTable(Table):
    """A table read by OCR: `confidence[r][c]` of the text in each grid position (None: blank cell)."""

    confidence: list[list[float | None]] = field(default_factory=list)


def clean_cell(text: str, conf: float) -> tuple[str, float]:
    """Drop specks around a number and read O/l as 0/1 — with a confidence low enough to be reviewed.

    A digit followed or preceded by one or two stray marks read as characters ("2窗") keeps its digits;
    units (件, 万元 …) are printed text, left for the readers."""
    squeezed = text.replace(" ", "")
    if squeezed and not _WORDISH.search(squeezed) and squeezed not in BLANK_MARKS:
        return "", 0.0  # a smudge read as "=" or "~": unreadable, never a number and never a printed blank
    m = _NUMBERISH.match(squeezed)
    if not m:
        stray = _STRAY.match(squeezed)
        if stray and not _UNITS.search(squeezed):
            return stray.group(2), min(conf, CLEANED_CONFIDENCE)
        return squeezed, conf
    number = m.group(1).translate(_DIGIT_LOOKALIKES).rstrip(".,")
    return (number, conf) if number == squeezed else (number, min(conf, CLEANED_CONFIDENCE))


def _lines(boxes: list[Box]) -> list[list[Box]]:
    """Boxes grouped into text lines (vertical overlap), each line left to right, lines top to bottom."""
    lines: list[list[Box]] = []
    for box in sorted(boxes, key=lambda b: (b.y0 + b.y1) / 2):
        last = lines[-1] if lines else None
        if last and (box.y0 + box.y1) / 2 < max(b.y1 for b in last) - (box.y1 - box.y0) * 0.3:
            last.append(box)
        else:
            lines.append([box])
    return [sorted(line, key=lambda b: b.x0) for line in lines]


def _join(parts: list[str]) -> str:
    out = ""
    for part in parts:
        gap = "" if not out or _CJK.search(out[-1]) or _CJK.search(part[:1]) else " "
        out += gap + part
    return out


def _bounds(values: list[float], tol: float) -> list[float]:
    out: list[float] = []
    for v in sorted(values):
        if not out or v - out[-1] > tol:
            out.append(v)
    return out


def _index(bounds: list[float], v: float, tol: float) -> int:
    return min(bisect_left(bounds, v - tol), len(bounds) - 1)


def _has_ink(crop: np.ndarray) -> bool:
    """Something printed in a cell: ink left after opening away single-pixel noise."""
    if crop.size == 0:
        return False
    mask = cv2.morphologyEx(ink(crop), cv2.MORPH_OPEN, np.ones((2, 2), np.uint8))
    return int(np.count_nonzero(mask)) >= MIN_INK_PIXELS


def _reread(page: np.ndarray, cell: Cell, inset: int, ocr: Engine) -> tuple[str, float | None]:
    """A cell with no text box: blank (None) when nothing is printed there, else read on its own crop;
    what still reads as nothing keeps confidence 0 so it is reviewed, never taken for a printed blank."""
    x0, top, x1, bottom = (round(v) for v in cell)
    crop = page[top + inset:bottom - inset, x0 + inset:x1 - inset]
    if not _has_ink(crop):
        return "", None
    bigger = cv2.resize(crop, None, fx=2, fy=2, interpolation=cv2.INTER_CUBIC)  # thin lone digits read better
    boxes = [b for b in ocr.read(cv2.copyMakeBorder(bigger, 24, 24, 24, 24, cv2.BORDER_CONSTANT, value=255))
             if b.text.strip()]
    if not boxes:
        return "", 0.0
    text = "".join(_join([b.text for b in line]) for line in _lines(boxes))
    return clean_cell(text, min(b.conf for b in boxes))


def _grid_table(cells: list[Cell], boxes: list[Box], tol: float, page_no: int, page: np.ndarray,
                ocr: Engine) -> tuple[OcrTable, list[Box]]:
    """Lay cells on the grid of their edges and fill each with the text boxes centred in it."""
    xs = _bounds([c[0] for c in cells] + [c[2] for c in cells], tol)
    ys = _bounds([c[1] for c in cells] + [c[3] for c in cells], tol)
    n_rows, n_cols = max(1, len(ys) - 1), max(1, len(xs) - 1)
    grid = [[""] * n_cols for _ in range(n_rows)]
    conf: list[list[float | None]] = [[None] * n_cols for _ in range(n_rows)]
    origin: list[list[Origin]] = [[None] * n_cols for _ in range(n_rows)]
    used: set[int] = set()
    for x0, top, x1, bottom in sorted(cells, key=lambda c: (c[1], c[0])):
        inside = [i for i, b in enumerate(boxes) if x0 <= b.centre[0] <= x1 and top <= b.centre[1] <= bottom]
        used.update(inside)
        mine = [boxes[i] for i in inside]
        text = "".join(_join([b.text for b in line]) for line in _lines(mine))
        score = min((b.conf for b in mine), default=None)
        if score is not None:
            text, score = clean_cell(text, score)
        if score is None or (not text and score == 0.0):  # nothing read, or only a smudge: read the cell alone
            text, score = _reread(page, (x0, top, x1, bottom), int(tol), ocr)
        r0, c0 = _index(ys, top, tol), _index(xs, x0, tol)
        r1, c1 = max(_index(ys, bottom, tol), r0 + 1), max(_index(xs, x1, tol), c0 + 1)
        for r in range(r0, min(r1, n_rows)):
            for c in range(c0, min(c1, n_cols)):
                if origin[r][c] is None:
                    grid[r][c], conf[r][c], origin[r][c] = text, score, (r0, c0)
    table = OcrTable(grid=grid, origin=origin, page=page_no, page_starts=[(page_no, 0)], confidence=conf)
    return table, [b for i, b in enumerate(boxes) if i not in used]


def read_page(gray: np.ndarray, page_no: int, ocr: Engine) -> tuple[list[Paragraph], list[OcrTable], Page]:
    """Paragraphs (text outside tables, line by line) and tables of one page image."""
    page = straighten(gray)
    groups, lines = table_cells(page)
    clean = erase(page.gray, lines)
    boxes = [b for b in ocr.read(clean) if b.text.strip()]
    tables: list[OcrTable] = []
    tol = max(3.0, page.dpi * 0.03)
    for cells in groups:
        table, boxes = _grid_table(cells, boxes, tol, page_no, clean, ocr)
        tables.append(table)
    paragraphs = [Paragraph(_join([b.text for b in line]), page=page_no) for line in _lines(boxes)]
    return paragraphs, tables, page


def _stitch(pages: list[list[OcrTable]], warnings: list[str]) -> None:
    """A table continued on the next page (same column count, first thing there) is joined to its start."""
    for p in range(1, len(pages)):
        if not pages[p] or not pages[p - 1]:
            continue
        prev, head = pages[p - 1][-1], pages[p][0]
        if head.width != prev.width:
            continue
        offset = len(prev.grid)
        prev.grid.extend(head.grid)
        prev.confidence.extend(head.confidence)
        prev.origin.extend([None if o is None else (o[0] + offset, o[1]) for o in row] for row in head.origin)
        prev.page_starts.extend((page, first + offset) for page, first in head.page_starts)
        pages[p] = pages[p][1:]
        warnings.append(f"a table split across pages {prev.pages[0]}-{p + 1} was stitched back into one")


def ocr_document(images: list[np.ndarray], fmt: str) -> Document:
    ocr = engine()
    if ocr is None:
        raise ExtractError("image_only", "the document is scanned images and no OCR engine is installed "
                                         "(rapidocr-onnxruntime or tesseract-ocr-chi-sim)")
    if len(images) > MAX_PAGES:
        raise ExtractError("unparseable", f"the scan has {len(images)} pages; at most {MAX_PAGES} are read by OCR")
    texts, tables, angles = [], [], []
    for i, gray in enumerate(images):
        paragraphs, page_tables, page = read_page(gray, i + 1, ocr)
        texts.append(paragraphs)
        tables.append(page_tables)
        angles.append(page.angle)
    if not any(texts) and not any(tables):
        raise ExtractError("image_only", f"the {'PDF has no text layer' if fmt == 'pdf' else 'image holds no text'} "
                                         f"and OCR ({ocr.name}) found no text on its pages")
    warnings: list[str] = []
    _stitch(tables, warnings)
    blocks: list[Paragraph | Table] = []
    for paragraphs, page_tables in zip(texts, tables, strict=True):
        blocks.extend(paragraphs)
        blocks.extend(page_tables)
    for n, t in enumerate(b for b in blocks if isinstance(b, Table)):
        t.index = n
    meta = {"ocr_engine": ocr.name, "pages": str(len(images)), "skew": ",".join(f"{a:.2f}" for a in angles)}
    return Document(blocks=blocks, format=fmt, meta=meta, warnings=warnings)


def extract_image(data: bytes, content_type: str | None = None) -> Document:
    return ocr_document([load_gray(data)], "image")


def extract_scanned_pdf(data: bytes) -> Document:
    """An image-only PDF: each page rendered at RENDER_DPI and read by OCR."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(data)
    try:
        if len(pdf) > MAX_PAGES:
            raise ExtractError("unparseable", f"the scan has {len(pdf)} pages; at most {MAX_PAGES} are read by OCR")
        images = [np.asarray(pdf[i].render(scale=RENDER_DPI / 72, grayscale=True).to_pil().convert("L"))
                  for i in range(len(pdf))]
    finally:
        pdf.close()
    return ocr_document(images, "pdf")


SECTION_OF_CHECK = {"T2": "proactive", "T3": "requests", "T4": "review_litigation"}


def _failing_scopes(record: dict) -> set[tuple[str, str]]:
    """(section, row-or-column key) of every identity that does not hold."""
    return {(SECTION_OF_CHECK.get(c["id"].split(".")[0], ""), c["scope"]) for c in record["checks"] if not c["ok"]}


def review_ocr(record: dict, doc: Document) -> dict:
    """Keep each OCR cell's confidence in the record and flag for review every cell that is unsure or
    stands in an identity that fails: the arithmetic is the proof that OCR read a table right."""
    tables = {t.index: t for t in doc.tables if isinstance(t, OcrTable)}
    failing = _failing_scopes(record)
    flagged = 0
    for cell in record["cells"]:
        table = tables.get(cell["grid_table"])
        conf = table.confidence[cell["grid_row"]][cell["grid_col"]] if table is not None else None
        cell["source_kind"] = "ocr"
        cell["ocr_confidence"] = None if conf is None else round(conf, 3)
        reasons = []
        if conf is not None and conf < LOW_CONFIDENCE:
            reasons.append("low OCR confidence" if conf > 0 else "ink in the cell but no text read")
        if (cell["table"], cell["row"]) in failing or (cell["table"], cell["col"]) in failing:
            reasons.append("in an identity that does not hold")
        if reasons:
            cell["review"] = "; ".join(reasons)
            flagged += 1
    record["source_kind"] = "ocr"
    record["sources"] = {part: "ocr" if kind == "table" else kind for part, kind in record["sources"].items()}
    record["ocr"] = {"engine": doc.meta.get("ocr_engine"), "cells": len(record["cells"]), "review": flagged,
                     "skew_degrees": doc.meta.get("skew")}
    if flagged and record["status"] == "ok":
        record["status"] = "partial"
        record["warnings"].append(f"{flagged} of {len(record['cells'])} cells read by OCR need review "
                                  "(low confidence or a failing identity); no number was changed")
    return record
