"""Build the Stancewire spaCy pipeline and run it over batches of texts."""

from __future__ import annotations

import logging
import time
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from app.nlp.extensions import register_extensions
from app.nlp.gemm import SPACY_GEMM, Gemm, models_use
from app.nlp.pipes import ACTORS_PIPE, DATES_PIPE, PLACES_PIPE, STANCES_PIPE
from app.nlp.segment import bounded_docs
from app.nlp.serialize import serialize_doc

# The stages a document goes through, in order, as reported in metrics and timings.
STAGES = ("parse", "actors", "stances", "places", "dates")
# The Stancewire stages after the model's parse: stage name -> pipe.
OWN_PIPES = {"actors": ACTORS_PIPE, "stances": STANCES_PIPE, "places": PLACES_PIPE, "dates": DATES_PIPE}
log = logging.getLogger("stancewire.pipeline")


def load_pipeline(
    model: str,
    dictionaries: Sequence[str | Path] = (),
    *,
    gemm: Gemm = SPACY_GEMM,
    compiled_attribute_ruler: bool = True,
) -> Language:
    """Load the spaCy model and append the Stancewire stages.

    ``dictionaries``: user dictionary files merged over the built-in ones (see docs/dictionaries.md).
    ``gemm``: the matrix multiply the model's layers are built with. ``compiled_attribute_ruler``:
    match the model's attribute rules through compiled lookups (the same tokens, sooner).
    """
    # Importing the modules registers their @Language.factory components.
    import app.nlp.actors
    import app.nlp.dates.component
    import app.nlp.places.component
    import app.nlp.stances  # noqa: F401
    from app.nlp.attribute_rules import compile_attribute_ruler

    register_extensions()
    with models_use(gemm):
        nlp = spacy.load(model)
    if compiled_attribute_ruler:
        compile_attribute_ruler(nlp)
    extra = [str(path) for path in dictionaries]
    nlp.add_pipe(ACTORS_PIPE, last=True, config={"dictionaries": extra})
    nlp.add_pipe(STANCES_PIPE, last=True, config={"dictionaries": extra})
    nlp.add_pipe(PLACES_PIPE, last=True)
    nlp.add_pipe(DATES_PIPE, last=True)
    return nlp


@dataclass(slots=True)
class DocResult:
    """The analysis of one text, or why it failed, with per-stage timings in seconds."""

    analysis: dict[str, Any] | None
    error: str | None = None
    # What the pipeline raised, for the caller to log with what it knows (request id, length). The
    # local variables of its finished frames are cleared: it keeps no Doc of a closed memory zone.
    exception: Exception | None = None
    tokens: int = 0
    timings: dict[str, float] = field(default_factory=dict)
    dropped: bool = False  # given up on between stages, when ``keep`` turned it down


def _keep_all(position: int) -> bool:
    return True


def analyze_texts(
    nlp: Language,
    texts: Sequence[str],
    keep: Callable[[int], bool] = _keep_all,
    dates: Sequence[date | None] | None = None,
) -> list[DocResult]:
    """Analyse a batch of texts; one failing text never fails the others.

    ``dates``: each text's article date (or None), set as ``doc._.article_date`` before the
    Stancewire stages run; the actor stage codes a named person by the role held that day, the
    date stage reads "on Tuesday" and "last week" against it.

    Runs inside ``nlp.memory_zone()`` so the vocabulary and string store do not grow with
    every new word seen. A batch that raises is analysed again one text at a time, so that
    only the texts that fail on their own come back failed, each with its exception.
    ``keep(position)`` is asked before each stage (parse, actors, stances, places, dates,
    serialisation): a text it turns down is dropped there.
    """
    days: Sequence[date | None] = [None] * len(texts) if dates is None else dates
    if len(days) != len(texts):
        raise ValueError(f"{len(days)} dates for {len(texts)} texts: give one date (or None) per text")
    batch_error: Exception | None = None
    if len(texts) > 1:
        with nlp.memory_zone():
            try:
                return _analyze_batch(nlp, texts, keep, days)
            except Exception as exc:
                traceback.clear_frames(exc.__traceback__)
                batch_error = exc
    results = [_analyze_alone(nlp, text, position, keep, days[position]) for position, text in enumerate(texts)]
    if batch_error is not None and all(result.analysis is not None for result in results):
        # Then no document's own failure accounts for it: a fault of batching itself.
        log.warning("a batch of %d texts failed, yet each succeeded alone", len(texts), exc_info=batch_error)
    return results


def _analyze_alone(nlp: Language, text: str, position: int, keep: Callable[[int], bool], day: date | None) -> DocResult:
    def keep_this(_: int) -> bool:
        return keep(position)

    with nlp.memory_zone():
        try:
            (result,) = _analyze_batch(nlp, [text], keep_this, [day])
        except Exception as exc:
            traceback.clear_frames(exc.__traceback__)
            return DocResult(analysis=None, error=type(exc).__name__, exception=exc)
    return result


def _analyze_batch(
    nlp: Language, texts: Sequence[str], keep: Callable[[int], bool], days: Sequence[date | None]
) -> list[DocResult]:
    results = [DocResult(analysis=None, dropped=True) for _ in texts]
    live = [position for position in range(len(texts)) if keep(position)]
    started = time.perf_counter()
    docs: list[Doc] = list(nlp.pipe(bounded_docs(nlp, [texts[i] for i in live]), disable=list(OWN_PIPES.values())))
    parse_seconds = time.perf_counter() - started
    for position, doc in zip(live, docs, strict=True):
        doc._.article_date = days[position]
    total_tokens = sum(len(doc) for doc in docs) or 1
    for position, doc in zip(live, docs, strict=True):
        share = parse_seconds * max(len(doc), 1) / total_tokens
        results[position] = DocResult(analysis=None, tokens=len(doc), timings={"parse": share})
    for stage, pipe_name in OWN_PIPES.items():
        component = nlp.get_pipe(pipe_name)
        for position, doc in zip(live, docs, strict=True):
            result = results[position]
            if result.dropped or not keep(position):
                result.dropped = True
                continue
            stage_started = time.perf_counter()
            component(doc)
            result.timings[stage] = time.perf_counter() - stage_started
    for position, doc in zip(live, docs, strict=True):
        result = results[position]
        if result.dropped or not keep(position):
            result.dropped = True
            continue
        result.analysis = serialize_doc(doc, texts[position])
    return results
