"""Random, internally consistent annual-report records, shaped like the parsed record (parse-output.md).

Leaf cells are drawn and every printed total is computed from them, so the identities of tables 3 and 4
hold exactly unless an error is planted on purpose.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from synth import prose
from synth.blanks import blank_out
from synth.era_records import random_era_record
from synth.identities import LEAVES_T4
from synth.labels import (
    TEMPLATE_YEARS,
    applicant_keys,
    request_rows,
    results_rows,
    section_headings,
    tables_yaml,
    template_variants,
)
from synth.places import random_county, township_agency
from synth.planting import plant_error
from synth.proactive import proactive_table

TEMPLATES = ("gov2021", "gov2019", "mixed")
ERA_TEMPLATES = ("stat2014", "legacy")  # 2014–2018 statistics table; 2008–2013 prose only
ORGANS = ("人民政府", "财政局", "教育局", "卫生健康局", "自然资源局", "市场监督管理局", "民政局",
          "住房和城乡建设局", "人力资源和社会保障局", "交通运输局")
# How often each applicant kind applies at all, and how many applications it makes at most.
APPLICANTS = {"natural_person": (0.95, 400), "org_commercial": (0.5, 30), "org_research": (0.1, 3),
              "org_social_welfare": (0.1, 3), "org_legal_services": (0.25, 8), "org_other": (0.2, 5)}
# Relative frequency of the outcomes; unlisted outcome rows weigh DEFAULT_WEIGHT.
RESULT_WEIGHTS = {"granted": 40, "partially_granted": 8, "unavailable_not_held": 20,
                  "unavailable_needs_creation": 5, "unavailable_still_unclear": 3,
                  "np_petition_complaint": 4, "np_duplicate": 4, "denied_process_info": 2,
                  "denied_third_party": 2, "other_misc": 2, "other_handling": 3}
DEFAULT_WEIGHT = 0.6


def random_agency(rng: random.Random) -> str:
    """A real county's government, one of its bureaus, or one of its townships."""
    code, county = random_county(rng)
    draw = rng.random()
    if draw < 0.15:
        township = township_agency(rng, code)
        if township:
            return township
    if draw < 0.6:
        return county + "人民政府"
    return county + rng.choice(ORGANS[1:])


def _scaled(rng: random.Random, top: int) -> int:
    """Skewed toward small numbers, like real application counts."""
    return min(top, int(top ** rng.random()))


def _requests_column(rng: random.Random, results: list[str], key: str) -> dict[str, int]:
    """One applicant column: outcomes drawn first, then the flow rows that make T3.flow hold."""
    share, top = APPLICANTS[key]
    volume = _scaled(rng, top) if rng.random() < share else 0
    col = dict.fromkeys(results, 0)
    weights = [RESULT_WEIGHTS.get(r, DEFAULT_WEIGHT) for r in results]
    for row in rng.choices(results, weights, k=volume):
        col[row] += 1
    col["total_processed"] = volume
    col["carried_forward"] = rng.randint(0, volume // 6) if rng.random() < 0.5 else 0
    carried_over = rng.randint(0, volume // 6) if rng.random() < 0.5 else 0
    col["carried_over"] = carried_over
    col["new_requests"] = volume + col["carried_forward"] - carried_over
    return col


def random_requests(rng: random.Random, variant_name: str) -> dict[str, dict[str, int]]:
    """Table 3: six applicant columns, plus the total column as row sums."""
    results = results_rows(variant_name)
    columns = {k: _requests_column(rng, results, k) for k in applicant_keys()}
    table = {}
    for row in (r["key"] for r in request_rows(variant_name)):
        values = {k: columns[k][row] for k in applicant_keys()}
        table[row] = {**values, "total": sum(values.values())}
    return table


def random_review(rng: random.Random) -> dict[str, dict[str, int]]:
    """Table 4: mostly zeros, a few small counts, totals computed."""
    out = {}
    for group in (g["key"] for g in tables_yaml()["review_litigation"]["groups"]):
        leaves = {k: (rng.randint(1, 6) if rng.random() < 0.25 else 0) for k in LEAVES_T4}
        out[group] = {**leaves, "total": sum(leaves.values())}
    return out


def random_published(rng: random.Random, year: int) -> str | None:
    """Reports appear in January to March of the next year; some pages show no date."""
    if rng.random() < 0.15:
        return None
    return (dt.date(year + 1, 1, 1) + dt.timedelta(days=rng.randint(5, 85))).isoformat()


def random_sections(rng: random.Random, agency: str, year: int, requests: dict
                    ) -> tuple[list[dict[str, Any]], dict[str, int]]:
    """The six sections with their exact headings and prose, and the figures the prose states."""
    received = requests["new_requests"]["total"] or 0
    processed = requests["total_processed"]["total"] or 0
    overview = prose.overview(rng, agency, year, received, processed)
    problems = prose.problems(rng, year)
    other, fee = prose.other_matters_fee(rng, year)
    texts = {1: overview, 5: problems, 6: other}
    sections = [{"no": s["no"], "heading": s["label_zh"], "text": texts.get(s["no"]) or prose.table_intro(rng)}
                for s in section_headings()]
    return sections, {"requests_received": received, "fees": fee}


def random_record(rng: random.Random, template: str, *, agency: str | None = None, year: int | None = None,
                  blanks: bool = False, break_arithmetic: bool = False) -> dict[str, Any]:
    """A whole report record. blanks: some zero cells printed blank (None); break_arithmetic: one total
    made wrong, with every identity it breaks listed in record["_planted_errors"]."""
    if template not in TEMPLATES + ERA_TEMPLATES:
        raise ValueError(f"unknown template {template!r}; expected one of {TEMPLATES + ERA_TEMPLATES}")
    if template in ERA_TEMPLATES:
        return random_era_record(rng, template, agency or random_agency(rng), year, random_published, blanks,
                                 break_arithmetic)
    variants = template_variants(template)
    agency = agency or random_agency(rng)
    year = year or rng.randint(*TEMPLATE_YEARS[template])
    requests = random_requests(rng, variants["requests"])
    published = random_published(rng, year)
    sections, stated = random_sections(rng, agency, year, requests)
    record: dict[str, Any] = {
        "title": f"{agency}{year}年政府信息公开工作年度报告",
        "agency": agency,
        "year": year,
        "published": published,
        "template": template,
        "sections": sections,
        "proactive": proactive_table(rng, variants["proactive"]),
        "requests": requests,
        "review_litigation": random_review(rng),
        "text_values": stated,
    }
    if blanks:
        blank_out(rng, record)
    if break_arithmetic:
        record["_planted_errors"] = plant_error(rng, record)
    return record
