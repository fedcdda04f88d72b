"""Bounded pieces before the parse: long runs cut, ordinary text untouched, every stage linear in length."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest
from spacy.language import Language
from spacy.tokens import Doc

from app.evaluation import SEED_ARTICLE_PATH
from app.nlp.pipeline import ACTORS_PIPE, STANCES_PIPE, analyze_texts
from app.nlp.segment import MAX_CHUNK_CHARS, MAX_RUN_TOKENS, bounded_docs, split_long_chunks

OWN = [ACTORS_PIPE, STANCES_PIPE]
DEMONYMS = ["French", "German", "Italian", "Spanish", "Chinese", "Russian", "Iranian", "Turkish", "Egyptian", "Indian"]


def test_long_chunks_are_cut_into_pieces_that_join_back_exactly() -> None:
    text = "Start " + "," * 1000 + " middle " + "x" * (MAX_CHUNK_CHARS + 1) + " end " + "y" * MAX_CHUNK_CHARS
    pieces = split_long_chunks(text, MAX_CHUNK_CHARS)
    assert "".join(pieces) == text
    assert len(pieces) == 1 + 3 + 1  # three cuts in the 1,000 commas, one in the 257 x's
    for piece in pieces:
        assert all(len(run) <= MAX_CHUNK_CHARS for run in piece.split())
    assert split_long_chunks("Ordinary text, short words.", MAX_CHUNK_CHARS) == ["Ordinary text, short words."]


def test_ordinary_text_is_tokenized_exactly_as_before_with_nothing_preset(nlp: Language) -> None:
    text = SEED_ARTICLE_PATH.read_text("utf-8")
    (doc,) = bounded_docs(nlp, [text])
    plain = nlp.make_doc(text)
    assert [(t.text, t.whitespace_) for t in doc] == [(t.text, t.whitespace_) for t in plain]
    assert all(t.sent_start == 0 for t in doc[1:]), "nothing may be preset on ordinary text"


@pytest.mark.parametrize(
    "text",
    [
        "," * 20_000,
        ", " * 10_000,
        " ".join(["word"] * 5_000),
        " and ".join(DEMONYMS[i % 10] for i in range(2_000)) + " officials met.",
    ],
    ids=["commas", "spaced-commas", "no-punctuation", "conjuncts"],
)
def test_texts_without_sentence_breaks_are_parsed_in_bounded_sentences(nlp: Language, text: str) -> None:
    (doc,) = nlp.pipe(bounded_docs(nlp, [text]), disable=OWN)
    assert doc.text == text
    assert max(len(sentence) for sentence in doc.sents) <= MAX_RUN_TOKENS
    assert all(not token.is_space or token.text.strip() == "" for token in doc)


def test_the_analysis_of_a_cut_text_keeps_exact_offsets(nlp: Language) -> None:
    text = ("The United States urged China to act, " * 800) + "," * 3_000 + " Russia attacked Ukraine."
    (result,) = analyze_texts(nlp, [text])
    assert result.analysis is not None, result.error
    spans = [m for a in result.analysis["actors"] for m in a["mentions"]]
    spans += [s["trigger"] for s in result.analysis["stances"]] + [s["evidence"] for s in result.analysis["stances"]]
    assert spans
    for span in spans:
        assert text[span["start"] : span["end"]] == span["text"], span
    assert {"USA", "CHN"} <= {a["country"] for a in result.analysis["actors"]}


def _fastest(run: Callable[[], object], repeats: int = 3) -> float:
    best = float("inf")
    for _ in range(repeats):
        started = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - started)
    return best


def test_the_actor_stage_is_linear_in_a_long_chain_of_conjuncts(nlp: Language) -> None:
    # One sentence, parsed whole (no bounded pieces here): the stage itself must not walk the chain
    # again from every name. Linear work grows 8 x from 250 to 2,000 names; the old walk grew 60 x.
    actors = nlp.get_pipe(ACTORS_PIPE)

    def chain(n: int) -> Doc:
        return nlp(" and ".join(DEMONYMS[i % 10] for i in range(n)) + " officials met.", disable=OWN)

    small, large = chain(250), chain(2_000)
    assert len(list(large.sents)) == 1
    ratio = _fastest(lambda: actors(large)) / _fastest(lambda: actors(small))
    assert ratio < 25, f"the actor stage grew {ratio:.0f} x for 8 x the names"
