"""Recipients a stance's frame did not find: the state where the act took place, or the holder's own state.

PLOVER codes an act with no stated recipient by where it happened ("landed in Nairobi for a state visit",
"opened a consulate in Lima": the state of that place) and a domestic act by the holder's own country
("Greek rail workers went on strike": GRC -> GRC). Which categories take which fallback is data
(``recipient_fallback`` in ``data/plover.yaml``); the place must lie in the trigger's own clause.
"""

from __future__ import annotations

from functools import cache

from spacy.tokens import Token

from app.nlp import syntax
from app.nlp.english import english
from app.nlp.gazetteer import load_data
from app.nlp.stances.context import Context
from app.nlp.stances.roles import role_tokens
from app.nlp.stances.triggers import Match
from app.nlp.taxonomy import categories

# Prepositions that put an act somewhere ("in Kyiv", "at a checkpoint near Quetta", "into Gaza").
# Roles in which the place is what the act is done to ("shelled Kharkiv", "Kharkiv was shelled"): a
# city the actor stage keeps as a place (app.nlp.actors.phoenix) still gives the act its state.
PLACE_OBJECTS = frozenset({"dobj", "nsubjpass"})


def fallback_recipients(match: Match, ctx: Context, holders: list[str]) -> list[str]:
    """Return the recipients the category's fallbacks give, in the order the taxonomy lists them."""
    for fallback in categories()[match.entry.event].recipient_fallback:
        found = place_state(match, ctx) if fallback == "place" else own_state(ctx, holders)
        if found:
            return found
    return []


def place_state(match: Match, ctx: Context) -> list[str]:
    """Return the state of a place named in a locative phrase of the trigger's own clause, or in a
    slot its frame gives the recipient ("withdrew from Kherson", "abandoned the town of Kidal")."""
    places = ctx.actors.places.get(ctx.sentence_index, ())
    if not places:
        return []  # most sentences: no need to read the frame's slots or the clause
    clause = _clause_of(match)
    slots = {
        t.i
        for role in match.entry.frame.target
        if role == "obj" or role.startswith("prep:")
        for t in role_tokens(match, role)
    }
    for place in places:
        if _in_slot(ctx.doc[place.head_i], slots):
            return [ctx.actors.state_of(place.country, place)]
    for place in places:
        token = ctx.doc[place.head_i]
        if _locative(token) and syntax.clause_head(token).i == clause.i:
            return [ctx.actors.state_of(place.country, place)]
    return []


@cache
def _place_nouns() -> frozenset[str]:
    """Nouns a place name is "the X of" ("the town of Dori")."""
    return frozenset(load_data()["place_nouns"]) | english().area_nouns


def _in_slot(token: Token, slots: set[int]) -> bool:
    """Tell whether a place name fills one of the slots, itself or as "the town of X"."""
    while token.dep_ in ("conj", "compound", "appos") and token.head.i != token.i:
        token = token.head
    if token.dep_ == "pobj" and token.head.lower_ == "of" and token.head.head.lemma_.lower() in _place_nouns():
        token = token.head.head
    return token.i in slots


def fallback_holders(match: Match, ctx: Context) -> list[str]:
    """Return the holders the category's fallbacks give an act told without a coded actor.

    ``place``: the people of the state where the act happened, by a place in the act's clause or a
    state named in one of its locative phrases ("demonstrations spread to towns across Togo").
    """
    if "place" not in categories()[match.entry.event].holder_fallback:
        return []
    found = place_state(match, ctx)
    if found:
        return found
    clause = _clause_of(match)
    states = set(ctx.actors.states.values())
    for token in clause.subtree:
        for actor_id in ctx.actors.by_head.get(token.i, ()):
            if actor_id in states and _in_place_phrase(token):
                return [actor_id]
    return []


def own_state(ctx: Context, holders: list[str]) -> list[str]:
    """Return the state of the one country the holders belong to (a domestic act's recipient)."""
    countries = {ctx.actors.country[h] for h in holders if h in ctx.actors.country}
    return [ctx.actors.state_of(countries.pop())] if len(countries) == 1 else []


def _clause_of(match: Match) -> Token:
    """Return the verb heading the clause the trigger's act is told in (a noun's light verb, if any)."""
    token = match.token if match.entry.pos == "verb" else (syntax.light_governor(match.anchor) or match.anchor)
    return syntax.clause_head(token)


def _in_place_phrase(token: Token) -> bool:
    """Tell whether a name sits in a locative phrase, directly or inside another ("in Tbilisi's main avenue")."""
    while token.dep_ in ("conj", "compound", "appos", "poss") and token.head.i != token.i:
        token = token.head
    return token.dep_ == "pobj" and token.head.lower_ in english().recipient_place_preps


def _locative(token: Token) -> bool:
    """Tell whether a place name sits in a locative phrase, directly or inside another ("a market in Jos"),
    or is the object of the act itself ("shelled Kharkiv")."""
    while token.dep_ in ("conj", "compound", "appos", "poss") and token.head.i != token.i:
        token = token.head
    return (
        token.dep_ == "pobj" and token.head.lower_ in english().recipient_place_preps
    ) or token.dep_ in PLACE_OBJECTS
