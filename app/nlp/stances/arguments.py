"""Syntactic arguments of a trigger word: objects, datives, complement clauses and their targets."""

from __future__ import annotations

from collections.abc import Container

from spacy.tokens import Token

from app.nlp import syntax
from app.nlp.lexicon import Cues

# Generic targets of an act in a complement clause ("threatened to ban X", "urged Y to halt attacks on X").
COMPLEMENT_TARGET_PREPS = ("against", "on", "upon", "with", "to", "into", "from", "in")


def direct_objects(verb: Token) -> list[Token]:
    dependents = list(verb.children)
    if syntax.is_passive(verb, dependents):
        found = [c for c in dependents if c.dep_ == "nsubjpass"]
        if not found and verb.dep_ == "acl":
            found = [verb.head]
        return found
    found = [c for c in dependents if c.dep_ == "dobj"]
    if not found:
        # "sealed off the West Bank": a particle parsed as a preposition takes the verb's object.
        found = [o for prt in syntax.children(verb, "prt") for o in syntax.children(prt, "pobj")]
    return found


def dative_objects(token: Token) -> list[Token]:
    found = []
    for child in syntax.children(token, "dative"):
        found.extend(syntax.children(child, "pobj") if child.pos_ == "ADP" else [child])
    return found


def complement_clauses(token: Token) -> list[Token]:
    deps = ("xcomp", "ccomp", "acl") if token.pos_ == "NOUN" else ("xcomp", "ccomp")
    found = syntax.children(token, *deps)
    # A purpose clause carries the act the trigger is for ("called on Arabs to unite against X").
    found.extend(c for c in syntax.children(token, "advcl") if any(a.lower_ == "to" for a in syntax.children(c, "aux")))
    for prep in syntax.children(token, "prep"):
        found.extend(syntax.children(prep, "pcomp"))
    if not found and token.pos_ == "NOUN":
        # "reiterated its demand today that Israel ease ...": the clause may hang from the verb.
        governor = syntax.light_governor(token)
        if governor is not None:
            found = syntax.children(governor, "ccomp")
    return found


def complement_targets(token: Token, causatives: Container[str] = ()) -> list[Token]:
    """Return who the act of a trigger's complement is aimed at ("threatened to ban X").

    ``causatives``: verbs whose own complement's subject is the one let or made to act ("refused to
    let inspectors visit": the inspectors).
    """
    found: list[Token] = []
    for clause in complement_clauses(token):
        found.extend(direct_objects(clause))
        if clause.lemma_.lower() in causatives:
            found.extend(s for c in syntax.children(clause, "ccomp", "xcomp") for s in syntax.children(c, "nsubj"))
        found.extend(dative_objects(clause))
        preps = syntax.prep_objects_by_word(clause)
        for word in COMPLEMENT_TARGET_PREPS:
            found.extend(preps.get(word, ()))
        found.extend(complement_targets(clause, causatives))
        for conjunct in syntax.children(clause, "conj"):
            found.extend(direct_objects(conjunct))
            preps = syntax.prep_objects_by_word(conjunct)
            for word in COMPLEMENT_TARGET_PREPS:
                found.extend(preps.get(word, ()))
    return found


def condition_subjects(token: Token, cues: Cues) -> list[Token]:
    """Return who a conditional threat is aimed at: the subject of its "if"/"unless" clause."""
    found: list[Token] = []
    for head in [token, *complement_clauses(token)]:
        for clause in syntax.children(head, "advcl"):
            marks = syntax.children(clause, "mark")
            subject = syntax.finite_subject(clause)
            if subject is not None and any(m.lower_ in cues.conditional_marks for m in marks):
                found.append(subject)
    return found
