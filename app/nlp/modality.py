"""Decide whether a trigger reports a fact, and who the sentence attributes it to."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from spacy.tokens import Span, Token

from app.nlp.lexicon import Cues
from app.nlp.syntax import MAX_CLIMB, children, finite_subject
from app.nlp.types import Modality

# Returns the modality a trigger-word governor imposes on its complement ("urge" -> requested), if any.
EmbedLookup = Callable[[Token], Modality | None]
# How far from the sentence's root a clause may hang and still count as the root's own statement.
_CLAUSE_LINKS = frozenset({"xcomp", "ccomp", "advcl", "pcomp", "acl", "relcl", "conj", "acomp", "prep", "pobj", "dobj"})


def is_negated(token: Token) -> bool:
    """Tell whether a clause or noun carries its own negation ("did not agree", "no withdrawal", "without a deal")."""
    if token.dep_ == "pobj" and token.head.lower_ == "without":
        return True
    return any(
        child.dep_ == "neg"
        or (child.dep_ == "det" and child.lower_ == "no")
        # "would no longer prosecute", "not any more": the negation hangs from the adverb.
        or (
            child.dep_ == "advmod"
            and child.lower_ in ("longer", "more")
            and any(g.dep_ == "neg" for g in child.children)
        )
        for child in token.children
    )


def in_reported_speech(token: Token, cues: Cues) -> bool:
    """Tell whether ``token``'s clause is the complement of a speech verb ("they said they would ...")."""
    current = token
    for _ in range(MAX_CLIMB):
        if current.head.i == current.i:
            return False
        if current.dep_ in ("ccomp", "parataxis") and current.head.lemma_ in cues.attribution_verbs:
            return True
        current = current.head
    return False


def own_modality(verb: Token, cues: Cues) -> Modality | None:
    """Return the modality a clause marks on itself: negation, modal auxiliaries, "if"."""
    if is_negated(verb):
        return "negated"
    return _marked_modality(verb, cues)


def _marked_modality(verb: Token, cues: Cues) -> Modality | None:
    """Return the modality a clause marks with modal auxiliaries or "if" (``own_modality`` without negation)."""
    for aux in children(verb, "aux", "auxpass"):
        modality = cues.modals.get(aux.lower_)
        if aux.lower_ in cues.reported_intended and in_reported_speech(verb, cues):
            return "intended"
        if modality is not None:
            return modality
    if verb.dep_ == "advcl" and any(mark.lower_ in cues.conditional_marks for mark in children(verb, "mark")):
        return "hypothetical"
    return None


def is_ultimatum(verb: Token, cues: Cues) -> bool:
    """Tell whether an intended act is made conditional on the other side ("will X unless Y")."""
    for child in verb.children:
        if child.dep_ == "advcl" and any(mark.lower_ in cues.ultimatum_marks for mark in children(child, "mark")):
            return True
        if child.dep_ == "prep" and child.lower_ in cues.ultimatum_marks:
            return True
    return False


def embedded_modality(token: Token, cues: Cues, embeds: EmbedLookup) -> tuple[Modality, Token] | None:
    """Return the modality imposed by the nearest governing clause, and the token imposing it."""
    current = token
    for _ in range(MAX_CLIMB):
        if current.head.i == current.i or current.dep_ not in _CLAUSE_LINKS:
            return None
        link = current.dep_
        governor = current.head
        current = governor
        if governor.pos_ == "ADP":
            continue
        negated = is_negated(governor)
        if negated and link != "conj":
            return "negated", governor  # "has not signaled withdrawing": nothing below it happened
        imposed = embeds(governor)
        if imposed is not None:
            return imposed, governor
        if governor.lemma_ in cues.embedders and (
            governor.lemma_ not in cues.progressive_only or governor.tag_ == "VBG"
        ):
            return cues.embedders[governor.lemma_], governor
        if governor.lemma_ in cues.attribution_verbs:
            return None
        # A coordinated clause shares its head's auxiliaries but not its negation.
        modality = None if negated else _marked_modality(governor, cues)
        if modality is not None:
            return modality, governor
    return None


def attribution(token: Token, cues: Cues, according: Token | None) -> Token | None:
    """Return the speaker a trigger is reported by: "X said", "X told reporters", else ``according``.

    ``according`` is the sentence's "according to X" (see ``according_to``), the same for all its triggers.
    """
    current = token
    for _ in range(MAX_CLIMB):
        if current.head.i == current.i:
            break
        if current.head.lemma_ in cues.attribution_verbs and current.dep_ in ("ccomp", "parataxis", "conj", "advcl"):
            speaker = finite_subject(current.head)
            if speaker is not None:
                return speaker
        current = current.head
    root = current
    if root.lemma_ in cues.attribution_verbs and token.i != root.i:
        speaker = finite_subject(root)
        if speaker is not None and not speaker.left_edge.i <= token.i <= speaker.right_edge.i:
            return speaker
    return according


def according_to(sentence: Span, cues: Cues, starts: Iterable[Token] | None = None) -> Token | None:
    """Return the object of "according to" in the sentence, if any.

    ``starts`` narrows the search to the sentence's tokens that may open the phrase, when the caller has them.
    """
    for token in sentence if starts is None else starts:
        for words in cues.attribution_preps:
            if token.lower_ != words[0] or token.i + len(words) > sentence.end:
                continue
            if all(sentence.doc[token.i + k].lower_ == word for k, word in enumerate(words)):
                tail = sentence.doc[token.i + len(words) - 1]
                objects = children(tail, "pobj") or children(token, "pobj")
                if objects:
                    return objects[0]
    return None
