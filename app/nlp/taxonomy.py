"""The PLOVER event taxonomy, loaded from ``data/plover.yaml``."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Literal

import yaml

Quad = Literal["verbal_cooperation", "material_cooperation", "verbal_conflict", "material_conflict"]

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
        )
        for entry in raw["categories"]
    }
    if tuple(loaded) != EVENT_NAMES:
        raise ValueError(f"plover.yaml must list the 16 PLOVER categories in order, got {list(loaded)}")
    return loaded
