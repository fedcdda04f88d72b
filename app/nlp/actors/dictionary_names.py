"""Find the Phoenix dictionaries' names, agents and non-political names in one document.

Runs after the gazetteer's matchers and before the builder, and settles where the two disagree
(the precedence is documented in the package docstring and docs/actors.md):

- a dictionary name counts only where written as a name: its words capitalised (function words
  aside), a single word a proper noun or an entity the model found, a word of three letters or
  fewer in capitals ("US", never "us"; "Turkey", never "turkey");
- a gazetteer name, or a curated title, wins over a dictionary name it overlaps, and a curated
  group head wins over a dictionary name it ends ("the Senate" is a legislature of the sentence's
  country, not the US Congress the dictionary says); only a longer name of several capitalised
  words wins over the gazetteer names inside it ("New Mexico" is no Mexico, "Kyiv Open Courts
  Watch" no capital);
- a name inside a longer person's name is not that name ("Paris" in "Paris Hilton");
- a name the discards mark as sport or entertainment ("Champions League", "Manchester United") is
  no actor, and a country inside such a phrase ("the Australian Open") is none either;
- agent nouns join the curated titles and group heads where no curated phrase or name covers them.

Every look-up is hashed (:class:`app.nlp.dictionaries.phrase_index.PhraseIndex`): the cost per token
does not grow with the dictionaries.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

import numpy as np
from spacy.attrs import LOWER, POS
from spacy.parts_of_speech import NOUN
from spacy.tokens import Doc, Span

from app.nlp.actors.agents import AgentNouns, AgentReading
from app.nlp.actors.names import qualified_by_region
from app.nlp.actors.phoenix import CountryPhrases, Reading, is_person, load_rules, read_record
from app.nlp.actors.records import NOUNS, PLURAL_TAGS, FoundName
from app.nlp.arrays import distinct_strings, positions
from app.nlp.dictionaries import Dictionaries
from app.nlp.dictionaries.actors import ActorRecord
from app.nlp.dictionaries.phrase_index import PhraseIndex
from app.nlp.gazetteer import Gazetteer, NameEntry, Organization, Person
from app.nlp.taxonomy import NON_STATE_CODES

# The shortest noun tried as a compound of an agent ("dockworkers"): shorter ones are agents or nothing.
_COMPOUND_MIN_CHARS = 8
# Entities that may name a club, a tournament or a star (where sport and entertainment names are looked for).
_NON_POLITICAL_ENTITIES = frozenset({"ORG", "PERSON", "FAC", "EVENT", "WORK_OF_ART", "PRODUCT"})
# Entity labels under which a single capitalised word may be a dictionary name.
_NAME_ENTITIES = frozenset({"GPE", "NORP", "ORG", "PERSON", "LOC", "FAC"})


@dataclass(slots=True)
class DictionaryFindings:
    """What the dictionaries add to one document's names and nouns."""

    names: list[FoundName]  # the gazetteer's names that still stand, and the dictionaries', by position
    organizations: dict[str, Organization] = field(default_factory=dict)  # by entry key
    persons: dict[str, Person] = field(default_factory=dict)  # by entry key; a dated curated person too
    role_nouns: dict[int, tuple[int, str]] = field(default_factory=dict)  # agent phrases: last token -> (start, phrase)
    titles: dict[str, str | None] = field(default_factory=dict)  # agent phrase -> sector
    group_heads: dict[str, str | None] = field(default_factory=dict)
    affiliations: dict[str, str] = field(default_factory=dict)  # agent phrase -> IGO / NGO / IMG
    non_political: list[tuple[int, int]] = field(default_factory=list)  # token spans of sport / entertainment names


@dataclass(slots=True)
class _Context:
    """One document as the finder reads it."""

    doc: Doc
    tokens: list[str]  # lower-cased, as the dictionaries index phrases
    names: Sequence[FoundName]  # the gazetteer's
    role_nouns: dict[int, tuple[int, str]]  # the curated titles and group heads: last token -> (start, phrase)
    ents: Sequence[Span]
    non_political: list[tuple[int, int]]
    day: date | None
    names_at: dict[int, list[FoundName]] = field(init=False)
    role_noun_at: dict[int, tuple[int, int]] = field(init=False)  # token -> (start, last token) of its phrase
    persons: dict[int, Span] = field(init=False)  # token -> the PERSON entity over it

    def __post_init__(self) -> None:
        self.names_at = {}
        for name in self.names:
            for i in range(name.start, name.end):
                self.names_at.setdefault(i, []).append(name)
        self.role_noun_at = {
            i: (start, end_i) for end_i, (start, _) in self.role_nouns.items() for i in range(start, end_i + 1)
        }
        self.persons = {i: ent for ent in self.ents if ent.label_ == "PERSON" for i in range(ent.start, ent.end)}


