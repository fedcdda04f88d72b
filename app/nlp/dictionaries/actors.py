"""Read a Phoenix actor dictionary (``*.actors.txt``) into dated actor records.

The format (PETRARCH's ``dictionaries.rst``, TABARI's actor files), as Stancewire reads it::

    # comment (also ';' to the end of a line)
    ANGELA_MERKEL_  # a primary phrase starts a record
    +CHANCELLOR_MERKEL_     # '+' adds a synonym to the record
        [DEUELI 720101-000101]  # a line starting with blanks holds date-restricted codes
        [DEUGOV >051122]
        [DEUELI]                # a code with no date is the record's default
    GERMANY_  [DEU]           # codes may also follow the primary phrase on its line

- A phrase is words joined by ``_`` or spaces (``JOHN_J MCCLOY_`` is "john j mccloy"); a
  trailing ``_`` carries no meaning here (actor phrases always match whole tokens). A tab ends
  the phrase: only codes and comments may follow it. ``[``, ``]``, ``{`` and ``}`` may not
  appear in a phrase.
- ``+`` inside a phrase is part of the name only between two letters or digits (``B+H_OCEAN``);
  anywhere else it starts another synonym on the same line (``+TAIOAN_ +TAWIAN_`` and
  MilNonState's ``..._AL_ISLAMI+_ISLAMIC_ADEN_ARMY_`` are two synonyms each).
- A code group is ``[CODE]``, ``[CODE date-date]``, ``[CODE >date]`` or ``[CODE <date]``;
  blanks around the date markers are allowed (``[EGYGOV > 140608]``). Dates are YYYYMMDD or
  YYMMDD; a two-digit year 00-30 is 2000-2030 and 31-99 is 1931-1999 (the files stop in 2014
  and no six-digit date falls in 15-30; write eight digits for anything else). Limits are
  inclusive. ``CODE`` is ``---`` (the null code: no actor code) or a CAMEO actor code
  (:mod:`app.nlp.dictionaries.codes`; an unknown head is an error).
- Primary phrases with no code on consecutive lines are one record: the codes that follow apply
  to all of them (upstream writes synonym groups both ways: ``+`` lines, and bare names on
  consecutive lines as ``LEONID_BREZHNEV_`` / ``LEONID_ILYICH_BREZHNEV`` / ... ``[RUSGOV ...]``).
- Each record has at least one code and at most one default (undated) code. Anything else on
  a line is an error.

A record answers "what did this name mean on day D" (:meth:`ActorRecord.code_on`): the
restriction covering D (the one that started last when several do), else the default, else
nothing. With no date: an open-ended (``>date``) restriction, else the default, else the
restriction that ended last: the most recent role. Records that are persons (a dated role with
a sector, or an elite code) say so in :attr:`ActorRecord.person`; :meth:`ActorRecord.kind_on`
gives ``person`` for them and the code's kind (:mod:`app.nlp.dictionaries.codes`) otherwise.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from app.nlp.dictionaries.codes import NULL_CODE, ActorCode, code_table
from app.nlp.dictionaries.errors import DictionaryError
from app.nlp.dictionaries.source import NO_QUIRKS, Quirk, read_lines, strip_comment

_CENTURY_PIVOT = 30  # six-digit years 00..30 are 20xx, 31..99 are 19xx
_GROUP = re.compile(r"\[([^\[\]]*)\]")
_RESTRICTION = re.compile(
    r"(?P<code>\S+)(?:\s+(?:(?P<start>\d+)\s*-\s*(?P<end>\d+)|(?P<op>[<>])\s*(?P<limit>\d+)))?\s*"
)
_WORD_SPLIT = re.compile(r"[\s_]+")
# A '+' that starts another synonym: one not squeezed between two letters or digits.
_SYNONYM_SPLIT = re.compile(r"(?<![^\W_])\+|\+(?![^\W_])")


@dataclass(frozen=True, slots=True)
class Role:
    """A code with an optional date restriction (``start``/``end`` inclusive, None: open)."""

    code: str
    start: date | None
    end: date | None
    line: int

    @property
    def dated(self) -> bool:
        """True for a date-restricted role, False for a default."""
        return self.start is not None or self.end is not None

    def covers(self, day: date) -> bool:
        """True if ``day`` falls within the restriction."""
        return (self.start is None or self.start <= day) and (self.end is None or day <= self.end)


@dataclass(frozen=True, slots=True)
class ActorRecord:
    """One actor: its phrases (primary first, lowercase words) and its dated codes."""

    phrases: tuple[tuple[str, ...], ...]
    default: Role | None
    roles: tuple[Role, ...]  # the dated restrictions, in file order
    source: str  # the file's name
    line: int

    def role_on(self, day: date | None = None) -> Role | None:
        """Return the role that applies on ``day`` (None: no date given; see the module doc)."""
        if day is not None:
            covering = [role for role in self.roles if role.covers(day)]
            if covering:
                return max(covering, key=lambda role: (role.start or date.min, role.line))
            return self.default
        open_ended = [role for role in self.roles if role.end is None]
        if open_ended:
            return max(open_ended, key=lambda role: (role.start or date.min, role.line))
        if self.default is not None or not self.roles:
            return self.default
        return max(self.roles, key=lambda role: (role.end or date.max, role.start or date.min, role.line))

    def code_on(self, day: date | None = None) -> str | None:
        """Return the actor code on ``day``; None when no role applies or it is the null code."""
        role = self.role_on(day)
        return None if role is None or role.code == NULL_CODE else role.code

    def actor_on(self, day: date | None = None) -> ActorCode | None:
        """Return the parsed code on ``day`` (country, sectors, kind), or None."""
        code = self.code_on(day)
        return None if code is None else code_table().parse(code)

    def kind_on(self, day: date | None = None) -> str | None:
        """Return the kind of actor on ``day``: ``person`` for a person, else the code's kind."""
        actor = self.actor_on(day)
        if actor is None:
            return None
        return "person" if self.person else actor.kind

    @property
    def person(self) -> bool:
        """True when the record is an individual: an elite code, or a dated role with a sector.

        Office holders carry dated roles (``[AFGGOV 331108-730717]``, ``[IGOUNO 970101-061231]``);
        a country's own dated codes name only countries (``[USRARM <900823]``: Armenia within
        the Soviet Union) and do not make it a person.
        """
        table = code_table()
        for role in (*self.roles, *((self.default,) if self.default else ())):
            parsed = table.parse(role.code)
            if parsed is None:
                continue
            if parsed.kind == "person":
                return True
            if role.dated and any(table.country(part) is None for part in parsed.parts):
                return True
        return False


