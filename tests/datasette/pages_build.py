"""A small archive for the journalist pages (agency history, compare, export, feeds, copy-paste flags),
built through the real pipeline with planted cases:

- tables copied: an agency's 2023 tables equal its 2022 tables cell for cell (a flag);
- all-zero tables equal in two years (no flag: nothing but zeros is no evidence);
- text copied from another agency, names swapped (a flag), and from the same agency's year before with the
  numbers changed (a flag); a text sharing one paragraph of many with another (no flag);
- two versions of one report with changed numbers, the second published late;
- PDF, DOCX, markdown and text originals for the links to the printed place.
"""

from __future__ import annotations

import copy
import random
from dataclasses import dataclass, field
from pathlib import Path

import synth
from archive.flags import refresh_flags
from nianbao.pipeline import Archive, ingest_bytes

HONGZE, HONGZE_FIN = "淮安市洪泽区人民政府", "淮安市洪泽区财政局"
HAIYUAN, HAIYUAN_EDU = "海原县人民政府", "海原县教育局"
QINGTIAN, QINGTIAN_HEALTH = "青田县人民政府", "青田县卫生健康局"
WUHOU, WUHOU_CIVIL = "成都市武侯区人民政府", "武侯区民政局"
CHARS = ("政府信息公开工作围绕中心服务大局推进重点领域建设完善制度规范流程强化监督考核提升质量效率群众满意"
         "街道社区乡村振兴营商环境民生保障教育医疗住房交通生态环境安全生产应急管理财政预算审计统计税收就业"
         "农业水利林业文化旅游体育卫生健康养老托育残疾救助退役军人市场监管知识产权科技创新数字政务平台")

# (agency, year, layout)
PLAN = [
    (HONGZE, 2022, "html-plain"), (HONGZE, 2023, "html-plain"),
    (HAIYUAN, 2022, "html-plain"), (HAIYUAN, 2023, "pdf"),
    (QINGTIAN, 2022, "html-plain"), (QINGTIAN, 2023, "html-plain"),
    (WUHOU_CIVIL, 2023, "html-plain"), (HAIYUAN_EDU, 2023, "md"),
    (QINGTIAN_HEALTH, 2022, "html-plain"), (QINGTIAN_HEALTH, 2023, "docx"),
    (HONGZE_FIN, 2023, "tsv"), (WUHOU, 2022, "html-plain"), (WUHOU, 2023, "html-plain"),
]
TABLES_COPIED = (HONGZE, 2023, 2022)
ZEROS = (QINGTIAN, 2022, 2023)
TEXT_FROM_OTHER = ((HAIYUAN_EDU, 2023), (WUHOU_CIVIL, 2023))  # (copier, original)
TEXT_FROM_LAST_YEAR = ((QINGTIAN_HEALTH, 2023), (QINGTIAN_HEALTH, 2022))
PARTLY_SHARED = ((HONGZE_FIN, 2023), (HAIYUAN, 2022))  # one paragraph of many in common: no flag
EDITED = (WUHOU, 2023)
EDIT_PUBLISHED = "2024-06-20"


@dataclass
class PagesArchive:
    root: Path
    db_path: Path
    ids: dict[tuple, int] = field(default_factory=dict)  # (agency, year) -> report id (first version)
    edited_id: int = 0  # the second version of EDITED
    records: dict[tuple, dict] = field(default_factory=dict)
    edited_record: dict = field(default_factory=dict)
    formats: dict[tuple, str] = field(default_factory=dict)


def prose(rng: random.Random, sentences: int) -> list[str]:
    return ["".join(rng.choice(CHARS) for _ in range(rng.randint(18, 30))) + "。" for _ in range(sentences)]


def _set_text(record: dict, paragraphs: list[str]) -> None:
    record["sections"][0]["text"] = "\n".join(paragraphs)
    record["sections"][4]["text"] = ""


def _zero(record: dict) -> None:
    for table in ("proactive", "requests", "review_litigation"):
        for cols in record[table].values():
            for col, value in cols.items():
                if isinstance(value, int | float):
                    cols[col] = 0


def records(rng: random.Random) -> dict[tuple, dict]:
    out = {(a, y): synth.random_record(rng, "gov2021", agency=a, year=y) for a, y, _ in PLAN}
    agency, year, before = TABLES_COPIED
    for table in ("proactive", "requests", "review_litigation"):
        out[(agency, year)][table] = copy.deepcopy(out[(agency, before)][table])
    for key in ((ZEROS[0], ZEROS[1]), (ZEROS[0], ZEROS[2])):
        _zero(out[key])
    copier, original = TEXT_FROM_OTHER
    text = prose(rng, 14)
    _set_text(out[original], [f"{original[0]}{s}" if i % 4 == 0 else s for i, s in enumerate(text)])
    _set_text(out[copier], [f"{copier[0]}{s}" if i % 4 == 0 else s for i, s in enumerate(text)])
    later, earlier = TEXT_FROM_LAST_YEAR
    text = prose(rng, 14)
    _set_text(out[earlier], [s.replace("。", f"共{i + 3}件。") for i, s in enumerate(text)])
    _set_text(out[later], [s.replace("。", f"共{i + 40}件。") for i, s in enumerate(text)])
    a, b = PARTLY_SHARED
    shared = prose(rng, 2)
    _set_text(out[a], prose(rng, 12) + shared)
    _set_text(out[b], shared + prose(rng, 12))
    return out


def build(root: Path, seed: int = 11) -> PagesArchive:
    rng = random.Random(seed)
    archive = Archive.open(root)
    built = PagesArchive(root, root / "nianbao.db")
    built.records = records(rng)
    for n, (agency, year, layout) in enumerate(PLAN):
        data, ext = synth.render(built.records[(agency, year)], layout, rng)
        ingest_bytes(archive, data, f"https://example.gov.cn/pages/{n:03d}.{ext}", f"r.{ext}")
        built.formats[(agency, year)] = ext
        built.ids[(agency, year)] = archive.db.execute("SELECT max(id) FROM reports").fetchone()[0]
    edited = copy.deepcopy(built.records[EDITED])
    edited["requests"]["new_requests"]["natural_person"] += 7
    edited["requests"]["new_requests"]["total"] += 7
    edited["requests"]["total_processed"]["natural_person"] += 7
    edited["requests"]["total_processed"]["total"] += 7
    edited["requests"]["granted"]["natural_person"] += 7
    edited["requests"]["granted"]["total"] += 7
    edited["published"] = EDIT_PUBLISHED
    built.edited_record = edited
    data, ext = synth.render(edited, "html-plain", rng)
    ingest_bytes(archive, data, "https://example.gov.cn/pages/edited.html", "edited.html")
    built.edited_id = archive.db.execute("SELECT max(id) FROM reports").fetchone()[0]
    refresh_flags(archive.db)
    archive.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    archive.db.execute("PRAGMA journal_mode = DELETE")
    archive.db.close()
    return built
