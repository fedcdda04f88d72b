"""Argument rules added to raise stance recall: each checked on a sentence written for this test."""

from __future__ import annotations

from spacy.language import Language

from tests.test_actors import by_text, run_actors
from tests.test_stances import find, stances


def test_unnamed_group_takes_the_country_of_its_own_place(nlp: Language) -> None:
    doc = run_actors(nlp, "Students in Caracas marched against the new tax law, the United States said.")
    assert by_text(doc, "Students").country == "VEN"
    assert all(doc.text[m.start : m.end] != "Caracas" for m in doc._.actor_mentions)


def test_unnamed_group_takes_the_one_country_of_its_sentence(nlp: Language) -> None:
    doc = run_actors(nlp, "Angry farmers blocked the highway to Nairobi and demanded that the Kenyan government act.")
    assert by_text(doc, "Angry farmers").country == "KEN"


def test_person_takes_the_country_of_a_named_actor_not_of_a_place(nlp: Language) -> None:
    doc = run_actors(nlp, "Governor Alma Rudd met the Ghanaian foreign minister.")
    assert by_text(doc, "Governor Alma Rudd").country == "GHA"
    doc = run_actors(nlp, "Governor Alma Rudd spoke at a hotel in Accra.")
    assert by_text(doc, "Governor Alma Rudd").country is None


def test_two_candidate_countries_give_none(nlp: Language) -> None:
    doc = run_actors(nlp, "Observers said France and Germany would sign the accord.")
    assert by_text(doc, "Observers").country is None


def test_inherited_country_codes_the_stance(nlp: Language) -> None:
    find(stances(nlp, "Protesters in Lima blocked roads to denounce the United States."), "PROTEST", "PER", "USA")
