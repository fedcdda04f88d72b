"""The code a worker process runs: load the model once, then analyse batches from a pipe."""

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
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any, NamedTuple

import orjson

from app.core.logging import configure_logging, format_traceback, withhold_words
from app.nlp.gemm import Gemm

log = logging.getLogger("stancewire.worker")

# Messages on the pipe, parent -> worker: a list of WorkItem, or None to stop.
# worker -> parent: ("ready", info) once, then one list of result dicts per batch.
READY = "ready"
FAILED = "failed"
DROPPED = "dropped"  # the key of a result the worker stopped working on (its flag was set)
_PR_SET_PDEATHSIG = 1

# A worker is one CPU's worth of work; the pool runs one per CPU. A BLAS thread pool inside it
# would only compete with the other workers, and any second thread makes every mutex the parse
# takes (spaCy's compiled parser takes the GIL many times per token) use the slow, atomic path:
# 12% of the seed article's parse time here. A worker sets them before numpy is first imported.
SINGLE_THREADED_BLAS = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


@dataclass(frozen=True, slots=True)
class WorkerOptions:
    """What a worker process needs to know to start."""

    model: str
    niceness: int
    gemm: Gemm
    compiled_attribute_ruler: bool
    log_level: str
    dictionaries: tuple[str, ...]  # the user's extra dictionary files (STANCEWIRE_DICTIONARIES)
    max_batch: int  # documents in one batch at most: the size of the cancellation flags
    parent_pid: int


class WorkItem(NamedTuple):
    """One document of a batch: its text, what to include, and the request it came with (for logs)."""

    text: str
    include_sentences: bool
    request_id: str | None = None
    date: datetime.date | None = None  # the article's date: which office a named person held


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
        from app.nlp.pipeline import load_pipeline

        nlp = load_pipeline(
            options.model,
            options.dictionaries,
            gemm=options.gemm,
            compiled_attribute_ruler=options.compiled_attribute_ruler,
        )
        nlp("Warm the pipeline up.")
    except Exception as exc:
        conn.send((FAILED, f"{type(exc).__name__}: {exc}"))
        return
    # The loaded model is over a hundred thousand long-lived objects that every full garbage
    # collection would walk again; move them out of the collector's sight.
    gc.collect()
    gc.freeze()
    model = f"{nlp.meta.get('name')}-{nlp.meta.get('version')}"
    conn.send((READY, {"pid": os.getpid(), "model": model}))
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            return
        if message is None or os.getppid() != options.parent_pid:
            return
        conn.send(analyze_batch(nlp, message, keep=lambda position: not cancelled[position]))


def analyze_batch(nlp: Any, items: list[WorkItem], keep: Callable[[int], bool] | None = None) -> list[dict[str, Any]]:
    """Analyse ``items`` and return plain results: JSON bytes plus counts for metrics.

    ``keep(position)`` is asked between stages; a document it turns down is dropped there.
    """
    from app.nlp.pipeline import analyze_texts

    texts = [item.text for item in items]
    dates = [item.date for item in items]
    results = analyze_texts(nlp, texts, dates=dates) if keep is None else analyze_texts(nlp, texts, keep, dates)
    payloads: list[dict[str, Any]] = []
    for item, result in zip(items, results, strict=True):
        analysis = result.analysis
        if result.dropped:
            payloads.append({DROPPED: True, "tokens": result.tokens, "timings": result.timings})
            continue
        if analysis is None:
            log_failure(item, result.exception)
            payloads.append({"error": result.error, "tokens": result.tokens, "timings": result.timings})
            continue
        if not item.include_sentences:
            analysis.pop("sentences", None)
        payloads.append(
            {
                "body": orjson.dumps(analysis),
                "tokens": result.tokens,
                "timings": result.timings,
                "events": dict(Counter(stance["event"] for stance in analysis["stances"])),
                "kinds": dict(Counter(actor["kind"] for actor in analysis["actors"])),
            }
        )
    return payloads


def log_failure(item: WorkItem, exc: BaseException | None) -> None:
    """Log one error line for a failed document: request id, length and traceback, never its text."""
    fields: dict[str, Any] = {"chars": len(item.text), "pid": os.getpid()}
    if exc is not None:
        fields["exc_type"] = type(exc).__name__
        # The messages stay, with every word that the article also contains withheld.
        fields["traceback"] = format_traceback(exc, lambda raised: withhold_words(str(raised), item.text))
    log.error("analysis failed", extra={"request_id": item.request_id, "fields": fields})
