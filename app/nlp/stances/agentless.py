"""Attacks the text reports without an attacker ("a roadside bomb killed two soldiers").

PLOVER codes them with no actor and their recipient. A verb that may tell of an accident ("killed",
"wounded", "hit") counts only when the clause names a means of attack (a bomb, a mine, a missile);
a verb that names an attack by itself ("shot dead", "ambushed") needs none. Which categories may go
without a holder is data (``agentless`` in ``data/plover.yaml``), and so are both word lists (``modality.yaml``).
"""

from __future__ import annotations

from spacy.tokens import Token

from app.nlp import syntax
from app.nlp.stances.context import Context
from app.nlp.stances.triggers import Match
from app.nlp.taxonomy import categories


def agentless_attack(match: Match, ctx: Context) -> bool:
    """Tell whether a trigger with no holder still reports an attack that should be coded."""
    if not categories()[match.entry.event].agentless:
        return False
    cues = ctx.cues
    if match.token.lemma_.lower() not in cues.harm_words:
        return True
    clause = match.token if match.entry.pos == "verb" else (syntax.light_governor(match.anchor) or match.anchor)
    return any(_is_means(t, ctx) for t in clause.subtree)


def ran_into_means(match: Match, ctx: Context) -> bool:
    """Tell whether the trigger tells of running into a device ("their vehicle hit a landmine").

    Then its subject is the device's victim, not an attacker.
    """
    cues = ctx.cues
    if match.entry.pos != "verb" or match.token.lemma_.lower() not in cues.contact_words:
        return False
    return any(obj.lemma_.lower() in cues.planted_devices for obj in syntax.children(match.token, "dobj"))


def _is_means(token: Token, ctx: Context) -> bool:
    return token.pos_ in ("NOUN", "PROPN") and token.lemma_.lower() in ctx.cues.attack_means
