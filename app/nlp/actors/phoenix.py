"""What a Phoenix actor record stands for in an article written on a given day.

A record of the Phoenix actor dictionaries (:mod:`app.nlp.dictionaries.actors`) is one of:

- a **country** (its current code a bare country, ``UKRAINE_ [UKR]``): its phrases are the
  country's names, adjectives, misspellings and the cities and regions the press names it by
  (``KHARKIV``, ``CRIMEA``). :class:`CountryPhrases` tells them apart by comparing each phrase
  with the gazetteer's names, demonyms and capitals of that country; what is neither is a place.
  Country names are not dated, like the gazetteer's;
- a **person** (an office holder: ``[DEUELI 720101-000101] [DEUGOV >051122]``): country and
  sector from the role held on the article's date, else the most recent role before it, else
  the current one (:func:`role_for`); a title from the role's sector where it names an office;
- an **organisation**: IGO, NGO, MNC (``organization``, sector BUS), a national institution
  (``AFGMIL``, ``USAGOVLEG``: ``organization`` with its country and sector) or an armed group
  (``YEMREB``: Yemen, REB; ``IMGMUSALQ``: no country, the evaluation's IMG).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources
from typing import Any, Literal

import yaml

from app.nlp.dictionaries.actors import ActorRecord, Role
from app.nlp.dictionaries.codes import ActorCode, CodeTable, code_table
from app.nlp.gazetteer import Gazetteer, NameVia, edit_distance
from app.nlp.taxonomy import NON_STATE_CODES, ActorKind

RULES_FILE = "data/actor_dictionaries.yaml"
_SECTORS_FILE = "data/sectors.yaml"
# Codes an affiliation lends a person when it names no country (as the gazetteer's persons of an IGO).
# A dictionary code headed by a pseudo-country (IGOUNO, NGOAMN, IMGMUSALQ) gives its members that code.
AFFILIATION_CODES = {code: code for code in NON_STATE_CODES}
_NOT_ALNUM = re.compile(r"[\W_]+")
# The sector an armed group reports when its code names none (IMG, a region's REB is REB already).
_ARMED_SECTOR = {"armed_group": "REB"}


@dataclass(frozen=True)
class AgentRules:
    """Which agent nouns name a person, a body, or neither (``agents`` in the rules file)."""

    person_words: frozenset[str]
    body_words: frozenset[str]
    not_person: frozenset[str]
    not_political: frozenset[str]
    person_endings: tuple[str, ...]
    compound_excluded_sectors: frozenset[str]
    compound_min_agent: int
    compound_min_rest: int


@dataclass(frozen=True)
class DictionaryRules:
    """How codes become actors: reported sectors, sector aliases, role titles, agent nouns."""

    sectors: frozenset[str]  # the sectors Stancewire reports (sectors.yaml)
    sector_aliases: dict[str, str]
    role_titles: dict[str, str]
    non_political_kinds: frozenset[str]
    agents: AgentRules


def _read_yaml(name: str) -> dict[str, Any]:
    text = resources.files("app.nlp").joinpath(name).read_text("utf-8")
    data: dict[str, Any] = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    return data


@cache
def load_rules() -> DictionaryRules:
    """Read ``app/nlp/data/actor_dictionaries.yaml`` (once per process)."""
    raw = _read_yaml(RULES_FILE)
    agents = raw["agents"]
    return DictionaryRules(
        sectors=frozenset(_read_yaml(_SECTORS_FILE)["sectors"]),
        sector_aliases=dict(raw["sector_aliases"]),
        role_titles=dict(raw["role_titles"]),
        non_political_kinds=frozenset(raw["non_political_kinds"]),
        agents=AgentRules(
            person_words=frozenset(agents["person_words"]),
            body_words=frozenset(agents["body_words"]),
            not_person=frozenset(agents["not_person"]),
            not_political=frozenset(agents["not_political"]),
            person_endings=tuple(sorted(agents["person_endings"], key=len, reverse=True)),
            compound_excluded_sectors=frozenset(agents["compound_excluded_sectors"]),
            compound_min_agent=int(agents["compound_min_agent"]),
            compound_min_rest=int(agents["compound_min_rest"]),
        ),
    )


def sector_of(parts: tuple[str, ...], rules: DictionaryRules, table: CodeTable) -> str | None:
    """Return the first sector Stancewire reports among code parts (aliases and religions count)."""
    for part in parts:
        if part in rules.sectors:
            return part
        alias = rules.sector_aliases.get(part)
        if alias is not None:
            return alias
        if part in table.religions:
            return "REL"
    return None


@dataclass(frozen=True, slots=True)
class Reading:
    """What a record stands for on one day."""

    type: Literal["country", "person", "org"]
    code: str  # the CAMEO code read
    kind: ActorKind
    country: str | None  # ISO alpha-3; for a person of an IGO, NGO or armed group: IGO, NGO, IMG
    sector: str | None = None
    title: str | None = None


def role_for(record: ActorRecord, day: date | None) -> Role | None:
    """Return the role a record held on ``day``: the covering one (or the default), else the most
    recent one that ended before it, else the current one; with no day, the current one."""
    if day is None:
        return record.role_on(None)
    role = record.role_on(day)
    if role is not None:
        return role
    ended = [r for r in record.roles if r.end is not None and r.end < day]
    if ended:
        return max(ended, key=lambda r: (r.end or date.min, r.line))
    return record.role_on(None)


def _country_code(code: ActorCode | None, table: CodeTable) -> str | None:
    """Return the country of a bare country code: the last country part for a dependency (USAASM is
    ASM), the head for a region of it that has no sector (PSEGZA: Gaza, GBRIMY: the Isle of Man)."""
    if code is None or code.head_type != "country":
        return None
    countries = [table.country(part) for part in code.parts]
    if all(countries):
        return countries[-1] if countries else code.country
    if len(code.parts) == 1 and code.parts[0] not in table.sector_kinds:
        return code.country
    return None


def country_of_record(record: ActorRecord) -> str | None:
    """Return the ISO code of a country record (current code a bare country), else None."""
    return _country_code(record.actor_on(None), code_table())


def is_person(record: ActorRecord) -> bool:
    """True for an individual: the reader's test, less the records it takes for one by their dated
    codes (a country whose code changed, an armed group or company that was coded otherwise before)."""
    if not record.person or country_of_record(record) is not None:
        return False
    table = code_table()
    codes = [table.parse(role.code) for role in (*record.roles, *((record.default,) if record.default else ()))]
    elite = any(code is not None and "ELI" in (code.head, *code.parts) for code in codes)
    current = record.actor_on(None)
    return elite or current is None or (current.kind != "armed_group" and current.head != "MNC")


def read_record(record: ActorRecord, day: date | None, rules: DictionaryRules) -> Reading | None:
    """Return what ``record`` stands for on ``day`` (None: no code applies, or a coder's placeholder)."""
    table = code_table()
    country = country_of_record(record)
    if country is not None:
        return Reading("country", country, "state", country)
    if is_person(record):
        role = role_for(record, day)
        code = None if role is None else table.parse(role.code)
        return None if code is None else _person(code, rules, table)
    code = record.actor_on(day) or record.actor_on(None)
    return None if code is None else _organisation(code, rules, table)


def _person(code: ActorCode, rules: DictionaryRules, table: CodeTable) -> Reading:
    parts = (code.head, *code.parts) if code.head_type == "sector" else code.parts
    sector = sector_of(parts, rules, table)
    country = code.country if code.head_type == "country" else AFFILIATION_CODES.get(code.head)
    title = rules.role_titles.get(sector) if sector else None
    return Reading("person", code.raw, "person", country, sector, title)


def _organisation(code: ActorCode, rules: DictionaryRules, table: CodeTable) -> Reading | None:
    if code.head_type in {"placeholder", "region"} and code.kind != "armed_group":
        return None  # "a group somewhere": nothing to report but the name
    kind: ActorKind = "organization" if code.kind in {"state", "person"} else code.kind  # type: ignore[assignment]
    parts = (code.head, *code.parts) if code.head_type in {"sector", "transnational"} else code.parts
    if kind == "armed_group":  # IMGMUSALQ: its religion is no sector, its arms are
        parts = tuple(part for part in parts if part not in table.religions) or ("REB",)
    return Reading("org", code.raw, kind, code.country, sector_of(parts, rules, table) or _ARMED_SECTOR.get(kind))


def normalise(text: str) -> str:
    """Fold a name to its letters and digits ("N'Djamena", "ndjamena" and "N DJAMENA" are one)."""
    return _NOT_ALNUM.sub("", text.lower())


@dataclass(frozen=True)
class _CountryForms:
    """A country's gazetteer surface forms, normalised, by how they name it."""

    forms: tuple[tuple[NameVia, str], ...]  # (via, normalised form), capitals first
    words: frozenset[tuple[str, ...]]  # names and demonyms as lower-case word tuples
    regex: re.Pattern[str] | None


class CountryPhrases:
    """Tell a country record's names and adjectives from the cities and regions it also lists.

    A phrase is the country's ``name``/``demonym``/``capital``/``province`` if it equals one of the
    gazetteer's (letters and digits compared), a ``name`` if it holds one of the country's names or
    demonyms as whole words ("Republic of Georgia") or matches country_converter's pattern for it,
    the reading of the closest name, demonym or capital one or two edits away ("Ukrane", "Kyyiv"),
    and otherwise a ``city``: a place that lends its country and never acts as its government.
    Answers are cached (the component owns the instance).
    """

    def __init__(self, gazetteer: Gazetteer) -> None:
        self.gazetteer = gazetteer
        self._forms: dict[str, _CountryForms] = {}
        self._via: dict[tuple[str, tuple[str, ...]], NameVia] = {}

    def via(self, country: str, words: tuple[str, ...]) -> NameVia:
        """Return how ``words`` (a phrase of ``country``'s record, lower-cased tokens) names it."""
        key = (country, words)
        found = self._via.get(key)
        if found is None:
            found = self._via[key] = self._classify(self._country_forms(country), words)
        return found

    def _country_forms(self, country: str) -> _CountryForms:
        forms = self._forms.get(country)
        if forms is None:
            data = self.gazetteer.countries.get(country, {})
            fields: tuple[tuple[NameVia, str], ...] = (
                ("capital", "capitals"),
                ("name", "names"),
                ("demonym", "demonyms"),
                ("province", "provinces"),
            )
            listed = tuple((via, normalise(n)) for via, key in fields for n in data.get(key, ()))
            words = frozenset(tuple(n.lower().split()) for key in ("names", "demonyms") for n in data.get(key, ()))
            regex = data.get("regex")
            forms = _CountryForms(listed, words, re.compile(regex, re.IGNORECASE) if regex else None)
            self._forms[country] = forms
        return forms

    @staticmethod
    def _classify(forms: _CountryForms, words: tuple[str, ...]) -> NameVia:
        text = normalise("".join(words))
        for via, form in forms.forms:
            if form == text:
                return via
        if any(words[i : i + len(w)] == w for w in forms.words for i in range(len(words) - len(w) + 1)):
            return "name"
        if forms.regex is not None and forms.regex.search(" ".join(words)):
            return "name"
        allowed = 1 if len(text) <= 7 else 2
        close = [
            (edit_distance(form, text), n, via)
            for n, (via, form) in enumerate(forms.forms)
            if via != "province" and abs(len(form) - len(text)) <= allowed
        ]
        best = min(close, default=None)
        if best is not None and best[0] <= allowed:
            return best[2]
        return "city"
