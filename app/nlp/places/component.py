"""The place stage: give each stance the place its own clause names (``DocStance.location``).

Runs after the stance stage. The article's place names are found and resolved once per document
(:class:`~app.nlp.places.mentions.PlaceFinder`, with the actors' countries as context); each
stance then takes the best mention its event owns (:mod:`app.nlp.attach`): a place preposition's
("killed five militants in Balochistan", "talks in Doha") or, for an attack, the town or province
attacked ("shelled Kharkiv", "strikes on Rafah"). A name the place index lacks but the actor
stage's gazetteer knows as a place lends its country only. No place in the clause: no location,
never the actors' nationality.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from spacy.language import Language
from spacy.tokens import Doc

from app.nlp.attach import OWN, EventScope, sentence_of, stance_scopes
from app.nlp.extensions import register_extensions
from app.nlp.lexicon import load_lexicon
from app.nlp.pipes import PLACES_PIPE
from app.nlp.places.index import PlaceIndex, load_places
from app.nlp.places.mentions import PLACE_LABELS, PlaceFinder, PlaceSpan
from app.nlp.types import CharSpan, DocActor, DocStance, Location, PlaceMention

# Events whose object is where they happen ("shelled Kharkiv", "strikes on Rafah", "attacked southern Israel").
ATTACKS = frozenset({"ASSAULT", "COERCE"})
# Verbs whose object is a place more often than a person: only theirs is taken when spaCy did not tag
# the name a place ("bombed Khan Younis", tagged PERSON; not "shot Jackson").
PLACE_TAKING_VERBS = frozenset(
    {
        "attack", "bomb", "bombard", "shell", "pound", "strike", "hit", "target", "raid", "storm", "besiege",
        "encircle", "blockade", "capture", "seize", "overrun", "retake", "recapture", "invade", "occupy", "enter",
        "liberate", "rocket", "torch", "loot", "annex",
    }
)  # fmt: skip
# Prepositions by how surely they say where the event itself happened.
_PREPOSITION_ORDER: dict[str | None, int] = {
    **dict.fromkeys(("in", "at", "inside", "near", "outside", "around", "across", "throughout", "within"), 0),
    **dict.fromkeys(("on", "against", "upon", None), 1),  # attacks' targets
    **dict.fromkeys(("into", "over", "through", "toward", "towards", "off", "beyond", "via"), 2),
    "from": 3,
}
_LEVEL_ORDER = {"city": 0, "admin1": 1, "country": 2, None: 3}
# Where a movement starts or heads is a place of the event only when nothing else is.
_MOVEMENT_PREPOSITIONS = frozenset({"from", "into", "toward", "towards", "via", "through", "beyond"})
_BORDER_NOUNS = frozenset({"border", "frontier", "boundary"})
_BORDER_PREPS = frozenset({"near", "on", "along", "at", "across", "to", "toward", "towards"})
GAZETTEER_CONFIDENCE = 0.6  # a place the gazetteer places in a country, with nothing more known of it
BORDER_CONFIDENCE = 0.7


@dataclass(frozen=True, slots=True)
class _Option:
    mention: PlaceSpan
    location: Location
    key: tuple[int, int, int, int, int]


class PlaceStage:
    """spaCy component: sets ``stance.location`` for the stances of ``doc._.stances``."""

    def __init__(self) -> None:
        register_extensions()
        self.index = load_places()
        self.finder = PlaceFinder(self.index)
        self.event_nouns = load_lexicon().lemmas.get("noun", frozenset())

    def __call__(self, doc: Doc) -> Doc:
        """Locate the stances of one document."""
        stances: list[DocStance] = doc._.stances or []
        if not stances:
            return doc
        mentions = self.mentions(doc)
        if not mentions:
            return doc
        article = _Article(doc, mentions, self.index, sentence_of(doc))
        for stance, scope in zip(stances, stance_scopes(doc, stances, self.event_nouns), strict=True):
            stance.location = article.locate(stance, scope)
        return doc

    def mentions(self, doc: Doc) -> list[PlaceSpan]:
        """Find and resolve the document's place mentions, with the actor stage's knowledge beside."""
        gazetteer_places: list[PlaceMention] = doc._.places or []
        actors: list[DocActor] = doc._.actors or []
        known = {i for p in gazetteer_places for i in range(p.token_start, p.token_end)}
        known |= {
            i
            for actor in actors
            for m in actor.mentions
            if m.via in ("capital", "seat")
            for i in range(m.token_start, m.token_end)
        }
        found = self.finder.find(doc, known)
        covered = {i for m in found for i in range(m.start, m.end)}
        extra = [
            mention
            for p in gazetteer_places
            if not covered.intersection(range(p.token_start, p.token_end))
            and (mention := self.finder.mention(doc, p.token_start, p.token_end)) is not None
            and not self.index.refuses(mention.text)  # "the Gulf of Aden" is not Papua New Guinea's Gulf
        ]
        # The article's actors' countries, less an actor named by this very name ("Georgia" read as a state).
        counts: Counter[str] = Counter()
        at: dict[int, list[str]] = {}
        for actor in actors:
            if actor.country:
                for m in actor.mentions:
                    counts[actor.country] += 1
                    at.setdefault(m.token_start, []).append(actor.country)

        def context_of(place: PlaceSpan) -> set[str]:
            own = Counter(c for i in range(place.start, place.end) for c in at.get(i, ()))
            return {c for c, n in counts.items() if n > own[c]}

        return sorted(self.finder.resolve(found, context_of=context_of) + extra, key=lambda m: m.start)


class _Article:
    """One document's place mentions and what the stances of it need to choose among them."""

    def __init__(self, doc: Doc, mentions: list[PlaceSpan], index: PlaceIndex, sentences: NDArray[np.intp]) -> None:
        self.doc = doc
        self.by_sentence: dict[int, list[PlaceSpan]] = {}
        for mention in mentions:
            self.by_sentence.setdefault(int(sentences[mention.start]), []).append(mention)
        self.index = index
        self.gazetteer = {(p.token_start, p.token_end): p.country for p in doc._.places or []}
        self.countries = {actor.id: actor.country for actor in doc._.actors or []}

    def locate(self, stance: DocStance, scope: EventScope) -> Location | None:
        """Return the best place the stance's event owns, or None."""
        mentions = self.by_sentence.get(stance.sentence, ())  # syntax never crosses a sentence
        options = [o for m in mentions if (o := self._option(stance, scope, m)) is not None]
        best = min(options, key=lambda o: o.key, default=None)
        return None if best is None else best.location

    def _option(self, stance: DocStance, scope: EventScope, mention: PlaceSpan) -> _Option | None:
        doc = self.doc
        place = mention.place
        level = None if place is None else place.level
        if mention.role == "other" and mention.anchor is not None and doc[mention.anchor].lower_ in _BORDER_NOUNS:
            return self._border(stance, scope, mention)
        if mention.head in scope.heads:
            rank: int | None = OWN  # "Kidal, where rebels attacked a base"
        elif mention.role == "locative" or self._attacked(stance, mention):
            rank = scope.rank(doc, mention.anchor)
        else:
            return None
        if rank is None:
            return None
        span = CharSpan(mention.start_char, mention.end_char)
        if place is not None:
            location = Location(
                mention=span,
                name=place.name,
                country=place.country,
                level=place.level,
                admin1=place.admin1,
                geonames_id=place.geonames_id,
                latitude=place.latitude,
                longitude=place.longitude,
                confidence=place.confidence,
                ambiguous=place.ambiguous,
            )
        elif (country := self.gazetteer.get((mention.start, mention.end))) is not None:
            location = Location(span, mention.text, country, None, confidence=GAZETTEER_CONFIDENCE)
        else:
            return None
        movement = int(mention.preposition in _MOVEMENT_PREPOSITIONS)
        order = _PREPOSITION_ORDER.get(mention.preposition, 2)
        return _Option(mention, location, (rank, movement, _LEVEL_ORDER[level], order, mention.start))

    def _attacked(self, stance: DocStance, mention: PlaceSpan) -> bool:
        """True for the place an attack is on: its object, or what "on" or "against" governs."""
        if mention.role != "target" or stance.event not in ATTACKS:
            return False
        if mention.entity in PLACE_LABELS or mention.preposition is not None or mention.anchor is None:
            return True
        return self.doc[mention.anchor].lemma_.lower() in PLACE_TAKING_VERBS

    def _border(self, stance: DocStance, scope: EventScope, mention: PlaceSpan) -> _Option | None:
        """Read "exercises near the border with Colombia" as the holder's side, when the holder is one country's."""
        assert mention.anchor is not None
        border = self.doc[mention.anchor]
        if border.dep_ != "pobj" or border.head.lower_ not in _BORDER_PREPS or mention.place is None:
            return None
        rank = scope.rank(self.doc, border.head.head.i)
        holders = {self.countries.get(h) for h in stance.holder} - {None}
        if rank is None or len(holders) != 1:
            return None
        (own,) = holders
        entry = self.index.country(own or "")
        if entry is None or own == mention.place.country:
            return None
        location = Location(
            mention=CharSpan(border.left_edge.idx, mention.end_char),
            name=f"{entry.name} border with {mention.place.name}",
            country=entry.country,
            level="country",
            geonames_id=entry.geonames_id,
            confidence=BORDER_CONFIDENCE,
        )
        return _Option(mention, location, (rank, 0, _LEVEL_ORDER["country"], 0, mention.start))


@Language.factory(PLACES_PIPE)
def make_place_stage(nlp: Language, name: str) -> PlaceStage:
    """Create the place stage: the place index is loaded here, once per process."""
    return PlaceStage()
