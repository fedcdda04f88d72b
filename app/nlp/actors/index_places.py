"""Read the towns and regions the gazetteer does not list through the place index (GeoNames).

The gazetteer knows countries, capitals and provinces; news names towns, districts and camps
("El Fasher", "Khan Younis", "the town of Walikale", "Rakhine state"). The small English model
often tags such a name as an organisation or a person, so a name is read as a place only where
the text says it is one: spaCy's GPE or LOC entities, the object of a place preposition ("in",
"near", "outside" ...), a name after a place noun and "of" ("the town of Dori"), or before one
("Rakhine state"). The index answers only for a name one country has, or that the article's other
countries settle; the name then lends its country as a gazetteer city does (it is no actor).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from spacy.attrs import IS_TITLE, POS
from spacy.parts_of_speech import PROPN
from spacy.tokens import Doc, Span, Token

from app.nlp.actors.records import FoundName
from app.nlp.arrays import positions
from app.nlp.gazetteer import Gazetteer, NameEntry, NameVia
from app.nlp.places.index import load_places

# Entity labels that are never a place, whatever the syntax around them.
_NOT_PLACES = frozenset({"NORP", "DATE", "TIME", "CARDINAL", "ORDINAL", "MONEY", "PERCENT", "QUANTITY", "LANGUAGE"})
# How sure the index must be of a reading for the name to lend its country.
MIN_CONFIDENCE = 0.8


def index_places(
    doc: Doc, gaz: Gazetteer, ents: Sequence[Span], found: Sequence[FoundName], covered: set[int]
) -> list[FoundName]:
    """Return the place names the gazetteer left that the place index reads, as city or province names."""
    index = load_places()
    countries = {n.entry.key for n in found if n.entry.type == "country"}
    names: list[FoundName] = []
    for span in _candidate_spans(doc, ents, covered):
        if not _placed(span, gaz):
            continue
        place = index.resolve(span.text, context_countries=countries, place_countries=countries)
        if place is None or place.level == "country" or place.confidence < MIN_CONFIDENCE:
            continue
        via: NameVia = "province" if place.level == "admin1" else "city"
        names.append(
            FoundName(span.start, span.end, NameEntry("country", place.country, via), span.start_char, span.end_char)
        )
        covered.update(range(span.start, span.end))
    return names


def _candidate_spans(doc: Doc, ents: Sequence[Span], covered: set[int]) -> Iterator[Span]:
    """Yield the proper names no name covers: entities, else runs of capitalised proper nouns."""
    in_entity: set[int] = set()
    for ent in ents:
        in_entity.update(range(ent.start, ent.end))
        if ent.label_ in _NOT_PLACES or any(i in covered for i in range(ent.start, ent.end)):
            continue
        span = _without_article(ent)
        if span is not None and span.text[:1].isupper():
            yield span
    # Few tokens are capitalised proper nouns: find them on the doc's arrays, then group the runs.
    pos_title = doc.to_array([POS, IS_TITLE])
    candidates = positions((pos_title[:, 0] == PROPN) & (pos_title[:, 1] == 1))
    run: list[int] = []
    for i in (i for i in candidates if i not in covered and i not in in_entity):
        if run and i != run[-1] + 1:
            yield doc[run[0] : run[-1] + 1]
            run = []
        run.append(i)
    if run:
        yield doc[run[0] : run[-1] + 1]


def _without_article(span: Span) -> Span | None:
    if span[0].lower_ == "the":
        return span[1:] if len(span) > 1 else None
    return span


def _placed(span: Span, gaz: Gazetteer) -> bool:
    """Tell whether the text makes a name a place: by its entity label, a place preposition or a place noun."""
    if span.label_ in ("GPE", "LOC"):
        return True
    root = span.root
    while root.dep_ == "conj" and root.head.i != root.i:
        root = root.head  # "in Bakhmut and Avdiivka": each conjunct is where the first one is
    head = root.head
    if root.dep_ == "pobj" and head.lower_ in gaz.locative_preps:
        return True
    # "the town of Dori": the name after a place noun and "of"; "Rakhine state": before one.
    if root.dep_ == "pobj" and head.lower_ == "of" and head.head.lower_ in gaz.place_nouns:
        return True
    if root.dep_ in ("compound", "nmod") and head.lower_ in gaz.place_nouns:
        return True
    return _after_place_noun(root, gaz)


def _after_place_noun(root: Token, gaz: Gazetteer) -> bool:
    """True for a name in apposition to a place noun ("the border town Aweil")."""
    return root.dep_ == "appos" and root.head.lower_ in gaz.place_nouns
