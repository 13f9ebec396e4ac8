"""Shared test fixtures: where ../shared lives (tests skip cleanly when it is absent)."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
CORPUS = SHARED / "corpus"


@pytest.fixture(scope="session")
def corpus() -> Path:
    if not (CORPUS / "labels").is_dir():
        pytest.skip("../shared/corpus is not present")
    return CORPUS
