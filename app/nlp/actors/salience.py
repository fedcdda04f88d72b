"""Rank actors by salience, give them ids, and look actors up by token."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from spacy.tokens import Doc

from app.nlp.actors.records import Draft
from app.nlp.types import ActorMention, DocActor

# Weights of the salience score: how often, how early, and how central to the stances an actor is.
_W_MENTIONS, _W_POSITION, _W_STANCES = 0.5, 0.2, 0.3
_PRONOUN_WEIGHT = 0.5


def _salience(drafts: Sequence[Draft], doc: Doc, roles: dict[Any, int]) -> dict[Any, float]:
    """Score each actor in 0..1 from its mentions, how early it appears, and its share of stance roles."""
    weights = {d.key: sum(_PRONOUN_WEIGHT if m.via == "pronoun" else 1.0 for m in d.mentions) for d in drafts}
    most = max(weights.values(), default=1.0) or 1.0
    most_roles = max(roles.values(), default=0) or 1
    length = max(len(doc), 1)
    scores = {}
    for draft in drafts:
        first = min((m.token_start for m in draft.mentions), default=length)  # an implied state has no mention
        score = _W_MENTIONS * weights[draft.key] / most + _W_POSITION * (1 - first / length)
        score += _W_STANCES * roles.get(draft.key, 0) / most_roles
        scores[draft.key] = round(min(1.0, score), 4)
    return scores


def finalise(drafts: Sequence[Draft], doc: Doc) -> tuple[list[DocActor], list[ActorMention]]:
    """Turn drafts into actors sorted by salience, with ids a1, a2, …"""
    scores = _salience(drafts, doc, {})
    ordered = sorted(drafts, key=lambda d: (-scores[d.key], min(m.start for m in d.mentions)))
    actors: list[DocActor] = []
    mentions: list[ActorMention] = []
    for n, draft in enumerate(ordered, start=1):
        actor_id = f"a{n}"
        for mention in draft.mentions:
            mention.actor_id = actor_id
        draft.mentions.sort(key=lambda m: (m.start, m.end))
        actors.append(
            DocActor(
                id=actor_id,
                name=draft.name,
                kind=draft.kind,
                country=draft.country,
                sector=draft.sector,
                title=draft.title,
                mentions=draft.mentions,
                salience=scores[draft.key],
            )
        )
        mentions.extend(draft.mentions)
    mentions.sort(key=lambda m: (m.start, m.end, m.actor_id))
    return actors, mentions


def update_salience(doc: Doc) -> None:
    """Re-score salience with the actors' roles in ``doc._.stances``, re-sort, and renumber ids everywhere."""
    actors: list[DocActor] = doc._.actors or []
    if not actors:
        return
    roles: dict[Any, int] = {}
    for stance in doc._.stances or []:
        for actor_id in {*stance.holder, *stance.target}:
            roles[actor_id] = roles.get(actor_id, 0) + 1
    drafts = [
        Draft(
            key=a.id, name=a.name, kind=a.kind, country=a.country, sector=a.sector, title=a.title, mentions=a.mentions
        )
        for a in actors
    ]
    scores = _salience(drafts, doc, roles)
    ordered = sorted(actors, key=lambda a: (-scores[a.id], min((m.start for m in a.mentions), default=0)))
    renumber = {actor.id: f"a{n}" for n, actor in enumerate(ordered, start=1)}
    for actor in ordered:
        actor.salience = scores[actor.id]
        actor.id = renumber[actor.id]
        for mention in actor.mentions:
            mention.actor_id = actor.id
    for stance in doc._.stances or []:
        stance.holder = [renumber.get(a, a) for a in stance.holder]
        stance.target = [renumber.get(a, a) for a in stance.target]
        if stance.attributed_to in renumber:
            stance.attributed_to = renumber[stance.attributed_to]
    doc._.actors = ordered
    if doc._.actor_mentions:
        doc._.actor_mentions.sort(key=lambda m: (m.start, m.end, m.actor_id))


def actors_for_token(doc: Doc, token_i: int) -> list[str]:
    """Return the ids of the actors a token stands for: mentions headed by it, else the tightest mention over it."""
    mentions: list[ActorMention] = doc._.actor_mentions or []
    headed = [m.actor_id for m in mentions if m.head_i == token_i]
    if headed:
        return list(dict.fromkeys(headed))
    covering = [m for m in mentions if m.token_start <= token_i < m.token_end]
    if not covering:
        return []
    tightest = min(m.token_end - m.token_start for m in covering)
    return list(dict.fromkeys(m.actor_id for m in covering if m.token_end - m.token_start == tightest))
