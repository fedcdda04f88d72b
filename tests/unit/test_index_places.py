"""Towns the gazetteer does not list, read through the place index, lend their country (and are no actors).

Every sentence was written for this test (none comes from an evaluation set).
"""

from __future__ import annotations

import pytest
from spacy.language import Language


def _places(nlp: Language, text: str) -> dict[str, str]:
    doc = nlp(text)
    return {doc[p.token_start : p.token_end].text: p.country for p in doc._.places}


@pytest.mark.parametrize(
    ("text", "name", "country"),
    [
        ("Israeli airstrikes killed at least 12 people in Khan Younis overnight.", "Khan Younis", "PSE"),
        ("Gunmen abducted 20 villagers in the district of Tillaberi.", "Tillaberi", "NER"),
        ("The army moved troops near the border town of Aweil.", "Aweil", "SSD"),
        ("Heavy fighting was reported in Bakhmut and Avdiivka.", "Avdiivka", "UKR"),
    ],
)
def test_a_town_the_text_places_lends_its_country(nlp: Language, text: str, name: str, country: str) -> None:
    assert _places(nlp, text).get(name) == country


def test_a_town_read_as_a_place_is_no_actor(nlp: Language) -> None:
    doc = nlp("The World Food Programme airdropped food rations over besieged El Fasher.")
    assert "El Fasher" in _places(nlp, doc.text)
    assert "El Fasher" not in {a.name for a in doc._.actors}


def test_an_unnamed_group_takes_the_country_of_the_town_it_acts_in(nlp: Language) -> None:
    doc = nlp("Soldiers detained 17 traders in the northern town of Dori.")
    assert {a.country for a in doc._.actors if a.name == "Soldiers"} == {"BFA"}


@pytest.mark.parametrize(
    "text",
    [
        "Executives of Amazon met the mayor to discuss a new warehouse.",  # no place word: a firm
        "The minister spoke with Jordan Henderson after the match.",  # a person, not Jordan
        "Farmers marched in Punjab to demand higher prices.",  # a province two countries have
    ],
)
def test_a_name_the_text_does_not_place_or_the_index_cannot_settle_lends_nothing(nlp: Language, text: str) -> None:
    places = _places(nlp, text)
    assert "Amazon" not in places and "Jordan Henderson" not in places and "Punjab" not in places, places
