"""Match printed labels to canonical keys: exact after normalisation, then prefixes, then fuzzy."""

from __future__ import annotations

from collections.abc import Iterable
from difflib import SequenceMatcher

from parsers.text import normalize_label

FUZZY_MIN = 0.8  # e.g. the real typo 其他法律行政止公开 vs 其他法律行政法规禁止公开 scores 0.86
PREFIX_MIN = 4
MAX_LABEL = 80  # longer cell texts are prose (PDF text boxes), never a table label
MEMO_LIMIT = 100_000


class LabelIndex:
    """Normalized printed labels → key, for one set of candidates (a table's rows, columns…)."""

    def __init__(self, pairs: Iterable[tuple[str, str]]) -> None:
        self.exact: dict[str, str] = {}
        self._memo: dict[str, object] = {}
        for printed, key in pairs:
            self.exact.setdefault(normalize_label(printed), key)
        self._chars = {cand: frozenset(cand) for cand in self.exact}

    def match(self, text: str | None) -> str | None:
        if not text or len(text) > MAX_LABEL:
            return None
        hit = self._memo.get(text, self)
        if hit is self:
            if len(self._memo) > MEMO_LIMIT:
                self._memo.clear()
            hit = self._memo[text] = _match(self, normalize_label(text))
        return hit  # type: ignore[return-value]

    def __contains__(self, text: str) -> bool:
        return self.match(text) is not None


def _match(index: LabelIndex, norm: str) -> str | None:
    if not norm:
        return None
    if norm in index.exact:
        return index.exact[norm]
    best_key, best_score, tie = None, 0.0, False
    chars = frozenset(norm)
    for cand, key in index.exact.items():
        if len(chars & index._chars[cand]) * 2 < len(index._chars[cand]):
            continue  # shares too few characters to be a variant of this label
        score = _score(norm, cand)
        if score > best_score:
            best_key, best_score, tie = key, score, False
        elif score == best_score and key != best_key:
            tie = True
    if best_score >= FUZZY_MIN and not tie:
        return best_key
    return None


def _score(norm: str, cand: str) -> float:
    """1.0 for a truncated or annotated label, else the similarity ratio."""
    short, long_ = sorted((norm, cand), key=len)
    if len(short) >= PREFIX_MIN and long_.startswith(short) and len(short) * 2 >= len(long_):
        return 0.99
    if len(cand) >= PREFIX_MIN and norm.startswith(cand):
        return 0.95
    if abs(len(norm) - len(cand)) > max(len(norm), len(cand)) // 2:
        return 0.0
    return SequenceMatcher(None, norm, cand).ratio()


def index_of(pairs: Iterable[tuple[str, str]]) -> LabelIndex:
    """A LabelIndex shared by every document, so its match memo is reused across a batch."""
    key = tuple(pairs)
    if key not in _SHARED:
        _SHARED[key] = LabelIndex(key)
    return _SHARED[key]


_SHARED: dict[tuple[tuple[str, str], ...], LabelIndex] = {}
