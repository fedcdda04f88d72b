"""Turn matched triggers into stances, sentence by sentence."""

from __future__ import annotations

from spacy.tokens import Doc, Token

from app.nlp import syntax
from app.nlp.lexicon import Lexicon
from app.nlp.stances.agentless import agentless_attack, ran_into_means
from app.nlp.stances.arguments import complement_clauses
from app.nlp.stances.candidates import ActorIndex, Candidates, ImplicitState
from app.nlp.stances.context import Context, Memo
from app.nlp.stances.derived import CONFLICTUAL, deontic_requests, derived_stance
from app.nlp.stances.recipients import fallback_holders, fallback_recipients
from app.nlp.stances.relevance import Relevance
from app.nlp.stances.roles import content_span, counterparts, phrase_actors, resolve, role_tokens, trigger_span
from app.nlp.stances.scoring import DERIVED_BONUS, confidence, modality_of, speaker_id
from app.nlp.stances.topic import RelevanceData
from app.nlp.stances.triggers import Match
from app.nlp.types import Stance, TextSpan


def build_stance(match: Match, ctx: Context) -> tuple[Stance, str | None] | None:
    """Turn a matched trigger into a stance and its intent framing, or None when the text names no holder."""
    frame = match.entry.frame
    if ran_into_means(match, ctx) or _promises_harm(match, ctx):
        return None
    holders = resolve(match, frame.holder, ctx, set()) or fallback_holders(match, ctx)
    if not holders and not agentless_attack(match, ctx):
        return None
    targets = resolve(match, frame.target, ctx, set(holders))
    if not targets and match.entry.pos == "verb":
        targets = _shared_targets(match, ctx, set(holders))
    speaker = speaker_id(match, ctx, holders)
    if not targets and "counterpart" in frame.target:
        targets = counterparts(ctx, holders, {*holders, *([speaker] if speaker else [])})
    if not targets:
        targets = fallback_recipients(match, ctx, holders)
    if not holders and not any(t in ctx.actors.coded or t in ctx.actors.implicit_ids for t in targets):
        return None  # an attack on no one the text codes tells nothing
    modality, framing = modality_of(match, ctx)
    stance = Stance(
        holder=holders,
        target=targets,
        event=match.entry.event,
        trigger=trigger_span(match),
        sentence=ctx.sentence_index,
        evidence=TextSpan(start=ctx.sentence.start_char, end=ctx.sentence.end_char),
        mode=match.entry.mode,
        cameo=match.entry.cameo,
        modality=modality,
        content=content_span(match, ctx),
        attributed_to=speaker,
        confidence=confidence(match, ctx, modality, bool(targets), bool(holders)),
        rule=match.entry.rule,
    )
    return stance, framing


def _promises_harm(match: Match, ctx: Context) -> bool:
    """Tell whether a commitment ("vowed", "pledged") is to a hostile act: that is a threat, derived from
    the act itself ("vowed to retaliate", "pledged to crush the rebels"), and no agreement."""
    if match.entry.frame.name != "promise" or match.entry.pos != "verb":
        return False  # an agreement to a hostile act ("agreed to impose sanctions") is still an agreement
    acts = (ctx.match(clause) for clause in complement_clauses(match.token))
    return any(act is not None and act.entry.event in CONFLICTUAL for act in acts)


def _shared_targets(match: Match, ctx: Context, exclude: set[str]) -> list[str]:
    """Find targets through a coordinated verb sharing its object ("donated and delivered goods to X")."""
    for conjunct in match.token.conjuncts:
        if conjunct.pos_ != "VERB":
            continue
        sibling = Match(token=conjunct, entry=match.entry, anchor=conjunct)
        found = resolve(sibling, match.entry.frame.target, ctx, exclude)
        if found:
            return found
    return []


# Cooperative acts that a sanction can end or reduce (CAMEO 16x): ending them never performs them.
REDUCIBLE = frozenset({"CONSULT", "AID", "COOPERATE", "SUPPORT", "AGREE"})


