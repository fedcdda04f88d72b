"""Load the generated gazetteer and compile it into spaCy matchers for one pipeline's vocabulary.

The actor component compiles it once and owns the result (no module-level cache keyed by vocabulary).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc
from spacy.vocab import Vocab

DATA_DIR = Path(__file__).resolve().parent / "data"
GAZETTEER_PATH = DATA_DIR / "gazetteer.json"
SCHEMA_PATH = DATA_DIR / "gazetteer.schema.json"

EntryType = Literal["country", "org", "seat", "person"]
# How a country entry was named; maps onto ActorMention.via. A "city" is a place the Phoenix
# dictionaries list for its country (app.nlp.actors.phoenix): like a province, only a place.
NameVia = Literal["name", "demonym", "capital", "seat", "acronym", "province", "city"]


@dataclass(frozen=True, slots=True)
class NameEntry:
    """What a matched name refers to."""

    type: EntryType
    key: str  # ISO alpha-3, organisation id, seat name or person name
    via: NameVia


@dataclass(frozen=True, slots=True)
class Organization:
    """An IGO, NGO, armed group or other organisation from the curated list."""

    id: str
    name: str
    kind: str
    country: str | None
    sector: str | None


@dataclass(frozen=True, slots=True)
class Person:
    """A well-known person whom news names without title or country."""

    name: str
    country: str | None
    title: str | None
    org: str | None
    sector: str | None = None  # None: GOV, the sector of the curated persons


@dataclass(frozen=True, slots=True)
class Seat:
    """A building or city that stands for a government or organisation."""

    name: str
    country: str | None
    org: str | None
    sector: str | None


@dataclass(slots=True)
class Gazetteer:
    """The interpreted gazetteer: lookup tables plus matchers bound to one vocabulary."""

    vocab: Vocab
    countries: dict[str, dict[str, Any]]
    organizations: dict[str, Organization]
    persons: dict[str, Person]
    seats: dict[str, Seat]
    entries: dict[str, list[NameEntry]]  # matcher label -> entries
    names_lower: dict[str, NameEntry]  # lower-cased surface form -> entry, for sub-token lookups
    # lower-cased name another organisation also goes by ("RSF") -> (organisation, the countries a
    # document names for the name to mean it)
    shared_names: dict[str, tuple[tuple[str, frozenset[str]], ...]]
    exact_names: set[str]  # surface forms as written, for the case check of lower-cased matches
    titles: dict[str, str]  # lower-cased title phrase -> sector
    group_heads: dict[str, str]  # lower-cased head phrase -> sector
    state_heads: frozenset[str]
    ngo_name_words: frozenset[str]
    org_sector_words: dict[str, str]
    locative_preps: frozenset[str]
    post_preps: frozenset[str]
    post_titles: frozenset[str]
    place_nouns: frozenset[str]
    facility_nouns: frozenset[str]
    message_nouns: frozenset[str]  # "an offer from Seoul": the capital sent it
    anonymous_groups: frozenset[str]  # "gunmen": no country from the sentence's places
    anonymity_words: frozenset[str]  # "suspected jihadists", "unidentified men"
    equipment_heads: frozenset[str]  # "warplanes": a force only as the doer
    pronouns: dict[str, dict[str, Any]]
    nominals: dict[str, list[str]]
    country_regexes: list[tuple[str, re.Pattern[str]]]
    name_matcher: PhraseMatcher  # LOWER: names, demonyms, capitals, seats, organisations, persons
    acronym_matcher: PhraseMatcher  # ORTH: acronyms, matched with their case
    role_noun_matcher: PhraseMatcher  # LOWER: titles and group head nouns
    deletion_index: dict[str, set[str]] = field(default_factory=dict)  # misspelt country names and demonyms
    person_index: dict[str, set[str]] = field(default_factory=dict)  # misspelt surnames of known persons
    regex_cache: dict[str, str | None] = field(default_factory=dict)  # NER text -> country_converter match


@lru_cache(maxsize=1)
def load_data(path: Path = GAZETTEER_PATH) -> dict[str, Any]:
    """Read and validate gazetteer.json (once per process)."""
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    if SCHEMA_PATH.exists():
        import jsonschema

        jsonschema.validate(data, json.loads(SCHEMA_PATH.read_text(encoding="utf-8")))
    return data


def is_acronym(name: str) -> bool:
    """True for names written in capitals ("UN", "U.S.", "NATO") that must match with their case."""
    letters = [c for c in name if c.isalpha()]
    return bool(letters) and all(c.isupper() for c in letters) and len(letters) <= 6


def _strip_article(name: str) -> str:
    """Drop a leading "the": the determiner is attached from the parse, so "the" need not match."""
    return name[4:] if name.lower().startswith("the ") else name


_REGEX_CACHE_SIZE = 10_000


def compile_gazetteer(nlp: Language) -> Gazetteer:
    """Compile the gazetteer for this pipeline's vocabulary and tokenizer (the caller keeps it)."""
    return _compile(nlp, load_data())


