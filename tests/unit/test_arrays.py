"""Token tests on doc.to_array columns agree with the same tests token by token."""

from __future__ import annotations

import numpy as np
from spacy.attrs import LOWER, ORTH, POS
from spacy.language import Language

from app.nlp.arrays import distinct_strings, is_one_of, positions

TEXT = "The U.S.-China talks ended; China said it would not attend. The talks, it said, were over."


def test_is_one_of_matches_symbols_and_hashed_words(nlp: Language) -> None:
    doc = nlp(TEXT)
    columns = doc.to_array([POS, LOWER]).astype(np.uint64)
    strings = doc.vocab.strings
    assert positions(is_one_of(columns[:, 0], ["PRON", "PROPN"], strings)) == [
        t.i for t in doc if t.pos_ in {"PRON", "PROPN"}
    ]
    assert positions(is_one_of(columns[:, 1], ["it", "talks", "never-seen-word"], strings)) == [
        t.i for t in doc if t.lower_ in {"it", "talks"}
    ]


def test_distinct_strings_spread_a_verdict_over_every_token(nlp: Language) -> None:
    doc = nlp(TEXT)
    texts, text_of_token = distinct_strings(doc.to_array(ORTH).astype(np.uint64), doc.vocab.strings)
    assert len(texts) == len({t.text for t in doc})
    assert [texts[n] for n in text_of_token.tolist()] == [t.text for t in doc]
    hyphenated = np.array(["-" in text for text in texts], dtype=bool)[text_of_token]
    assert positions(hyphenated) == [t.i for t in doc if "-" in t.text] != []
