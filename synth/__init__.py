"""Synthetic 政府信息公开工作年度报告: random, internally consistent records rendered into many layouts.

    rng = random.Random(1)
    record = random_record(rng, "gov2021", blanks=True)
    data, ext = render(record, "html-nbsp", rng)

Everything is deterministic given the seed of the `random.Random` passed in.
"""

from synth.corpus import write_corpus
from synth.identities import check_record, failing
from synth.layouts import LAYOUTS, render
from synth.records import ERA_TEMPLATES, TEMPLATES, random_record

__all__ = ["ERA_TEMPLATES", "LAYOUTS", "TEMPLATES", "check_record", "failing", "random_record", "render",
           "write_corpus"]
