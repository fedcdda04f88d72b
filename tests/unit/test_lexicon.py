"""The stance lexicon data: schema, consistency with the PLOVER taxonomy, and loader behaviour."""

from __future__ import annotations

import copy
from importlib import resources
from typing import Any

import pytest
import yaml

from app.nlp.lexicon import LexiconError, load_lexicon, validate_lexicon
from app.nlp.taxonomy import EVENT_NAMES


def _raw() -> dict[str, Any]:
    raw: dict[str, Any] = yaml.safe_load(resources.files("app.nlp").joinpath("data/lexicon.yaml").read_text("utf-8"))
    return raw


def test_lexicon_validates_and_loads() -> None:
    validate_lexicon(_raw())
    lexicon = load_lexicon()
    assert lexicon.lookup("verb", "urge")[0].event == "REQUEST"
    assert load_lexicon() is lexicon  # cached once per process


def test_every_category_has_verb_and_noun_triggers() -> None:
    raw = _raw()
    for event in EVENT_NAMES:
        kinds = {entry["pos"] for entry in raw["entries"] if entry["event"] == event}
        assert "verb" in kinds, event
        if event not in {"REQUEST", "REJECT", "THREATEN"}:
            assert "noun" in kinds, event


def test_constrained_entries_win_over_plain_ones() -> None:
    entries = load_lexicon().lookup("verb", "withdraw")
    assert entries[0].objects or entries[0].object_events, "an object-constrained sense must be tried first"
    assert [e.specificity for e in entries] == sorted((e.specificity for e in entries), reverse=True)


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda raw: raw["entries"][0].update(event="DEMAND"), "names events plover.yaml does not: \\['DEMAND'\\]"),
        (lambda raw: raw["entries"][0].update(event="demand"), "entries/0/event"),
        (lambda raw: raw["entries"][0].update(object_event=["FIGHT"]), "names events plover.yaml does not"),
        (lambda raw: raw["entries"][0].update(frame="nonexistent"), "unknown frame"),
        (lambda raw: raw["entries"][0].update(mode="not_a_mode"), "is not a"),
        (lambda raw: raw["frames"]["ask"]["holder"].append("elsewhere"), "frames/ask/holder"),
        (lambda raw: raw["entries"][0].update(**{"with": [True]}), "with/0"),  # YAML's bare `on` is a boolean
    ],
)
def test_malformed_lexicon_is_rejected(mutate: Any, message: str) -> None:
    raw = copy.deepcopy(_raw())
    mutate(raw)
    with pytest.raises(LexiconError, match=message):
        validate_lexicon(raw)


def test_modality_cues_load() -> None:
    cues = load_lexicon().cues
    assert cues.modals["will"] == "intended"
    assert cues.embedders["fail"] == "negated"
    assert "say" in cues.attribution_verbs
    assert "unless" in cues.ultimatum_marks
