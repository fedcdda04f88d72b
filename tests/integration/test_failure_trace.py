"""A failed analysis leaves a trace: one error line in the worker's log, and a problem naming the request."""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest
import spacy

from app.api.examples import SEED_SENTENCE
from app.core.logging import JsonFormatter, format_traceback, withhold_words
from app.nlp.pipes import ATTRIBUTE_RULER
from tests.support import MODEL, make_settings, start_app

pytestmark = pytest.mark.anyio

FAULT_WORD = "kaboom"
# Words of the article that must never reach the log.
ARTICLE = "The Zorblat ministry said on Tuesday that the talks would kaboom unless Quenvia withdrew its troops."


@pytest.fixture(scope="module")
def faulty_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real model plus a component that raises on every document containing FAULT_WORD."""
    nlp = spacy.load(MODEL)
    ruler = nlp.add_pipe(ATTRIBUTE_RULER, name="fault_injector")
    # The rule points past the end of its one-token match, so spaCy raises (E1001) whenever it matches.
    ruler.add([[{"LOWER": FAULT_WORD}]], {"TAG": "NN"}, index=3)
    path = tmp_path_factory.mktemp("faulty") / "model"
    nlp.to_disk(path)
    return path


def json_lines(text: str) -> list[dict[str, Any]]:
    return [orjson.loads(line) for line in text.splitlines() if line.startswith("{")]


async def test_a_failing_component_is_logged_in_the_worker_and_the_problem_names_the_request(
    faulty_model: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    # Workers start inside the test, so their stderr is the one capfd reads.
    app, context = await start_app(make_settings(model=str(faulty_model)))
    try:
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://stancewire.test") as client:
            failed = await client.post("/v1/analyze", json={"text": ARTICLE}, headers={"X-Request-ID": "fault-1"})
            fine = await client.post("/v1/analyze", json={"text": SEED_SENTENCE})
            documents = [{"id": "good", "text": SEED_SENTENCE}, {"id": "bad", "text": ARTICLE}]
            batch = await client.post(
                "/v1/analyze/batch", json={"documents": documents}, headers={"X-Request-ID": "fault-2"}
            )
    finally:
        await context.__aexit__(None, None, None)
    log = capfd.readouterr().err

    assert failed.status_code == 500
    assert failed.headers["content-type"].startswith("application/problem+json")
    problem = failed.json()
    assert problem["type"] == "/problems/analysis-failed"
    assert problem["request_id"] == failed.headers["x-request-id"] == "fault-1"
    assert "Zorblat" not in failed.text and "ValueError" not in failed.text

    assert fine.status_code == 200, fine.text  # the worker survives its failure
    good, bad = batch.json()["results"]
    assert good["id"] == "good" and good["stances"]
    assert bad["id"] == "bad"
    assert bad["error"]["type"] == "/problems/analysis-failed" and bad["error"]["request_id"] == "fault-2"

    failures = [line for line in json_lines(log) if line["msg"] == "analysis failed"]
    assert sorted(line["request_id"] for line in failures) == ["fault-1", "fault-2"], log
    for line in failures:
        assert line["level"] == "error" and line["logger"] == "stancewire.worker"
        assert line["pid"] != os.getpid()  # logged by the worker process
        assert line["chars"] == len(ARTICLE)
        assert line["exc_type"] == "ValueError"
        assert line["traceback"].startswith("Traceback (most recent call last):\n")
        assert "attributeruler.py" in line["traceback"] and "[E1001]" in line["traceback"]
    for word in ("Zorblat", "Quenvia", FAULT_WORD):
        assert word.lower() not in log.lower(), word


def test_a_traceback_gives_code_locations_and_only_the_messages_it_is_allowed() -> None:
    def fail() -> None:
        try:
            {}["Quenvia"]
        except KeyError as exc:
            raise ValueError("could not code Quenvia at 42") from exc

    with pytest.raises(ValueError, match="could not code") as raised:
        fail()
    quiet = format_traceback(raised.value)
    assert quiet.count("Traceback (most recent call last):") == 2
    assert "The above exception was the direct cause of the following exception:" in quiet
    assert quiet.index("KeyError") < quiet.index("ValueError")
    assert f'File "{__file__}", line' in quiet and ", in fail" in quiet
    assert "Quenvia" not in quiet and "could not code" not in quiet

    article = "Officials in Quenvia denied it."
    told = format_traceback(raised.value, lambda exc: withhold_words(str(exc), article))
    assert "ValueError: could not code … at 42" in told
    assert "KeyError: '…'" in told


def test_a_logged_exception_carries_its_traceback_without_its_message() -> None:
    record = logging.LogRecord("stancewire.test", logging.ERROR, __file__, 1, "failed", None, None)
    try:
        raise RuntimeError("the article said Quenvia")
    except RuntimeError as exc:
        record.exc_info = (type(exc), exc, exc.__traceback__)
    line = orjson.loads(JsonFormatter().format(record))
    assert line["exc_type"] == "RuntimeError"
    assert line["traceback"].endswith("\nRuntimeError")
    assert __file__ in line["traceback"]
    assert "Quenvia" not in line["traceback"]
