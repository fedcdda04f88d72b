"""Actors under construction: names found in the text, drafts, and how their codes are displayed."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from app.nlp.gazetteer import NameEntry, NameVia, Organization, Person
from app.nlp.taxonomy import ActorKind, participant_code
from app.nlp.types import ActorMention, MentionVia

# Dependencies through which a word modifies the noun phrase it belongs to.
MODIFIER_DEPS = frozenset({"amod", "compound", "poss", "nmod", "nummod"})
NOUNS = frozenset({"NOUN", "PROPN"})
# Codes an affiliation to an international or armed organisation lends a person or group.
PLURAL_TAGS = frozenset({"NNS", "NNPS"})
# A province or city names a place; where it stands in for its country, the mention reads as a name.
_MENTION_VIA: dict[NameVia, MentionVia] = {
    "name": "name",
    "demonym": "demonym",
    "capital": "capital",
    "seat": "seat",
    "acronym": "acronym",
    "province": "name",
    "city": "name",
}


@dataclass(slots=True)
class FoundName:
    """A gazetteer name found in the text, before the parse decides what it is."""

    start: int  # token offsets, end exclusive
    end: int
    entry: NameEntry
    char_start: int
    char_end: int
    used: bool = False


@dataclass(slots=True, eq=False)
class Draft:
    """An actor being assembled; mentions carry the draft key until ids are given."""

    key: Any  # a tuple while building; the actor id in update_salience
    name: str
    kind: ActorKind
    country: str | None = None
    sector: str | None = None
    title: str | None = None
    mentions: list[ActorMention] = field(default_factory=list)
    order: int = 0  # when the builder created it: equally near antecedents are tried in this order


# A mention an anaphor may refer back to: (its draft's order, when it was recorded, the mention, its draft).
Antecedent = tuple[int, int, ActorMention, Draft]


def mention_via(name: FoundName) -> MentionVia:
    """Map a gazetteer entry's naming onto a mention's ``via``."""
    return _MENTION_VIA[name.entry.via]


def person_code(organizations: Mapping[str, Organization], person: Person) -> str | None:
    """Return a known person's country, or the code of the organisation he belongs to."""
    if person.country:
        return str(person.country)
    if person.org:
        org = organizations[person.org]
        return participant_code(org.kind, org.country)
    return None


def person_key(name: str) -> tuple[str, str]:
    """Fold a person's mentions by surname: "Yasser Arafat" and "Arafat" are one actor."""
    return ("person", name.rsplit(maxsplit=1)[-1].lower())


def strip_det(text: str) -> str:
    """Drop a leading article from an actor's display name."""
    for article in ("the ", "The ", "a ", "A ", "an ", "An "):
        if text.startswith(article):
            return text[len(article) :]
    return text


def title_case(title: str | None) -> str | None:
    """Display a title capitalised as in "Ambassador", "Prime Minister"."""
    if title is None:
        return None
    small = {"of", "the", "for", "and", "to"}
    return " ".join(w[:1].upper() + w[1:] if w.islower() and w not in small else w for w in title.split())
