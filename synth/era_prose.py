"""Prose of pre-2019 reports (2008 条例 outline): figures stated in sentences, among distractors.

The figures a report states are returned beside its sections, so that tests know exactly which
numbers a reader of the prose must find, and which numbers (percentages, years, cumulative counts,
document numbers, changes on last year) it must leave alone.
"""

from __future__ import annotations

import random
from typing import Any

HEADINGS = ("一、概述", "二、主动公开政府信息情况", "三、依申请公开政府信息情况", "四、政府信息公开的收费及减免情况",
            "五、因政府信息公开申请行政复议、提起行政诉讼的情况", "六、政府信息公开工作存在的主要问题及改进情况",
            "七、其他需要报告的事项")
OUTCOMES = {"requests_granted": ("其中同意公开{n}件", "予以公开{n}件", "同意公开答复{n}件"),
            "requests_partly": ("同意部分公开{n}件", "部分公开{n}件"),
            "requests_refused": ("不予公开{n}件", "不同意公开{n}件"),
            "requests_not_held": ("申请信息不存在{n}件", "不属于本机关公开范围{n}件"),
            "requests_other": ("其他处理{n}件",)}
PROACTIVE = ("{year}年，{agency}共主动公开政府信息{n}条", "全年主动公开各类政府信息{n}条", "主动公开政府信息共计{n}条")
RECEIVED = ("全年共受理政府信息公开申请{n}件", "共收到依申请公开政府信息申请{n}件", "{year}年共受理信息公开申请{n}件")
DISTRACTORS = (
    "根据《国务院办公厅关于做好政府信息依申请公开工作的意见》（国办发〔2010〕5号）要求，进一步规范了申请受理流程。",
    "政府网站全年访问量达{big}万人次，较上年增长{pct}%。",
    "自2008年以来累计主动公开政府信息{big}条。",
    "全年举办政府信息公开培训班{k}期，培训工作人员{m}人次。",
    "政务服务中心全年受理行政许可申请{big}件，办结率100%。",
    "申请数量比上年增加{k}件，增幅{pct}%。",
    "接待现场查阅约{m}人次，答复群众咨询{k}0余次。",
    "全年编发政府公报{k}期，刊登文件{m}件（第1—{k}期）。",
)


def _fill(rng: random.Random, text: str, **kw: Any) -> str:
    return text.format(big=rng.randint(1000, 90000), pct=round(rng.uniform(1, 40), 1), k=rng.randint(2, 9),
                       m=rng.randint(20, 400), **kw)


def random_figures(rng: random.Random) -> dict[str, int]:
    """The core quantities of a 2008–2013 report; outcomes add up to the requests received."""
    received = min(200, int(200 ** rng.random())) if rng.random() < 0.8 else 0
    figures = {"proactive_items": rng.randint(30, 9000), "requests_received": received}
    if received:
        shares = {k: rng.randint(0, 10) for k in OUTCOMES}
        figures["requests_granted"] = received
        for key in ("requests_partly", "requests_refused", "requests_not_held", "requests_other"):
            n = min(figures["requests_granted"], shares[key] * received // 40)
            figures[key] = n
            figures["requests_granted"] -= n
    figures["fees"] = 0 if rng.random() < 0.85 else rng.randint(1, 30) * 10
    for key in ("reviews", "lawsuits", "complaints"):
        figures[key] = rng.randint(1, 3) if rng.random() < 0.2 else 0
    return figures


def _requests_sentence(rng: random.Random, year: int, figures: dict[str, int]) -> str:
    if figures.get("requests_received") == 0:
        return rng.choice(("全年未收到政府信息公开申请。",
                           f"{year}年，本机关没有收到公民、法人或其他组织提出的政府信息公开申请。"))
    parts = [_fill(rng, rng.choice(RECEIVED), year=year, n=figures["requests_received"])]
    parts += [rng.choice(OUTCOMES[k]).format(n=figures[k]) for k in OUTCOMES if k in figures]
    if rng.random() < 0.5:
        parts.append(f"较上年增长{round(rng.uniform(1, 40), 1)}%")
    return "，".join(parts) + "。"


def _fee_sentence(rng: random.Random, fee: int) -> str:
    if fee == 0:
        return rng.choice(("全年未收取任何费用。", "本机关在提供政府信息过程中未收取任何费用。",
                           "收取政府信息公开相关费用0元。"))
    return f"全年共收取费用{fee}元，均按规定标准收取。"


def _appeals_sentence(rng: random.Random, figures: dict[str, int]) -> str:
    reviews, lawsuits = figures["reviews"], figures["lawsuits"]
    if reviews == 0 and lawsuits == 0:
        first = "全年未发生因政府信息公开申请行政复议、提起行政诉讼的情况"
    else:
        first = f"全年因政府信息公开申请行政复议{reviews}件，因政府信息公开提起行政诉讼{lawsuits}起"
    if figures["complaints"]:
        second = f"收到有关政府信息公开的举报投诉{figures['complaints']}件"
    else:
        second = "未收到有关政府信息公开的举报投诉"
    return f"{first}；{second}。"


def era_sections(rng: random.Random, agency: str, year: int, figures: dict[str, int],
                 annex: str | None = None) -> list[dict[str, Any]]:
    """The seven sections of the 2008 条例 outline stating `figures` (keys absent from it are not stated)."""
    intro = (f"本报告根据《中华人民共和国政府信息公开条例》要求，由{agency}编制。"
             f"本报告所列数据统计期限为{year}年1月1日至{year}年12月31日。")
    proactive = _fill(rng, rng.choice(PROACTIVE), year=year, agency=agency, n=figures["proactive_items"]) + "。" \
        if "proactive_items" in figures else "及时公开各类政府信息。"
    texts = [
        intro + _fill(rng, rng.choice(DISTRACTORS)),
        proactive + _fill(rng, rng.choice(DISTRACTORS)),
        (_requests_sentence(rng, year, figures) if "requests_received" in figures else "依法办理政府信息公开申请。")
        + _fill(rng, rng.choice(DISTRACTORS)),
        _fee_sentence(rng, figures["fees"]) if "fees" in figures else "按规定标准执行。",
        _appeals_sentence(rng, figures) if "reviews" in figures else "依法做好行政复议和行政诉讼应诉工作。",
        "政府信息公开工作仍存在一些不足，公开内容的全面性和及时性有待提高。下一步将加强培训，完善制度。",
        annex or "本年度无其他需要报告的事项。",
    ]
    return [{"no": i + 1, "heading": h, "text": t} for i, (h, t) in enumerate(zip(HEADINGS, texts, strict=True))]