@dataclass(frozen=True, slots=True)
class ActorDictionary:
    """The records of one actor file, in file order."""

    path: str
    records: tuple[ActorRecord, ...]


@dataclass(slots=True)
class _Draft:
    phrases: list[tuple[str, ...]]
    roles: list[Role]
    line: int
    last_phrase_line: int


def parse_date(text: str) -> date:
    """Parse YYYYMMDD or YYMMDD (00-30: 2000s, 31-99: 1900s); ValueError otherwise."""
    if len(text) == 8:
        year, rest = int(text[:4]), text[4:]
    elif len(text) == 6:
        two = int(text[:2])
        year, rest = (2000 + two if two <= _CENTURY_PIVOT else 1900 + two), text[2:]
    else:
        raise ValueError(f"date {text!r} is neither YYMMDD nor YYYYMMDD")
    try:
        return date(year, int(rest[:2]), int(rest[2:]))
    except ValueError:
        raise ValueError(f"date {text!r} is not a calendar date") from None


def split_phrase(text: str) -> tuple[str, ...]:
    """Return the lowercase words of a phrase written with ``_`` or blanks."""
    return tuple(word.lower() for word in _WORD_SPLIT.split(text) if word)


def _phrases(text: str) -> list[tuple[str, ...]]:
    """Split a phrase field into its synonyms (see the '+' rule) and their words."""
    if re.search(r"[\[\]{}]", text):
        raise ValueError(f"stray bracket in phrase {text.strip()!r}")
    phrases = [split_phrase(part) for part in _SYNONYM_SPLIT.split(text)]
    if any(not words for words in phrases[1:]) or not phrases[0]:
        raise ValueError(f"empty phrase in {text.strip()!r}")
    return phrases


