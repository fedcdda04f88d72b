"""Modality, clause depth, confidence and attribution of a matched trigger."""

from __future__ import annotations

from spacy.tokens import Token

from app.nlp import syntax
from app.nlp.lexicon import Cues
from app.nlp.modality import attribution, embedded_modality, is_negated, is_ultimatum, own_modality
from app.nlp.stances.context import Context
from app.nlp.stances.roles import phrase_actors
from app.nlp.stances.triggers import Match
from app.nlp.types import Modality

# Confidence: a sentence's main clause outranks embedded ones; verbs outrank nouns.
BASE_CONFIDENCE = 0.85
DEPTH_PENALTY = 0.15
NOUN_PENALTY = 0.1
TARGET_BONUS = 0.05
DERIVED_BONUS = 0.08
NO_HOLDER_PENALTY = 0.1  # an attack reported without its attacker is less surely the sentence's event
# A verb coded by a dictionary's default for the verb alone, with no pattern to confirm the sense.
DEFAULT_CODING_PENALTY = 0.45
MODALITY_PENALTY: dict[str, float] = {
    "asserted": 0.0,
    "intended": 0.1,
    "requested": 0.1,
    "alleged": 0.1,
    "hypothetical": 0.15,
    "negated": 0.2,
}


def modality_of(match: Match, ctx: Context) -> tuple[Modality, str | None]:
    """Return the trigger's modality and how it is framed: "ultimatum" ("will X unless Y"),
    "preparation" ("prepared to resume shelling"), "refusal" ("refused to meet", "will not meet") or None."""
    cues = ctx.cues
    clause = match.token if match.entry.pos == "verb" else syntax.light_governor(match.anchor)
    if match.entry.pos == "noun":
        if any(cues.embedders.get(c.lower_) == "alleged" for c in match.token.children):
            return "alleged", None
        if is_negated(match.anchor):
            return "negated", None  # "no agreement", "ended without a deal"
        if clause is None or ctx.embeds(clause) is not None or ctx.match(clause) is not None:
            # A noun names an act as a presupposed fact unless a light verb gives it a mood.
            return "asserted", None
    assert clause is not None
    own = own_modality(clause, cues)
    ultimatum = "ultimatum" if is_ultimatum(clause, cues) else None
    if own is not None:
        return own, "refusal" if own == "negated" and _announces_intent(clause, cues) else ultimatum
    inherited = embedded_modality(clause, cues, ctx.embeds)
    if inherited is None:
        return "asserted", ultimatum
    modality, governor = inherited
    if modality == "negated" and governor.lemma_.lower() in cues.refusals:
        return modality, "refusal"
    if ultimatum is None and is_ultimatum(governor, cues):
        ultimatum = "ultimatum"
    if ultimatum is None and governor.lemma_.lower() in cues.preparation:
        return modality, "preparation"
    return modality, ultimatum


def _announces_intent(clause: Token, cues: Cues) -> bool:
    """Tell whether a negated clause states an intent ("will not meet"), which refuses, not a plain fact."""
    return any(cues.modals.get(aux.lower_) == "intended" for aux in syntax.children(clause, "aux"))


def clause_depth(token: Token, cues: Cues) -> int:
    """Count the clauses between a trigger and its sentence's root, ignoring speech verbs."""
    depth = 0
    current = token
    for _ in range(syntax.MAX_CLIMB):
        if current.head.i == current.i:
            break
        parent = current.head
        counts = parent.pos_ in ("VERB", "AUX") and current.dep_ not in ("aux", "auxpass")
        if counts and parent.lemma_ not in cues.attribution_verbs:
            depth += 1
        current = parent
    return depth


def confidence(match: Match, ctx: Context, modality: str, has_target: bool, has_holder: bool = True) -> float:
    """Score how surely this is the sentence's main event (0..1): main clause, verb, target, fact."""
    depth = clause_depth(match.token, ctx.cues)
    if match.entry.pos == "noun" and syntax.light_governor(match.anchor) is not None:
        depth -= 1  # a noun object of a light verb is its clause's event ("held talks")
    score = BASE_CONFIDENCE - DEPTH_PENALTY * max(depth, 0)
    score -= NOUN_PENALTY if match.entry.pos == "noun" else 0.0
    score += TARGET_BONUS if has_target else 0.0
    score -= MODALITY_PENALTY[modality]
    score -= 0.0 if has_holder else NO_HOLDER_PENALTY
    score -= DEFAULT_CODING_PENALTY if match.default else 0.0
    return min(max(score, 0.05), 0.99)


def speaker_id(match: Match, ctx: Context, holders: list[str]) -> str | None:
    """Return the actor who reports the stance ("officials said", "according to"), if not the holder itself."""
    speaker = attribution(match.anchor, ctx.cues, ctx.according)
    if speaker is None:
        return None
    ids = [i for i in phrase_actors(speaker, ctx, set()) if i not in holders]
    return ids[0] if ids else None
