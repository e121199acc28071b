"""What a query term comes to: the posts that may match, whether exactly, and how to check."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np


@dataclass
class Evaluated:
    """One query term: which posts may match (None: any), whether that is exact, and a check."""

    mask: np.ndarray | None
    exact: bool
    matches: Callable[[int], bool]
    keep: Callable[[list[int]], list[int]] | None = None
    """The same check over many ids at once (the hot loop when counting)."""
    counted: str | None = None
    """The folded term whose presence in the post's text is the whole check, when it is: the
    scoring of sort:relevance counts it in every candidate anyway (relevance.py)."""
    exactly: Callable[[], np.ndarray | None] | None = None
    """The posts that pass the check, from the pairs' positions (None: they cannot tell): asked
    for after the first screen, which a few checks give sooner at a million posts."""

    def filter(self, ids: list[int]) -> list[int]:
        if self.keep is not None:
            return self.keep(ids)
        matches = self.matches
        return [doc for doc in ids if matches(doc)]

    @classmethod
    def of_mask(cls, mask: np.ndarray) -> Evaluated:
        """A term whose answer is exactly a mask."""
        return cls(mask, True, lambda doc: bool(mask[doc]))
