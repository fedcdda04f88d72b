"""Fill a frame's roles (holder, target, content) with actors and text spans."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable

from spacy.tokens import Token

from app.nlp import syntax
from app.nlp.english import english
from app.nlp.lexicon import load_lexicon
from app.nlp.stances.arguments import (
    complement_clauses,
    complement_targets,
    condition_subjects,
    dative_objects,
    direct_objects,
)
from app.nlp.stances.candidates import NOUN_POS
from app.nlp.stances.context import Context
from app.nlp.stances.triggers import Match
from app.nlp.types import CharSpan


def _preps(match: Match, word: str) -> list[Token]:
    if match.preps is None:
        match.preps = _prep_index(match)
    return list(match.preps.get(word, ()))


def _prep_index(match: Match) -> dict[str, list[Token]]:
    token = match.anchor
    found = syntax.prep_objects_by_word(token)
    if match.entry.pos == "verb":
        # "imposed sanctions on X": the preposition may hang from the object instead, or from the
        # last of coordinated objects ("sent warplanes and warships around Taiwan").
        for obj in (o for direct in direct_objects(token) for o in syntax.coordinated(direct)):
            for word, objects in syntax.prep_objects_by_word(obj).items():
                found.setdefault(word, []).extend(objects)
    else:
        governor = syntax.light_governor(token)
        if governor is not None:
            for word, objects in syntax.prep_objects_by_word(governor).items():
                if not found.get(word):
                    found[word] = objects
    return found


# Prepositions by which a cooperative act names its partner or beneficiary ("talks with X", "aid to Y").
ACT_TARGET_PREPS = ("with", "to", "between", "for")


def _suffers(verb: Token) -> bool:
    """Tell whether a verb's subject undergoes what a noun in its phrase names (passive, or "die", "kill")."""
    return syntax.is_passive(verb) or verb.lemma_.lower() in load_lexicon().cues.harm_words


def role_tokens(match: Match, role: str) -> list[Token]:
    """Return the tokens filling ``role`` for a matched trigger."""
    token = match.anchor
    if role.startswith("prep:"):
        return _preps(match, role[5:])
    if role == "subj":
        found = syntax.agent(token)
        return [found] if found is not None else []
    if role == "obj":
        return direct_objects(token) if match.entry.pos == "verb" else syntax.prep_objects(token, {"of"})
    if role == "dative":
        return dative_objects(token)
    if role == "passive_subj":
        # "Indian forces were put on high alert": whose forces are moved or alerted acts, as their state.
        return syntax.children(token, "nsubjpass") if match.entry.pos == "verb" else []
    if role == "territory_obj":
        # "reinforced its border with Belarus": the stretch of territory names who is beyond it.
        nouns = load_lexicon().cues.territory_nouns
        return [o for o in direct_objects(token) if o.lemma_.lower() in nouns] if match.entry.pos == "verb" else []
    if role == "act_target":
        # "pulled out of the talks with Ukraine": whom the act that the trigger ends was with or for.
        acts = [t for t in match.extra if t.pos_ in NOUN_POS or t.dep_ in ("pobj", "dobj", "nsubjpass")][-1:]
        return [o for act in acts for word in ACT_TARGET_PREPS for o in syntax.prep_objects_by_word(act).get(word, ())]
    if role == "poss":
        return syntax.children(token, "poss")
    if role == "mod":
        return syntax.children(token, "amod", "compound", "nmod")
    if role == "by":
        return syntax.prep_objects(token, {"by", "from"})
    if role == "governor_subj":
        governor = syntax.light_governor(token, load_lexicon().cues.relay_nouns)
        if governor is None or _suffers(governor):
            return []  # "civilians died in a bombing", "were wounded in an attack": they suffered it
        found = syntax.agent(governor)
        return [found] if found is not None else []
    if role == "governor_victim":
        # "five civilians died in a suicide bombing": who suffered what the noun names.
        governor = syntax.light_governor(token, load_lexicon().cues.relay_nouns)
        return syntax.children(governor, "nsubj", "nsubjpass") if governor is not None and _suffers(governor) else []
    if role == "governor_obj":
        # "placed X under house arrest": the noun's act falls on the object of the verb it hangs from.
        governor = syntax.light_governor(token)
        return direct_objects(governor) if governor is not None and token.dep_ == "pobj" else []
    if role == "comp_subj":
        return [s for c in complement_clauses(token) if (s := syntax.finite_subject(c)) is not None]
    if role == "comp_target":
        return complement_targets(token, load_lexicon().cues.causatives)
    if role == "condition_subj":
        return condition_subjects(token, load_lexicon().cues)
    if role == "between":
        return _preps(match, "between")
    if role in ("xcomp", "ccomp", "acl"):
        return syntax.children(token, role)
    return []


def phrase_actors(token: Token, ctx: Context, exclude: set[str]) -> list[str]:
    """Return the actors a phrase names: at its head, else at the shallowest depth inside it.

    An actor without a country ("activists") brings along the nearest actor with one inside its
    phrase ("activists from the Fatah Party"): that affiliation is what the stance is coded by.
    """
    found: list[str] = []
    for conjunct in syntax.coordinated(token):
        for actor_id in _shallowest_actors(conjunct, ctx, exclude):
            if actor_id not in found:
                found.append(actor_id)
    return found


