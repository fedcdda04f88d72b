"""What a worker sends back: a body checked against the contract, or the document's failure."""

from __future__ import annotations

import logging
from collections import Counter

import orjson
import pytest
from spacy.language import Language

from app.api.examples import SEED_SENTENCE
from app.core.worker import Failed, Outcome, WorkItem, analyze_batch, to_result
from app.nlp.pipeline import analyze_texts


def test_an_analysis_within_the_contract_is_sent_as_it_was_serialised(nlp: Language) -> None:
    (result,) = analyze_batch(nlp, [WorkItem(SEED_SENTENCE)])
    assert isinstance(result, Outcome)
    (expected,) = analyze_texts(nlp, [SEED_SENTENCE])
    assert expected.analysis is not None
    expected.analysis.pop("sentences")
    assert result.body == orjson.dumps(expected.analysis)
    assert result.events == Counter(stance["event"] for stance in expected.analysis["stances"])
    assert result.kinds == Counter(actor["kind"] for actor in expected.analysis["actors"])
    assert result.events["REQUEST"] == 2 and result.kinds["state"] >= 3


@pytest.mark.parametrize(
    ("part", "field", "value"),
    [("stances", "confidence", 2.0), ("stances", "event", "NOT_PLOVER"), ("actors", "kind", "alien")],
)
def test_a_body_outside_the_contract_fails_the_document_and_is_logged(
    nlp: Language, part: str, field: str, value: object, caplog: pytest.LogCaptureFixture
) -> None:
    (analysed,) = analyze_texts(nlp, [SEED_SENTENCE])
    assert analysed.analysis is not None
    analysed.analysis[part][0][field] = value
    with caplog.at_level(logging.ERROR, logger="stancewire.worker"):
        result = to_result(WorkItem(SEED_SENTENCE, request_id="contract-1"), analysed)
    assert isinstance(result, Failed) and result.error == "ValidationError"
    (record,) = [r for r in caplog.records if r.getMessage() == "analysis failed"]
    assert record.request_id == "contract-1"  # type: ignore[attr-defined]
    assert record.fields["exc_type"] == "ValidationError"  # type: ignore[attr-defined]