def _deletions(word: str) -> set[str]:
    """All strings one deletion away from ``word`` (symmetric-deletion spelling index)."""
    return {word[:i] + word[i + 1 :] for i in range(len(word))} | {word}


class _Builder:
    """Collect surface forms and their entries, then turn them into matchers."""

    def __init__(self, nlp: Language) -> None:
        self.vocab = nlp.vocab
        # The pipeline's own tokenizer, so patterns split exactly as documents do ("U.S." stays one token).
        self.make_doc = nlp.make_doc
        self.entries: dict[str, list[NameEntry]] = {}
        self.names_lower: dict[str, NameEntry] = {}
        self.exact: set[str] = set()
        self.lower_patterns: dict[str, list[Doc]] = {}
        self.orth_patterns: dict[str, list[Doc]] = {}

    def add(self, name: str, entry: NameEntry) -> None:
        """Register one surface form."""
        name = _strip_article(name)
        acronym = is_acronym(name)
        via: NameVia = "acronym" if acronym and entry.via == "name" else entry.via
        entry = NameEntry(entry.type, entry.key, via)
        label = f"{entry.type}|{entry.key}|{entry.via}"
        self.entries.setdefault(label, [entry])
        self.names_lower.setdefault(name.lower(), entry)
        self.exact.add(name)
        target = self.orth_patterns if acronym else self.lower_patterns
        target.setdefault(label, []).append(self.make_doc(name))

    def matcher(self, patterns: dict[str, list[Doc]], attr: str) -> PhraseMatcher:
        """Compile one PhraseMatcher."""
        matcher = PhraseMatcher(self.vocab, attr=attr)
        for label in sorted(patterns):
            matcher.add(label, patterns[label])
        return matcher


