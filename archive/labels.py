"""Printed labels of canonical keys, read from the parsers' tables.yaml (the same data the parsers match).

English labels are the canonical keys spelled out (`denied_state_secret` → "denied state secret"): the keys
are English already and stay the stable names to use in code.
"""

from __future__ import annotations

from functools import lru_cache
from importlib.resources import files
from pathlib import Path
from typing import Any

import yaml

TABLES_YAML = files("parsers.templates").joinpath("tables.yaml")  # package data (wheel, zip, egg)
TABLE_LABELS = {"proactive": ("主动公开政府信息情况", "information published proactively"),
                "requests": ("收到和处理政府信息公开申请情况", "requests received and handled"),
                "review_litigation": ("行政复议、行政诉讼情况", "administrative reviews and lawsuits")}


def _walk(node: object, out: dict[str, str]) -> None:
    if isinstance(node, dict):
        if "key" in node and "label_zh" in node:
            out.setdefault(node["key"], node["label_zh"])
        for value in node.values():
            _walk(value, out)
    elif isinstance(node, list):
        for item in node:
            _walk(item, out)


@lru_cache(maxsize=2)
def chinese_labels(path: Any = TABLES_YAML) -> dict[str, dict[str, str]]:
    """section -> canonical key -> label as printed in the official template (first variant wins)."""
    with (Path(path) if isinstance(path, str) else path).open(encoding="utf-8") as f:
        tables = yaml.safe_load(f)
    labels: dict[str, dict[str, str]] = {}
    for variant in tables["variants"].values():
        _walk(variant, labels.setdefault(variant["section"], {}))
    return labels


def english(key: str) -> str:
    return key.replace("_", " ")


def label_zh(table: str, key: str) -> str:
    return chinese_labels().get(table, {}).get(key, key)
