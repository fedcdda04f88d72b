"""Argument rules added to raise stance recall: each checked on a sentence written for this test."""

from __future__ import annotations

from spacy.language import Language

from tests.support import by_text, find, run_actors, stances


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


def test_plural_pronoun_prefers_a_plural_antecedent(nlp: Language) -> None:
    doc = run_actors(nlp, "Gunmen loyal to the Taliban commander said they attacked a Pakistani army post.")
    gunmen = by_text(doc, "Gunmen")
    assert any(doc.text[m.start : m.end] == "they" for m in gunmen.mentions)


def test_appositive_group_noun_folds_into_the_named_organisation(nlp: Language) -> None:
    doc = run_actors(nlp, "The Kenya National Union of Nurses, the largest union in the country, ended its strike.")
    union = by_text(doc, "the largest union")
    assert union.kind != "group"


def test_domestic_act_without_recipient_targets_the_counterpart_of_the_same_country(nlp: Language) -> None:
    found = stances(nlp, "Thai farmers rioted after a rally demanding the resignation of Prime Minister Somchai.")
    find(found, "PROTEST", "THA", "THA")
    found = stances(nlp, "Zambian teachers called off their strike after talks with the Zambian government.")
    find(found, "CONCEDE", "ZMB", "ZMB")


def test_domestic_act_reported_by_its_government_is_still_aimed_at_its_state(nlp: Language) -> None:
    # The speaker is never chosen as a named counterpart, but a domestic riot's recipient is its country
    # (PLOVER codes BOL -> BOL), whose state actor here happens to be the one reporting it.
    found = stances(nlp, "Bolivian students rioted on Monday, the Bolivian government said.")
    find(found, "PROTEST", "BOL", "BOL")


def test_investigation_into_names_its_target(nlp: Language) -> None:
    found = stances(nlp, "Amnesty International opened an investigation into a complaint by the Chilean government.")
    find(found, "ACCUSE", "NGO", "CHL")


def test_stative_commitment_is_held_by_its_passive_subject(nlp: Language) -> None:
    find(stances(nlp, "The minister said Ghana is committed to reforming its courts."), "AGREE", "GHA")


def test_a_mediation_effort_between_two_states_targets_both(nlp: Language) -> None:
    found = stances(nlp, "Norway began a mediation effort between Eritrea and Ethiopia.")
    mediation = find(found, "CONSULT", "NOR", "ERI")
    assert "ETH" in mediation["target"]


def test_forcing_out_an_organisation_is_an_expulsion_not_a_deportation(nlp: Language) -> None:
    find(stances(nlp, "Belarus forced the OSCE mission out of the country."), "SANCTION", "BLR", "IGO")
    find(stances(nlp, "Belarus forced the refugees out of the country."), "COERCE", "BLR")


def test_using_weapons_against_a_state_is_an_attack(nlp: Language) -> None:
    find(stances(nlp, "Armenia used heavy artillery against Azerbaijan."), "ASSAULT", "ARM", "AZE")


def test_a_title_before_a_comma_and_a_name_is_that_person(nlp: Language) -> None:
    doc = run_actors(nlp, "Jordan's king, Abdullah, launched a peace initiative on Sunday.")
    king = by_text(doc, "Jordan's king")
    assert king.country == "JOR"
    assert any(doc.text[m.start : m.end] == "Abdullah" for m in king.mentions)


def test_a_state_acting_inside_its_own_territory_is_its_own_target(nlp: Language) -> None:
    found = stances(nlp, "The French government outlawed an armed separatist group in Corsica and southern France.")
    find(found, "COERCE", "FRA", "FRA")
    # With no place named, the repression is still domestic: its recipient is the state's own country.
    found = stances(nlp, "The French government outlawed an armed separatist group.")
    find(found, "COERCE", "FRA", "FRA")


def test_weapons_made_to_use_against_a_state_are_a_threat(nlp: Language) -> None:
    found = stances(nlp, "A militia in Chad is manufacturing rockets to use against Sudan, a report said.")
    find(found, "THREATEN", "TCD", "SDN")
    assert all(s["modality"] != "asserted" for s in found if s["event"] == "ASSAULT")


def test_a_preposition_keeps_the_object_the_parser_gave_to_a_participle(nlp: Language) -> None:
    found = stances(nlp, "Brazil has granted asylum to three Paraguayan senators holed up in its embassy since May.")
    find(found, "AID", "BRA", "PRY")


def test_a_group_affiliated_in_its_own_phrase_inherits_nothing(nlp: Language) -> None:
    doc = run_actors(nlp, "The Albanian prime minister received a mission of observers from the OSCE.")
    assert by_text(doc, "observers").country is None


def test_a_group_takes_the_one_country_its_sentence_locates_things_in(nlp: Language) -> None:
    doc = run_actors(nlp, "Thousands of workers marched through the streets in Peru against American mining firms.")
    assert by_text(doc, "workers").country == "PER"


def test_units_withdrawn_without_an_agent_are_who_retreats(nlp: Language) -> None:
    find(stances(nlp, "Russian troops were withdrawn from Georgia on Friday."), "RETREAT", "RUS", "GEO")
    find(stances(nlp, "Chad withdrew its troops from the Central African Republic."), "RETREAT", "TCD", "CAF")


def test_a_two_word_preposition_reaches_its_object(nlp: Language) -> None:
    find(stances(nlp, "Syrian forces were pulled out of Lebanon."), "RETREAT", "SYR", "LBN")
