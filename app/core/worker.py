"""The code a worker process runs: load the pipeline once, then analyse batches from a pipe.

Only the messages below cross the pipe. From the pool: a ``Batch``, or ``Stop``. From the worker:
``Ready`` or ``StartFailed`` once, then one ``Done`` per batch, holding a ``Result`` per document.
"""

from __future__ import annotations

import ctypes
import datetime
import gc
import logging
import os
import signal
import sys
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from typing import TYPE_CHECKING, Any

import orjson
from pydantic import ConfigDict, ValidationError, create_model

from app.core.logging import configure_logging, format_traceback, withhold_words
from app.nlp.gemm import Gemm
from app.schemas import AnalyzeResponse

if TYPE_CHECKING:
    from spacy.language import Language

    from app.core.config import Settings
    from app.nlp.pipeline import DocResult

log = logging.getLogger("stancewire.worker")
_PR_SET_PDEATHSIG = 1

# A worker is one CPU's worth of work; the pool runs one per CPU. A BLAS thread pool inside it
# would only compete with the other workers, and any second thread makes every mutex the parse
# takes (spaCy's compiled parser takes the GIL many times per token) use the slow, atomic path:
# 12% of the seed article's parse time here. A worker sets them before numpy is first imported.
SINGLE_THREADED_BLAS = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}

# The part of the contract's AnalyzeResponse a worker produces; the API adds id, language and meta.
# Every body is checked against it before it leaves the worker (about 0.2 ms for the seed article).
_WORKER_FIELDS = ("actors", "stances", "sentences")
AnalysisContract = create_model(  # type: ignore[call-overload]
    "AnalysisContract",
    __config__=ConfigDict(extra="forbid"),
    **{name: (info.annotation, info) for name, info in AnalyzeResponse.model_fields.items() if name in _WORKER_FIELDS},
)


@dataclass(frozen=True, slots=True)
class PipelineOptions:
    """How to load the pipeline, as the service's settings say."""

    model: str
    gemm: Gemm
    compiled_attribute_ruler: bool
    dictionaries: tuple[str, ...]  # the user's extra dictionary files (STANCEWIRE_DICTIONARIES)

    @classmethod
    def from_settings(cls, settings: Settings) -> PipelineOptions:
        return cls(
            model=settings.model,
            gemm=settings.gemm,
            compiled_attribute_ruler=settings.compiled_attribute_ruler,
            dictionaries=tuple(str(path) for path in settings.dictionaries),
        )

    def load(self) -> Language:
        """Load and warm the pipeline, then move its objects out of the garbage collector's sight."""
        from app.nlp.pipeline import load_pipeline

        nlp = load_pipeline(
            self.model, self.dictionaries, gemm=self.gemm, compiled_attribute_ruler=self.compiled_attribute_ruler
        )
        nlp("Warm the pipeline up.")
        # The loaded model is over a hundred thousand long-lived objects that every full garbage
        # collection would walk again.
        gc.collect()
        gc.freeze()
        return nlp


@dataclass(frozen=True, slots=True)
class WorkerOptions:
    """What a worker process needs to know to start."""

    pipeline: PipelineOptions
    niceness: int
    log_level: str
    max_batch: int  # documents in one batch at most: the size of the cancellation flags
    parent_pid: int


# -- messages ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class WorkItem:
    """One document of a batch: its text, what to include, and the request it came with (for logs)."""

    text: str
    include_sentences: bool = False
    request_id: str | None = None
    date: datetime.date | None = None  # the article's date: which office a named person held


@dataclass(frozen=True, slots=True)
class Batch:
    """Pool to worker: analyse these documents."""

    items: list[WorkItem]


@dataclass(frozen=True, slots=True)
class Stop:
    """Pool to worker: exit."""


@dataclass(frozen=True, slots=True)
class Ready:
    """Worker to pool, once: the pipeline is loaded."""

    pid: int
    model: str  # name-version of the loaded model


@dataclass(frozen=True, slots=True)
class StartFailed:
    """Worker to pool, once: the pipeline could not be loaded."""

    reason: str


@dataclass(frozen=True, slots=True)
class Outcome:
    """An analysed document: its v1 actors/stances JSON (checked against the contract) and counts for metrics."""

    body: bytes
    tokens: int
    timings: dict[str, float]
    events: dict[str, int]
    kinds: dict[str, int]


