"""Ruled tables in a page image: straighten the page, find the ruling lines, cut them into cells.

The vector-line approach of pdf_lattice, for pixels: long thin runs of ink found by morphological
opening become horizontal and vertical edges, and pdfplumber's own geometry (merge, intersect,
cells, tables) turns them into cells. OCR text is assigned to cells afterwards (parsers.extract.ocr).
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass

import cv2
import numpy as np
from pdfplumber import table as plumber_table
from pdfplumber import utils as plumber_utils
from PIL import Image

from parsers.models import ExtractError

MAX_PIXELS = 60_000_000  # an A4 page at 600 dpi is 35 Mpx; more is a decompression bomb
A4_WIDTH_IN = 8.27
Cell = tuple[float, float, float, float]  # x0, top, x1, bottom in pixels


@dataclass
class Page:
    gray: np.ndarray  # straightened page, 0 = black
    dpi: float  # estimated from the width (pages are A4 portrait or landscape)
    angle: float  # degrees the scan was turned back by


def load_gray(data: bytes) -> np.ndarray:
    """Decode an image (JPEG, PNG, TIFF, BMP, GIF) to 8-bit grey, refusing absurd pixel counts."""
    try:
        with Image.open(io.BytesIO(data)) as im:
            if im.width * im.height > MAX_PIXELS:
                raise ExtractError("unparseable", f"the image is {im.width}×{im.height} pixels: too large to read")
            return np.asarray(im.convert("L"))
    except ExtractError:
        raise
    except Image.DecompressionBombError:
        raise ExtractError("unparseable", "the image is too large to read (a decompression bomb)") from None
    except (OSError, ValueError, SyntaxError) as exc:
        raise ExtractError("unparseable", f"the image could not be decoded (truncated or corrupt): {exc}"[:300]) \
            from None


def ink(gray: np.ndarray) -> np.ndarray:
    """Binary ink mask (255 = ink), robust to uneven lighting and JPEG noise."""
    return cv2.adaptiveThreshold(gray, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 31, 25)


def skew_angle(gray: np.ndarray) -> float:
    """The page's tilt in degrees, from long near-horizontal lines (table rules, underlines); 0 without any."""
    mask = ink(gray)
    width = gray.shape[1]
    lines = cv2.HoughLinesP(mask, 1, math.pi / 1800, threshold=width // 4, minLineLength=width // 4, maxLineGap=8)
    if lines is None:
        return 0.0
    angles = [math.degrees(math.atan2(y1 - y0, x1 - x0)) for x0, y0, x1, y1 in lines.reshape(-1, 4).tolist()]
    near = [a for a in angles if abs(a) < 5]
    return float(np.median(near)) if near else 0.0


def straighten(gray: np.ndarray) -> Page:
    angle = skew_angle(gray)
    h, w = gray.shape
    if abs(angle) > 0.05:
        matrix = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
        gray = cv2.warpAffine(gray, matrix, (w, h), flags=cv2.INTER_LINEAR, borderValue=255)
    dpi = min(w, h) / A4_WIDTH_IN
    return Page(gray=gray, dpi=dpi, angle=angle)


def ruling_masks(mask: np.ndarray, dpi: float) -> tuple[np.ndarray, np.ndarray]:
    """Horizontal and vertical rules: ink runs longer than any character stroke (about 0.2 inch)."""
    run = max(15, int(dpi * 0.2))
    horizontal = cv2.morphologyEx(mask, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (run, 1)))
    vertical = cv2.morphologyEx(mask, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, run)))
    close = max(3, int(dpi * 0.02))  # bridge small breaks in a rule left by noise
    horizontal = cv2.morphologyEx(horizontal, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (close, 1)))
    vertical = cv2.morphologyEx(vertical, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (1, close)))
    return horizontal, vertical


def _edges(mask: np.ndarray, orientation: str, min_length: int) -> list[dict]:
    count, _, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    edges = []
    for x, y, w, h, _area in stats[1:count]:
        if orientation == "h" and w >= min_length:
            mid = y + h / 2
            edges.append({"x0": float(x), "x1": float(x + w), "top": mid, "bottom": mid, "width": float(w),
                          "height": 0.0, "orientation": "h"})
        elif orientation == "v" and h >= min_length:
            mid = x + w / 2
            edges.append({"x0": mid, "x1": mid, "top": float(y), "bottom": float(y + h), "width": 0.0,
                          "height": float(h), "orientation": "v"})
    return edges


def table_cells(page: Page) -> tuple[list[list[Cell]], np.ndarray]:
    """Cell groups (one per table, top to bottom) and the mask of every ruling line found."""
    horizontal, vertical = ruling_masks(ink(page.gray), page.dpi)
    run = max(15, int(page.dpi * 0.2))
    edges = _edges(horizontal, "h", run) + _edges(vertical, "v", run)
    tol = max(3.0, page.dpi * 0.03)  # rules drawn 1-3 px thick and joined loosely by the printer
    merged = plumber_table.merge_edges(edges, tol, tol, tol, tol)
    merged = plumber_utils.filter_edges(merged, min_length=run)
    points = plumber_table.edges_to_intersections(merged, tol, tol)
    groups = plumber_table.cells_to_tables(plumber_table.intersections_to_cells(points))
    return [g for g in groups if len(g) >= 2], cv2.bitwise_or(horizontal, vertical)


def erase(gray: np.ndarray, lines: np.ndarray) -> np.ndarray:
    """The page with its ruling lines painted white, so OCR boxes do not run across cell borders."""
    grown = cv2.dilate(lines, cv2.getStructuringElement(cv2.MORPH_RECT, (3, 3)))
    out = gray.copy()
    out[grown > 0] = 255
    return out
