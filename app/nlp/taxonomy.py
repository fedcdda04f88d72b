"""The codes Stancewire reports, in one place: PLOVER events and quads, actor kinds, participant codes.

The categories and their CAMEO roots, quads, scores and modes are data (``data/plover.yaml``), and
the actor kinds and sectors too (``data/sectors.yaml``); the typed names below mirror them for the
code and the contract, and ``categories()``/``actor_kinds()`` refuse data that disagrees.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Literal, get_args

import yaml

Quad = Literal["verbal_cooperation", "material_cooperation", "verbal_conflict", "material_conflict"]
QUADS: tuple[Quad, ...] = get_args(Quad)
ActorKind = Literal["state", "igo", "ngo", "organization", "person", "group", "armed_group", "other"]
ACTOR_KINDS: tuple[ActorKind, ...] = get_args(ActorKind)

# Codes an actor may carry in ``country`` that name no country (CAMEO's pseudo-codes, as the PLOVER
# coders use them): members of an international governmental or non-governmental organisation, and
# armed groups without a state.
IGO, NGO, IMG = "IGO", "NGO", "IMG"
NON_STATE_CODES = frozenset({IGO, NGO, IMG})
# The code an international organisation's kind gives its actor and its members.
KIND_CODES: dict[str, str] = {"igo": IGO, "ngo": NGO}

EVENT_NAMES = (
    "AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT", "REQUEST",
    "ACCUSE", "REJECT", "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class EventCategory:
    """One PLOVER category with its CAMEO roots, quad class and score."""

    name: str
    definition: str
    cameo: tuple[str, ...]
    quad: Quad
    score: float
    modes: tuple[str, ...]
    # Where a stance without a stated recipient finds one: "place" (the state where it happened),
    # "own" (the holder's own state, for domestic acts). Tried in order.
    recipient_fallback: tuple[str, ...] = ()
    # Whether an act the text reports without an actor ("a roadside bomb killed two soldiers") is coded.
    agentless: bool = False
    # Where an act the text tells without a coded actor finds one: "place" (the people of the state
    # where it happened: "thousands rallied in Ulaanbaatar").
    holder_fallback: tuple[str, ...] = ()


@cache
def categories() -> dict[str, EventCategory]:
    """Return the 16 PLOVER categories keyed by name, in PLOVER order."""
    raw = yaml.safe_load(resources.files("app.nlp").joinpath("data/plover.yaml").read_text("utf-8"))
    loaded = {
        entry["name"]: EventCategory(
            name=entry["name"],
            definition=entry["definition"],
            cameo=tuple(entry["cameo"]),
            quad=entry["quad"],
            score=float(entry["score"]),
            modes=tuple(entry["modes"]),
            recipient_fallback=tuple(entry.get("recipient_fallback", ())),
            agentless=bool(entry.get("agentless", False)),
            holder_fallback=tuple(entry.get("holder_fallback", ())),
        )
        for entry in raw["categories"]
    }
    if tuple(loaded) != EVENT_NAMES:
        raise ValueError(f"plover.yaml must list the 16 PLOVER categories in order, got {list(loaded)}")
    unknown = sorted({c.quad for c in loaded.values()} - set(QUADS))
    if unknown:
        raise ValueError(f"plover.yaml names quads that are not PLOVER's: {unknown}")
    return loaded


def participant_code(kind: str, country: str | None) -> str | None:
    """Return the code a participant is scored and aggregated by: IGO/NGO by kind, else its country
    (or IMG for an armed group without one)."""
    if kind in KIND_CODES:
        return KIND_CODES[kind]
    if country:
        return country
    return IMG if kind == "armed_group" else None


@cache
def actor_kinds() -> dict[str, str]:
    """Return the actor kinds with their descriptions (``data/sectors.yaml``), in the contract's order."""
    raw = yaml.safe_load(resources.files("app.nlp").joinpath("data/sectors.yaml").read_text("utf-8"))
    kinds: dict[str, str] = raw["kinds"]
    if tuple(kinds) != ACTOR_KINDS:
        raise ValueError(f"sectors.yaml must list the actor kinds {list(ACTOR_KINDS)}, got {list(kinds)}")
    return kinds
