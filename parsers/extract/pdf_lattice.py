"""Ruled tables straight from pdfium: vector lines → cells → grid, with text read per cell.

pdfminer (under pdfplumber) re-parses every content stream in Python and dominates PDF time.
Here the ruling lines come from pdfium's path objects and each cell's text from pdfium's text
page; pdfplumber's own pure geometry functions (merge, intersect, cells, tables) do the rest, so
the table finding is pdfplumber's algorithm without pdfminer's cost. Pages where this finds no
table fall back to full pdfplumber.
"""

from __future__ import annotations

import ctypes
from bisect import bisect_left

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from pdfplumber import table as plumber_table
from pdfplumber import utils as plumber_utils

from parsers.models import Origin, Table

TOLERANCE = 3  # pdfplumber's defaults for snapping, joining and intersecting edges
AXIS_SLACK = 0.5  # a segment this close to horizontal/vertical counts as a ruling line
Point = tuple[float, float]


def _segment_points(obj: pdfium.PdfObject) -> list[tuple[int, Point, bool]]:
    """(type, page-space point, closes) for every segment of a path object."""
    matrix = obj.get_matrix()
    x, y = ctypes.c_float(), ctypes.c_float()
    out = []
    for i in range(pdfium_c.FPDFPath_CountSegments(obj.raw)):
        seg = pdfium_c.FPDFPath_GetPathSegment(obj.raw, i)
        pdfium_c.FPDFPathSegment_GetPoint(seg, ctypes.byref(x), ctypes.byref(y))
        point = matrix.on_point(x.value, y.value)
        out.append((pdfium_c.FPDFPathSegment_GetType(seg), point, bool(pdfium_c.FPDFPathSegment_GetClose(seg))))
    return out


def _edge(a: Point, b: Point, height: float) -> dict | None:
    (x0, y0), (x1, y1) = a, b
    if abs(y0 - y1) <= AXIS_SLACK and abs(x1 - x0) > AXIS_SLACK:
        top = height - (y0 + y1) / 2
        left, right = sorted((x0, x1))
        return {"x0": left, "x1": right, "top": top, "bottom": top, "width": right - left, "height": 0.0,
                "orientation": "h"}
    if abs(x0 - x1) <= AXIS_SLACK and abs(y1 - y0) > AXIS_SLACK:
        low, high = sorted((height - y0, height - y1))
        x = (x0 + x1) / 2
        return {"x0": x, "x1": x, "top": low, "bottom": high, "width": 0.0, "height": high - low,
                "orientation": "v"}
    return None


def page_edges(page: pdfium.PdfPage) -> list[dict]:
    """Axis-aligned segments of every path on the page, in pdfplumber's top-down coordinates."""
    height = page.get_height()
    edges: list[dict] = []
    for obj in page.get_objects(filter=(pdfium_c.FPDF_PAGEOBJ_PATH,), max_depth=1):
        start = prev = None
        for kind, point, closes in _segment_points(obj):
            if kind == pdfium_c.FPDF_SEGMENT_MOVETO:
                start = prev = point
                continue
            if prev is not None and kind == pdfium_c.FPDF_SEGMENT_LINETO and (e := _edge(prev, point, height)):
                edges.append(e)
            if closes and start is not None and (e := _edge(point, start, height)):
                edges.append(e)
            prev = point
    return edges


def find_cell_groups(edges: list[dict]) -> list[list[tuple[float, float, float, float]]]:
    merged = plumber_table.merge_edges(edges, TOLERANCE, TOLERANCE, TOLERANCE, TOLERANCE)
    merged = plumber_utils.filter_edges(merged, min_length=3)
    points = plumber_table.edges_to_intersections(merged, TOLERANCE, TOLERANCE)
    cells = plumber_table.intersections_to_cells(points)
    return plumber_table.cells_to_tables(cells)


def _boundaries(values: list[float]) -> list[float]:
    out: list[float] = []
    for v in sorted(values):
        if not out or v - out[-1] > 1.0:
            out.append(v)
    return out


def _index(bounds: list[float], v: float) -> int:
    i = bisect_left(bounds, v - 1.0)
    return min(i, len(bounds) - 1)


def cells_to_table(cells: list[tuple[float, float, float, float]], text: pdfium.PdfTextPage,
                   height: float, page_no: int) -> Table:
    """Lay cells on a grid of their distinct edges; a cell spanning several slots is a merge."""
    xs = _boundaries([c[0] for c in cells] + [c[2] for c in cells])
    ys = _boundaries([c[1] for c in cells] + [c[3] for c in cells])
    n_rows, n_cols = max(1, len(ys) - 1), max(1, len(xs) - 1)
    grid = [[""] * n_cols for _ in range(n_rows)]
    origin: list[list[Origin]] = [[None] * n_cols for _ in range(n_rows)]
    for x0, top, x1, bottom in sorted(cells, key=lambda c: (c[1], c[0])):
        r0, r1 = _index(ys, top), max(_index(ys, bottom), _index(ys, top) + 1)
        c0, c1 = _index(xs, x0), max(_index(xs, x1), _index(xs, x0) + 1)
        content = text.get_text_bounded(left=x0, bottom=height - bottom, right=x1, top=height - top)
        for r in range(r0, min(r1, n_rows)):
            for c in range(c0, min(c1, n_cols)):
                if origin[r][c] is None:
                    grid[r][c], origin[r][c] = content, (r0, c0)
    return Table(grid=grid, origin=origin, page=page_no, page_starts=[(page_no, 0)])


def lattice_tables(page: pdfium.PdfPage, page_no: int) -> list[Table]:
    """Every ruled table on the page, top to bottom."""
    groups = find_cell_groups(page_edges(page))
    if not groups:
        return []
    text = page.get_textpage()
    height = page.get_height()
    return [cells_to_table(g, text, height, page_no) for g in groups]
