"""Give actors that name no country the country their sentence gives."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from spacy.attrs import LEMMA, LOWER, POS
from spacy.parts_of_speech import VERB
from spacy.tokens import Doc, Token

from app.nlp import syntax
from app.nlp.actors.records import NOUNS
from app.nlp.arrays import is_one_of, positions
from app.nlp.english import english
from app.nlp.gazetteer import Gazetteer
from app.nlp.lexicon import load_lexicon
from app.nlp.taxonomy import NON_STATE_CODES

if TYPE_CHECKING:  # the builder runs this pass on itself
    from app.nlp.actors.builder import ActorBuilder

# Kinds of actor that take the country of the sentence they act in when nothing names their own.
_INHERITING_KINDS = frozenset({"person", "group", "organization"})


def inherit_countries(builder: ActorBuilder) -> None:
    """Give an actor no name codes ("demonstrators", "President Dos Santos") the country its sentence gives.

    CAMEO codes an unnamed domestic group or a person of unstated nationality by the country they act
    in: first a place in their own phrase ("demonstrators in Baghdad"), then, for a group, the one
    country its sentence locates things in ("people blocked streets in Hong Kong in defiance of
    Chinese authorities"), else the one country that the places and named actors of their sentences
    share ("President Dos Santos ... UNITA"). A place-only name elsewhere in the sentence ("in
    Algiers") lends its country to an unnamed collective only (a group noun); a person takes one
    only from their own phrase ("a federal judge in Brasilia"); an organisation never (its seat
    is not named that way: "the Stimson Center in Washington" is where an event was); a group the news
    names as unknown ("gunmen", "suspected jihadists") only from its own phrase. A place never
    becomes an actor itself. With two candidates nothing is inherited.
    Whoever reports the sentence ("officials in Lagos said", "according to a monitor in London") lends a
    collective nothing: the place of the source is not the place of the news.
    """
    doc = builder.doc
    reporters = reporter_tokens(doc)
    coded = [d for d in builder.drafts.values() if d.country and d.country not in NON_STATE_CODES]
    by_sentence: dict[int, set[str]] = {}
    unreported: dict[int, set[str]] = {}  # the same without the sources' own countries, for collectives
    for draft in coded:
        for mention in draft.mentions:
            if mention.via != "pronoun" and draft.country:
                by_sentence.setdefault(mention.sentence, set()).add(draft.country)
                if mention.head_i not in reporters:
                    unreported.setdefault(mention.sentence, set()).add(draft.country)
    # Syntax never crosses a sentence: index heads and places by sentence, so that the checks
    # below stay linear in the length of the document.
    heads: dict[int, set[int]] = {}
    for d in builder.drafts.values():
        for m in d.mentions:
            if m.via != "pronoun":
                heads.setdefault(m.sentence, set()).add(m.head_i)
    places: dict[int, set[str]] = {}
    place_tokens: dict[int, list[tuple[int, str]]] = {}
    for token_i, code in builder.places.items():
        if token_i in reporters:
            continue
        places.setdefault(builder.sent_index[token_i], set()).add(code)
        place_tokens.setdefault(builder.sent_index[token_i], []).append((token_i, code))
    located = {n: set(codes) for n, codes in places.items()}  # countries a sentence places things in
    first_conjuncts: dict[int, Token] = {}
    for draft in coded:
        for mention in draft.mentions:
            placed = _in_place_phrase(doc[mention.head_i], builder.gaz, first_conjuncts)
            in_place = placed and mention.head_i not in reporters
            if draft.kind == "state" and draft.country and in_place:
                located.setdefault(mention.sentence, set()).add(draft.country)
    for draft in builder.drafts.values():
        if draft.country or draft.kind not in _INHERITING_KINDS:
            continue
        named = [m for m in draft.mentions if m.via != "pronoun"]
        own_heads = {m.head_i for m in named}
        if any(
            _places_head(doc[h], n)
            for m in named
            for n in _phrase_nouns(doc[m.head_i])
            for h in heads.get(m.sentence, set()) - own_heads
        ):
            continue  # "(a mission of) observers from the OSCE": the actor in its own phrase is its affiliation
        collective = draft.kind == "group"
        own = {code for m in named for i, code in place_tokens.get(m.sentence, []) if _places_head(doc[i], m.head_i)}
        if len(own) == 1 and draft.kind != "organization":  # "demonstrators in Baghdad", "a judge in Brasilia"
            draft.country = own.pop()
            continue
        if collective and any(_anonymous(doc[m.head_i], builder.gaz) for m in named):
            continue  # "gunmen abducted pupils in Kaduna": who they are is what the news does not know
        where = {code for m in named for code in located.get(m.sentence, set())}
        if collective and len(where) == 1:
            draft.country = where.pop()
            continue
        candidates = {
            code for m in named for code in (unreported if collective else by_sentence).get(m.sentence, set())
        }
        if collective:
            candidates |= {code for m in named for code in places.get(m.sentence, set())}
        if len(candidates) == 1:
            draft.country = candidates.pop()


def _anonymous(head: Token, gaz: Gazetteer) -> bool:
    """Tell whether a group is named as unknown: by its act alone ("gunmen") or as such ("suspected jihadists")."""
    return head.lower_ in gaz.anonymous_groups or any(
        c.lower_ in gaz.anonymity_words for c in head.children if c.dep_ in ("amod", "compound")
    )


def reporter_tokens(doc: Doc) -> set[int]:
    """Return the tokens of the phrases that report a sentence: the subject and place of "said", "according to X"."""
    cues = load_lexicon().cues
    pos_lemma_lower = doc.to_array([POS, LEMMA, LOWER]).astype(np.uint64, copy=False)
    strings = doc.vocab.strings
    # Few words are speech verbs or "according": find them on the arrays, not token by token.
    speech = (pos_lemma_lower[:, 0] == VERB) & is_one_of(pos_lemma_lower[:, 1], cues.attribution_verbs, strings)
    according = is_one_of(pos_lemma_lower[:, 2], ("according",), strings)
    found: set[int] = set()
    for i in positions(speech):
        token = doc[i]
        if _reports(token):
            for subject in syntax.children(token, "nsubj"):
                found.update(t.i for t in subject.subtree)
            # "..., a spokesman said in Doha": where the report was made is not where the news is.
            for prep in syntax.children(token, "prep"):
                if prep.lower_ in english().placing_preps:
                    found.update(t.i for t in prep.subtree)
    for i in positions(according):
        found.update(t.i for t in doc[i].subtree)
    return found


def _reports(verb: Token) -> bool:
    """Tell whether a speech verb reports a clause ("..., officials said"; "officials said that ...")."""
    return verb.dep_ == "parataxis" or any(c.dep_ in ("ccomp", "parataxis") for c in verb.children)


def _in_place_phrase(token: Token, gaz: Gazetteer, first_conjuncts: dict[int, Token]) -> bool:
    """True for a name in a locative phrase ("in Hong Kong", "across Syria and Iraq")."""
    token = _first_conjunct(token, first_conjuncts)
    return token.dep_ == "pobj" and token.head.lower_ in gaz.locative_preps


def _first_conjunct(token: Token, memo: dict[int, Token]) -> Token:
    """Return the first conjunct of the chain ``token`` is in; ``memo`` keeps every walk's answer.

    A list of n coordinated names can be parsed as a chain, each conjunct headed by the one before:
    walking it afresh from every name costs n² steps (2.9 s for one 20,000-character sentence).
    """
    path: list[int] = []
    while token.i not in memo and token.dep_ == "conj" and token.head.i != token.i:
        path.append(token.i)
        token = token.head
    first = memo.get(token.i, token)
    for i in path:
        memo[i] = first
    return first


def _phrase_nouns(head: Token) -> list[int]:
    """Return a noun and the noun it is "of" ("observers" in "a mission of observers")."""
    nouns = [head.i]
    if head.dep_ == "pobj" and head.head.lower_ == "of" and head.head.head.pos_ in NOUNS:
        nouns.append(head.head.head.i)
    return nouns


def _places_head(place: Token, head_i: int) -> bool:
    """True if ``place`` sits in a prepositional phrase of the noun at ``head_i`` ("demonstrators in X")."""
    current = place
    for _ in range(6):
        if current.dep_ == "pobj" and current.head.dep_ == "prep" and current.head.lower_ in english().placing_preps:
            current = current.head.head
        elif current.dep_ in {"compound", "conj", "appos"} or (current.dep_ == "acl" and current.tag_ == "VBN"):
            current = current.head  # "the capital city of Algiers", "a newspaper based in Beirut"
        else:
            return False
        if current.i == head_i:
            return True
    return False
