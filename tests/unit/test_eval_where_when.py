"""Floors on the where-and-when set (app/eval_data/places_dates.jsonl): places and dates of stances.

Figures and how the set was used are in docs/places-dates.md; the floors sit a little under them.
The acceptance bars of issue 17 (country and day-precision date: precision >= 0.95, recall >= 0.85,
nothing invented) hold on each split.
"""

from __future__ import annotations

import pytest
from spacy.language import Language

from app.evaluation import WHERE_WHEN_GOLD, Scored, WhereWhenReport, evaluate_where_when, load_gold, score_where_when

FLOORS = {
    # split: {measure: (precision, recall)}
    "tune": {"country": (0.97, 0.95), "place": (0.95, 0.93), "day": (0.98, 0.98)},
    "held-out": {"country": (0.95, 0.93), "place": (0.90, 0.90), "day": (0.97, 0.93)},
}


@pytest.fixture(scope="module", params=sorted(FLOORS))
def split(request: pytest.FixtureRequest, nlp: Language) -> tuple[str, WhereWhenReport]:
    name: str = request.param
    records = [r for r in load_gold(WHERE_WHEN_GOLD) if r["split"] == name]
    return name, evaluate_where_when(nlp, records)


def test_the_set_is_large_enough_and_well_formed() -> None:
    records = load_gold(WHERE_WHEN_GOLD)
    assert len(records) >= 80 and len({r["id"] for r in records}) == len(records)
    assert {r["split"] for r in records} == {"tune", "held-out"}
    assert sum(r["case"] == "none" for r in records) >= 10
    for record in records:
        assert record["trigger"].lower() in record["text"].lower(), record["id"]


def test_floors(split: tuple[str, WhereWhenReport]) -> None:
    name, report = split
    for measure, (precision, recall) in FLOORS[name].items():
        scored: Scored = getattr(report, measure)
        assert scored.precision >= precision, f"{name} {measure} precision {scored.precision:.3f} < {precision}"
        assert scored.recall >= recall, f"{name} {measure} recall {scored.recall:.3f} < {recall}"


def test_acceptance_bars_and_nothing_invented(split: tuple[str, WhereWhenReport]) -> None:
    name, report = split
    for measure in ("country", "day"):
        scored: Scored = getattr(report, measure)
        assert scored.precision >= 0.95 and scored.recall >= 0.85, f"{name} {measure}"
    assert report.invented == [], f"{name}: a place or date where the text gives none: {report.invented}"
    assert report.unresolved.total and report.unresolved.rate == 1.0


def test_the_scoring_counts_a_wrong_place_as_both_a_false_positive_and_a_miss() -> None:
    record = {
        "id": "x",
        "text": "t",
        "date": "2024-03-14",
        "trigger": "shelled",
        "location": {"country": "UKR", "name": "Kherson"},
        "when": {"value": "2024-03-12", "precision": "day"},
        "case": "own-clause",
    }
    stance = {
        "trigger": {"text": "shelled"},
        "confidence": 0.9,
        "location": {"country": "RUS", "name": "Kherson", "mention": {"text": "Kherson"}},
        "date": {"value": "2024-03-12", "precision": "day", "resolved": True, "mention": {"text": "on Tuesday"}},
    }
    report = score_where_when([record], [{"stances": [stance], "actors": []}])
    assert (report.country.tp, report.country.fp, report.country.fn) == (0, 1, 1)
    assert (report.day.tp, report.day.fp, report.day.fn) == (1, 0, 0)
