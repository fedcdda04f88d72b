"""Token-level indexes over actors, agents and discards, as workers load and query them.

Each index holds its entries as compact rows (decoded into the reader's dataclasses on first
use, so loading stays fast) and a :class:`PhraseIndex` from tokenised phrases to entry ids. A
phrase is stored once per distinct tokenisation of it (see
:mod:`app.nlp.dictionaries.compile`), always as the lower-case tokens the pipeline produces.
Several entries may share a phrase (two records named "President Bush"): the value is the list
of their ids, in file order. A user file merged on top replaces the built-in entries of every
phrase it names.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Generic, TypeVar

from app.nlp.dictionaries.actors import ActorRecord, Role
from app.nlp.dictionaries.agents import Agent
from app.nlp.dictionaries.discards import Discard, DiscardKind
from app.nlp.dictionaries.phrase_index import PhraseIndex

E = TypeVar("E")
# Tokenised forms of a phrase written as lower-case words: one tuple per distinct tokenisation.
Tokenize = Callable[[tuple[str, ...]], list[tuple[str, ...]]]


@dataclass(frozen=True, slots=True)
class Match(Generic[E]):
    """Entries whose phrase spans tokens ``start:end``."""

    start: int
    end: int
    entries: tuple[E, ...]


@dataclass
class _EntryIndex(Generic[E]):
    """Rows, their source file names, and the phrase index; subclasses encode and decode rows."""

    rows: list[list[Any]]
    sources: list[str]
    phrases: PhraseIndex[list[int]]
    _decoded: dict[int, E] = field(default_factory=dict, repr=False)

    def _decode(self, row: list[Any]) -> E:
        raise NotImplementedError

    def entry(self, entry_id: int) -> E:
        """Return entry ``entry_id`` (decoded once, then cached)."""
        found = self._decoded.get(entry_id)
        if found is None:
            found = self._decoded[entry_id] = self._decode(self.rows[entry_id])
        return found

    def __len__(self) -> int:
        return len(self.rows)

    def lookup(self, tokens_lower: Sequence[str]) -> tuple[E, ...]:
        """Return the entries named by exactly these tokens."""
        return tuple(self.entry(i) for i in self.phrases.get(tokens_lower) or ())

    def matches(self, tokens_lower: Sequence[str]) -> list[Match[E]]:
        """Return every match in the token sequence, longest first at each start."""
        return [
            Match(start, end, tuple(self.entry(i) for i in ids))
            for start, end, ids in self.phrases.matches(tokens_lower)
        ]

    def to_json(self) -> dict[str, Any]:
        """Return JSON-ready data."""
        return {"sources": self.sources, "rows": self.rows, "phrases": self.phrases.to_json()}

    def _merge_rows(self, other: _EntryIndex[E]) -> tuple[list[list[Any]], list[str], PhraseIndex[list[int]]]:
        """Append ``other``'s rows and sources; its phrases replace this index's."""
        offset, source_offset = len(self.rows), len(self.sources)
        rows = self.rows + [self._shift_source(row, source_offset) for row in other.rows]
        shifted: PhraseIndex[list[int]] = PhraseIndex()
        for key, ids in other.phrases.phrases.items():
            shifted.add(key.split(" "), [i + offset for i in ids])
        for key, ids in other.phrases.stems.items():
            shifted.add(key.split(" "), [i + offset for i in ids], stem=True)
        return rows, self.sources + other.sources, self.phrases.updated(shifted)

    @staticmethod
    def _shift_source(row: list[Any], offset: int) -> list[Any]:
        return [row[0] + offset, *row[1:]]


# One entry: its row, and the phrases (lower-case words, stem flag) that name it.
_Entry = tuple[list[Any], list[tuple[tuple[str, ...], bool]]]


def _index_rows(entries: Iterable[_Entry], tokenize: Tokenize) -> tuple[list[list[Any]], PhraseIndex[list[int]]]:
    """Number the rows and index every tokenisation of their phrases."""
    rows: list[list[Any]] = []
    exact: dict[tuple[str, ...], list[int]] = {}
    stems: dict[tuple[str, ...], list[int]] = {}
    for row, phrases in entries:
        entry_id = len(rows)
        rows.append(row)
        for words, stem in phrases:
            for tokens in tokenize(words):
                ids = (stems if stem else exact).setdefault(tokens, [])
                if entry_id not in ids:
                    ids.append(entry_id)
    return rows, PhraseIndex.build(exact.items(), stems.items())


def _date_int(day: date | None) -> int:
    return 0 if day is None else day.year * 10000 + day.month * 100 + day.day


def _int_date(value: int) -> date | None:
    return None if value == 0 else date(value // 10000, value // 100 % 100, value % 100)


def _role(role: Role) -> list[Any]:
    return [role.code, _date_int(role.start), _date_int(role.end), role.line]


def _decode_role(raw: list[Any]) -> Role:
    return Role(raw[0], _int_date(raw[1]), _int_date(raw[2]), raw[3])


class ActorIndex(_EntryIndex[ActorRecord]):
    """Actor records (rows: source, line, phrases, default role, dated roles) by phrase."""

    def _decode(self, row: list[Any]) -> ActorRecord:
        source, line, phrases, default, roles = row
        return ActorRecord(
            phrases=tuple(tuple(p.split(" ")) for p in phrases),
            default=None if default is None else _decode_role(default),
            roles=tuple(_decode_role(r) for r in roles),
            source=self.sources[source],
            line=line,
        )

    @classmethod
    def build(cls, records: Iterable[ActorRecord], tokenize: Tokenize) -> ActorIndex:
        """Index records from the readers (in file order)."""
        sources: list[str] = []
        entries: list[_Entry] = []
        for record in records:
            if record.source not in sources:
                sources.append(record.source)
            row = [
                sources.index(record.source),
                record.line,
                [" ".join(p) for p in record.phrases],
                None if record.default is None else _role(record.default),
                [_role(r) for r in record.roles],
            ]
            entries.append((row, [(phrase, False) for phrase in record.phrases]))
        rows, phrases = _index_rows(entries, tokenize)
        return cls(rows, sources, phrases)

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> ActorIndex:
        """Rebuild from :meth:`to_json` output."""
        return cls(raw["rows"], raw["sources"], PhraseIndex.from_json(raw["phrases"]))

    def merged(self, other: ActorIndex) -> ActorIndex:
        """Return this index with ``other``'s records added; ``other`` wins on shared phrases."""
        return ActorIndex(*self._merge_rows(other))


