"""Evaluation floors on the PLOVER dev records and the seed article's required stances.

The gold records are from the Open Event Data Alliance's PLOVER repository (CC BY-SA 4.0,
copyright 2016 the Open Event Data Alliance); see app/eval_data/README.md.
"""

from __future__ import annotations

from typing import Any

import pytest
from spacy.language import Language

from app.evaluation import SEED_ARTICLE_PATH, Report, actor_code, evaluate, half, load_gold, stance_matches
from app.nlp.pipeline import analyze_texts

COOPERATIVE = {"AGREE", "SUPPORT", "COOPERATE", "AID", "RETREAT", "CONCEDE"}
# Floors: the dev set must not fall below the figures before the dictionaries (issue 13: 0.92 event,
# 0.81 triple); today's figures are in docs/accuracy.md.
FLOORS = {"event_recall": 0.92, "triple_recall": 0.83, "top1_event": 0.86, "holder_recall": 0.86}


@pytest.fixture(scope="module")
def report(nlp: Language) -> Report:
    return evaluate(nlp, load_gold())


@pytest.mark.parametrize("measure", sorted(FLOORS))
def test_dev_floor(report: Report, measure: str) -> None:
    rate = getattr(report, measure).rate
    assert rate >= FLOORS[measure], f"{measure} {rate:.3f} fell below {FLOORS[measure]}"


def test_an_agentless_record_is_matched_by_a_stance_without_a_coded_holder() -> None:
    record = {"event": "ASSAULT", "source": [], "target": ["IRQ"]}
    codes = {"a1": "IRQ", "a2": "USA"}
    assert stance_matches({"event": "ASSAULT", "holder": [], "target": ["a1"]}, record, codes)
    assert not stance_matches({"event": "ASSAULT", "holder": ["a2"], "target": ["a1"]}, record, codes)
    assert not stance_matches({"event": "ASSAULT", "holder": [], "target": ["a2"]}, record, codes)


def test_halves_split_the_records_by_position() -> None:
    records = load_gold()
    even, odd = half(records, "even"), half(records, "odd")
    assert len(even) + len(odd) == len(records)
    assert even[0] is records[0] and odd[0] is records[1]
    assert not {r["id"] for r in even} & {r["id"] for r in odd}


def test_stances_per_sentence_stay_focused(report: Report) -> None:
    assert 1.0 <= report.stances_per_sentence <= 2.5


@pytest.fixture(scope="module")
def seed(nlp: Language) -> list[dict[str, Any]]:
    analysis = analyze_texts(nlp, [SEED_ARTICLE_PATH.read_text("utf-8")])[0].analysis
    assert analysis is not None
    codes = {actor["id"]: actor_code(actor) for actor in analysis["actors"]}
    return [
        s | {"holder_codes": {codes.get(h) for h in s["holder"]}, "target_codes": {codes.get(t) for t in s["target"]}}
        for s in analysis["stances"]
    ]


def _has(seed: list[dict[str, Any]], sentence: int, event: str, holder: str, target: str | None) -> dict[str, Any]:
    for stance in seed:
        if stance["sentence"] != sentence or stance["event"] != event or holder not in stance["holder_codes"]:
            continue
        if target is None or target in stance["target_codes"] | stance["holder_codes"]:
            return stance
    pytest.fail(f"seed s{sentence}: no {holder} {event} {target}")


@pytest.mark.parametrize(
    ("sentence", "event", "holder", "target"),
    [
        (0, "REQUEST", "USA", "CHN"),
        (3, "CONSULT", "CHN", "UKR"),
        (6, "AGREE", "USA", "CHN"),
        (14, "AGREE", "USA", "CHN"),
    ],
)
def test_seed_must_stances(seed: list[dict[str, Any]], sentence: int, event: str, holder: str, target: str) -> None:
    _has(seed, sentence, event, holder, target)


def test_seed_should_stances(seed: list[dict[str, Any]]) -> None:
    assert _has(seed, 0, "REQUEST", "CHN", "RUS")["modality"] == "requested"
    assert _has(seed, 0, "ASSAULT", "RUS", "UKR")["modality"] == "asserted"
    officials = [s for s in seed if s["sentence"] == 4 and s["event"] == "REQUEST" and "CHN" in s["target_codes"]]
    assert officials, "the unnamed Officials group asks China to adopt a firmer stance"
    assert _has(seed, 9, "REQUEST", "CHN", "RUS")["modality"] == "hypothetical"
    assert _has(seed, 18, "RETREAT", "USA", None)["modality"] == "negated"


def test_seed_must_not(seed: list[dict[str, Any]]) -> None:
    s0_washington = [s for s in seed if s["sentence"] == 0 and "USA" in s["holder_codes"] and s["event"] != "REQUEST"]
    assert not s0_washington, "the place Washington of s0 holds no stance"
    assert not [
        s
        for s in seed
        if s["event"] in COOPERATIVE
        and "RUS" in s["holder_codes"]
        and "UKR" in s["target_codes"]
        and s["modality"] == "asserted"
    ]
    assert all(s["modality"] == "negated" for s in seed if s["sentence"] == 18 and s["event"] == "RETREAT")
