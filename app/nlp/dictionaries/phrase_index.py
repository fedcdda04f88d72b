"""A hashed phrase index: find dictionary phrases in a token sequence in time linear in tokens.

Phrases are tuples of lower-case tokens, stored as their space-joined text (tokens never hold a
space). For each first token the index keeps the phrase lengths that start with it, so at each
position the matcher makes one dictionary lookup per distinct length (a handful), whatever the
number of phrases: the cost per token does not grow with the dictionary.

A stem phrase (discards without a final ``_``) matches when its last token is a prefix of the
text's token (``baseball`` matches "baseballs"); exact phrases are tried first.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

V = TypeVar("V")


def _key(tokens: Sequence[str]) -> str:
    return " ".join(tokens)


@dataclass(slots=True)
class PhraseIndex(Generic[V]):
    """Exact and stem phrases mapped to values, with the per-first-token length tables."""

    phrases: dict[str, V] = field(default_factory=dict)
    stems: dict[str, V] = field(default_factory=dict)
    lengths: dict[str, list[int]] = field(default_factory=dict)  # first token -> lengths, longest first
    stem_lengths: dict[str, list[int]] = field(default_factory=dict)  # first token -> stem phrase lengths (>1)
    single_stem_sizes: list[int] = field(default_factory=list)  # characters of one-token stems, longest first
    # The one-token stems cut to the shortest stem's length: a token that starts none of them is
    # passed over with one set lookup (built on first use; see ``_stem_gate``).
    stem_gate: frozenset[str] | None = field(default=None, compare=False, repr=False)
    # The first two words of every longer exact phrase (built on first use; see ``_pair_gate``).
    pair_gate: frozenset[str] | None = field(default=None, compare=False, repr=False)

    @classmethod
    def build(
        cls, phrases: Iterable[tuple[Sequence[str], V]], stems: Iterable[tuple[Sequence[str], V]] = ()
    ) -> PhraseIndex[V]:
        """Index ``(tokens, value)`` pairs; a later pair with the same tokens replaces an earlier one."""
        index: PhraseIndex[V] = cls()
        for tokens, value in phrases:
            index.add(tokens, value)
        for tokens, value in stems:
            index.add(tokens, value, stem=True)
        return index

    @classmethod
    def from_json(cls, raw: Mapping[str, Any]) -> PhraseIndex[V]:
        """Rebuild an index from :meth:`to_json` output (no copying: the loaded dicts are kept)."""
        return cls(raw["phrases"], raw["stems"], raw["lengths"], raw["stem_lengths"], raw["single_stem_sizes"])

    def to_json(self) -> dict[str, Any]:
        """Return the index as JSON-ready data (sorted, so the output is deterministic)."""
        return {
            "phrases": dict(sorted(self.phrases.items())),
            "stems": dict(sorted(self.stems.items())),
            "lengths": dict(sorted(self.lengths.items())),
            "stem_lengths": dict(sorted(self.stem_lengths.items())),
            "single_stem_sizes": self.single_stem_sizes,
        }

    def add(self, tokens: Sequence[str], value: V, stem: bool = False) -> None:
        """Add (or replace) one phrase."""
        if not tokens or any(not token or " " in token for token in tokens):
            raise ValueError(f"a phrase is a non-empty sequence of tokens without blanks: {tokens!r}")
        if stem and len(tokens) == 1:
            self.stems[tokens[0]] = value
            _insert_desc(self.single_stem_sizes, len(tokens[0]))
            self.stem_gate = None  # built again on the next match
            return
        if not stem:
            self.pair_gate = None
        (self.stems if stem else self.phrases)[_key(tokens)] = value
        _insert_desc((self.stem_lengths if stem else self.lengths).setdefault(tokens[0], []), len(tokens))

    def get(self, tokens: Sequence[str]) -> V | None:
        """Return the value of exactly this phrase (exact entries only)."""
        return self.phrases.get(_key(tokens))

    def __len__(self) -> int:
        return len(self.phrases) + len(self.stems)

    def updated(self, other: PhraseIndex[V]) -> PhraseIndex[V]:
        """Return a new index with ``other``'s phrases added; ``other`` wins on equal phrases."""
        merged: PhraseIndex[V] = PhraseIndex(
            dict(self.phrases),
            dict(self.stems),
            {first: list(sizes) for first, sizes in self.lengths.items()},
            {first: list(sizes) for first, sizes in self.stem_lengths.items()},
            list(self.single_stem_sizes),
        )
        for key, value in other.phrases.items():
            merged.add(key.split(" "), value)
        for key, value in other.stems.items():
            merged.add(key.split(" "), value, stem=True)
        return merged

    def matches(self, tokens_lower: Sequence[str]) -> list[tuple[int, int, V]]:
        """Return every ``(start, end, value)`` match; at each start the longest comes first."""
        found: list[tuple[int, int, V]] = []
        count = len(tokens_lower)
        phrases, stems, lengths, stem_lengths = self.phrases, self.stems, self.lengths, self.stem_lengths
        single = self.single_stem_sizes
        # Most words of a text start no phrase: find the few that do once per distinct word (set
        # operations run in C), then visit only the positions that hold one of them.
        distinct = set(tokens_lower)
        starting = distinct & lengths.keys()
        starting |= distinct & stem_lengths.keys()
        stem_starts: set[str] = set()
        if single:
            gate, shortest = self._stem_gate(), single[-1]
            stem_starts = {word for word in distinct if word[:shortest] in gate and len(word) >= shortest}
            starting |= stem_starts
        if not starting:
            return found
        pairs = self._pair_gate()
        for start, first in enumerate(tokens_lower):
            if first not in starting:
                continue
            sizes = lengths.get(first, ())
            # A common first word ("the", "national") starts phrases of many lengths: the first two
            # words, tested once, rule out all the longer ones at most starts.
            pair = start + 1 < count and f"{first} {tokens_lower[start + 1]}" in pairs
            for size in sizes:
                end = start + size
                if end <= count and (size == 1 or pair):
                    value = phrases.get(_key(tokens_lower[start:end]))
                    if value is not None:
                        found.append((start, end, value))
            for size in stem_lengths.get(first, ()):
                end = start + size
                if end <= count:
                    found.extend(self._stem(tokens_lower, start, end))
            if first in stem_starts:
                for chars in single:
                    if chars <= len(first):
                        value = stems.get(first[:chars])
                        if value is not None:
                            found.append((start, start + 1, value))
        found.sort(key=lambda match: (match[0], -match[1]))
        return found

    def _pair_gate(self) -> frozenset[str]:
        if self.pair_gate is None:
            self.pair_gate = frozenset(" ".join(key.split(" ", 2)[:2]) for key in self.phrases if " " in key)
        return self.pair_gate

    def _stem_gate(self) -> frozenset[str]:
        if self.stem_gate is None:
            shortest = self.single_stem_sizes[-1] if self.single_stem_sizes else 0
            self.stem_gate = frozenset(stem[:shortest] for stem in self.stems if " " not in stem)
        return self.stem_gate

    def _stem(self, tokens: Sequence[str], start: int, end: int) -> list[tuple[int, int, V]]:
        """Match a stem phrase whose last token starts the text's token (longest stem first)."""
        head, last = _key(tokens[start : end - 1]), tokens[end - 1]
        for chars in range(len(last), 0, -1):
            value = self.stems.get(f"{head} {last[:chars]}")
            if value is not None:
                return [(start, end, value)]
        return []


def _insert_desc(sizes: list[int], size: int) -> None:
    if size not in sizes:
        sizes.append(size)
        sizes.sort(reverse=True)
