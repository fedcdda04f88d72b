"""The stance stage on single sentences: frames, arguments, modality, attribution, precision."""

from __future__ import annotations

import pytest
from spacy.language import Language

from tests.support import find, stances


def test_request_with_object_control_and_nested_request(nlp: Language) -> None:
    found = stances(nlp, "The United States is urging China to press Russia to halt its aggression in Ukraine.")
    urge = find(found, "REQUEST", "USA", "CHN")
    assert urge["modality"] == "asserted"
    assert urge["trigger"]["text"] == "urging"
    assert urge["content"]["text"] == "to press Russia to halt its aggression in Ukraine"
    assert find(found, "REQUEST", "CHN", "RUS")["modality"] == "requested"
    assert find(found, "ASSAULT", "RUS", "UKR")["modality"] == "asserted"
    assert max(found, key=lambda s: s["confidence"]) is urge


def test_passive_agent_is_the_holder(nlp: Language) -> None:
    found = stances(nlp, "A camp for Congolese refugees was attacked by Burundian militiamen, the UN agency reported.")
    find(found, "ASSAULT", "BDI", "COD")


def test_accusation_marks_the_accused_act_alleged(nlp: Language) -> None:
    found = stances(nlp, "Iran accused Iraq of attacking Kuwait.")
    find(found, "ACCUSE", "IRN", "IRQ")
    assert find(found, "ASSAULT", "IRQ", "KWT")["modality"] == "alleged"


def test_reciprocal_agreement_makes_both_holders(nlp: Language) -> None:
    found = stances(nlp, "The United States and Jordan have agreed upon a new free-trade pact.")
    agree = find(found, "AGREE", "USA")
    assert set(agree["holder"]) | set(agree["target"]) >= {"USA", "JOR"}


def test_noun_meeting_between_two_sides(nlp: Language) -> None:
    found = stances(nlp, "The meeting between China's leadership and Ukraine's president was viewed as constructive.")
    consult = find(found, "CONSULT", "CHN")
    assert set(consult["holder"]) | set(consult["target"]) >= {"CHN", "UKR"}


def test_negation_is_kept_not_dropped(nlp: Language) -> None:
    found = stances(nlp, "The United States has not signaled withdrawing from Iraq.")
    assert all(s["modality"] == "negated" for s in found if s["event"] == "RETREAT")


def test_refusal_is_reject_and_negated_agreement_is_reject(nlp: Language) -> None:
    find(stances(nlp, "Pakistan has refused to deploy peacekeepers in Iraq."), "REJECT", "PAK")
    find(stances(nlp, "Syria says it will not accept any more refugees from Iraq."), "REJECT", "SYR")


def test_intent_to_cooperate_is_agree_and_intended_harm_is_threaten(nlp: Language) -> None:
    agree = find(stances(nlp, "Washington is prepared to discuss trade with Beijing."), "AGREE", "USA", "CHN")
    assert agree["modality"] == "intended"
    find(stances(nlp, "Nigeria will withdraw its peacekeepers from Chad unless elections are held."), "THREATEN", "NGA")
    find(stances(nlp, "Radical French farmers said they would blockade Paris."), "THREATEN", "FRA")


def test_said_must_is_a_request(nlp: Language) -> None:
    request = find(
        stances(nlp, "Russia said on Tuesday that Sudan must return a captured helicopter."), "REQUEST", "RUS", "SDN"
    )
    assert "Sudan must return" in request["content"]["text"]


def test_attribution_to_the_reporting_speaker(nlp: Language) -> None:
    found = stances(nlp, "Israeli soldiers beat Palestinian detainees, Egyptian officials said.")
    assault = find(found, "ASSAULT", "ISR", "PSE")
    assert assault["attributed_to"] is not None


def test_hypothetical_modals(nlp: Language) -> None:
    found = stances(nlp, "China could encourage Russia to withdraw its forces.")
    assert find(found, "REQUEST", "CHN", "RUS")["modality"] == "hypothetical"


def test_places_never_hold_stances(nlp: Language) -> None:
    found = stances(nlp, "The ambassador spoke at a policy event held at the Stimson Center in Washington.")
    assert not any("USA" in s["holder"] for s in found)


@pytest.mark.parametrize(
    "text",
    [
        "Brazil beat Argentina 2-1 in the World Cup final on Sunday.",
        "Heavy rain and a storm hit France on Monday, forecasters said.",
        "Oil prices rose in Saudi Arabia and Russia on Tuesday.",
    ],
)
def test_no_stances_for_sport_weather_prices(nlp: Language, text: str) -> None:
    assert stances(nlp, text) == []


def test_every_stance_has_holder_evidence_and_valid_confidence(nlp: Language) -> None:
    text = "Iran threatened to launch a new offensive against Iraq unless Baghdad accepted its conditions."
    found = stances(nlp, text)
    assert found
    for stance in found:
        assert stance["holder"]
        assert 0.0 <= stance["confidence"] <= 1.0
        assert stance["evidence"]["text"] == text
        assert text[stance["trigger"]["start"] : stance["trigger"]["end"]] == stance["trigger"]["text"]
    find(found, "THREATEN", "IRN", "IRQ")
