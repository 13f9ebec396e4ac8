"""Rebuild counties.tsv, the farm's county registry, from the shared admin-division datasets.

    python -m synth.farm.data.build_counties ../shared/datasets/admin-divisions

Run by hand when the datasets change; the farm itself only reads the TSV, so it works without ../shared.
Sources: yescallop/areacodes data/2024.txt (CC0 1.0) for the 2,846 county-level codes and their prefecture and
province names, plus the four prefecture cities without counties (东莞, 中山, 儋州, 嘉峪关); pinyin from
xiangyuecn/AreaCity-JsSpider-StatsGov ok_data_level3.csv (MIT, Copyright (c) 2019 xiangyuecn).
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

OUT = Path(__file__).resolve().parent / "counties.tsv"
NO_COUNTY_CITIES = ("441900", "442000", "460400", "620200")
# Codes newer than the pinyin source (2023): short name and pinyin by hand.
EXTRA_PINYIN = {"460303": ("南沙", "nansha"), "653228": ("和康", "hekang"), "653229": ("和安", "hean")}
HEADER = ("# Farm county registry. Codes/names: yescallop/areacodes data/2024.txt (CC0 1.0).\n"
          "# Pinyin: xiangyuecn/AreaCity-JsSpider-StatsGov (MIT, Copyright (c) 2019 xiangyuecn).\n"
          "# Built by synth/farm/data/build_counties.py.\n")


def build(src: Path) -> int:
    names = dict(line.split(" ", 1) for line in (src / "yescallop-areacodes/2024.txt").read_text("utf-8").split("\n")
                 if line.strip())
    names = {k: v.strip() for k, v in names.items()}
    with (src / "xiangyuecn/ok_data_level3.csv").open(encoding="utf-8-sig") as f:
        pinyin = {row["id"]: (row["name"], row["pinyin"].replace(" ", "")) for row in csv.DictReader(f)}
    rows = []
    for code, name in sorted(names.items()):
        if not (code[4:] != "00" or code in NO_COUNTY_CITIES):
            continue
        short, py = pinyin.get(code) or EXTRA_PINYIN.get(code, ("", ""))
        if not py:
            continue
        prefecture = "" if code in NO_COUNTY_CITIES else names.get(code[:4] + "00", "")
        rows.append((code, name, short or name, py, prefecture, names.get(code[:2] + "0000", "")))
    with OUT.open("w", encoding="utf-8", newline="") as f:
        f.write(HEADER)
        f.write("adcode\tname\tshort\tpinyin\tprefecture\tprovince\n")
        f.writelines("\t".join(r) + "\n" for r in rows)
    return len(rows)


if __name__ == "__main__":
    print(build(Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/datasets/admin-divisions")), "counties")
