"""Where a search's terms occur in a text shown on screen: the list's titles, the reader's
header and body mark them."""

from __future__ import annotations

import re
from collections.abc import Sequence

from .folding import fold


def highlight_spans(text: str, folded_terms: Sequence[str]) -> list[tuple[int, int]]:
    """Character spans of every occurrence of the (folded) terms in `text`, merged and sorted."""
    if not text or not folded_terms:
        return []
    folded = fold(text)
    spans = []
    for term in folded_terms:
        if not term:
            continue
        for match in re.finditer(re.escape(term), folded):
            spans.append((match.start(), match.end()))
    spans.sort()
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged
