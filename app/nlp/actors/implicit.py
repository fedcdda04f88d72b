"""Add the states that the stance stage named as recipients but the actor stage did not list."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

from spacy.tokens import Doc

from app.nlp.gazetteer import load_data
from app.nlp.types import ActorMention, DocActor, MentionVia, PlaceMention


class StateRequest(Protocol):
    """A state the stance stage refers to by a provisional id (see ``app.nlp.stances.candidates``)."""

    id: str
    country: str
    places: list[PlaceMention]


def add_states(doc: Doc, requests: Iterable[StateRequest]) -> None:
    """Append a state actor for each request, mentioned where the text names it as a place (if it does).

    A state implied by a domestic act ("Greek rail workers went on strike") has no mention: the text
    names its people, not the state.
    """
    countries = load_data()["countries"]
    actors: list[DocActor] = doc._.actors if doc._.actors is not None else []
    mentions: list[ActorMention] = doc._.actor_mentions if doc._.actor_mentions is not None else []
    for request in requests:
        named = [
            ActorMention(request.id, p.start, p.end, p.token_start, p.token_end, p.head_i, p.sentence, _via(p))
            for p in request.places
        ]
        country = countries.get(request.country)
        name = country["name"] if country else request.country
        actors.append(DocActor(id=request.id, name=name, kind="state", country=request.country, mentions=named))
        mentions.extend(named)
    doc._.actors, doc._.actor_mentions = actors, mentions


def _via(place: PlaceMention) -> MentionVia:
    return "capital" if place.via == "capital" else "seat" if place.via == "seat" else "name"
