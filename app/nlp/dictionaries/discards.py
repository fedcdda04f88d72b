"""Read a Phoenix discard list (``*.discards.txt``) and sort each discard into a kind.

The format (PETRARCH's ``dictionaries.rst``), as Stancewire reads it::

    # comment
    WORLD CUP            # a sentence naming this is not political event data
    +CHAMPIONS LEAGUE    # '+': the whole story is not (a blank after '+' is allowed)
    GROUP A_             # a final '_': the last word must end there (no stem)

- Words are separated by blanks or ``_``; matching ignores case. Without a final ``_`` the last
  word is a stem (``BASEBALL`` also matches "baseballs"); with it, a whole word.
- Every discard gets a kind (sport, entertainment, history, health, disaster, business, other)
  from the curated rules in ``app/nlp/data/discard_kinds.yaml``: an exact phrase listed there,
  else a phrase of digits (a year: history), else the first kind one of whose keywords is a
  word of the discard, else ``other``. The kind lets the stance stage use discards selectively:
  a bare year (``1988``) or ``PRESIDENTIAL DEBATE`` should not silently drop a political
  sentence; ``WICKET`` may.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, Literal, get_args

import yaml

from app.nlp.dictionaries.errors import DictionaryError
from app.nlp.dictionaries.source import NO_QUIRKS, Quirk, read_lines, strip_comment

DiscardKind = Literal["sport", "entertainment", "history", "health", "disaster", "business", "other"]
DISCARD_KINDS: tuple[DiscardKind, ...] = get_args(DiscardKind)

_WORD_SPLIT = re.compile(r"[\s_]+")
_FORBIDDEN = re.compile(r"[\[\]{}!~]")


@dataclass(frozen=True, slots=True)
class Discard:
    """One discard phrase."""

    words: tuple[str, ...]  # lowercase, as written
    story: bool  # True: the whole story is discarded, not only the sentence
    stem: bool  # True: the last word also matches as the start of a longer word
    kind: DiscardKind
    source: str  # the file's name
    line: int


@dataclass(frozen=True, slots=True)
class DiscardDictionary:
    """The discards of one file, in file order."""

    path: str
    discards: tuple[Discard, ...]


@dataclass(frozen=True, slots=True)
class KindRules:
    """The curated classification rules of ``discard_kinds.yaml``."""

    phrases: dict[tuple[str, ...], DiscardKind]
    keywords: tuple[tuple[DiscardKind, frozenset[str], tuple[str, ...]], ...]  # kind, words, prefixes

    def kind(self, words: tuple[str, ...]) -> tuple[DiscardKind, str]:
        """Return the kind of a discard and the rule that gave it ("phrase", "number", ...)."""
        if words in self.phrases:
            return self.phrases[words], "phrase"
        if all(word.isdigit() for word in words):
            return "history", "number"
        for kind, exact, prefixes in self.keywords:
            if any(word in exact or word.startswith(prefixes) for word in words):
                return kind, "keyword"
        return "other", "fallback"


def load_kind_rules(raw: Mapping[str, Any]) -> KindRules:
    """Build the rules from the YAML mapping; ValueError names a bad kind or duplicate phrase."""
    phrases: dict[tuple[str, ...], DiscardKind] = {}
    for kind, listed in raw["phrases"].items():
        for phrase in listed:
            words = tuple(_WORD_SPLIT.split(phrase.lower()))
            if words in phrases:
                raise ValueError(f"discard_kinds.yaml lists {phrase!r} twice")
            phrases[words] = _known(kind)
    keywords = tuple(
        (
            _known(kind),
            frozenset(word for word in listed if not word.endswith("*")),
            tuple(word[:-1] for word in listed if word.endswith("*")),
        )
        for kind, listed in raw["keywords"].items()
    )
    return KindRules(phrases, keywords)


def _known(kind: str) -> DiscardKind:
    for known in DISCARD_KINDS:
        if kind == known:
            return known
    raise ValueError(f"discard_kinds.yaml: unknown kind {kind!r}")


@cache
def kind_rules() -> KindRules:
    """Return the curated rules shipped in ``app/nlp/data/discard_kinds.yaml`` (read once)."""
    text = resources.files("app.nlp").joinpath("data/discard_kinds.yaml").read_text("utf-8")
    return load_kind_rules(yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)))


def read_discards(path: Path, quirks: Mapping[int, Quirk] = NO_QUIRKS) -> DiscardDictionary:
    """Read a discard file; raise DictionaryError(path, line, reason) on malformed input."""
    rules = kind_rules()
    discards: list[Discard] = []
    for line in read_lines(path, quirks):
        text = strip_comment(line.text).strip()
        if not text:
            continue
        story = text.startswith("+")
        body = text[1:].strip() if story else text
        bad = _FORBIDDEN.search(body)
        if bad is not None or "+" in body:
            char = bad.group() if bad is not None else "+"
            raise DictionaryError(path, line.number, f"{char!r} is not allowed in a discard phrase")
        stem = not body.endswith("_")
        words = tuple(word.lower() for word in _WORD_SPLIT.split(body) if word)
        if not words:
            raise DictionaryError(path, line.number, "empty discard phrase")
        discards.append(Discard(words, story, stem, rules.kind(words)[0], path.name, line.number))
    return DiscardDictionary(str(path), tuple(discards))