@dataclass(slots=True)
class _Candidate:
    start: int
    end: int
    entry: NameEntry
    reading: Reading
    replaces: list[FoundName] = field(default_factory=list)  # the gazetteer names inside it that it replaces


def article_day(doc: Doc) -> date | None:
    """Return ``doc._.article_date`` as a date (a datetime's day), or None; TypeError for anything else."""
    value = doc._.article_date
    if value is None or type(value) is date:
        return value
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return date(value.year, value.month, value.day)
    raise TypeError(f"doc._.article_date must be a datetime.date or None, not {type(value).__name__}")


class DictionaryNames:
    """The actor stage's view of the dictionaries (the component owns it, and the caches in it)."""

    def __init__(self, dictionaries: Dictionaries, gazetteer: Gazetteer) -> None:
        self.rules = load_rules()
        self.actors = dictionaries.actors
        self.agents = dictionaries.agents
        self.discards = dictionaries.discards
        self.gazetteer = gazetteer
        self.countries = CountryPhrases(gazetteer)
        self.agent_nouns = AgentNouns(dictionaries.agents, gazetteer, self.rules)
        self.unbracketed = _unbracketed(self.actors.phrases)
        self.unbracketed_firsts = frozenset(self.unbracketed.lengths)
        phrases = self.discards.phrases
        # The longest discard phrase, in tokens: how far around a name a discard over it may start.
        self.discard_reach = max(
            (n for sizes in (*phrases.lengths.values(), *phrases.stem_lengths.values()) for n in sizes), default=1
        )

    def find(
        self, doc: Doc, names: Sequence[FoundName], role_nouns: dict[int, tuple[int, str]], ents: Sequence[Span]
    ) -> DictionaryFindings:
        """Add the dictionaries' names and agents to the gazetteer's ``names`` and curated titles and group nouns."""
        columns = doc.to_array([LOWER, POS]).astype(np.uint64, copy=False)
        texts, text_of_token = distinct_strings(columns[:, 0], doc.vocab.strings)
        tokens = [texts[i] for i in text_of_token.tolist()]
        day = article_day(doc)
        read = self._read_matches(doc, tokens, day)
        # A sport name matters where it overlaps a would-be person or organisation (a name, or an entity
        # the model found): look for discards around those alone, not over the whole text.
        named = [(c.start, c.end) for c in read if c.entry.type != "country"]
        named += [(n.start, n.end) for n in names if n.entry.type != "country"]
        named += [(e.start, e.end) for e in ents if e.label_ in _NON_POLITICAL_ENTITIES]
        non_political = self._non_political(tokens, named)
        context = _Context(doc, tokens, names, role_nouns, ents, non_political, day)
        found = DictionaryFindings(names=[], non_political=non_political)
        kept = _non_overlapping([c for c in read if self._stands(c, context)])
        replaced = {id(name) for candidate in kept for name in candidate.replaces}
        standing = [n for n in names if id(n) not in replaced and not _non_political_name(n, non_political)]
        for candidate in kept:
            standing.append(self._found_name(doc, candidate, found))
        if day is not None:
            self._date_curated_persons(tokens, standing, day, found)
        found.names = sorted(standing, key=lambda n: (n.start, n.char_start))
        nouns = positions(columns[:, 1] == NOUN)
        self._agents(context, found, nouns)
        return found

    # -- actor names ---------------------------------------------------------------------------

    def _read_matches(self, doc: Doc, tokens: list[str], day: date | None) -> list[_Candidate]:
        """Return the dictionary names written as names, each with what it stands for on ``day``."""
        candidates = []
        matches = [(m.start, m.end, m.entries) for m in self.actors.matches(tokens)]
        if not self.unbracketed_firsts.isdisjoint(tokens):  # a set test in C spares a pass over most texts
            for start, end, ids in self.unbracketed.matches(tokens):
                matches.append((start, end, tuple(self.actors.entry(i) for i in ids)))
        for start, end, records in matches:
            if not _written_as_name(doc[start:end]):
                continue
            record, reading = self._choose(records, day)
            if reading is not None and record is not None:
                candidates.append(_Candidate(start, end, self._entry(record, reading, tokens[start:end]), reading))
        return candidates

    def _stands(self, candidate: _Candidate, context: _Context) -> bool:
        """True if the gazetteer, the curated words, the persons and the sport names let a name stand;
        records the gazetteer names it replaces."""
        start, end, entry = candidate.start, candidate.end, candidate.entry
        if _inside_person(start, end, context.persons) and entry.via != "demonym":
            return False
        if _in_non_political(start, end, entry, context.non_political):
            return False
        if entry.via in ("demonym", "name") and qualified_by_region(context.doc, start):
            return False  # "Latin American", "South America": a region, not the country
        inside = {id(n): n for i in range(start, end) for n in context.names_at.get(i, ())}
        if any(n.start < start or n.end > end for n in inside.values()):
            return False  # crosses a gazetteer name, or lies inside one: the gazetteer wins
        if inside and not _adds_words(context.doc[start:end], inside.values()):
            return False  # "The UK" is the gazetteer's "UK"
        if not self._beats_role_nouns(start, end, context):
            return False
        candidate.replaces = list(inside.values())
        return True

    def _beats_role_nouns(self, start: int, end: int, context: _Context) -> bool:
        """True unless a curated title overlaps the name, a curated phrase reaches beyond it, or a curated
        group head is the whole name."""
        for i in range(start, end):
            bounds = context.role_noun_at.get(i)
            if bounds is None:
                continue
            phrase = context.role_nouns[bounds[1]][1]
            if phrase in self.gazetteer.titles or bounds[0] < start or bounds[1] >= end:
                return False
            if bounds == (start, end - 1):
                return False  # the whole name is a curated group head ("Senate", "Supreme Court")
        return True

    def _choose(self, records: Sequence[ActorRecord], day: date | None) -> tuple[ActorRecord | None, Reading | None]:
        """Pick the record a phrase names on ``day`` when it names several (None: they disagree)."""
        read = [(r, reading) for r in records if (reading := read_record(r, day, self.rules)) is not None]
        if len(read) > 1 and day is not None:
            covering = [(r, x) for r, x in read if any(role.covers(day) for role in r.roles)]
            read = covering or read
        if not read:
            return None, None
        if len({(x.type, x.kind, x.country) for _, x in read}) > 1:
            return None, None
        return read[0]

    def _entry(self, record: ActorRecord, reading: Reading, words: Sequence[str]) -> NameEntry:
        if reading.type == "country" and reading.country is not None:
            return NameEntry("country", reading.country, self.countries.via(reading.country, tuple(words)))
        return NameEntry(reading.type, f"{record.source}:{record.line}", "name")

    def _found_name(self, doc: Doc, candidate: _Candidate, found: DictionaryFindings) -> FoundName:
        span = doc[candidate.start : candidate.end]
        entry, reading = candidate.entry, candidate.reading
        label = span.text[4:] if span.text.lower().startswith("the ") else span.text
        if entry.type == "person":
            found.persons.setdefault(entry.key, Person(label, reading.country, reading.title, None, reading.sector))
        elif entry.type == "org":
            country = reading.country
            if country is None and reading.kind in {"organization", "ngo"}:
                # "New York Times": a company or NGO the dictionary gives no country is of the place it names.
                country = next((n.entry.key for n in candidate.replaces if n.entry.type == "country"), None)
            found.organizations.setdefault(
                entry.key, Organization(entry.key, label, reading.kind, country, reading.sector)
            )
        return FoundName(candidate.start, candidate.end, entry, span.start_char, span.end_char)

    def _date_curated_persons(
        self, tokens: list[str], names: list[FoundName], day: date, found: DictionaryFindings
    ) -> None:
        """Give a curated person the role a dictionary record says he held on ``day``.

        The curated persons carry no dates: where a dictionary record has the same name, its role on
        the article's date decides country and sector; the curated title (the person's current post)
        stays while that role is the record's current one: "Chancellor" for Angela Merkel in 2010,
        not in 1995, when she was an elite (ELI).
        """
        for name in names:
            if name.entry.type != "person" or name.entry.key in found.persons:
                continue
            curated = self.gazetteer.persons.get(name.entry.key)
            if curated is None:
                continue
            records = [r for r in self.actors.lookup(tokens[name.start : name.end]) if is_person(r)]
            record, reading = self._choose(records, day)
            if record is None or reading is None or reading.type != "person":
                continue
            current = read_record(record, None, self.rules)
            title = curated.title if current is not None and current.code == reading.code else reading.title
            country = reading.country or curated.country
            org = curated.org if reading.country is None or reading.country in NON_STATE_CODES else None
            found.persons[name.entry.key] = Person(curated.name, country, title, org, reading.sector)

    # -- agents and discards -------------------------------------------------------------------

    def _agents(self, context: _Context, found: DictionaryFindings, nouns: list[int]) -> None:
        """Add agent phrases that no curated phrase or name covers, and compound agents."""
        doc, tokens = context.doc, context.tokens
        taken = set(context.role_noun_at)
        taken.update(i for name in found.names for i in range(name.start, name.end))
        for match in self.agents.matches(tokens):
            start, end = match.start, match.end
            if any(i in taken for i in range(start, end)) or doc[end - 1].pos_ not in NOUNS:
                continue
            reading = self.agent_nouns.read(match.entries[0], plural=doc[end - 1].tag_ in PLURAL_TAGS)
            if reading is None:
                continue
            self._add_agent(doc, start, end, reading, found)
            taken.update(range(start, end))
        for i in nouns:
            text = tokens[i]
            if i in taken or len(text) < _COMPOUND_MIN_CHARS or not text.isalpha():
                continue
            reading = self.agent_nouns.compound(text)
            if reading is not None:
                self._add_agent(doc, i, i + 1, reading, found)

    @staticmethod
    def _add_agent(doc: Doc, start: int, end: int, reading: AgentReading, found: DictionaryFindings) -> None:
        phrase = doc[start:end].text.lower()
        found.role_nouns[end - 1] = (start, phrase)
        (found.titles if reading.role == "title" else found.group_heads)[phrase] = reading.sector
        if reading.affiliation is not None:
            found.affiliations[phrase] = reading.affiliation

    def _non_political(self, tokens: list[str], named: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
        """Return the token spans of the discard phrases of a non-political kind (sport, entertainment)
        that come near one of the ``named`` spans (no further than a discard phrase is long)."""
        kinds = self.rules.non_political_kinds
        reach = self.discard_reach
        found: list[tuple[int, int]] = []
        for window_start, window_end in _merged((max(0, s - reach), min(len(tokens), e + reach)) for s, e in named):
            found.extend(
                (window_start + match.start, window_start + match.end)
                for match in self.discards.matches(tokens[window_start:window_end])
                if any(discard.kind in kinds for discard in match.entries)
            )
        return found


def _unbracketed(phrases: PhraseIndex[list[int]]) -> PhraseIndex[list[int]]:
    """Index the names the armed-group file writes with their acronym ("ANIMAL_LIBERATION_FRONT_(ALF)")
    without it too, as the text mostly writes them (where no other record has the bare name)."""
    index: PhraseIndex[list[int]] = PhraseIndex()
    for key, ids in phrases.phrases.items():
        if key.endswith(" )") and " ( " in key:
            bare = key[: key.rindex(" ( ")].split(" ")
            if phrases.get(bare) is None:
                index.add(bare, ids)
    return index


def _merged(ranges: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Merge overlapping or touching ranges."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(ranges):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _written_as_name(span: Span) -> bool:
    """True where the text writes these words as a name (see the module doc)."""
    if len(span) == 1:
        token = span[0]
        text = token.text
        if len(text) <= 3:
            return text.isupper()
        return text[:1].isupper() and (token.pos_ == "PROPN" or token.ent_type_ in _NAME_ENTITIES)
    words = [t for t in span if t.is_alpha and not t.is_stop]
    return bool(words) and all(t.text[:1].isupper() for t in words) and span[0].text[:1].isupper()


def _adds_words(span: Span, names: Iterable[FoundName]) -> bool:
    """True if a name holds a word of its own beside the gazetteer names inside it ("New Mexico")."""
    inside = {i for name in names for i in range(name.start, name.end)}
    return any(t.is_alpha and not t.is_stop and t.i not in inside for t in span)


def _inside(start: int, end: int, spans: Sequence[tuple[int, int]], *, strict: bool) -> bool:
    """True if tokens [start, end) lie inside one of ``spans`` (strictly: inside a longer one)."""
    return any(s <= start and end <= e and (not strict or e - s > end - start) for s, e in spans)


def _in_non_political(start: int, end: int, entry: NameEntry, spans: Sequence[tuple[int, int]]) -> bool:
    """A person or organisation overlapping a sport name, or a country inside a longer one, is no actor."""
    if entry.type == "country":
        return _inside(start, end, spans, strict=True)
    return any(s < end and start < e for s, e in spans)


def _non_political_name(name: FoundName, spans: Sequence[tuple[int, int]]) -> bool:
    return _in_non_political(name.start, name.end, name.entry, spans)


def _inside_person(start: int, end: int, persons: dict[int, Span]) -> bool:
    """True for words inside a longer person's name ("Paris" in "Paris Hilton")."""
    person = persons.get(start)
    return person is not None and end <= person.end and len(person) > end - start


def _non_overlapping(candidates: list[_Candidate]) -> list[_Candidate]:
    """Keep the longest candidates that do not overlap (the first of equally long ones)."""
    kept: list[_Candidate] = []
    used: set[int] = set()
    for candidate in sorted(candidates, key=lambda c: (c.start - c.end, c.start)):
        span = range(candidate.start, candidate.end)
        if not any(i in used for i in span):
            kept.append(candidate)
            used.update(span)
    return kept
