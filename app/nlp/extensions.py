"""Doc extensions shared by the Stancewire components."""

from __future__ import annotations

from spacy.tokens import Doc

# What the stages fill, and what the caller may set before they run: ``article_date`` (a
# ``datetime.date`` or None) is the day the article was written, which picks the role a named
# person held on that day (see app.nlp.actors.phoenix). ``event_scopes`` is the place and date
# stages' shared reading of which phrases each stance's event owns (app.nlp.attach).
_EXTENSIONS = ("actors", "actor_mentions", "places", "stances", "article_date", "event_scopes")


def register_extensions() -> None:
    """Register the Doc attributes the actor and stance stages use (idempotent)."""
    for name in _EXTENSIONS:
        if not Doc.has_extension(name):
            Doc.set_extension(name, default=None)
