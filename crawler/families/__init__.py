"""Portal families: how each CMS lists its articles and paginates. Behaviour per family lives here;
which county uses which family is data (crawler/sources.csv), and unknown pages fall back to generic."""

from __future__ import annotations

from crawler.families.base import Family, Link
from crawler.families.generic import GenericFamily
from crawler.families.gkmlpt import GkmlptFamily
from crawler.families.hanweb import HanwebFamily
from crawler.families.trs import TrsFamily
from crawler.families.vsb import VsbFamily

FAMILIES: dict[str, Family] = {f.name: f for f in (TrsFamily(), HanwebFamily(), GkmlptFamily(), VsbFamily(),
                                                    GenericFamily())}


def detect(url: str, body: str, hint: str = "") -> Family:
    """The family whose fingerprint the page shows; the registry's hint breaks ties; generic otherwise."""
    matching = [f for f in FAMILIES.values() if f.name != "generic" and f.matches(url, body)]
    for family in matching:
        if family.name == hint:
            return family
    return matching[0] if matching else FAMILIES.get(hint) or FAMILIES["generic"]


__all__ = ["FAMILIES", "Family", "Link", "detect"]
