"""Doc extensions shared by the Stancewire components."""

from __future__ import annotations

from spacy.tokens import Doc


def register_extensions() -> None:
    """Register the Doc attributes the actor and stance stages fill (idempotent)."""
    for name in ("actors", "actor_mentions", "places", "stances"):
        if not Doc.has_extension(name):
            Doc.set_extension(name, default=None)
