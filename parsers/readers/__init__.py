"""Table readers: one per table kind (blocks, matrix, grouped, indicators), each driven by a template variant."""

from __future__ import annotations

from collections.abc import Callable

from parsers.readers.base import TableRead
from parsers.readers.blocks import read_blocks
from parsers.readers.grouped import read_grouped
from parsers.readers.indicators import read_indicators
from parsers.readers.matrix import read_matrix
from parsers.rows import RowView
from parsers.templates import Variant

READERS: dict[str, Callable[[list[RowView], Variant], TableRead]] = {
    "blocks": read_blocks,
    "matrix": read_matrix,
    "grouped": read_grouped,
    "indicators": read_indicators,
}


def read_table(rows: list[RowView], variant: Variant) -> TableRead:
    return READERS[variant.kind](rows, variant)


__all__ = ["TableRead", "read_table"]
