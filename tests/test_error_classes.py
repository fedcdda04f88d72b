"""The error classes measured on unseen text (issue 13, item 7), each fixed as a class.

Every sentence here was written for this test; none comes from the evaluation data. Each test states
the rule, then checks it on several phrasings so that it cannot pass by one lucky parse.
"""

from __future__ import annotations

import pytest
from spacy.language import Language

from tests.test_stances import find, stances


@pytest.mark.parametrize(
    "text",
    [
        "Rebels have seized the town of Kidal, the Malian army said.",
        "The two governments have signed a border treaty, Kenyan officials said.",
        "Officials in Nairobi said the Kenyan police have arrested three suspects.",
    ],
)
def test_a_perfect_tense_auxiliary_is_never_a_trigger(nlp: Language, text: str) -> None:
    found = stances(nlp, text)
    assert not [s for s in found if s["trigger"]["text"].lower() in ("have", "has", "had")], found


def test_an_obligation_in_reported_speech_is_still_a_request(nlp: Language) -> None:
    found = stances(nlp, "The Malian army said Algeria has to close its border to the rebels.")
    request = find(found, "REQUEST", "MLI", "DZA")
    assert request["trigger"]["text"] == "has"


@pytest.mark.parametrize(
    ("text", "holder", "target"),
    [
        ("Iran refused to meet American negotiators in Oman on Sunday.", "IRN", "USA"),
        ("The Venezuelan government will not release the detained Colombian journalists.", "VEN", "COL"),
        ("The Ethiopian government declined to resume talks with the Egyptian delegation.", "ETH", "EGY"),
        ("Serbia failed to comply with the conditions set by the European Union.", "SRB", "IGO"),
    ],
)
def test_refusing_or_failing_a_cooperative_act_is_a_rejection(
    nlp: Language, text: str, holder: str, target: str
) -> None:
    rejection = find(stances(nlp, text), "REJECT", holder, target)
    assert rejection["modality"] == "asserted"


def test_a_plain_negation_of_a_meeting_is_not_a_rejection(nlp: Language) -> None:
    found = stances(nlp, "Hamas officials did not meet the Egyptian mediators on Monday.")
    assert not [s for s in found if s["event"] == "REJECT"], found


@pytest.mark.parametrize(
    ("text", "holder", "target", "mode"),
    [
        ("Egypt halted its mediation between Israel and Hamas.", "EGY", "ISR", "withdraw"),
        ("Germany suspended a planned visit to China by its defence minister.", "DEU", "CHN", "withdraw"),
        ("Russia pulled out of the talks with Ukraine on Friday.", "RUS", "UKR", "withdraw"),
        (
            "The United States suspended its military cooperation with Niger after the coup.",
            "USA",
            "NER",
            "discontinue",
        ),
        ("Sweden has frozen development aid to Uganda.", "SWE", "UGA", "discontinue"),
    ],
)
def test_ending_a_cooperative_activity_reduces_relations(
    nlp: Language, text: str, holder: str, target: str, mode: str
) -> None:
    found = stances(nlp, text)
    reduction = find(found, "SANCTION", holder, target)
    assert reduction["mode"] == mode
    # The ended act is not reported as performed.
    assert not [s for s in found if s["event"] in ("CONSULT", "COOPERATE", "AID") and s["modality"] == "asserted"]


@pytest.mark.parametrize(
    ("text", "holder", "target"),
    [
        ("France threatened to end its military cooperation with Mali.", "FRA", "MLI"),
        ("Sweden said it would halt development aid to Uganda if the law took effect.", "SWE", "UGA"),
    ],
)
def test_a_threat_to_end_a_cooperative_activity_is_a_threat(nlp: Language, text: str, holder: str, target: str) -> None:
    find(stances(nlp, text), "THREATEN", holder, target)


def test_a_withdrawal_under_an_agreement_ends_no_agreement(nlp: Language) -> None:
    found = stances(nlp, "Turkish troops withdrew from the Syrian town of Tal Abyad under the truce deal.")
    find(found, "RETREAT", "TUR", "SYR")
    assert not [s for s in found if s["event"] == "SANCTION"], found


@pytest.mark.parametrize(
    ("text", "target"),
    [
        ("A roadside bomb killed two Malian soldiers near Gao on Tuesday.", "MLI"),
        ("Four Nigerien soldiers were killed when their vehicle struck a landmine.", "NER"),
        ("Three Afghan policemen were shot dead at a checkpoint on Monday.", "AFG"),
        ("At least five Somali civilians died in a suicide bombing at a market, police said.", "SOM"),
    ],
)
def test_an_attack_with_no_named_agent_is_coded_with_an_empty_holder(nlp: Language, text: str, target: str) -> None:
    found = stances(nlp, text)
    attacks = [s for s in found if s["event"] == "ASSAULT" and not s["holder"] and target in s["target"]]
    assert attacks, found
    # Nor is the victims' own vehicle an attacker.
    assert not [s for s in found if s["event"] == "ASSAULT" and target in s["holder"]], found


@pytest.mark.parametrize(
    "text",
    [
        "Three Kenyan tourists died in a car crash near the coast.",
        "Five Nigerian villagers were killed in a flood on Sunday.",
    ],
)
def test_deaths_without_a_means_of_attack_are_no_assault(nlp: Language, text: str) -> None:
    assert not [s for s in stances(nlp, text) if s["event"] == "ASSAULT"]


@pytest.mark.parametrize(
    ("text", "holder", "target"),
    [
        ("Kenyan President William Ruto landed in Beijing for a state visit.", "KEN", "CHN"),
        ("The Indian foreign minister arrived in Canberra on Monday for a three-day visit.", "IND", "AUS"),
    ],
)
def test_a_visit_to_a_capital_targets_its_state(nlp: Language, text: str, holder: str, target: str) -> None:
    find(stances(nlp, text), "CONSULT", holder, target)


def test_hosting_codes_the_visitor_as_the_actor(nlp: Language) -> None:
    # PLOVER's CONSULT: "the visitor will always be coded as the actor and the host will be the recipient".
    found = stances(nlp, "Brazil's president hosted the visiting Portuguese prime minister in Brasilia.")
    find(found, "CONSULT", "PRT", "BRA")


@pytest.mark.parametrize(
    ("text", "event", "country"),
    [
        ("Greek rail workers went on strike on Tuesday over plans to sell the railway.", "PROTEST", "GRC"),
        ("The Bangladeshi government lifted a nationwide curfew on Sunday.", "CONCEDE", "BGD"),
        ("The Chadian government banned all opposition rallies until further notice.", "COERCE", "TCD"),
    ],
)
def test_a_domestic_act_with_no_stated_recipient_targets_its_own_state(
    nlp: Language, text: str, event: str, country: str
) -> None:
    find(stances(nlp, text), event, country, country)


def test_verbal_acts_get_no_recipient_by_default(nlp: Language) -> None:
    found = stances(nlp, "The Chadian government condemned the violence in the capital.")
    accusation = find(found, "ACCUSE", "TCD")
    assert accusation["target"] == []


def test_a_generic_phrase_takes_no_country_from_the_source_of_the_report(nlp: Language) -> None:
    found = stances(nlp, "Dozens of people were killed when gunmen attacked a market, officials in Lagos said.")
    attack = find(found, "ASSAULT", "gunmen")
    assert "NGA" not in attack["holder"]
    # The source's own phrase still codes it.
    analysis_actors = [s for s in found if "NGA" in s["holder"]]
    assert not analysis_actors, found
