"""Read PLOVER's CAMEO crosswalk (``CAMEO2PLOVER-2021.txt``) and apply the codebook overrides.

The crosswalk file, as Stancewire reads it::

    # comment
    03: AGREE                                   # a root heading: the category of a CAMEO root
    0311: AGREE,  ,   economic # Express intent to cooperate economically
    091: ACCUSE, investigate, crime; corruption # Investigate crime, corruption
    ~~~~~                                       # a line of '~' ends the table

A code line is ``CODE: CATEGORY, MODE, CONTEXT # description``: CODE two to four digits,
CATEGORY one of the 16 PLOVER categories, MODE and CONTEXT optional (blank), several contexts
separated by ``;``. A code given twice is an error; nothing may follow the end line.

:class:`Crosswalk` answers "what is CAMEO code C in PLOVER" (:meth:`Crosswalk.lookup`): the
longest prefix of C (C itself first) found in the override table or the crosswalk, the
override winning at equal length; 0233 falls back to 023, then 02. Overrides come from
``app/nlp/data/plover_overrides.yaml`` (where the PLOVER codebook wins over the crosswalk, each
with its reason): a row gives a category (with mode and contexts, or inheriting the
crosswalk's), or ``same_as`` another code prefix (02x appeals are coded as the matching 10x
requests), or ``event: none`` (01x public statements are no PLOVER event).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from app.nlp.dictionaries.errors import DictionaryError
from app.nlp.dictionaries.source import NO_QUIRKS, Quirk, read_lines, strip_comment
from app.nlp.taxonomy import EVENT_NAMES

_ROOT = re.compile(r"(?P<code>\d{2}):\s*(?P<category>[A-Z]+)")
_ROW = re.compile(r"(?P<code>\d{2,4}):\s*(?P<category>[A-Z]+)\s*,(?P<mode>[^,]*),(?P<context>[^,]*)")
_END = re.compile(r"~+")


@dataclass(frozen=True, slots=True)
class CrosswalkRow:
    """One line of the crosswalk (or a root heading, with no mode or context)."""

    code: str
    category: str
    mode: str | None
    contexts: tuple[str, ...]
    description: str
    line: int


@dataclass(frozen=True, slots=True)
class Override:
    """One row of ``plover_overrides.yaml``."""

    code: str
    category: str | None  # None with drop: no event
    mode: str | None
    contexts: tuple[str, ...] | None  # None: inherit the crosswalk's
    inherit_mode: bool
    same_as: str | None
    drop: bool
    reason: str


@dataclass(frozen=True, slots=True)
class PloverCoding:
    """The PLOVER reading of one CAMEO code."""

    cameo: str  # the code asked about
    matched: str  # the code of the row used (a prefix of ``cameo``, or its same_as target)
    category: str | None  # None: no PLOVER event (01x public statements)
    mode: str | None
    contexts: tuple[str, ...]
    description: str  # the crosswalk's CAMEO description of the matched row
    source: str  # "crosswalk" or "override"
    reason: str | None  # the override's reason, quoting the codebook


@dataclass(frozen=True, slots=True)
class Crosswalk:
    """The crosswalk rows and the overrides, with prefix lookups."""

    rows: dict[str, CrosswalkRow]
    overrides: dict[str, Override]

    def lookup(self, cameo: str) -> PloverCoding | None:
        """Return the PLOVER coding of ``cameo``, or None when no prefix of it is known."""
        for length in range(len(cameo), 1, -1):
            prefix = cameo[:length]
            override = self.overrides.get(prefix)
            if override is not None:
                return self._apply(cameo, prefix, override)
            row = self.rows.get(prefix)
            if row is not None:
                return PloverCoding(
                    cameo, prefix, row.category, row.mode, row.contexts, row.description, "crosswalk", None
                )
        return None

    def codes(self) -> list[str]:
        """Every CAMEO code the table answers for: its rows, overrides, and same_as expansions."""
        found = set(self.rows) | set(self.overrides)
        for override in self.overrides.values():
            if override.same_as is not None:
                found |= {
                    override.code + code[len(override.same_as) :]
                    for code in self.rows
                    if code.startswith(override.same_as)
                }
        return sorted(found)

    def unknown_codings(self, modes: Mapping[str, Sequence[str]]) -> list[str]:
        """Say which codes map to a category or mode missing from ``modes`` (category -> modes)."""
        problems: list[str] = []
        for code in self.codes():
            coding = self.lookup(code)
            if coding is None or coding.category is None:
                continue
            if coding.category not in modes:
                problems.append(f"CAMEO {code}: unknown PLOVER category {coding.category}")
            elif coding.mode is not None and coding.mode not in modes[coding.category]:
                problems.append(f"CAMEO {code}: mode {coding.mode!r} is not a {coding.category} mode in plover.yaml")
        return problems

    def _apply(self, cameo: str, prefix: str, override: Override) -> PloverCoding | None:
        if override.drop:
            return PloverCoding(cameo, prefix, None, None, (), "", "override", override.reason)
        if override.same_as is not None:
            target = self.lookup(override.same_as + cameo[len(prefix) :])
            if target is None:
                return None
            return PloverCoding(
                cameo,
                target.matched,
                target.category,
                target.mode,
                target.contexts,
                target.description,
                "override",
                override.reason,
            )
        row = self.rows.get(prefix)
        mode = (row.mode if row else None) if override.inherit_mode else override.mode
        contexts = override.contexts if override.contexts is not None else (row.contexts if row else ())
        description = row.description if row else ""
        return PloverCoding(cameo, prefix, override.category, mode, contexts, description, "override", override.reason)


def _blank(text: str) -> str | None:
    return text.strip() or None


def read_crosswalk(path: Path, quirks: Mapping[int, Quirk] = NO_QUIRKS) -> dict[str, CrosswalkRow]:
    """Read the crosswalk file into rows keyed by CAMEO code; DictionaryError on bad input."""
    rows: dict[str, CrosswalkRow] = {}
    ended = 0
    for line in read_lines(path, quirks):
        text = strip_comment(line.text).strip()
        description = line.text.partition("#")[2].strip()
        if not text:
            continue
        if ended:
            raise DictionaryError(path, line.number, f"text after the end of the table (line {ended})")
        if _END.fullmatch(text):
            ended = line.number
            continue
        row = _ROW.fullmatch(text)
        root = _ROOT.fullmatch(text) if row is None else None
        if row is None and root is None:
            raise DictionaryError(path, line.number, "a crosswalk line is 'CODE: CATEGORY, mode, context'")
        match = row if row is not None else root
        assert match is not None
        code, category = match["code"], match["category"]
        if category not in EVENT_NAMES:
            raise DictionaryError(path, line.number, f"{category} is not a PLOVER category")
        if code in rows:
            raise DictionaryError(path, line.number, f"CAMEO {code} is already mapped on line {rows[code].line}")
        mode = _blank(row["mode"]) if row is not None else None
        contexts = tuple(c.strip() for c in row["context"].split(";") if c.strip()) if row is not None else ()
        rows[code] = CrosswalkRow(code, category, mode, contexts, description, line.number)
    return rows


def load_overrides(raw: Mapping[str, Any]) -> dict[str, Override]:
    """Build the override table from the YAML mapping; ValueError names a bad row."""
    overrides: dict[str, Override] = {}
    for entry in raw["overrides"]:
        code = str(entry["cameo"])
        if code in overrides:
            raise ValueError(f"plover_overrides.yaml: CAMEO {code} listed twice")
        drop = entry.get("event", "keep") == "none"
        category = entry.get("category")
        if not drop and entry.get("same_as") is None and category not in EVENT_NAMES:
            raise ValueError(f"plover_overrides.yaml: CAMEO {code} needs a PLOVER category, same_as or event: none")
        contexts = entry.get("contexts")
        overrides[code] = Override(
            code=code,
            category=category,
            mode=entry.get("mode"),
            contexts=tuple(contexts) if contexts is not None else None,
            inherit_mode="mode" not in entry,
            same_as=entry.get("same_as"),
            drop=drop,
            reason=str(entry["reason"]),
        )
    return overrides


@cache
def override_table() -> dict[str, Override]:
    """Return the overrides shipped in ``app/nlp/data/plover_overrides.yaml`` (read once)."""
    text = resources.files("app.nlp").joinpath("data/plover_overrides.yaml").read_text("utf-8")
    return load_overrides(yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)))
