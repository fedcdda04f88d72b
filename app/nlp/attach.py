"""Which words of a sentence say where and when an event happened: the event's own clause first.

A place or date phrase attaches to one word (its *anchor*: the verb or noun its preposition hangs
from, the verb a bare "overnight" or "Tuesday" modifies). An event owns a phrase when the anchor is

0. the trigger itself, or a word of its clause the trigger leans on: the verb a noun trigger is
   the object or subject of ("launched strikes", "the attack killed"), the verbs an infinitive hangs
   from ("began to shell");
1. a participant noun of that clause ("killed five militants in Balochistan", "demonstrators in Tel
   Aviv protested") that is not an event of its own ("condemned the attack in Kabul": the attack's);
2. failing both, the clause it continues: the first of coordinated verbs ("shelled the town and
   killed three"), the verb a participle trails ("struck Kyiv, killing three").

Reported speech is another clause: "officials in Lagos said on Tuesday that troops killed ..." gives
the killing neither Lagos nor Tuesday.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from spacy.attrs import SENT_START
from spacy.tokens import Doc, Span, Token

from app.nlp.types import DocStance

# A noun trigger's clause: the verb it is the subject or object of.
_NOUN_ARGUMENT_DEPS = frozenset({"dobj", "nsubj", "nsubjpass", "attr"})
# The participants whose phrases may carry the event's place (the small parser hangs "in X" on them).
_PARTICIPANT_DEPS = frozenset({"dobj", "nsubj", "nsubjpass"})
_NOUNS = frozenset({"NOUN", "PROPN"})
MAX_CLIMB = 6

OWN, PARTICIPANT, CONTINUED = 0, 1, 2


@dataclass(frozen=True, slots=True)
class EventScope:
    """The anchors that carry one event's place and date, by rank (lower is closer)."""

    ranks: dict[int, int]  # token index -> OWN, PARTICIPANT or CONTINUED
    events: Collection[int]
    event_nouns: Collection[str]
    # The noun the event's clause is a relative clause of: "the day (that) rebels attacked", "Kidal,
    # where rebels attacked a base". A date or place that *is* that noun is the event's own.
    heads: frozenset[int] = frozenset()

    def rank(self, doc: Doc, anchor: int | None) -> int | None:
        """Return how closely an anchor belongs to the event, or None when it does not.

        A phrase on the object of another phrase belongs where that phrase does, as a participant
        at best: "from a school in Kaduna state", "at the UN headquarters in New York" (not "after
        clashes two days earlier": the clashes are an event of their own).
        """
        if anchor is None:
            return None
        found = self.ranks.get(anchor)
        token = doc[anchor]
        for _ in range(MAX_CLIMB):
            if found is not None:
                return found
            if (
                token.dep_ != "pobj"
                or token.pos_ not in _NOUNS
                or token.i in self.events
                or token.lemma_.lower() in self.event_nouns
            ):
                return None
            anchor, _ = phrase_anchor(token)
            token = doc[anchor]
            outer = self.ranks.get(anchor)
            found = None if outer is None else max(outer, PARTICIPANT)
        return found


def event_scope(
    trigger: Span, events: Collection[int], event_nouns: Collection[str], *, comments: bool = False
) -> EventScope:
    """Return the anchors of the event ``trigger`` (its words) expresses.

    ``events``: the tokens that trigger the text's other events (their phrases are theirs);
    ``event_nouns``: lemmas of nouns that name events ("attack", "talks"): a participant only of an
    event that does not comment on them (``comments``: "condemned the attack in Kabul" is not in
    Kabul; "signed an agreement in Pyongyang" is).
    """
    ranks: dict[int, int] = {token.i: OWN for token in trigger}  # "held talks in Istanbul"
    own = _clause(trigger.root, events)
    for token in own:
        ranks.setdefault(token.i, OWN)
    for token in own:
        for child in token.children:
            if (
                child.dep_ in _PARTICIPANT_DEPS
                and child.pos_ in _NOUNS
                and child.i not in events
                and not (comments and child.lemma_.lower() in event_nouns)
            ):
                ranks.setdefault(child.i, PARTICIPANT)
    continued = _continued(own[-1])
    if continued is not None:
        for token in _clause(continued, events):
            ranks.setdefault(token.i, CONTINUED)
    heads = frozenset({own[-1].head.i}) if own[-1].dep_ == "relcl" else frozenset()
    return EventScope(ranks, events, event_nouns, heads)


