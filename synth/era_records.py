"""Records of the pre-2019 eras: 2014–2018 reports with the statistics table (`stat2014`), and
2008–2013 prose reports (`legacy`) whose figures exist only in sentences."""

from __future__ import annotations

import random
from typing import Any

from synth.era_prose import era_sections, random_figures
from synth.statistics import plant_statistics_error, random_statistics

ERA_YEARS = {"stat2014": (2014, 2018), "legacy": (2008, 2013)}
TITLE_FORMS = ("{agency}{year}年政府信息公开工作年度报告", "{agency}{year}年度政府信息公开工作报告",
               "{agency}{year}年政府信息公开年度报告")
ANNEX = "附件：政府信息公开情况统计表（{year}年度）"


def _stated_from_statistics(statistics: dict[str, dict[str, Any]]) -> dict[str, int]:
    """What a 2014–2018 report's prose repeats from its table (only figures printed in it)."""
    out = {}
    for text_key, row in (("proactive_items", "proactive_items"), ("requests_received", "requests_received")):
        value = statistics[row]["count"]
        if value is not None:
            out[text_key] = value
    return out


def random_era_record(rng: random.Random, template: str, agency: str, year: int | None, published: Any,
                      blanks: bool, break_arithmetic: bool) -> dict[str, Any]:
    """A whole stat2014 or legacy record, shaped like the parsed record (no tables 2–4)."""
    year = year or rng.randint(*ERA_YEARS[template])
    statistics = random_statistics(rng, blanks) if template == "stat2014" else {}
    stated = _stated_from_statistics(statistics) if statistics else random_figures(rng)
    annex = ANNEX.format(year=year) if statistics else None
    record: dict[str, Any] = {
        "title": rng.choice(TITLE_FORMS).format(agency=agency, year=year),
        "agency": agency, "year": year, "published": published(rng, year), "template": template,
        "sections": era_sections(rng, agency, year, stated, annex),
        "proactive": {}, "requests": {}, "review_litigation": {}, "statistics": statistics,
        "text_values": stated,
    }
    if break_arithmetic and statistics:
        record["_planted_errors"] = plant_statistics_error(rng, statistics)
    return record
