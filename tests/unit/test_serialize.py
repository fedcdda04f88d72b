"""The serializer reuses the input string for offsets only when it is the doc's own text."""

from __future__ import annotations

import pytest
from spacy.language import Language

from app.nlp.serialize import serialize_doc

TEXTS = [
    "The United States urged China to press Russia to halt its aggression in Ukraine.",
    "  Leading spaces,\ttabs\n\nand a trailing newline: Germany criticised Iran.\n",
    "Émigrés in Zürich 🇨🇭 protested outside the embassy of Türkiye — again.",
    "",
]


@pytest.mark.parametrize("text", TEXTS)
def test_input_text_gives_the_same_analysis_as_doc_text(nlp: Language, text: str) -> None:
    doc = nlp(text)
    assert serialize_doc(doc, text) == serialize_doc(doc)


def test_a_text_that_is_not_the_docs_own_is_not_used(nlp: Language) -> None:
    text = TEXTS[0]
    doc = nlp(text)
    analysis = serialize_doc(doc, ">> " + text)
    assert analysis == serialize_doc(doc)
    assert analysis["sentences"][0]["text"] == text
