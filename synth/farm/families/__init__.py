"""Portal families: one class per CMS family, keyed by name (see docs/farm.md for their URL shapes)."""

from synth.farm.families.base import Family
from synth.farm.families.generic import Generic
from synth.farm.families.gkmlpt import Gkmlpt
from synth.farm.families.hanweb import Hanweb
from synth.farm.families.mirror import Mirror
from synth.farm.families.trs import Trs
from synth.farm.families.vsb import Vsb

FAMILIES: dict[str, Family] = {f.name: f for f in (Trs(), Hanweb(), Gkmlpt(), Vsb(), Generic(), Mirror())}

__all__ = ["FAMILIES", "Family"]
