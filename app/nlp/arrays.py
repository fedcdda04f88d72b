"""Token tests read off ``doc.to_array`` columns, so a long article needs no Token object per word."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
from numpy.typing import NDArray
from spacy.strings import StringStore


def is_one_of(column: NDArray[np.uint64], words: Iterable[str], strings: StringStore) -> NDArray[np.bool_]:
    """Mark the entries of a ``to_array`` column that hold one of ``words``."""
    # The string store gives each word the key the arrays hold: a symbol's id, else its hash.
    # A few comparisons beat np.isin, whose set-up dominates on the many short documents.
    found = np.zeros(len(column), dtype=bool)
    for word in words:
        found |= column == strings[word]
    return found


def distinct_strings(column: NDArray[np.uint64], strings: StringStore) -> tuple[list[str], NDArray[np.intp]]:
    """Decode each distinct value of a column once: the strings, and per entry the index of its string.

    ``np.array([test(s) for s in texts])[index]`` then spreads a verdict on each string over the doc.
    """
    keys, index = np.unique(column, return_inverse=True)
    return [strings[key] for key in keys.tolist()], index


def positions(mask: NDArray[np.bool_]) -> list[int]:
    """Return the token positions a mask marks, ascending."""
    found: list[int] = mask.nonzero()[0].tolist()
    return found
