"""Read a Phoenix agent dictionary (``*.agents.txt``): generic agent nouns and their sector codes.

The format (PETRARCH's ``dictionaries.rst``), as Stancewire reads it::

    # comment
    !PERSON! = MAN, MEN, WOMAN, WOMEN, PERSON    # a substitution set, defined before use
    AMBASSADOR [~GOV]                            # an agent noun; '~GOV' follows the actor code
    ATTORNEY_GENERAL {ATTORNEYS_GENERAL} [~GOVATG]   # an irregular plural
    POLICE {} [~COP]                             # {}: no plural
    HUMAN_RIGHTS_BODY [NGO~]                     # 'NGO~' goes before the actor code
    CONGRESS!PERSON! [~LEG]                      # congressman, congressmen, ... congressperson

- A phrase is words joined by ``_`` or blanks. Upstream says a blank lets other words come
  between; Stancewire matches every phrase as consecutive tokens (the upstream blanks all join
  words that are adjacent in text: ``CHIEF EXECUTIVE``, ``!MINIST! OF_ENVIRONMENT``).
- Regular plurals are generated for the last word (:func:`app.nlp.dictionaries.inflect.plural`)
  unless ``{...}`` is given (``{}``: none), the phrase ends with ``_`` (the synset rule of the
  verb format), or it holds a substitution marker ("no additional plural formation").
- A phrase holds at most one marker ``!NAME!``, defined earlier in the file; every item of the
  set replaces the marker, glued to the text around it (``FOREIGN_!MINIST!``).
- The code is required: ``[~CODE]`` (a suffix: "Russian minister" -> RUS + GOV) or ``[CODE~]``
  (a prefix, for organisations: IGO~, NGO~), CODE a run of three-letter parts. Blanks before
  ``{`` and ``[`` are optional. Anything else on a line is an error.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from app.nlp.dictionaries.errors import DictionaryError
from app.nlp.dictionaries.inflect import phrase_plural
from app.nlp.dictionaries.source import NO_QUIRKS, Quirk, read_lines, strip_comment

Position = Literal["suffix", "prefix"]

_SUBSTITUTION = re.compile(r"!(?P<name>[A-Z0-9_]+)!\s*=\s*(?P<items>.*)")
_ENTRY = re.compile(r"(?P<phrase>[^{}\[\]]+?)\s*(?:\{(?P<plural>[^{}\[\]]*)\})?\s*\[(?P<code>[^\[\]{}]*)\]")
_MARKER = re.compile(r"!([A-Z0-9_]+)!")
_CODE = re.compile(r"(?:[A-Z0-9]{3})+")
_WORD_SPLIT = re.compile(r"[\s_]+")


@dataclass(frozen=True, slots=True)
class Agent:
    """One surface form of an agent noun and the sector code it carries."""

    words: tuple[str, ...]  # lowercase
    code: str  # "GOV", "GOVMED", "IGO"
    position: Position  # suffix: after the actor code (~GOV); prefix: before it (NGO~)
    plural: bool  # this form is a plural (generated or given)
    source: str  # the file's name
    line: int


@dataclass(frozen=True, slots=True)
class AgentDictionary:
    """The agents of one file, every surface form expanded, in file order."""

    path: str
    agents: tuple[Agent, ...]
    substitutions: dict[str, tuple[str, ...]]


def _words(text: str) -> tuple[str, ...]:
    return tuple(word.lower() for word in _WORD_SPLIT.split(text) if word)


def _code(text: str) -> tuple[str, Position]:
    code = text.strip()
    if code.startswith("~") and _CODE.fullmatch(code[1:]):
        return code[1:], "suffix"
    if code.endswith("~") and _CODE.fullmatch(code[:-1]):
        return code[:-1], "prefix"
    raise ValueError(f"agent code [{text}] is not [~CODE] or [CODE~] with three-letter parts")


def _expand(phrase: str, substitutions: Mapping[str, tuple[str, ...]]) -> list[str]:
    markers = _MARKER.findall(phrase)
    if not markers:
        return [phrase]
    if len(markers) > 1:
        raise ValueError(f"more than one substitution marker in {phrase!r}")
    if markers[0] not in substitutions:
        raise ValueError(f"substitution set !{markers[0]}! is not defined above")
    return [_MARKER.sub(item, phrase) for item in substitutions[markers[0]]]


def _entry(text: str, number: int, source: str, substitutions: Mapping[str, tuple[str, ...]]) -> list[Agent]:
    match = _ENTRY.fullmatch(text)
    if match is None:
        raise ValueError(f"not an agent entry PHRASE [{{plural}}] [~CODE]: {text.strip()!r}")
    code, position = _code(match["code"])
    phrase, given = match["phrase"].strip(), match["plural"]
    if "!" in _MARKER.sub("", phrase):
        raise ValueError(f"stray '!' in {phrase!r}")
    forms = _expand(phrase, substitutions)
    agents = [Agent(_words(form), code, position, False, source, number) for form in forms]
    if any(not agent.words for agent in agents):
        raise ValueError("empty phrase")
    if given is not None:
        plural = _words(given)
        if plural:
            agents.append(Agent(plural, code, position, True, source, number))
    elif len(forms) == 1 and forms[0] == phrase and not phrase.endswith("_"):
        generated = phrase_plural(agents[0].words)
        if generated is not None:
            agents.append(Agent(generated, code, position, True, source, number))
    return agents


def read_agents(path: Path, quirks: Mapping[int, Quirk] = NO_QUIRKS) -> AgentDictionary:
    """Read an agent file; raise DictionaryError(path, line, reason) on malformed input."""
    agents: list[Agent] = []
    substitutions: dict[str, tuple[str, ...]] = {}
    for line in read_lines(path, quirks):
        text = strip_comment(line.text).strip()
        if not text:
            continue
        try:
            definition = _SUBSTITUTION.fullmatch(text)
            if definition is not None:
                items = tuple(item.strip() for item in definition["items"].split(","))
                if not all(items):
                    raise ValueError(f"empty item in substitution set !{definition['name']}!")
                if definition["name"] in substitutions:
                    raise ValueError(f"substitution set !{definition['name']}! defined twice")
                substitutions[definition["name"]] = items
            else:
                agents.extend(_entry(text, line.number, path.name, substitutions))
        except ValueError as error:
            raise DictionaryError(path, line.number, str(error)) from None
    return AgentDictionary(str(path), tuple(agents), substitutions)
