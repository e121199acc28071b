"""Folded titles of a cached archive, computed when first needed.

Only sort:title needs them: storing them in the cache would cost a second unpickled column at
every start, and folding 100k titles costs 1.5 s.
"""

from __future__ import annotations

from collections.abc import Sequence


class FoldedTitles(list):
    """Folded titles, computed when first needed (only sort:title needs them) instead of being
    stored in the cache and unpickled at every start."""

    def __init__(self, titles: Sequence[str], folded_tail: list[str] | None = None, count: int | None = None) -> None:
        super().__init__()
        self._source: Sequence[str] | None = titles
        """The title column (it grows as posts are added: only its first `_count` are ours)."""
        self._count = len(titles) if count is None else count
        self._tail = folded_tail or []
        """Titles already folded, after the source's (posts added since the cache was read)."""

    def _materialize(self) -> None:
        if self._source is not None:
            from .folding import fold

            self.extend(fold(title) for title in self._source[: self._count])
            self.extend(self._tail)
            self._source, self._tail = None, []

    def __getitem__(self, index):
        self._materialize()
        return super().__getitem__(index)

    def __len__(self) -> int:
        return self._count + len(self._tail) if self._source is not None else super().__len__()

    def __add__(self, other):
        if self._source is not None:
            # Still lazy: a live change must not fold 100k titles (1.5 s) in every process.
            return FoldedTitles(self._source, self._tail + list(other), self._count)
        return list(self) + list(other)

    def __iter__(self):
        self._materialize()
        return super().__iter__()
