"""Fold pronouns and definite nominals into the actors they refer to."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
from spacy.attrs import LOWER, POS
from spacy.parts_of_speech import NOUN, PRON
from spacy.tokens import Doc, Token

from app.nlp.actors.records import MODIFIER_DEPS, NOUNS, PLURAL_TAGS, Draft
from app.nlp.arrays import is_one_of, positions
from app.nlp.english import english
from app.nlp.gazetteer import Gazetteer

if TYPE_CHECKING:  # the builder runs this pass on itself
    from app.nlp.actors.builder import ActorBuilder


def resolve_anaphora(builder: ActorBuilder) -> None:
    """Fold pronouns and definite nominals ("its", "the two countries") into the nearest compatible actors."""
    doc, gaz = builder.doc, builder.gaz
    heads = {m.head_i for draft in builder.drafts.values() for m in draft.mentions}
    for i in _anaphor_tokens(doc, gaz):
        token = doc[i]
        lower = token.lower_
        # A possessive inside a phrase ("its European Community partners") still refers on its own.
        if token.i in heads or (token.i in builder.covered and token.pos_ != "PRON"):
            continue
        if token.pos_ == "PRON" and lower in gaz.pronouns:
            rule = gaz.pronouns[lower]
            drafts = _antecedents(builder, token, rule["kinds"], plural=rule["number"] == "plural")
            for draft in drafts:
                builder.mention(draft, token.i, token.i + 1, token.i, "pronoun")
        elif token.pos_ == "NOUN" and lower in gaz.nominals and _definite(token):
            drafts = _antecedents(builder, token, gaz.nominals[lower], plural=token.tag_ == "NNS", count=_count(token))
            for draft in drafts:
                builder.mention(draft, token.left_edge.i, token.i + 1, token.i, "nominal")


def _anaphor_tokens(doc: Doc, gaz: Gazetteer) -> list[int]:
    """Return the tokens that are a listed pronoun or nominal noun, read off arrays rather than token by token."""
    pos_lower = doc.to_array([POS, LOWER]).astype(np.uint64, copy=False)  # no copy: typed for mypy
    pos, lower = pos_lower[:, 0], pos_lower[:, 1]
    pronouns = is_one_of(lower, gaz.pronouns, doc.vocab.strings)
    nominals = is_one_of(lower, gaz.nominals, doc.vocab.strings)
    return positions(((pos == PRON) & pronouns) | ((pos == NOUN) & nominals))


def _definite(token: Token) -> bool:
    """True for "the country", "their countries", "both countries", "the two countries"."""
    if any(c.dep_ in MODIFIER_DEPS - {"nummod"} and c.pos_ in NOUNS | {"ADJ"} for c in token.lefts):
        return False  # "the Sudanese government" is a name, handled elsewhere
    determiners = english().definite_determiners
    return any(c.lower_ in determiners for c in token.lefts)


def _count(token: Token) -> int | None:
    """Return the number a plural nominal gives ("the two countries" -> 2, "both" -> 2)."""
    numbers = english().numbers
    for child in token.lefts:
        if child.like_num and child.text.isdigit():
            return int(child.text)
        if child.lower_ in numbers:
            return numbers[child.lower_]
    return None


def _antecedents(
    builder: ActorBuilder, token: Token, kinds: Sequence[str], *, plural: bool, count: int | None = None
) -> list[Draft]:
    """Return the nearest earlier actors of a compatible kind; several for a plural over a coordination."""
    sentence = builder.sent_index[token.i]
    candidates = [
        (mention.token_start, mention, draft)
        for mention, draft in builder.antecedent_mentions(sentence)
        if draft.kind in kinds and mention.token_end <= token.i
    ]
    if not candidates:
        return []
    candidates.sort(key=lambda c: (-c[0], kinds.index(c[2].kind)))
    if count is not None:
        chosen: list[Draft] = []
        for _, _, draft in candidates:
            if draft not in chosen:
                chosen.append(draft)
            if len(chosen) == count:
                break
        return chosen
    _, nearest, first = candidates[0]
    if plural:
        same_head = [d for _, m, d in candidates if m.head_i == nearest.head_i]
        coordinated = [d for _, m, d in candidates if _coordinated(builder.doc, m.head_i, nearest.head_i)]
        group = list(dict.fromkeys([*same_head, *coordinated]))
        if len(group) > 1:
            return group
        # "they" is a plural noun phrase ("Militants loyal to al-Qaeda said they"), not a nearer singular name.
        if builder.doc[nearest.head_i].tag_ not in PLURAL_TAGS:
            in_sentence = [c for c in candidates if c[1].sentence == sentence]
            numbered = [d for _, m, d in in_sentence if builder.doc[m.head_i].tag_ in PLURAL_TAGS]
            if numbered:
                return numbered[:1]
    elif builder.doc[nearest.head_i].tag_ in {"NNS", "NNPS"} and first.kind == "group":
        singular = [d for _, m, d in candidates if builder.doc[m.head_i].tag_ not in {"NNS", "NNPS"}]
        return singular[:1]
    return [first]


def _coordinated(doc: Doc, a: int, b: int) -> bool:
    """True if two tokens are conjuncts of each other ("The United States and Jordan")."""
    ta, tb = doc[a], doc[b]
    return (ta.dep_ == "conj" and ta.head.i == b) or (tb.dep_ == "conj" and tb.head.i == a)
