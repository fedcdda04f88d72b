"""Tell sentences about sport, weather or prices from political ones."""

from __future__ import annotations

from collections.abc import Container, Iterable

from spacy.tokens import Token

from app.nlp.lexicon import Cues


def is_off_topic(sentence: Iterable[Token], cues: Cues, actor_tokens: Container[int] = ()) -> bool:
    """Tell whether a sentence is about sport, weather or prices.

    ``sentence``: its tokens, or just those with an off-topic lemma (see Candidates).

    A cue word that only qualifies another noun ("an agreement on acid rain", "talks on oil prices")
    names the topic of a political act, not a sport, weather or market sentence; nor does a word
    inside an actor's name ("the Arab League").
    """
    return any(
        t.pos_ in cues.off_topic_pos
        and t.lemma_.lower() in cues.off_topic
        and t.i not in actor_tokens
        and not _qualifies_noun(t)
        and not (t.dep_ == "dobj" and t.head.lemma_.lower() in cues.off_topic_figurative)
        for t in sentence
    )


def _qualifies_noun(token: Token) -> bool:
    """Tell whether a word sits in a prepositional phrase attached to a noun ("agreement on acid rain")."""
    while token.dep_ in ("compound", "amod", "conj") and token.head.i != token.i:
        token = token.head
    return token.dep_ == "pobj" and token.head.dep_ == "prep" and token.head.head.pos_ in ("NOUN", "PROPN")