def _suppressed(match: Match, ctx: Context) -> bool:
    """Tell whether a noun trigger is only the content of a verb trigger ("lifted a curfew")."""
    if match.entry.pos != "noun":
        return False
    governor = syntax.light_governor(match.anchor)
    outer = ctx.match(governor) if governor is not None else None
    if outer is None or not _argument_of(match.anchor, outer):
        return False
    if outer.entry.event == "SANCTION" and match.entry.event in REDUCIBLE and match.token in outer.extra:
        return True  # "halted its mediation", "suspended cooperation": the act was ended, not performed
    if _from_dictionary(outer) and outer.entry.event == match.entry.event:
        return False  # the noun's frame knows its arguments ("opened an investigation into X")
    own = ("poss", "by", "mod", "between")
    return not any(phrase_actors(t, ctx, set()) for role in own for t in role_tokens(match, role))


def _from_dictionary(match: Match) -> bool:
    return match.entry.rule is not None and match.entry.rule.source == "dictionary"


def _argument_of(noun: Token, outer: Match) -> bool:
    """Tell whether a noun is an argument the governing trigger's frame reads, not a circumstance ("during X")."""
    top = noun
    while top.dep_ in ("compound", "conj", "appos", "nmod", "amod") and top.head.i != top.i:
        top = top.head
    if top.dep_ != "pobj":
        return True
    frame = outer.entry.frame
    return f"prep:{top.head.lower_}" in (*frame.target, *frame.content)


def sentence_stances(ctx: Context) -> list[Stance]:
    """Return the stances of one sentence, best first, one per (event, holder, target)."""
    found: list[Stance] = []
    for token in ctx.tokens(ctx.candidates.triggers):
        match = ctx.match(token)
        if match is None or _suppressed(match, ctx):
            continue
        built = build_stance(match, ctx)
        if built is None:
            continue
        stance, framing = built
        found.append(stance)
        derived = derived_stance(stance, framing)
        if derived is not None and derived.event == "THREATEN" and not derived.target:
            # "will strike back if India attacks": a threat is aimed at whoever must meet its condition.
            derived.target = resolve(match, ("condition_subj",), ctx, set(derived.holder))
        if derived is not None:
            stance.confidence = max(stance.confidence - DERIVED_BONUS, 0.05)
            found.append(derived)
    found.extend(deontic_requests(ctx))
    return _deduplicate(found)


def _deduplicate(stances: list[Stance]) -> list[Stance]:
    """Keep one stance per (event, holder, target), and drop one without a target that another with one covers."""
    best: dict[tuple[str, tuple[str, ...], tuple[str, ...]], Stance] = {}
    for stance in stances:
        key = (stance.event, tuple(sorted(stance.holder)), tuple(sorted(stance.target)))
        if key not in best or stance.confidence > best[key].confidence:
            best[key] = stance
    targeted = {(event, holder) for event, holder, target in best if target}
    kept = [s for (event, holder, target), s in best.items() if target or (event, holder) not in targeted]
    return sorted(kept, key=lambda s: -s.confidence)


def extract_stances(
    doc: Doc, lexicon: Lexicon, relevance_data: RelevanceData
) -> tuple[list[Stance], dict[str, ImplicitState]]:
    """Return every stance in ``doc``, sentence by sentence, and the states they add as recipients."""
    actors = ActorIndex.build(doc._.actors or [], doc._.actor_mentions or [], doc._.places or [])
    candidates = Candidates.find(doc, lexicon)
    memo = Memo()
    relevance = Relevance.build(doc, relevance_data)
    stances: list[Stance] = []
    for index, sentence in enumerate(doc.sents):
        ctx = Context(
            doc=doc,
            sentence=sentence,
            sentence_index=index,
            actors=actors,
            lexicon=lexicon,
            candidates=candidates,
            memo=memo,
        )
        stances.extend(relevance.weigh(sentence_stances(ctx), ctx))
    return stances, actors.implicit
