"""Place mentions in parsed text (the real model): what is a place, and how each attaches to its sentence."""

from __future__ import annotations

import pytest
from spacy.language import Language

from app.nlp.places import PlaceFinder, PlaceSpan, load_places


@pytest.fixture(scope="module")
def finder() -> PlaceFinder:
    return PlaceFinder(load_places())


def mentions(nlp: Language, finder: PlaceFinder, text: str, context: set[str] | None = None) -> dict[str, PlaceSpan]:
    found = finder.resolve(finder.find(nlp(text)), context or set())
    for mention in found:
        assert text[mention.start_char : mention.end_char] == mention.text
    return {mention.text: mention for mention in found}


def test_a_seat_that_speaks_is_an_argument_and_a_court_in_moscow_a_location(nlp: Language, finder: PlaceFinder) -> None:
    said = mentions(nlp, finder, "Moscow said it would retaliate against the new sanctions.")["Moscow"]
    assert said.role == "argument" and not said.locative
    court = mentions(nlp, finder, "A court in Moscow sentenced the journalist to 16 years in prison.")["Moscow"]
    assert court.locative and court.preposition == "in"
    assert court.place is not None and court.place.country == "RUS"


def test_a_division_noun_says_the_level(nlp: Language, finder: PlaceFinder) -> None:
    found = mentions(nlp, finder, "Gunmen abducted more than 100 pupils from a school in Kaduna state on Thursday.")
    kaduna = found["Kaduna"]
    assert kaduna.locative and kaduna.level == "admin1"
    assert kaduna.place is not None and (kaduna.place.country, kaduna.place.level) == ("NGA", "admin1")


def test_names_spacy_does_not_tag_as_places_count_where_the_sentence_makes_them_one(
    nlp: Language, finder: PlaceFinder
) -> None:
    herat = mentions(nlp, finder, "The Taliban executed a man in a stadium in the western city of Herat.")["Herat"]
    assert herat.locative and herat.level == "city"
    assert herat.place is not None and herat.place.country == "AFG"


def test_a_month_is_no_town(nlp: Language, finder: PlaceFinder) -> None:
    # March is also a town in England: a DATE entity is never a place.
    assert "March" not in mentions(nlp, finder, "A court sentenced the journalist in March.")


def test_a_written_container_settles_an_ambiguous_name(nlp: Language, finder: PlaceFinder) -> None:
    paris = mentions(nlp, finder, "Police fired tear gas at protesters in Paris, Texas.")["Paris"]
    assert paris.within == "Texas"
    assert paris.place is not None and paris.place.country == "USA"
    assert "Texas" not in mentions(nlp, finder, "Police fired tear gas at protesters in Paris, Texas.")


def test_the_articles_other_places_settle_an_ambiguous_name(nlp: Language, finder: PlaceFinder) -> None:
    found = mentions(nlp, finder, "Troops deployed in Tripoli after clashes in Beirut.")
    tripoli = found["Tripoli"].place
    assert tripoli is not None and tripoli.country == "LBN" and tripoli.ambiguous
    alone = mentions(nlp, finder, "Fighting erupted in Tripoli between rival militias.")["Tripoli"].place
    assert alone is not None and alone.country == "LBY"


def test_the_first_preposition_of_coordinated_phrases_gives_the_attachment(nlp: Language, finder: PlaceFinder) -> None:
    found = mentions(nlp, finder, "Clashes broke out in northern Gaza and in the West Bank city of Jenin.")
    assert found["Gaza"].locative and found["Jenin"].locative
    assert found["Jenin"].anchor == found["Gaza"].anchor
    assert found["Jenin"].place is not None and found["Jenin"].place.country == "PSE"
