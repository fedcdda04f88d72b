"""Bound the work per piece of text before the model sees it, so every stage is linear in text length.

Two inputs make spaCy superlinear, and both are cheap to write within the text limit:

- A long run of characters without whitespace (100,000 commas): the tokenizer peels affixes off it
  one at a time, each peel a fresh regex search and slice of the rest, so its cost grows with the
  cube of the run (2,000 commas: 0.5 s; 10,000: 10 s). Such a run is tokenized in pieces of
  ``MAX_CHUNK_CHARS`` and the pieces' tokens joined into one ``Doc``.
- A long run of tokens without a sentence break: what works per sentence (the parse's tree,
  conjunct chains, candidate scans) grows with the square of its length. Sentence starts are
  preset every ``MAX_RUN_TOKENS`` tokens at most (after a comma or semicolon where there is one),
  which the parser respects.

Ordinary text, with no run that long, goes through exactly as before: the same tokenizer call,
nothing preset, byte-identical output.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

import numpy as np
from spacy.attrs import ORTH
from spacy.language import Language
from spacy.tokens import Doc

from app.nlp.arrays import distinct_strings

# Longest whitespace-free run tokenized in one piece. Ordinary runs (a long URL) stay whole; a
# 256-character run of affixes costs the tokenizer about 5 ms.
MAX_CHUNK_CHARS = 256
# Longest run of tokens without a sentence break: news sentences are rarely over 100 tokens.
MAX_RUN_TOKENS = 500
_LONG_CHUNK = re.compile(rf"\S{{{MAX_CHUNK_CHARS + 1},}}")
_SENTENCE_END = re.compile(r"[.!?…]+")
# Where a forced break reads least badly: after a clause-level punctuation mark.
_SOFT_BREAKS = frozenset({",", ";", ":", "-", "–", "—"})


def bounded_docs(nlp: Language, texts: Iterable[str]) -> Iterator[Doc]:
    """Tokenize each text for ``nlp.pipe``, with long runs bounded (see the module docstring)."""
    for text in texts:
        doc = _tokenize(nlp, text)
        if len(doc) > MAX_RUN_TOKENS and _longest_run(doc) > MAX_RUN_TOKENS:
            preset_sentence_breaks(doc, MAX_RUN_TOKENS)
        yield doc


def _tokenize(nlp: Language, text: str) -> Doc:
    if not _LONG_CHUNK.search(text):
        return nlp.make_doc(text)
    pieces = [nlp.make_doc(piece) for piece in split_long_chunks(text, MAX_CHUNK_CHARS)]
    # ensure_whitespace=False: the pieces' texts are joined as they are, so offsets stay exact.
    return Doc.from_docs(pieces, ensure_whitespace=False)


def split_long_chunks(text: str, limit: int) -> list[str]:
    """Cut ``text`` so that no piece holds a whitespace-free run longer than ``limit``; pieces join to ``text``."""
    pieces: list[str] = []
    start = 0
    for match in _LONG_CHUNK.finditer(text):
        cut = match.start() + limit
        while cut < match.end():
            pieces.append(text[start:cut])
            start, cut = cut, cut + limit
    pieces.append(text[start:])
    return [piece for piece in pieces if piece]


def _longest_run(doc: Doc) -> int:
    """The most tokens in a row without a sentence break, found on the doc's arrays (cheap on any article)."""
    words, index = distinct_strings(doc.to_array(ORTH).astype(np.uint64, copy=False), doc.vocab.strings)
    ends = np.array([_ends_sentence(word) for word in words], dtype=bool)[index]
    edges = np.concatenate(([-1], ends.nonzero()[0], [len(doc)]))
    return int(np.diff(edges).max()) - 1


def preset_sentence_breaks(doc: Doc, limit: int) -> list[int]:
    """Start a sentence at least every ``limit`` tokens of a run without a sentence break; return where."""
    breaks: list[int] = []
    run_start = 0
    soft = -1  # the latest token after which a forced break would fall after a comma or the like
    for token in doc:
        if _ends_sentence(token.text):
            run_start, soft = token.i + 1, -1
            continue
        if token.i - run_start >= limit:
            # Break after the latest comma in the second half of the run, else right here.
            cut = soft + 1 if soft - run_start >= limit // 2 else token.i
            doc[cut].is_sent_start = True
            breaks.append(cut)
            run_start, soft = cut, -1
        if token.text in _SOFT_BREAKS and token.i + 1 < len(doc):
            soft = token.i
    return breaks


def _ends_sentence(word: str) -> bool:
    # A token's own whitespace is at most one space: a newline is always a token of its own.
    return "\n" in word or _SENTENCE_END.fullmatch(word) is not None
