"""Build the Stancewire spaCy pipeline and run it over batches of texts."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from app.nlp.extensions import register_extensions
from app.nlp.segment import bounded_docs
from app.nlp.serialize import serialize_doc

ACTORS_PIPE = "stancewire_actors"
STANCES_PIPE = "stancewire_stances"
# The stages a document goes through, in order, as reported in metrics and timings.
STAGES = ("parse", "actors", "stances")
_OWN_PIPES = {"actors": ACTORS_PIPE, "stances": STANCES_PIPE}


def load_pipeline(model: str) -> Language:
    """Load the spaCy model, swap in the exact faster attribute ruler, append the Stancewire stages."""
    # Importing the modules registers their @Language.factory components.
    import app.nlp.actors
    import app.nlp.stances  # noqa: F401
    from app.nlp.attribute_rules import speed_up_attribute_ruler

    register_extensions()
    nlp = spacy.load(model)
    speed_up_attribute_ruler(nlp)
    nlp.add_pipe(ACTORS_PIPE, last=True)
    nlp.add_pipe(STANCES_PIPE, last=True)
    return nlp


@dataclass(slots=True)
class DocResult:
    """The analysis of one text, or why it failed, with per-stage timings in seconds."""

    analysis: dict[str, Any] | None
    error: str | None = None
    tokens: int = 0
    timings: dict[str, float] = field(default_factory=dict)


def analyze_texts(nlp: Language, texts: Sequence[str]) -> list[DocResult]:
    """Analyse a batch of texts; one failing text never fails the others.

    Runs inside ``nlp.memory_zone()`` so the vocabulary and string store do not grow with
    every new word seen, and returns plain data only.
    """
    with nlp.memory_zone():
        try:
            return _analyze_batch(nlp, texts)
        except Exception:
            pass
    results = []
    for text in texts:
        with nlp.memory_zone():
            try:
                results.extend(_analyze_batch(nlp, [text]))
            except Exception as exc:
                results.append(DocResult(analysis=None, error=f"{type(exc).__name__}"))
    return results


def _analyze_batch(nlp: Language, texts: Sequence[str]) -> list[DocResult]:
    started = time.perf_counter()
    docs: list[Doc] = list(nlp.pipe(bounded_docs(nlp, texts), disable=list(_OWN_PIPES.values())))
    parse_seconds = time.perf_counter() - started
    total_tokens = sum(len(doc) for doc in docs) or 1
    results = [
        DocResult(analysis=None, tokens=len(doc), timings={"parse": parse_seconds * max(len(doc), 1) / total_tokens})
        for doc in docs
    ]
    for stage, pipe_name in _OWN_PIPES.items():
        component = nlp.get_pipe(pipe_name)
        for doc, result in zip(docs, results, strict=True):
            stage_started = time.perf_counter()
            component(doc)
            result.timings[stage] = time.perf_counter() - stage_started
    for doc, text, result in zip(docs, texts, results, strict=True):
        result.analysis = serialize_doc(doc, text)
    return results
