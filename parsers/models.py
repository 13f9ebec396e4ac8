"""Format-neutral document model: what every extractor returns and every later step reads.

Nothing after `parsers.extract` knows whether a document was HTML, PDF, DOCX or text.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

Origin = tuple[int, int] | None


@dataclass
class Paragraph:
    """A run of text outside tables (a heading, a paragraph, a PDF page's text)."""

    text: str
    page: int | None = None


@dataclass
class Table:
    """A table as a rectangular grid with merged cells expanded.

    `origin[r][c]` is the (row, col) of the cell whose text fills grid position (r, c): itself for
    an ordinary cell, the top-left cell of a rowspan/colspan, or None where the source said "covered
    by a merge" without saying which (pdfplumber).
    """

    grid: list[list[str]]
    origin: list[list[Origin]]
    page: int | None = None
    index: int = 0
    page_starts: list[tuple[int, int]] = field(default_factory=list)  # (page, first grid row) per part

    @classmethod
    def from_rows(cls, rows: list[list[str | None]], page: int | None = None) -> Table:
        """Build from ragged rows where None marks a cell covered by an unknown merge."""
        width = max((len(r) for r in rows), default=0)
        grid: list[list[str]] = []
        origin: list[list[Origin]] = []
        for r, row in enumerate(rows):
            padded = list(row) + [""] * (width - len(row))
            grid.append(["" if v is None else v for v in padded])
            origin.append([None if v is None else (r, c) for c, v in enumerate(padded)])
        return cls(grid=grid, origin=origin, page=page, page_starts=[(page, 0)] if page else [])

    @property
    def width(self) -> int:
        return len(self.grid[0]) if self.grid else 0

    @property
    def pages(self) -> list[int]:
        return [p for p, _ in self.page_starts]

    def page_of(self, r: int) -> int | None:
        """The page a grid row was printed on (tables stitched across pages span several)."""
        for page, first in reversed(self.page_starts):
            if r >= first:
                return page
        return self.page


Block = Paragraph | Table


@dataclass
class Document:
    """The extracted content of one raw document, in reading order."""

    blocks: list[Block]
    format: str
    meta: dict[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    @property
    def tables(self) -> list[Table]:
        return [b for b in self.blocks if isinstance(b, Table)]

    @cached_property
    def text(self) -> str:
        """All paragraph text, one block per line (computed once: several readers scan it)."""
        return "\n".join([b.text for b in self.blocks if isinstance(b, Paragraph)])


class ExtractError(Exception):
    """A document that cannot be read; `status` is the record status to report."""

    def __init__(self, status: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
