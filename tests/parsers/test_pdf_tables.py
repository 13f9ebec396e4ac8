"""The fast lattice table finder agrees with pdfplumber on a real WPS-made report (whitespace aside)."""

from __future__ import annotations

import io
from pathlib import Path

import pdfplumber
import pypdfium2 as pdfium

from parsers.extract.pdf import _clean_table, _data_tables, _plumber_tables
from parsers.extract.pdf_lattice import lattice_tables
from parsers.text import squash


def test_lattice_matches_pdfplumber_cell_for_cell(corpus: Path) -> None:
    data = (corpus / "huaian-hongze-2023.pdf").read_bytes()
    pdf = pdfium.PdfDocument(data)
    compared = 0
    with pdfplumber.open(io.BytesIO(data)) as plumber:
        for i in range(len(pdf)):
            fast = _data_tables([_clean_table(t) for t in lattice_tables(pdf[i], i + 1)])
            slow = _data_tables(_plumber_tables(plumber.pages[i], i + 1))
            assert [(len(t.grid), t.width) for t in fast] == [(len(t.grid), t.width) for t in slow]
            for f, s in zip(fast, slow, strict=True):
                for r, row in enumerate(s.grid):
                    for c, text in enumerate(row):
                        if s.origin[r][c] is not None:  # pdfplumber leaves merged positions unknown
                            assert squash(f.grid[r][c]) == squash(text), (i + 1, r, c)
                            compared += 1
    pdf.close()
    assert compared > 250


def test_lattice_records_merges_that_pdfplumber_loses(corpus: Path) -> None:
    pdf = pdfium.PdfDocument((corpus / "huaian-hongze-2023.pdf").read_bytes())
    requests = next(t for t in lattice_tables(pdf[2], 3) if t.width == 10)
    # 三、本年度办理结果 spans the result rows: the merge's origin is known on every row it covers
    assert requests.origin[6][0] == (5, 0)
    assert requests.grid[6][0].replace("\r\n", "").startswith("三、本年度办理结果")
    pdf.close()