def _shallowest_actors(token: Token, ctx: Context, exclude: set[str]) -> list[str]:
    found: list[str] = []
    for depth, level in enumerate(syntax.phrase_levels(token)):
        level_found: list[str] = []
        for node in level:
            ids = ctx.actors.at(node) or _pronoun_actors(node, ctx, exclude)
            if not ids:
                continue
            # "the leaders of Argentina and Chile": a coordinated name inside the phrase counts too.
            ids = [*ids, *(i for c in _inner_conjuncts(node, depth, ids, ctx) for i in ctx.actors.at(c))]
            level_found.extend(i for i in ids if i not in exclude and i not in level_found and i not in found)
        found.extend(level_found)
        if any(i in ctx.actors.coded for i in found):
            break
    return found


def _inner_conjuncts(node: Token, depth: int, ids: list[str], ctx: Context) -> list[Token]:
    """Return the conjuncts of a name inside a phrase whose actor covers that name but not its conjuncts."""
    if depth:
        return list(node.conjuncts)
    found: list[Token] = []
    for prep in syntax.children(node, "prep"):
        for name in syntax.children(prep, "pobj"):
            if set(ctx.actors.by_token.get(name.i, ())) & set(ids):
                found.extend(c for c in name.conjuncts if not set(ctx.actors.at(c)) & set(ids))
    return found


def _pronoun_actors(token: Token, ctx: Context, exclude: set[str]) -> list[str]:
    """Resolve an unlinked personal pronoun to the nearest enclosing clause's agent ("Syria says it will")."""
    if token.pos_ != "PRON" or token.lower_ not in english().personal_pronouns:
        return []
    for governor in syntax.governors(token):
        if governor.pos_ not in ("VERB", "AUX"):
            continue
        subject = syntax.agent(governor)
        if subject is None or subject.i == token.i or subject.pos_ == "PRON":
            continue
        ids = [i for i in ctx.actors.at(subject) if i not in exclude]
        if ids:
            return ids
    return []


def counterparts(ctx: Context, holders: Iterable[str], exclude: set[str]) -> list[str]:
    """Return the other actors of the holders' own country named in the sentence, when that country is one.

    A domestic act with no stated recipient (a strike called off, a riot, a crackdown) is aimed at
    the holder's own state or people: CAMEO codes it to the counterpart of the same country that the
    sentence names ("Egyptian demonstrators rioted ... President Mubarak").
    """
    countries = {ctx.actors.country[h] for h in holders if h in ctx.actors.country}
    if len(countries) != 1:
        return []
    found: list[str] = []
    for token in ctx.tokens(ctx.actors.heads):
        if token.pos_ == "PRON":
            continue
        for actor_id in ctx.actors.by_head.get(token.i, []):
            if actor_id in found or ctx.actors.country.get(actor_id) not in countries:
                continue
            if actor_id not in exclude or (actor_id in holders and _locative(token, ctx)):
                # A state acting on what lies in its own territory ("outlawed a group in Northern Ireland").
                found.append(actor_id)
    return found


def _locative(token: Token, ctx: Context) -> bool:
    """True for a name in a place phrase ("in Northern Ireland") rather than an argument."""
    while token.dep_ == "conj" and token.head.i != token.i:
        token = token.head
    return token.dep_ == "pobj" and token.head.lower_ in ctx.cues.territory_preps


def resolve(match: Match, roles: Iterable[str], ctx: Context, exclude: set[str]) -> list[str]:
    """Return the actors of the first role that yields any."""
    for role in roles:
        if role == "counterpart":
            continue  # needs the holders and the speaker: see build_stance
        ids: list[str] = []
        for token in role_tokens(match, role):
            found = phrase_actors(token, ctx, exclude)
            if not found and role == "subj" and token.pos_ == "NOUN":
                # "issued a declaration demanding ...": the document speaks for whoever issued it.
                owner = syntax.noun_owner(token)
                found = phrase_actors(owner, ctx, exclude) if owner is not None else []
            ids.extend(i for i in found if i not in ids)
        if ids:
            return ids
    return []


def content_span(match: Match, ctx: Context) -> CharSpan | None:
    """Return the span of what is asked, agreed, rejected ... (the frame's first content role found)."""
    for role in match.entry.frame.content:
        tokens = role_tokens(match, role)
        if tokens:
            return phrase_span(tokens[0], ctx.candidates.phrase_breaks)
    return None


def phrase_span(token: Token, breaks: list[int]) -> CharSpan:
    """Return a phrase's span, with its preposition, without trailing appositions and punctuation.

    ``breaks``: the doc's appositions, parataxis and ",;:" (see Candidates), which the phrase stops before.
    """
    start = token.head if token.dep_ in ("pobj", "pcomp") else token.left_edge
    start = min(start, token.left_edge, key=lambda t: t.i)
    # The phrase's words after its head lie up to its right edge; the first break among them ends it.
    after = breaks[bisect_right(breaks, token.i) : bisect_right(breaks, token.right_edge.i)]
    cut = next((i for i in after if token.is_ancestor(token.doc[i])), None)
    last = token.doc[cut - 1] if cut is not None else token.right_edge
    while last.i > token.i and last.is_punct:
        last = token.doc[last.i - 1]
    return CharSpan(start=start.idx, end=last.idx + len(last.text))


def trigger_span(match: Match) -> CharSpan:
    """Return the character span of the trigger with the particle or object that made it match."""
    tokens = [match.token, *(t for t in match.extra if abs(t.i - match.token.i) <= 4)]
    first = min(tokens, key=lambda t: t.i)
    last = max(tokens, key=lambda t: t.i)
    return CharSpan(start=first.idx, end=last.idx + len(last.text))
