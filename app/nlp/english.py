"""The English closed-class words the rules read (``data/english.yaml``), loaded once per process."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import yaml

ENGLISH_FILE = "data/english.yaml"


@dataclass(frozen=True, slots=True)
class ClosedClass:
    """Function words by the role they play in the actor and stance rules (see the data file)."""

    placing_preps: frozenset[str]
    affiliation_preps: frozenset[str]
    venue_preps: frozenset[str]
    recipient_place_preps: frozenset[str]
    object_control_preps: frozenset[str]
    source_preps: frozenset[str]
    residence_verbs: frozenset[str]
    region_qualifiers: frozenset[str]
    continental_names: frozenset[str]
    area_nouns: frozenset[str]
    relative_pronouns: frozenset[str]
    personal_pronouns: frozenset[str]
    definite_determiners: frozenset[str]
    demonstratives: frozenset[str]
    numbers: dict[str, int]


@cache
def english() -> ClosedClass:
    """Return the closed-class word lists (read on first use, then shared)."""
    raw: dict[str, Any] = yaml.safe_load(resources.files("app.nlp").joinpath(ENGLISH_FILE).read_text("utf-8"))
    lists = {name: frozenset(str(word) for word in raw[name]) for name in ClosedClass.__slots__ if name != "numbers"}
    return ClosedClass(**lists, numbers={str(word): int(n) for word, n in raw["numbers"].items()})
