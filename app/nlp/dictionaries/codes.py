"""CAMEO actor codes: split ``ARGGOVDEV`` into its country, sectors and the kind of actor.

A code is a run of three-letter parts. The first part, the head, is a country (ISO 3166-1
alpha-3, or one of the CAMEO codes that differ from ISO, mapped through
``app/nlp/data/cameo_actor_codes.yaml``), a political entity with no ISO code, a coder's
placeholder, a transnational type (IGO, NGO, MNC, IMG, ...), a region, a religion or a bare
sector (``ELI``). The parts after it are sectors and organisations (``GOV``, ``UNO``, ``KID``).
For NGO, NGM and MNC codes a country right after the head is the organisation's home country
(``NGOHUNCHR``: Hungary); after IGO or IMG it is not (``IGOUNOLKAHRI`` is the UN in Sri Lanka,
and ``IMGMUSALQ``'s ``MUS`` is Muslim, not Mauritius).

The kind a code implies (sectors.yaml's kinds): a transnational head decides (IGO: igo, NGO:
ngo, MNC: organization, IMG: armed_group); otherwise the first sector that implies a kind
(REB, INS, SEP, UAF: armed_group; BUS, PTY: organization; ELI: person); otherwise a country or
entity is a state, a religion or bare sector an organization, a region or placeholder other.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any, Literal

import yaml

HeadType = Literal["country", "entity", "placeholder", "transnational", "region", "religion", "sector"]

NULL_CODE = "---"
_CODE = re.compile(r"(?:[A-Z0-9]{3})+")
_HOME_COUNTRY_HEADS = frozenset({"NGO", "NGM", "MNC"})
_DEFAULT_KIND: dict[HeadType, str] = {
    "country": "state",
    "entity": "state",
    "placeholder": "other",
    "region": "other",
    "religion": "organization",
    "sector": "organization",
    "transnational": "other",
}


@dataclass(frozen=True, slots=True)
class ActorCode:
    """One parsed CAMEO actor code."""

    raw: str
    head: str
    head_type: HeadType
    country: str | None  # ISO 3166-1 alpha-3 (or former / user-assigned, see the table)
    parts: tuple[str, ...]  # the three-letter parts after the head
    kind: str


@dataclass(frozen=True)
class CodeTable:
    """The meaning of code parts, from ``cameo_actor_codes.yaml``."""

    iso: frozenset[str]
    cameo_countries: dict[str, str]
    entities: dict[str, str]
    placeholders: dict[str, str]
    regions: dict[str, str]
    transnational: dict[str, str]  # head -> kind
    religions: dict[str, str]
    sector_kinds: dict[str, str | None]
    _parsed: dict[str, ActorCode | None] = field(default_factory=dict, compare=False, repr=False)

    def country(self, part: str) -> str | None:
        """Return the ISO code a country part stands for, or None if it is not a country."""
        if part in self.iso:
            return part
        return self.cameo_countries.get(part)

    def head_type(self, head: str) -> HeadType | None:
        """Classify the head of a code (a country wins over a same-named region or sector)."""
        if self.country(head) is not None:
            return "country"
        tables: tuple[tuple[HeadType, Mapping[str, object]], ...] = (
            ("entity", self.entities),
            ("placeholder", self.placeholders),
            ("transnational", self.transnational),
            ("region", self.regions),
            ("religion", self.religions),
            ("sector", self.sector_kinds),
        )
        for name, table in tables:
            if head in table:
                return name
        return None

    def parse(self, raw: str) -> ActorCode | None:
        """Parse ``raw``; None for the null code ``---``; ValueError says what is wrong."""
        if raw in self._parsed:
            return self._parsed[raw]
        parsed = self._parse(raw)
        self._parsed[raw] = parsed
        return parsed

    def _parse(self, raw: str) -> ActorCode | None:
        if raw == NULL_CODE:
            return None
        if not _CODE.fullmatch(raw):
            raise ValueError(f"actor code {raw!r} is not a run of three-letter parts (A-Z, 0-9)")
        head, parts = raw[:3], tuple(raw[i : i + 3] for i in range(3, len(raw), 3))
        head_type = self.head_type(head)
        if head_type is None:
            raise ValueError(f"actor code {raw!r} starts with {head!r}, not a known country, region or type")
        country = self.country(head) if head_type == "country" else None
        if head in _HOME_COUNTRY_HEADS and parts:
            country = self.country(parts[0])
        return ActorCode(raw, head, head_type, country, parts, self._kind(head, head_type, parts))

    def _kind(self, head: str, head_type: HeadType, parts: tuple[str, ...]) -> str:
        if head_type == "transnational":
            return self.transnational[head]
        for part in (head, *parts) if head_type == "sector" else parts:  # a bare ELI is a person
            kind = self.sector_kinds.get(part)
            if kind is not None:
                return kind
        return _DEFAULT_KIND[head_type]


def _load_table(raw: dict[str, Any]) -> CodeTable:
    return CodeTable(
        iso=frozenset(raw["iso_alpha3"]),
        cameo_countries={code: entry["iso"] for code, entry in raw["cameo_countries"].items()},
        entities=dict(raw["entities"]),
        placeholders=dict(raw["placeholders"]),
        regions=dict(raw["regions"]),
        transnational={code: entry["kind"] for code, entry in raw["transnational"].items()},
        religions=dict(raw["religions"]),
        sector_kinds={code: entry.get("kind") for code, entry in raw["sectors"].items()},
    )


@cache
def code_table() -> CodeTable:
    """Return the code table shipped in ``app/nlp/data/cameo_actor_codes.yaml`` (read once)."""
    text = resources.files("app.nlp").joinpath("data/cameo_actor_codes.yaml").read_text("utf-8")
    return _load_table(yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)))