def _clause(trigger: Token, events: Collection[int]) -> list[Token]:
    """The trigger and the words of its clause it leans on, from the trigger up."""
    found = [trigger]
    token = trigger
    if token.pos_ in _NOUNS:
        for _ in range(MAX_CLIMB):
            if token.dep_ == "pobj" and token.head.lower_ == "of" and token.head.head.pos_ in _NOUNS:
                token = token.head.head  # "a wave of strikes"
            elif token.dep_ in ("compound", "conj") and token.head.pos_ in _NOUNS:
                token = token.head
            else:
                break
        head = token.head
        subject = token.dep_ in ("nsubj", "nsubjpass")
        if token.dep_ in _NOUN_ARGUMENT_DEPS and head.pos_ in ("VERB", "AUX") and (subject or head.i not in events):
            found.append(head)  # "launched strikes", "air strikes killed 14": not "condemned the attack"
            token = head
    for _ in range(MAX_CLIMB):
        if token.dep_ != "xcomp" or token.head.i == token.i:
            break
        token = token.head  # "began to shell", "vowed to retaliate"
        found.append(token)
    return found


def _continued(top: Token) -> Token | None:
    """The verb a clause continues: the first conjunct, or the verb a trailing participle hangs from."""
    if top.dep_ == "conj" and top.head.pos_ in ("VERB", "AUX"):
        return top.head
    if top.dep_ == "advcl" and top.tag_ == "VBG":
        return top.head  # "struck Kyiv overnight, killing three"
    return None


# Events that say something about another event rather than do it: "condemned the attack in Kabul".
COMMENTING_EVENTS = frozenset({"ACCUSE", "SUPPORT", "REJECT", "REQUEST", "THREATEN", "PROTEST"})


def stance_scopes(doc: Doc, stances: Sequence[DocStance], event_nouns: Collection[str]) -> list[EventScope]:
    """Return the scope of each stance's event (stances of one trigger and kind share it).

    Computed once per document: the place and the date stage both ask (``doc._.event_scopes``).
    """
    cached = doc._.event_scopes
    if cached is not None and cached[0] is stances:
        return list(cached[1])
    scopes = _scopes(doc, stances, event_nouns)
    doc._.event_scopes = (stances, scopes)
    return scopes


def _scopes(doc: Doc, stances: Sequence[DocStance], event_nouns: Collection[str]) -> list[EventScope]:
    triggers = [trigger_span(doc, stance) for stance in stances]
    events = {span.root.i for span in triggers}
    scopes: dict[tuple[int, int, bool], EventScope] = {}
    found = []
    for stance, span in zip(stances, triggers, strict=True):
        comments = stance.event in COMMENTING_EVENTS
        key = (span.start, span.end, comments)
        if key not in scopes:
            scopes[key] = event_scope(span, events - {span.root.i}, event_nouns, comments=comments)
        found.append(scopes[key])
    return found


def trigger_span(doc: Doc, stance: DocStance) -> Span:
    """Return the tokens of a stance's trigger words."""
    span = doc.char_span(stance.trigger.start, stance.trigger.end, alignment_mode="expand")
    return doc[0:1] if span is None or not len(span) else span


def phrase_anchor(root: Token) -> tuple[int, str | None]:
    """Return what a phrase headed by ``root`` attaches to, and through which preposition.

    "on Tuesday" -> the verb "on" hangs from; "in Gaza and in the West Bank" -> the first
    preposition's head for both; a bare "Tuesday" or "overnight" -> the word it modifies.
    """
    head = root.head
    if root.dep_ == "pobj" and head.dep_ in ("prep", "agent", "dative", "conj"):
        governor = head.head
        for _ in range(MAX_CLIMB):
            if governor.dep_ != "conj" or governor.pos_ != "ADP" or governor.head.i == governor.i:
                break
            governor = governor.head
        return (governor.head.i if governor.pos_ == "ADP" else governor.i), head.lower_
    return head.i, None


def sentence_of(doc: Doc) -> NDArray[np.intp]:
    """Return each token's sentence index (as ``DocStance.sentence`` counts them), from the arrays."""
    starts = doc.to_array(SENT_START) == 1
    if len(starts):
        starts[0] = True
    return np.cumsum(starts, dtype=np.intp) - 1
