"""Agent nouns of the Phoenix dictionary as titles and group heads ("prosecutor", "dockworkers").

An agent (:mod:`app.nlp.dictionaries.agents`) is a generic noun with a sector code: ``PROSECUTOR
[~JUD]``, ``WORKER [~LAB]``, ``PEACEKEEPING_TROOPS [IGO~]``. The actor stage uses it as the
curated titles and group heads are used: a singular noun naming a person is a title (a person
actor), a plural or a body ("ministry", "union") heads a group. The last word decides which (the
curated titles and group heads first, then the word lists and endings of
``app/nlp/data/actor_dictionaries.yaml``); a word that names neither (a weapon, a vehicle, a
building: "typhoon" is also a fighter jet) is not used. A ``~CODE`` (suffix) code gives the
sector; a ``CODE~`` (prefix) code of an IGO, NGO or armed group gives the group that affiliation
when nothing in the text names its country. A compound noun that ends in an agent takes its
sector ("dockworkers": dock + workers, LAB), except the armed and criminal sectors.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from app.nlp.actors.phoenix import AFFILIATION_CODES, DictionaryRules, sector_of
from app.nlp.dictionaries.agents import Agent
from app.nlp.dictionaries.codes import code_table
from app.nlp.dictionaries.indexes import AgentIndex
from app.nlp.gazetteer import Gazetteer

AgentRole = Literal["title", "group"]
# Plural endings and the singular they come from, longest first ("policemen" -> "policeman").
_COMPOUND_CACHE_SIZE = 50_000
_PLURALS = (("people", "person"), ("women", "woman"), ("men", "man"), ("ies", "y"), ("ses", "s"), ("s", ""))


@dataclass(frozen=True, slots=True)
class AgentReading:
    """What an agent noun makes of the phrase it heads."""

    role: AgentRole
    sector: str | None
    affiliation: str | None  # IGO, NGO or IMG for a prefix code: the group's code if nothing names a country


def singular(word: str) -> str:
    """Return the singular of a plural noun by its ending ("workers" -> "worker")."""
    for plural, single in _PLURALS:
        if word.endswith(plural) and len(word) > len(plural) + 2:
            return word[: len(word) - len(plural)] + single
    return word


class AgentNouns:
    """Read agents as titles or group heads (answers cached: the actor component owns this)."""

    def __init__(self, agents: AgentIndex, gazetteer: Gazetteer, rules: DictionaryRules) -> None:
        self.agents = agents
        self.rules = rules
        self.person_nouns = rules.agents.person_words | {t for t in gazetteer.titles if " " not in t}
        self.body_nouns = rules.agents.body_words | {h for h in gazetteer.group_heads if " " not in h}
        # "governments": the builder reads the curated state heads ("government") as the state itself.
        self.state_nouns = frozenset(gazetteer.state_heads)
        self._read: dict[tuple[str, int, str, bool], AgentReading | None] = {}
        self._compounds: dict[str, AgentReading | None] = {}

    def read(self, agent: Agent, *, plural: bool = False) -> AgentReading | None:
        """Return what ``agent`` makes of a phrase, or None for a noun that names no actor.

        ``plural``: the text's noun is plural ("fishermen": a !PERSON! form the file does not mark plural).
        """
        plural = plural or agent.plural
        key = (agent.source, agent.line, agent.words[-1], plural)
        if key not in self._read:
            self._read[key] = self._reading(agent.words[-1], agent.code, agent.position == "prefix", plural)
        return self._read[key]

    def compound(self, word: str) -> AgentReading | None:
        """Return the reading of a compound noun that ends in an agent ("dockworkers"), if any."""
        if word not in self._compounds:
            if len(self._compounds) >= _COMPOUND_CACHE_SIZE:
                self._compounds.clear()  # bounded: a long-running worker sees endless new words
            self._compounds[word] = self._compound(word)
        return self._compounds[word]

    def _compound(self, word: str) -> AgentReading | None:
        rules = self.rules.agents
        for start in range(rules.compound_min_rest, len(word) - rules.compound_min_agent + 1):
            found = self.agents.lookup((word[start:],))
            if found:
                agent = found[0]
                sector = sector_of(_parts(agent.code), self.rules, code_table())
                excluded = rules.compound_excluded_sectors
                if agent.position == "prefix" or sector in excluded or _parts(agent.code)[0] in excluded:
                    return None
                return self.read(agent, plural=word.endswith("s"))
        return None

    def _reading(self, last: str, code: str, prefix: bool, plural: bool) -> AgentReading | None:
        noun = self._noun(singular(last) if plural else last, last)
        if noun is None:
            return None
        parts = _parts(code)
        affiliation = AFFILIATION_CODES.get(parts[0]) if prefix else None
        role: AgentRole = "title" if noun == "person" and not plural else "group"
        return AgentReading(role, sector_of(parts, self.rules, code_table()), affiliation)

    def _noun(self, word: str, written: str) -> Literal["person", "body"] | None:
        """Say whether a word names a person, a body of people, or neither."""
        rules = self.rules.agents
        if word in rules.not_political or written in rules.not_political or word in self.state_nouns:
            return None
        if word in self.person_nouns:
            return "person"
        if word in self.body_nouns or written in self.body_nouns:
            return "body"
        if word in rules.not_person or written in rules.not_person:
            return None
        return "person" if word.endswith(rules.person_endings) else None


def _parts(code: str) -> tuple[str, ...]:
    return tuple(code[i : i + 3] for i in range(0, len(code), 3))
