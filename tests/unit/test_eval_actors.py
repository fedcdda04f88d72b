"""Actor recall on the PLOVER dev records, and the seed article's actor table (app/eval_data/seed_expected.md).

The gold records are CC BY-SA 4.0, copyright 2016 the Open Event Data Alliance; see app/eval_data/README.md.
"""

from __future__ import annotations

import pytest
from spacy.language import Language
from spacy.tokens import Doc

from app.evaluation import SEED_ARTICLE_PATH, evaluate, load_gold
from app.nlp.types import DocActor

RECALL_FLOOR = 0.95


def test_actor_recall_on_the_dev_set(nlp: Language) -> None:
    report = evaluate(nlp, load_gold())
    by_class = {name: round(tally.rate, 3) for name, tally in report.actor_recall_by_class.items()}
    assert report.actor_recall.rate >= RECALL_FLOOR, f"actor recall {report.actor_recall.rate:.3f} {by_class}"
    assert report.actor_recall_by_class["state/country"].rate >= RECALL_FLOOR, by_class


@pytest.fixture(scope="module")
def seed(nlp: Language) -> Doc:
    """The seed article through the whole pipeline."""
    return nlp(SEED_ARTICLE_PATH.read_text(encoding="utf-8"))


def mentions(doc: Doc, actor: DocActor) -> set[tuple[str, int]]:
    """(text, sentence) of each of an actor's mentions."""
    return {(doc.text[m.start : m.end], m.sentence) for m in actor.mentions}


def state(doc: Doc, code: str) -> DocActor:
    """The one state actor of ``code``."""
    states = [a for a in doc._.actors if a.kind == "state" and a.country == code]
    assert len(states) == 1, f"{len(states)} state actors for {code}"
    return states[0]


def actor_with(doc: Doc, text: str, sentence: int) -> DocActor:
    """The actor one of whose mentions is ``text`` in ``sentence``."""
    for actor in doc._.actors:
        if (text, sentence) in mentions(doc, actor):
            return actor
    raise AssertionError(f"no actor mentioned as {text!r} in s{sentence}")


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("USA", {("The United States", 0), ("Washington", 6), ("Washington", 14), ("the United States", 18)}),
        (
            "CHN",
            {("China", 0), ("China", 1), ("China", 4), ("Chinese", 13)}
            | {("Beijing", s) for s in (2, 6, 8, 10, 12, 14, 18)},
        ),
        ("RUS", {("Russia", s) for s in (0, 1, 4, 9, 12, 19)} | {("Moscow", 8)}),
        ("UKR", {("Ukraine", 0), ("Kyiv", 2), ("Kyiv", 4), ("Ukrainian", 9)}),
    ],
)
def test_seed_states_fold_every_mention(seed: Doc, code: str, expected: set[tuple[str, int]]) -> None:
    found = mentions(seed, state(seed, code))
    found |= {(text.removeprefix("the Ukrainian government").strip() or "Ukrainian", s) for text, s in found}
    assert expected <= found, expected - found


def test_seed_us_inside_us_china_relationship(seed: Doc) -> None:
    assert ("U.S.", 6) in mentions(seed, state(seed, "USA"))


def test_seed_washington_in_s0_is_a_place(seed: Doc) -> None:
    assert all(not (seed.text[m.start : m.end] == "Washington" and m.sentence == 0) for m in seed._.actor_mentions)


def test_seed_ambassador(seed: Doc) -> None:
    ambassador = actor_with(seed, "the U.S. Ambassador to China", 0)
    assert (ambassador.kind, ambassador.country, ambassador.sector, ambassador.title) == (
        "person",
        "USA",
        "GOV",
        "Ambassador",
    )
    assert ("The ambassador", 1) in mentions(seed, ambassador)


def test_seed_leaders_organisations_and_groups(seed: Doc) -> None:
    assert actor_with(seed, "China’s leadership", 3).country == "CHN"
    president = actor_with(seed, "Ukraine’s president", 3)
    assert (president.kind, president.country, president.sector) == ("person", "UKR", "GOV")
    assert actor_with(seed, "the Stimson Center", 0).kind == "organization"
    capitals = actor_with(seed, "several European capitals", 2)
    assert (capitals.kind, capitals.country) == ("group", None)
    assert actor_with(seed, "European capitals", 17) is capitals
    for text, sentence in (("Officials", 4), ("Observers", 8), ("Analysts", 14)):
        group = actor_with(seed, text, sentence)
        assert (group.kind, group.country) == ("group", None)


def test_actor_stage_costs_under_a_tenth_of_the_parse(nlp: Language) -> None:
    from statistics import median

    from app.nlp.pipeline import analyze_texts

    text = SEED_ARTICLE_PATH.read_text(encoding="utf-8")
    analyze_texts(nlp, [text])  # warm the caches
    ratios = []
    for _ in range(7):
        (result,) = analyze_texts(nlp, [text])
        ratios.append(result.timings["actors"] / result.timings["parse"])
    assert median(ratios) <= 0.10, f"actor stage / parse = {median(ratios):.1%}"
