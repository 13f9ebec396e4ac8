"""Checks that must hold in production run as real code: `python -O` drops `assert` statements."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from crawler.items import FetchedDocument
from crawler.pipelines import ArchivePipeline

ROOT = Path(__file__).resolve().parents[1]


def test_no_assert_statements_outside_tests() -> None:
    files = [p for package in ("archive", "crawler", "nianbao") for p in (ROOT / package).rglob("*.py")]
    assert files
    found = [f"{p.relative_to(ROOT)}:{node.lineno}" for p in files
             for node in ast.walk(ast.parse(p.read_text(encoding="utf-8"))) if isinstance(node, ast.Assert)]
    assert found == []


def test_pipeline_used_before_open_raises_a_real_error(tmp_path: Path) -> None:
    item = FetchedDocument(url="http://www.example.gov.cn/a", final_url="http://www.example.gov.cn/a",
                           http_status=200, headers={}, body=b"x", fetched_at="2026-01-01T00:00:00Z", kind="list")
    with pytest.raises(RuntimeError, match="before open_spider"):
        ArchivePipeline(str(tmp_path)).write(item, None, None)
