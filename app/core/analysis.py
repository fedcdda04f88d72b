"""One path for every document the service analyses: validate, run, then a response or a problem.

The routes (``/v1/analyze``, ``/v1/analyze/batch``, ``/v1/network``), ``stancewire batch --local``
and ``--engine ray``, and ``stancewire analyze`` all send documents through ``analyze_documents``.
Only where the work runs differs: the service's ``WorkerPool``, or ``InProcess``, a pipeline
loaded in this process. Either way each document comes back ``Analysed`` (the v1 response) or
``Refused`` (an RFC 9457 problem), the same for the same document.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any, Protocol

import orjson
from pydantic import ValidationError

from app import __version__
from app.core.config import Settings
from app.core.errors import ProblemError, invalid_body_problem, problem_of, rejection_reason
from app.core.pool import NotReady, PoolError, QueueFull, WorkerLost, outcome_of
from app.core.worker import Outcome, PipelineOptions, WorkItem, analyze_batch
from app.schemas import AnalyzeRequest

if TYPE_CHECKING:
    from spacy.language import Language

    from app.core.metrics import Metrics

log = logging.getLogger("stancewire.api")
ANALYZE_PATH = "/v1/analyze"  # the operation a document stands for outside a request (batch, CLI)
# Refusals that say nothing about the document: the same document may be analysed later.
_TRANSIENT = (QueueFull, WorkerLost, NotReady)


class Runner(Protocol):
    """Where documents are analysed: the worker pool, or a pipeline in this process."""

    async def prepare(self) -> None:
        """Get ready to analyse; awaited when there is something to run, before its time is taken."""

    async def analyze_many(self, items: Sequence[WorkItem]) -> list[Outcome | PoolError]:
        """Analyse the items together; one outcome, or why not, per item."""


class InProcess:
    """Analyse on a pipeline loaded in this process: the pool's outcomes, without worker processes.

    The pipeline is loaded as a service worker loads it, with the same settings, when first needed.
    """

    def __init__(self, settings: Settings) -> None:
        self._options = PipelineOptions.from_settings(settings)

    @cached_property
    def nlp(self) -> Language:
        return self._options.load()

    async def prepare(self) -> None:
        self.nlp  # noqa: B018 - loads the pipeline once, before the first document's time is taken

    async def analyze_many(self, items: Sequence[WorkItem]) -> list[Outcome | PoolError]:
        return [outcome_of(result) for result in analyze_batch(self.nlp, items)]


@dataclass(frozen=True, slots=True)
class Analysed:
    """A document's analysis: the v1 ``AnalyzeResponse`` as JSON."""

    body: bytes


@dataclass(frozen=True, slots=True)
class Refused:
    """A document that was not analysed: the problem the service answers for it, and why."""

    problem: dict[str, Any]
    error: ProblemError | PoolError

    @classmethod
    def of(cls, error: ProblemError | PoolError, instance: str | None) -> Refused:
        """The refusal of a document for ``error``; ``instance`` as for ``problem_of``."""
        return cls(problem_of(error, instance), error)

    @property
    def transient(self) -> bool:
        """True when trying the same document again later may succeed (queue full, worker lost, not ready)."""
        return isinstance(self.error, _TRANSIENT)


DocumentResult = Analysed | Refused


def parse_document(body: Mapping[str, Any], instance: str | None = ANALYZE_PATH) -> AnalyzeRequest | Refused:
    """Read a request body that did not come through a route, as the route reads it (422 when invalid)."""
    try:
        return AnalyzeRequest.model_validate(body)
    except ValidationError as exc:
        errors = [{**error, "loc": ("body", *error["loc"])} for error in exc.errors()]
        return Refused(invalid_body_problem(errors, instance), ProblemError(422, "invalid body"))


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


async def analyze_documents(
    documents: Sequence[AnalyzeRequest | Refused],
    runner: Runner,
    settings: Settings,
    *,
    metrics: Metrics | None = None,
    instance: str | None = None,
) -> list[DocumentResult]:
    """Check each document, run those that pass together, and return one result per document, in order.

    One bad document never fails the others. ``instance``: the path a problem names (with the
    offending field), or None for entries of a batch answer. A ``PoolError`` that refuses the
    whole call (queue full, not ready) is raised. ``metrics`` counts analyses and refusals.
    """
    results: list[DocumentResult | None] = []
    admitted: list[tuple[int, AnalyzeRequest]] = []
    for position, document in enumerate(documents):
        if isinstance(document, Refused):
            results.append(document)
            continue
        try:
            check_document(document, settings)
        except ProblemError as exc:
            results.append(Refused.of(exc, instance))
            continue
        results.append(None)
        admitted.append((position, document))
    items = [WorkItem(d.text, d.options.include_sentences, date=d.date) for _, d in admitted]
    if items:
        await runner.prepare()
    started = time.perf_counter()
    outcomes = await runner.analyze_many(items) if items else []
    elapsed = time.perf_counter() - started
    for (position, document), outcome in zip(admitted, outcomes, strict=True):
        if isinstance(outcome, PoolError):
            if metrics is not None:
                metrics.rejected.labels(reason=rejection_reason(outcome)).inc()
            results[position] = Refused.of(outcome, instance)
            continue
        if metrics is not None:
            record_outcome(metrics, outcome)
        results[position] = Analysed(render_analysis(document, outcome, elapsed, settings.model))
    return [result for result in results if result is not None]


def render_analysis(document: AnalyzeRequest, outcome: Outcome, elapsed_s: float, model: str) -> bytes:
    """Splice the worker's actors/stances JSON into a full v1 response without re-parsing it."""
    meta = {"model": model, "version": __version__, "tokens": outcome.tokens, "elapsed_ms": round(elapsed_s * 1000, 3)}
    head = b'{"id":' + orjson.dumps(document.id) + b',"language":"en",'
    return head + outcome.body[1:-1] + b',"meta":' + orjson.dumps(meta) + b"}"


def batch_entry(document_id: str | None, result: DocumentResult) -> bytes:
    """One entry of a batch answer: the analysis, or ``{"id", "error": <problem>}``."""
    if isinstance(result, Analysed):
        return result.body
    return orjson.dumps({"id": document_id, "error": result.problem})


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