def _compile(nlp: Language, data: dict[str, Any]) -> Gazetteer:
    """Interpret the data and compile the matchers."""
    builder = _Builder(nlp)
    countries: dict[str, dict[str, Any]] = data["countries"]
    deletion_index: dict[str, set[str]] = {}
    for code, country in sorted(countries.items()):
        for via, key in (
            ("name", "names"),
            ("demonym", "demonyms"),
            ("capital", "capitals"),
            ("province", "provinces"),
        ):
            for name in country[key]:
                builder.add(name, NameEntry("country", code, via))  # type: ignore[arg-type]
                if via in {"name", "demonym"} and " " not in name and len(name) >= 5 and not is_acronym(name):
                    for variant in _deletions(name.lower()):
                        deletion_index.setdefault(variant, set()).add(name.lower())
    organizations = {}
    shared_names: dict[str, list[tuple[str, frozenset[str]]]] = {}
    for org in data["organizations"]:
        for name in org.get("shared_names", ()):
            shared_names.setdefault(name.lower(), []).append((org["id"], frozenset(org["in_documents_naming"])))
        organizations[org["id"]] = Organization(
            org["id"], org["name"], org["kind"], org.get("country"), org.get("sector")
        )
        for name in org["names"]:
            builder.add(name, NameEntry("org", org["id"], "name"))
    seats = {}
    for seat in data["seats"]:
        seats[seat["name"]] = Seat(seat["name"], seat.get("country"), seat.get("organization"), seat.get("sector"))
        builder.add(seat["name"], NameEntry("seat", seat["name"], "seat"))
    person_index: dict[str, set[str]] = {}
    persons = {}
    for person in data["persons"]:
        persons[person["name"]] = Person(
            person["name"], person.get("country"), person.get("title"), person.get("kind_of")
        )
        for name in person["names"]:
            builder.add(name, NameEntry("person", person["name"], "name"))
            if " " not in name and len(name) >= 6:
                for variant in _deletions(name.lower()):
                    person_index.setdefault(variant, set()).add(name.lower())
    titles = {t.lower(): sector for sector, words in data["titles"].items() for t in words}
    group_heads = {t.lower(): sector for sector, words in data["group_heads"].items() for t in words}
    role_noun_patterns: dict[str, list[Doc]] = {}
    for phrase in sorted(set(titles) | set(group_heads) | set(data["state_heads"])):
        role_noun_patterns.setdefault("role_noun", []).append(builder.make_doc(phrase))
    regexes = [
        (code, re.compile(country["regex"], re.IGNORECASE))
        for code, country in sorted(countries.items())
        if country.get("regex")
    ]
    return Gazetteer(
        vocab=nlp.vocab,
        countries=countries,
        organizations=organizations,
        shared_names={name: tuple(readings) for name, readings in shared_names.items()},
        persons=persons,
        seats=seats,
        entries=builder.entries,
        names_lower=builder.names_lower,
        exact_names=builder.exact,
        titles=titles,
        group_heads=group_heads,
        state_heads=frozenset(data["state_heads"]),
        ngo_name_words=frozenset(w.lower() for w in data["ngo_name_words"]),
        org_sector_words={w.lower(): s for s, words in data["org_sector_words"].items() for w in words},
        locative_preps=frozenset(data["locative_preps"]),
        post_preps=frozenset(data["post_preps"]),
        post_titles=frozenset(data["post_titles"]),
        place_nouns=frozenset(data["place_nouns"]),
        facility_nouns=frozenset(data["facility_nouns"]),
        message_nouns=frozenset(data["message_nouns"]),
        anonymous_groups=frozenset(data["anonymous_groups"]),
        anonymity_words=frozenset(data["anonymity_words"]),
        equipment_heads=frozenset(data["equipment_heads"]),
        pronouns=data["anaphors"]["pronouns"],
        nominals=data["anaphors"]["nominals"],
        country_regexes=regexes,
        name_matcher=builder.matcher(builder.lower_patterns, "LOWER"),
        acronym_matcher=builder.matcher(builder.orth_patterns, "ORTH"),
        role_noun_matcher=builder.matcher(role_noun_patterns, "LOWER"),
        deletion_index=deletion_index,
        person_index=person_index,
    )


def country_from_regex(gazetteer: Gazetteer, text: str) -> str | None:
    """Return the ISO code whose country_converter pattern matches ``text``, if exactly one does."""
    key = text.lower()
    if key not in gazetteer.regex_cache:
        if len(gazetteer.regex_cache) > _REGEX_CACHE_SIZE:
            gazetteer.regex_cache.clear()  # bounded: a long-running worker sees endless new names
        hits = {code for code, pattern in gazetteer.country_regexes if pattern.search(key)}
        gazetteer.regex_cache[key] = hits.pop() if len(hits) == 1 else None
    return gazetteer.regex_cache[key]


def correct_spelling(index: dict[str, set[str]], word: str) -> str | None:
    """Return the one known single-word name one edit from ``word`` ("Isreal" -> "israel"), if unique."""
    lowered = word.lower()
    if len(lowered) < 5:
        return None
    hits: set[str] = set()
    for variant in _deletions(lowered):
        hits |= index.get(variant, set())
    close = sorted(h for h in hits if edit_distance(h, lowered) == 1)
    return close[0] if len(close) == 1 else None


def edit_distance(a: str, b: str) -> int:
    """Optimal-string-alignment distance: insertions, deletions, substitutions and adjacent swaps."""
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, start=1):
        current = [i]
        for j, cb in enumerate(b, start=1):
            cost = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                cost = min(cost, previous2[j - 2] + 1)
            current.append(cost)
        previous2, previous = previous, current
    return previous[-1]
