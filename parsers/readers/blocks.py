"""主动公开: blocks introduced by 第二十条第（X）项, each with its own column header."""

from __future__ import annotations

from parsers.labels import LabelIndex, index_of
from parsers.readers.base import TableRead, assign, per_variant, relevant_rows
from parsers.rows import RowView
from parsers.templates import Block, Variant


class _State:
    def __init__(self) -> None:
        self.block: int | None = None
        self.cols: dict[str, int] = {}

    def enter(self, block: int) -> None:
        if block != self.block:
            self.block, self.cols = block, {}


def _order(block: Block, cols: dict[str, int], read: TableRead, row_key: str) -> list[str]:
    keys = [c.key for c in block.columns]
    if set(cols) == set(keys):
        return sorted(keys, key=lambda k: cols[k])
    read.warnings.append(f"{read.section}.{row_key}: no column header found; columns taken in template order")
    return keys


def _indexes(variant: Variant) -> tuple[LabelIndex, list[LabelIndex], LabelIndex, dict[str, bool]]:
    """Header, per-block column and row indexes, and the memo of relevant_rows (labels none of them match)."""
    return (index_of((b.header_zh, str(i)) for i, b in enumerate(variant.blocks)),
            [index_of((p, c.key) for c in b.columns for p in c.printed) for b in variant.blocks],
            index_of((p, f"{i}:{r.key}") for i, b in enumerate(variant.blocks) for r in b.rows for p in r.printed),
            {})


def read_blocks(rows: list[RowView], variant: Variant) -> TableRead:
    expected = sum(len(b.rows) for b in variant.blocks)
    read = TableRead(variant.name, variant.section, expected_rows=expected)
    headers, col_index, row_index, memo = per_variant("blocks", variant, _indexes)
    state = _State()
    for view in relevant_rows(rows, (headers, *col_index, row_index), memo):
        hit = next((h for c in view.labels if (h := headers.match(c.text))), None)
        if hit is not None:
            state.enter(int(hit))
            continue
        if state.block is not None:
            cols = [(k, c.col) for c in view.labels if (k := col_index[state.block].match(c.text))]
            if cols:
                for key, col in cols:
                    state.cols.setdefault(key, col)
                read.matched_labels += len(cols)
                continue
        match = row_index.match(view.label)
        if match is None or not view.values:
            continue
        block_no, row_key = match.split(":", 1)
        state.enter(int(block_no))
        if row_key in read.printed:
            continue
        block = variant.blocks[state.block]
        read.matched_labels += 1
        assign(read, row_key, _order(block, state.cols, read, row_key), state.cols, view, len(block.columns))
    return read
