"""Plausible section prose for a synthetic report.

Paragraphs are joined with "\\n"; renderers print each as its own paragraph. No paragraph starts with a
section number (一、…六、) so that prose never looks like a section heading.
"""

from __future__ import annotations

import random

OVERVIEW_SUBHEADS = ("（一）主动公开", "（二）依申请公开", "（三）政府信息管理", "（四）政府信息公开平台建设",
                     "（五）监督保障")
ACTIONS = (
    "坚持以公开为常态、不公开为例外，及时准确发布各类政府信息",
    "围绕中心工作深化重点领域信息公开，持续提升政府工作透明度",
    "严格落实公文公开属性源头认定机制，拟制公文时同步明确公开方式",
    "规范依申请公开办理流程，做到依法依规、答复及时",
    "动态更新政府信息公开指南和主动公开基本目录",
    "加强政府网站和政务新媒体管理，及时清理过时信息",
    "将政务公开工作纳入年度绩效考核，压实工作责任",
    "组织开展政务公开业务培训，提升工作人员业务能力",
    "严格执行保密审查制度，坚持先审后发",
    "完善政策解读机制，做到政策文件与解读材料同步起草、同步审签、同步发布",
)
PROBLEMS = (
    "政策解读形式还不够丰富，解读的针对性和可读性有待提高",
    "部分单位对政务公开工作重视程度不够，信息更新不够及时",
    "依申请公开答复的规范性还需进一步加强",
    "政务公开队伍力量较为薄弱，业务水平参差不齐",
    "基层政务公开标准化规范化建设仍需持续推进",
)
IMPROVEMENTS = (
    "加强业务培训，提升工作人员的政策理解和业务能力",
    "丰富解读形式，更多采用图表图解、音视频等方式开展解读",
    "健全依申请公开办理机制，规范答复文书",
    "强化考核监督，对发现的问题及时督促整改",
    "持续优化公开专栏，提升信息的可查性和易用性",
)
TABLE_INTROS = ("", "该部分以表格形式报告。", "本部分以表格形式报告，具体情况如下：", "具体情况见下表。")


def _pick(rng: random.Random, pool: tuple[str, ...], k: int) -> list[str]:
    return rng.sample(pool, k)


def overview(rng: random.Random, agency: str, year: int, received: int, processed: int) -> str:
    """Section 一: a preface with the statistics period, then the usual five sub-heads."""
    paras = [f"本报告根据《中华人民共和国政府信息公开条例》（以下简称《条例》）要求，由{agency}编制。"
             f"本报告所列数据统计期限为{year}年1月1日至{year}年12月31日。"]
    for head in OVERVIEW_SUBHEADS:
        body = "；".join(_pick(rng, ACTIONS, 2))
        if head == "（二）依申请公开":
            body = f"全年共收到政府信息公开申请{received}件，办结{processed}件；" + body
        paras.append(f"{head}。{year}年，{agency}{body}。")
    return "\n".join(paras)


def problems(rng: random.Random, year: int) -> str:
    """Section 五: problems, then improvements."""
    probs = "；".join(f"{n}是{p}" for n, p in zip("一二三", _pick(rng, PROBLEMS, 3), strict=False))
    steps = "；".join(f"{n}是{p}" for n, p in zip("一二三", _pick(rng, IMPROVEMENTS, 3), strict=False))
    return (f"{year}年政府信息公开工作取得了一定成效，但仍存在一些不足：{probs}。\n"
            f"下一步，将重点做好以下工作：{steps}。")


def other_matters(rng: random.Random, year: int) -> str:
    """Section 六: always reports the 信息处理费, as the 2021 format expects."""
    return other_matters_fee(rng, year)[0]


def other_matters_fee(rng: random.Random, year: int) -> tuple[str, int]:
    """Section 六 and the fee (元) it states."""
    fee = rng.choice((0, 0, 0, rng.randint(1, 20) * 10))
    if fee:
        sentence = f"{year}年，依据《政府信息公开信息处理费管理办法》收取信息处理费{fee}元。"
    else:
        sentence = f"{year}年，本机关未收取信息处理费。"
    extra = rng.choice(("", "本年度无其他需要报告的事项。", "人大代表建议和政协提案办理结果均已按要求公开。"))
    return sentence + ("\n" + extra if extra else ""), fee


def table_intro(rng: random.Random) -> str:
    """Text of sections 二–四, which are mostly their table; sometimes empty, as in real reports."""
    return rng.choice(TABLE_INTROS)