@dataclass(frozen=True, slots=True)
class Failed:
    """A document the pipeline raised on (the worker logged why)."""

    error: str
    tokens: int = 0
    timings: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Dropped:
    """A document the worker stopped working on because its cancellation flag was set."""

    tokens: int = 0
    timings: dict[str, float] = field(default_factory=dict)


Result = Outcome | Failed | Dropped


@dataclass(frozen=True, slots=True)
class Done:
    """Worker to pool: one result per document of the batch, in order."""

    results: list[Result]


# -- the process ---------------------------------------------------------------------------------


def die_with_parent(parent_pid: int) -> None:
    """Have the kernel kill this process when its parent ends (Linux), and exit if it already has."""
    if sys.platform == "linux":
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent_pid:  # the parent died before the signal was armed
        os._exit(1)


def single_threaded_blas() -> None:
    """Give numpy's BLAS one thread in this process (an operator's own values win); before numpy loads."""
    for name, value in SINGLE_THREADED_BLAS.items():
        os.environ.setdefault(name, value)
    if "numpy" in sys.modules:
        log.warning("numpy was imported before the worker set its BLAS threads; it may run several")


def worker_main(conn: Connection, options: WorkerOptions, cancelled: Sequence[bool]) -> None:
    """Serve analysis batches over ``conn`` until told to stop, the pipe closes or the parent ends."""
    single_threaded_blas()
    # A worker must never outlive the service: a document can keep it busy for many seconds after
    # the API process was killed, and it would hold a CPU and the model's memory as an orphan.
    die_with_parent(options.parent_pid)
    # Ctrl-C reaches the whole process group; the parent decides when workers stop. SIGTERM ends
    # a worker at once, whatever disposition the process that started the service had given it.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    configure_logging(options.log_level)
    # When the workers fill every CPU, the event loop still gets one the moment it needs it: to
    # answer, to hand a free worker its next batch, to answer health checks.
    os.nice(options.niceness)
    try:
        nlp = options.pipeline.load()
    except Exception as exc:
        conn.send(StartFailed(f"{type(exc).__name__}: {exc}"))
        return
    conn.send(Ready(pid=os.getpid(), model=f"{nlp.meta.get('name')}-{nlp.meta.get('version')}"))
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            return
        if not isinstance(message, Batch) or os.getppid() != options.parent_pid:
            return
        conn.send(Done(analyze_batch(nlp, message.items, keep=lambda position: not cancelled[position])))


def analyze_batch(nlp: Language, items: Sequence[WorkItem], keep: Callable[[int], bool] | None = None) -> list[Result]:
    """Analyse ``items`` and return one result per item: JSON bytes plus counts for metrics, or why not.

    ``keep(position)`` is asked between stages; a document it turns down is dropped there.
    """
    from app.nlp.pipeline import analyze_texts

    texts = [item.text for item in items]
    dates = [item.date for item in items]
    results = analyze_texts(nlp, texts, dates=dates) if keep is None else analyze_texts(nlp, texts, keep, dates)
    return [to_result(item, result) for item, result in zip(items, results, strict=True)]


def to_result(item: WorkItem, result: DocResult) -> Result:
    """One document's result as the worker sends it; a body outside the contract fails the document."""
    analysis = result.analysis
    if result.dropped:
        return Dropped(result.tokens, result.timings)
    if analysis is None:
        log_failure(item, result.exception)
        return Failed(result.error or "error", result.tokens, result.timings)
    if not item.include_sentences:
        analysis.pop("sentences", None)
    body = orjson.dumps(analysis)
    try:
        AnalysisContract.__pydantic_validator__.validate_json(body)
    except ValidationError as exc:
        # Never send a response outside the contract: the document fails, as if the pipeline had raised.
        log_failure(item, exc)
        return Failed(type(exc).__name__, result.tokens, result.timings)
    return Outcome(
        body=body,
        tokens=result.tokens,
        timings=result.timings,
        events=dict(Counter(stance["event"] for stance in analysis["stances"])),
        kinds=dict(Counter(actor["kind"] for actor in analysis["actors"])),
    )


def log_failure(item: WorkItem, exc: BaseException | None) -> None:
    """Log one error line for a failed document: request id, length and traceback, never its text."""
    fields: dict[str, Any] = {"chars": len(item.text), "pid": os.getpid()}
    if exc is not None:
        fields["exc_type"] = type(exc).__name__
        # The messages stay, with every word that the article also contains withheld.
        fields["traceback"] = format_traceback(exc, lambda raised: withhold_words(str(raised), item.text))
    log.error("analysis failed", extra={"request_id": item.request_id, "fields": fields})