def _roles(text: str, number: int) -> list[Role]:
    """Parse a run of code groups; ValueError if anything else is on the line."""
    roles: list[Role] = []
    position = 0
    for match in _GROUP.finditer(text):
        if text[position : match.start()].strip():
            raise ValueError(f"unexpected text {text[position : match.start()].strip()!r}")
        roles.append(_role(match.group(1), number))
        position = match.end()
    if text[position:].strip():
        raise ValueError(f"unexpected text {text[position:].strip()!r} after the codes")
    return roles


def _role(group: str, number: int) -> Role:
    match = _RESTRICTION.fullmatch(group.strip())
    if match is None:
        raise ValueError(f"malformed code group [{group}]")
    code = match["code"]
    code_table().parse(code)  # raises on an unknown code
    if match["start"] is not None:
        start, end = parse_date(match["start"]), parse_date(match["end"])
        if end < start:
            raise ValueError(f"date range [{group}] ends before it starts")
        return Role(code, start, end, number)
    if match["op"] == "<":
        return Role(code, None, parse_date(match["limit"]), number)
    if match["op"] == ">":
        return Role(code, parse_date(match["limit"]), None, number)
    return Role(code, None, None, number)


def _finish(draft: _Draft, path: Path) -> ActorRecord:
    if not draft.roles:
        raise DictionaryError(path, draft.line, "no code for this actor: give [CODE] or date-restricted codes")
    defaults = [role for role in draft.roles if not role.dated]
    if len(defaults) > 1:
        raise DictionaryError(path, defaults[1].line, f"second default code [{defaults[1].code}] for this record")
    return ActorRecord(
        phrases=tuple(draft.phrases),
        default=defaults[0] if defaults else None,
        roles=tuple(role for role in draft.roles if role.dated),
        source=path.name,
        line=draft.line,
    )


def read_actors(path: Path, quirks: Mapping[int, Quirk] = NO_QUIRKS) -> ActorDictionary:
    """Read an actor file; raise DictionaryError(path, line, reason) on malformed input."""
    records: list[ActorRecord] = []
    draft: _Draft | None = None
    for line in read_lines(path, quirks):
        text = strip_comment(line.text, "#;")
        if not text.strip():
            continue
        try:
            if text[0] in " \t":
                if not text.lstrip().startswith("["):
                    raise ValueError(f"an indented line holds only codes, found {text.strip()!r}")
                if draft is None:
                    raise ValueError("codes before any actor phrase")
                draft.roles.extend(_roles(text, line.number))
            elif text.startswith("+"):
                if draft is None:
                    raise ValueError("synonym before any actor phrase")
                draft.phrases.extend(_phrases(text[1:]))
                draft.last_phrase_line = line.number
            else:
                phrase, _, codes = text.partition("[")
                name, _, junk = phrase.partition("\t")
                if junk.strip():
                    raise ValueError(f"unexpected text {junk.strip()!r} after the phrase")
                phrases, roles = _phrases(name), _roles("[" + codes if codes else "", line.number)
                if draft is not None and not draft.roles and draft.last_phrase_line == line.number - 1:
                    draft.phrases.extend(phrases)  # consecutive codeless primaries: one record
                    draft.roles.extend(roles)
                    draft.last_phrase_line = line.number
                    continue
                if draft is not None:
                    records.append(_finish(draft, path))
                draft = _Draft(phrases, roles, line.number, line.number)
        except DictionaryError:
            raise
        except ValueError as error:
            raise DictionaryError(path, line.number, str(error)) from None
    if draft is not None:
        records.append(_finish(draft, path))
    return ActorDictionary(str(path), tuple(records))
