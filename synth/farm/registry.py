"""Who the farm's portals belong to: real county-level divisions (so SiteIDCode prefixes and agency names
resolve like real ones), the departments and townships that publish reports, and the words portals use."""

from __future__ import annotations

import random
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

DATA = files("synth.farm.data") / "counties.tsv"


@dataclass(frozen=True)
class County:
    adcode: str
    name: str        # 海原县
    short: str       # 海原
    pinyin: str      # haiyuan
    prefecture: str  # 中卫市 ("" for province-administered units)
    province: str    # 宁夏回族自治区


@dataclass(frozen=True)
class Department:
    name: str   # printed after the county name: 教育局
    slug: str   # pinyin initials, used for sub-columns and department host names: jyj


@cache
def counties() -> tuple[County, ...]:
    """All 2,850 county-level units of the registry, in code order."""
    lines = [line for line in DATA.read_text(encoding="utf-8").splitlines() if line and not line.startswith("#")]
    return tuple(County(*line.split("\t")) for line in lines[1:])


DEPARTMENTS = tuple(Department(n, s) for n, s in (
    ("人民政府办公室", "zfb"), ("发展和改革局", "fgj"), ("教育局", "jyj"), ("科学技术局", "kjj"),
    ("工业和信息化局", "gxj"), ("公安局", "gaj"), ("民政局", "mzj"), ("司法局", "sfj"), ("财政局", "czj"),
    ("人力资源和社会保障局", "rsj"), ("自然资源局", "zrzyj"), ("住房和城乡建设局", "zjj"),
    ("交通运输局", "jtysj"), ("水利局", "slj"), ("农业农村局", "nyncj"), ("商务局", "swj"),
    ("文化和旅游局", "wlj"), ("卫生健康局", "wjj"), ("退役军人事务局", "tyjrswj"), ("应急管理局", "yjglj"),
    ("审计局", "sjj"), ("市场监督管理局", "scjgj"), ("统计局", "tjj"), ("医疗保障局", "ybj"),
    ("林业局", "lyj"), ("信访局", "xfj"), ("行政审批服务局", "xzspj"), ("生态环境分局", "sthjfj"),
))
DEPARTMENT_BY_SLUG = {d.slug: d for d in DEPARTMENTS}

# Townships: real names when the project's divisions registry has them (synth.places: names unique
# nationally, so the archive can place them), else invented from common stems.
TOWN_STEMS = ("城关", "东关", "西关", "石桥", "柳林", "新华", "河西", "南湖", "白杨", "青龙", "黄土", "马场", "双河",
              "三河", "高桥", "龙泉", "金山", "清水", "红旗", "太平", "长安", "永安", "兴隆", "平安", "杨柳", "沙河",
              "枣林", "大王", "小河", "东升", "新民", "建设", "北城", "南城", "花园", "桃园", "李家", "王庄", "张店",
              "刘集", "陈湾", "赵庄", "新安", "安乐", "和平", "古城", "新城", "白马", "黑山", "银川", "坪上", "岭南")
TOWN_KINDS = (("镇", 0.55), ("乡", 0.2), ("街道", 0.25))

# Province code -> the one-character abbreviation used in ICP numbers (京ICP备…).
PROVINCE_ABBR = {"11": "京", "12": "津", "13": "冀", "14": "晋", "15": "蒙", "21": "辽", "22": "吉", "23": "黑",
                 "31": "沪", "32": "苏", "33": "浙", "34": "皖", "35": "闽", "36": "赣", "37": "鲁", "41": "豫",
                 "42": "鄂", "43": "湘", "44": "粤", "45": "桂", "46": "琼", "50": "渝", "51": "川", "52": "贵",
                 "53": "云", "54": "藏", "61": "陕", "62": "甘", "63": "青", "64": "宁", "65": "新"}


def townships(rng: random.Random, n: int, adcode: str = "") -> list[str]:
    """n distinct township names of a county: its real ones first, then invented (石桥镇, 白杨乡, 城关街道)."""
    from synth.places import townships as real_townships

    real = list(real_townships().get(adcode, ()))
    names = rng.sample(real, min(n, len(real)))
    kinds, weights = zip(*TOWN_KINDS, strict=True)
    for stem in rng.sample(TOWN_STEMS, len(TOWN_STEMS)):
        if len(names) >= n:
            break
        name = stem + rng.choices(kinds, weights)[0]
        if name not in names:
            names.append(name)
    return names


def township_agency(town: str) -> str:
    """The publishing body of a township: 石桥镇人民政府, 城关街道办事处."""
    return town + ("办事处" if town.endswith("街道") else "人民政府")