class AgentIndex(_EntryIndex[Agent]):
    """Agent surface forms (rows: source, line, words, code, prefix flag, plural flag) by phrase."""

    def _decode(self, row: list[Any]) -> Agent:
        source, line, words, code, prefix, plural = row
        return Agent(
            tuple(words.split(" ")), code, "prefix" if prefix else "suffix", bool(plural), self.sources[source], line
        )

    @classmethod
    def build(cls, agents: Iterable[Agent], tokenize: Tokenize) -> AgentIndex:
        """Index agents from the readers (in file order)."""
        sources: list[str] = []
        entries: list[_Entry] = []
        for agent in agents:
            if agent.source not in sources:
                sources.append(agent.source)
            row = [
                sources.index(agent.source),
                agent.line,
                " ".join(agent.words),
                agent.code,
                int(agent.position == "prefix"),
                int(agent.plural),
            ]
            entries.append((row, [(agent.words, False)]))
        rows, phrases = _index_rows(entries, tokenize)
        return cls(rows, sources, phrases)

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> AgentIndex:
        """Rebuild from :meth:`to_json` output."""
        return cls(raw["rows"], raw["sources"], PhraseIndex.from_json(raw["phrases"]))

    def merged(self, other: AgentIndex) -> AgentIndex:
        """Return this index with ``other``'s agents added; ``other`` wins on shared phrases."""
        return AgentIndex(*self._merge_rows(other))


_KINDS: dict[str, DiscardKind] = {
    kind: kind for kind in ("sport", "entertainment", "history", "health", "disaster", "business", "other")
}


class DiscardIndex(_EntryIndex[Discard]):
    """Discards (rows: source, line, words, story flag, stem flag, kind) by phrase."""

    def _decode(self, row: list[Any]) -> Discard:
        source, line, words, story, stem, kind = row
        return Discard(tuple(words.split(" ")), bool(story), bool(stem), _KINDS[kind], self.sources[source], line)

    @classmethod
    def build(cls, discards: Iterable[Discard], tokenize: Tokenize) -> DiscardIndex:
        """Index discards from the readers (in file order)."""
        sources: list[str] = []
        entries: list[_Entry] = []
        for discard in discards:
            if discard.source not in sources:
                sources.append(discard.source)
            row = [
                sources.index(discard.source),
                discard.line,
                " ".join(discard.words),
                int(discard.story),
                int(discard.stem),
                discard.kind,
            ]
            entries.append((row, [(discard.words, discard.stem)]))
        rows, phrases = _index_rows(entries, tokenize)
        return cls(rows, sources, phrases)

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> DiscardIndex:
        """Rebuild from :meth:`to_json` output."""
        return cls(raw["rows"], raw["sources"], PhraseIndex.from_json(raw["phrases"]))

    def merged(self, other: DiscardIndex) -> DiscardIndex:
        """Return this index with ``other``'s discards added; ``other`` wins on shared phrases."""
        return DiscardIndex(*self._merge_rows(other))
