"""Assemble v1 analysis responses from the workers' pre-serialised JSON."""

from __future__ import annotations

import logging
from typing import Any

import orjson

from app import __version__
from app.core.config import Settings
from app.core.errors import ProblemError
from app.core.metrics import Metrics
from app.core.pool import Outcome
from app.schemas import AnalyzeRequest

log = logging.getLogger("stancewire.api")


def check_document(document: AnalyzeRequest, settings: Settings) -> None:
    """Raise a ``ProblemError`` when a document cannot be analysed as sent."""
    if document.language.lower() != "en":
        raise ProblemError(422, "Only English (`en`) is supported.", slug="unsupported-language", field="language")
    text = document.text
    if len(text) > settings.max_text_chars:
        raise ProblemError(413, f"`text` is longer than {settings.max_text_chars} characters.", field="text")
    if not text.strip():
        raise ProblemError(422, "`text` is blank.", field="text")
    if "\x00" in text:
        raise ProblemError(422, "`text` contains a NUL character.", field="text")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise ProblemError(422, "`text` contains an unpaired surrogate.", field="text") from None
    if settings.log_text and log.isEnabledFor(logging.DEBUG):
        # Article text reaches the logs only when both STANCEWIRE_LOG_TEXT and debug logging ask for it.
        log.debug("document text", extra={"fields": {"id": document.id, "chars": len(text), "text": text}})


def render_analysis(document: AnalyzeRequest, outcome: Outcome, elapsed_s: float, model: str) -> bytes:
    """Splice the worker's actors/stances JSON into a full v1 response without re-parsing it."""
    meta = {"model": model, "version": __version__, "tokens": outcome.tokens, "elapsed_ms": round(elapsed_s * 1000, 3)}
    head = b'{"id":' + orjson.dumps(document.id) + b',"language":"en",'
    return head + outcome.body[1:-1] + b',"meta":' + orjson.dumps(meta) + b"}"


def record_outcome(metrics: Metrics, outcome: Outcome) -> None:
    """Count an analysed document in the metrics."""
    metrics.documents.inc()
    metrics.tokens.inc(outcome.tokens)
    metrics.document_tokens.observe(outcome.tokens)
    for stage, seconds in outcome.timings.items():
        metrics.stage_seconds.labels(stage=stage).observe(seconds)
    for event, count in outcome.events.items():
        metrics.stances.labels(event=event).inc(count)
    for kind, count in outcome.kinds.items():
        metrics.actors.labels(kind=kind).inc(count)


def problem_entry(document_id: str | None, body: dict[str, Any]) -> bytes:
    """Render a batch entry for a document that was not analysed."""
    return orjson.dumps({"id": document_id, "error": body})
