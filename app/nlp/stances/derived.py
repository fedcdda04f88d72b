"""Stances implied by others: an intended act as a commitment or threat, an obligation as a request."""

from __future__ import annotations

from dataclasses import replace

from spacy.tokens import Token

from app.nlp import syntax
from app.nlp.lexicon import Cues
from app.nlp.stances.context import Context
from app.nlp.stances.roles import phrase_actors, phrase_span
from app.nlp.stances.scoring import (
    BASE_CONFIDENCE,
    DEPTH_PENALTY,
    DERIVED_BONUS,
    TARGET_BONUS,
    clause_depth,
)
from app.nlp.types import CharSpan, DocStance, Rule

# Categories whose intended performance is itself a commitment to cooperate (CAMEO 03) ...
COOPERATIVE = frozenset({"CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT"})
# ... or a threat (CAMEO 13).
CONFLICTUAL = frozenset({"SANCTION", "MOBILIZE", "COERCE", "ASSAULT", "PROTEST"})
# The REJECT mode of a refused cooperative act (PLOVER's REJECT modes: assist, change, yield, meet).
REFUSED_MODES = {
    "CONSULT": "meet",
    "SUPPORT": "assist",
    "COOPERATE": "assist",
    "AID": "assist",
    "CONCEDE": "yield",
    "RETREAT": "yield",
}
# Acts of armed force: preparing them is mobilizing.
MILITARY = frozenset({"ASSAULT", "MOBILIZE"})


def derived_stance(stance: DocStance, framing: str | None) -> DocStance | None:
    """Report an intended act as the commitment it expresses: AGREE to cooperate, or THREATEN to harm.

    A negated agreement ("will not accept", "failed to reach agreement") is itself a rejection, and so is
    a refusal of any cooperative act ("refused to meet", "failed to heed the demands", "will not release").
    """
    refused = stance.modality == "negated" and (
        stance.event == "AGREE" or (framing == "refusal" and stance.event in COOPERATIVE)
    )
    if refused:
        return replace(
            stance,
            event="REJECT",
            mode=REFUSED_MODES.get(stance.event),
            cameo=None,
            context=None,
            modality="asserted",
            confidence=min(stance.confidence + 0.2, 0.99),
            rule=_derived_rule("refusal", f"{stance.event} refused or negated -> REJECT", stance),
        )
    if stance.modality != "intended":
        return None
    if framing == "preparation" and stance.event in MILITARY:
        event = "MOBILIZE"  # readying an attack is a show of force (CAMEO 15), not yet a threat
    elif framing == "ultimatum" or stance.event in CONFLICTUAL:
        event = "THREATEN"
    elif stance.event in COOPERATIVE:
        event = "AGREE"
    else:
        return None
    mode = {"AGREE": _agree_mode(stance.event), "THREATEN": None, "MOBILIZE": "troops"}[event]
    reason = framing if framing in ("preparation", "ultimatum") else "intent"
    return replace(
        stance,
        event=event,
        mode=mode,
        cameo=None,
        context=None,
        confidence=min(stance.confidence + DERIVED_BONUS, 0.99),
        rule=_derived_rule(reason, f"{stance.modality} {stance.event} -> {event}", stance),
    )


def _derived_rule(name: str, change: str, base: DocStance) -> Rule:
    """Say which stance a derived one comes from and how ("intended CONSULT -> AGREE")."""
    basis = f", from {base.rule.ref}" if base.rule is not None else ""
    return Rule("derived", f"derived:{name}", f"{change} ({name}){basis}")


def _agree_mode(event: str) -> str | None:
    return {"CONSULT": "meet", "COOPERATE": "cooperate", "AID": "aid", "CONCEDE": "concede", "RETREAT": "retreat"}.get(
        event
    )


def deontic_requests(ctx: Context) -> list[DocStance]:
    """Find "A said B must C": a speech verb whose complement obliges someone is A REQUEST B."""
    found: list[DocStance] = []
    cues = ctx.cues
    for verb in ctx.tokens(ctx.candidates.speech_verbs):
        # Few complements carry a deontic modal: look for one before looking for the speaker.
        markers = [(clause, _deontic_marker(clause, cues)) for clause in syntax.children(verb, "ccomp")]
        obliging = [(clause, modal) for clause, modal in markers if modal is not None]
        speaker = syntax.finite_subject(verb) if obliging else None
        if speaker is None:
            continue
        for clause, modal in obliging:
            stance = _request_from(verb, speaker, clause, modal, ctx)
            if stance is not None:
                found.append(stance)
    return found


def _deontic_marker(clause: Token, cues: Cues) -> Token | None:
    """Return the word that obliges the clause's subject: a modal ("must"), or "has" of "has to"."""
    for aux in syntax.children(clause, "aux"):
        if aux.lower_ in cues.deontic_modals:
            return aux
    if clause.lemma_ in cues.deontic_verbs and any(_to_infinitive(x) for x in syntax.children(clause, "xcomp")):
        return clause
    return None


def _to_infinitive(clause: Token) -> bool:
    return any(aux.lower_ == "to" for aux in syntax.children(clause, "aux"))


def _request_from(verb: Token, speaker: Token, clause: Token, modal: Token, ctx: Context) -> DocStance | None:
    holders = phrase_actors(speaker, ctx, set())
    subject = syntax.finite_subject(clause)
    if not holders or subject is None:
        return None
    targets = phrase_actors(subject, ctx, set(holders))
    if not targets:
        return None
    return DocStance(
        holder=holders,
        target=targets,
        event="REQUEST",
        trigger=CharSpan(start=modal.idx, end=modal.idx + len(modal.text)),
        sentence=ctx.sentence_index,
        evidence=CharSpan(start=ctx.sentence.start_char, end=ctx.sentence.end_char),
        content=phrase_span(clause, ctx.candidates.phrase_breaks),
        confidence=BASE_CONFIDENCE - DEPTH_PENALTY * clause_depth(verb, ctx.cues) + TARGET_BONUS / 2,
        rule=Rule(
            "derived",
            "derived:obligation",
            f"'{verb.lemma_}' reports an obligation ('{modal.text}'): the speaker requests it of the subject",
        ),
    )
