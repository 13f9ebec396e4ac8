"""Every labelled real report must parse exactly as labelled: every cell, the template, the failing checks."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from parsers import parse_file
from tests.conftest import CORPUS

LABELS = sorted((CORPUS / "labels").glob("*.json")) if (CORPUS / "labels").is_dir() else []
TABLES = ("proactive", "requests", "review_litigation")


def _label_id(path: Path) -> str:
    return path.stem


@pytest.fixture(scope="module", params=LABELS, ids=_label_id)
def labelled(request: pytest.FixtureRequest, corpus: Path) -> tuple[dict, dict]:
    label = json.loads(request.param.read_text(encoding="utf-8"))
    return label, parse_file(corpus / label["source"])


def test_corpus_has_labels(corpus: Path) -> None:
    assert LABELS, "no labels found in ../shared/corpus/labels"


@pytest.mark.parametrize("table", TABLES)
def test_every_cell_as_labelled(labelled: tuple[dict, dict], table: str) -> None:
    label, record = labelled
    expected, got = label[table], record[table]
    assert set(got) == set(expected), f"rows differ in {table}"
    for row, cols in expected.items():
        for col, value in cols.items():
            assert got[row][col] == value, f"{table}.{row}.{col}: expected {value!r}, parsed {got[row][col]!r}"
            assert type(got[row][col]) is type(value) or value is None


def test_identity_fields(labelled: tuple[dict, dict]) -> None:
    label, record = labelled
    for key in ("template", "status", "agency", "year"):
        assert record[key] == label[key], key


def test_exactly_the_labelled_failing_checks(labelled: tuple[dict, dict]) -> None:
    label, record = labelled
    expected = {(c["id"], c["scope"]) for c in label["failing_checks"]}
    failing = {(c["id"], c["scope"]) for c in record["checks"] if not c["ok"]}
    assert failing == expected


def test_checks_cover_every_identity(labelled: tuple[dict, dict]) -> None:
    _, record = labelled
    ids = {c["id"] for c in record["checks"]}
    assert {"T3.flow", "T3.results", "T3.rowsum", "T4.sum"} <= ids
    for check in record["checks"]:
        assert {"lhs", "rhs", "detail", "scope", "ok"} <= set(check)
        assert check["ok"] == (check["lhs"] == check["rhs"])


def test_every_value_is_traceable(labelled: tuple[dict, dict]) -> None:
    _, record = labelled
    cells = {(c["table"], c["row"], c["col"]): c for c in record["cells"]}
    for table in TABLES:
        for row, cols in record[table].items():
            for col, value in cols.items():
                cell = cells[(table, row, col)]
                assert cell["value"] == value
                assert cell["grid_row"] >= 0
                assert cell["grid_col"] >= 0


def test_blank_template_is_not_a_report(corpus: Path) -> None:
    record = parse_file(corpus / "template-2021-blank.docx")
    assert record["status"] == "not_a_report"
    assert record["errors"]
    assert "blank template" in record["errors"][0]
    assert record["template"] == "gov2021"
    assert len(record["requests"]) == 25  # the merged-cell grid was read row by row


def test_pdf_split_table_is_stitched(corpus: Path) -> None:
    record = parse_file(corpus / "huaian-hongze-2023.pdf")
    assert any("stitched" in w for w in record["warnings"])
    pages = {c["page"] for c in record["cells"] if c["table"] == "requests"}
    assert pages == {3, 4}


def test_sections_one_to_six(labelled: tuple[dict, dict]) -> None:
    _, record = labelled
    assert [s["no"] for s in record["sections"]] == [1, 2, 3, 4, 5, 6]
