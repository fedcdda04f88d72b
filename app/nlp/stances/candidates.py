"""What one pass over a doc's arrays finds for the stance stage: actor positions and candidate tokens."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Container, Iterable
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray
from spacy.attrs import DEP, LEMMA, LOWER, POS
from spacy.tokens import Doc, Token

from app.nlp.arrays import distinct_strings, is_one_of, positions
from app.nlp.lexicon import Lexicon
from app.nlp.taxonomy import NON_STATE_CODES
from app.nlp.types import ActorMention, DocActor, PlaceMention

VERB_POS = frozenset({"VERB"})
NOUN_POS = frozenset({"NOUN"})
_PHRASE_BREAK_DEPS = ("appos", "parataxis")
# The words ``text in ",;:"`` accepts (see phrase_span): each piece of that string. Punctuation has no case,
# so they are their own lowercase form.
_PHRASE_BREAK_MARKS = frozenset(",;:"[start:end] for start in range(3) for end in range(start + 1, 4))


@dataclass(slots=True)
class ImplicitState:
    """A state a stance is aimed at that the actor stage did not list: named as a place, or implied."""

    id: str
    country: str
    places: list[PlaceMention] = field(default_factory=list)  # where the text names it ("landed in Beijing")


@dataclass(slots=True)
class ActorIndex:
    """Actor ids by the token a mention takes part in syntax through, and by every token it covers."""

    by_head: dict[int, list[str]] = field(default_factory=lambda: defaultdict(list))
    by_token: dict[int, list[str]] = field(default_factory=lambda: defaultdict(list))
    by_position: dict[int, list[str]] = field(default_factory=dict)  # what ``at`` answers, looked up once
    heads: list[int] = field(default_factory=list)  # the positions of by_head, ascending
    coded: set[str] = field(default_factory=set)  # actors with a country, or international organisations
    country: dict[str, str] = field(default_factory=dict)  # actor id -> its ISO country, for states and nationals
    states: dict[str, str] = field(default_factory=dict)  # ISO country -> the id of its state actor
    places: dict[int, list[PlaceMention]] = field(default_factory=dict)  # place names by sentence
    implicit: dict[str, ImplicitState] = field(default_factory=dict)  # states stances added, by ISO country

    @classmethod
    def build(
        cls, actors: Iterable[DocActor], mentions: Iterable[ActorMention], places: Iterable[PlaceMention] = ()
    ) -> ActorIndex:
        """Index the doc's actor mentions and place names."""
        index = cls()
        actors = list(actors)
        index.coded = {a.id for a in actors if a.country or a.kind in ("igo", "ngo", "armed_group")}
        index.country = {a.id: a.country for a in actors if a.country and a.country not in NON_STATE_CODES}
        index.states = {a.country: a.id for a in actors if a.kind == "state" and a.country}
        for place in places:
            index.places.setdefault(place.sentence, []).append(place)
        for mention in mentions:
            _add_unique(index.by_head[mention.head_i], mention.actor_id)
            for i in range(mention.token_start, mention.token_end):
                _add_unique(index.by_token[i], mention.actor_id)
        index.by_position = {**index.by_token, **index.by_head}  # a mention's head wins over the tokens it covers
        index.heads = sorted(index.by_head)
        return index

    def at(self, token: Token) -> list[str]:
        """Return the actors a single token stands for."""
        return self.by_position.get(token.i, [])

    @property
    def implicit_ids(self) -> set[str]:
        """Return the provisional ids of the states stances added (see ``state_of``)."""
        return {state.id for state in self.implicit.values()}

    def state_of(self, country: str, place: PlaceMention | None = None) -> str:
        """Return the id of ``country``'s state actor, adding one (named by ``place``, if given) when none is listed."""
        if country in self.states:
            return self.states[country]
        implicit = self.implicit.get(country)
        if implicit is None:
            implicit = self.implicit[country] = ImplicitState(id=f"implicit-{country}", country=country)
        if place is not None and place not in implicit.places:
            implicit.places.append(place)
        return implicit.id


def _add_unique(items: list[str], item: str) -> None:
    if item not in items:
        items.append(item)


@dataclass(slots=True)
class Candidates:
    """The tokens each sentence scan can be limited to (doc positions, ascending), found on the doc's arrays.

    Most words are ruled out by their part of speech and lemma alone. Checking those on arrays, once
    per doc, spares creating a Token and looking up its strings for every word of a long article.
    """

    triggers: list[int]  # a lemma the lexicon lists for the word's part of speech (see pos_key)
    speech_verbs: list[int]  # a verb with an attribution verb's lemma (see deontic_requests)
    attribution_starts: list[int]  # the first word of an attribution phrase (see according_to)
    phrase_breaks: list[int]  # an apposition, parataxis or ",;:", which a content phrase stops before (phrase_span)

    @classmethod
    def find(cls, doc: Doc, lexicon: Lexicon) -> Candidates:
        """Find the candidate tokens of ``doc``."""
        cues = lexicon.cues
        strings = doc.vocab.strings
        columns = doc.to_array([POS, LEMMA, LOWER, DEP]).astype(np.uint64, copy=False)  # no copy: typed for mypy
        pos, lemma, lower, dep = (columns[:, n] for n in range(4))

        def keys_in(column: NDArray[np.uint64], words: Iterable[str]) -> NDArray[np.bool_]:
            return is_one_of(column, words, strings)

        # Lemmas are matched lowercased: decode each distinct one once and spread the verdicts over the doc.
        lemma_texts, lemma_of_token = distinct_strings(lemma, strings)
        lemmas_lower = [text.lower() for text in lemma_texts]

        def lemma_in(words: Container[str], *, lowercase: bool = True) -> NDArray[np.bool_]:
            texts = lemmas_lower if lowercase else lemma_texts
            return np.array([text in words for text in texts], dtype=bool)[lemma_of_token]

        triggers = (keys_in(pos, {*VERB_POS, "ADJ"}) & lemma_in(lexicon.lemmas["verb"])) | (
            keys_in(pos, NOUN_POS) & lemma_in(lexicon.lemmas["noun"])
        )
        return cls(
            triggers=positions(triggers),
            speech_verbs=positions(keys_in(pos, ["VERB"]) & lemma_in(cues.attribution_verbs, lowercase=False)),
            attribution_starts=positions(keys_in(lower, {words[0] for words in cues.attribution_preps})),
            phrase_breaks=positions(keys_in(dep, _PHRASE_BREAK_DEPS) | keys_in(lower, _PHRASE_BREAK_MARKS)),
        )
