"""Repair the verb lemmas the small model gets wrong, from the verb dictionary's inflection tables.

en_core_web_sm lemmatises some regular past forms of less common verbs badly ("staged" -> "stag",
so "staged a sit-in" would code nothing). The CAMEO verb dictionary lists every verb with its
inflections: a verb token whose lemma no dictionary or lexicon knows as a verb, but whose form is
an inflection of exactly one listed verb, takes that verb's lemma.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from spacy.attrs import LEMMA, LOWER, POS
from spacy.parts_of_speech import VERB
from spacy.strings import get_string_id
from spacy.tokens import Doc

from app.nlp.arrays import positions
from app.nlp.dictionaries.verbs import VerbDictionary


@dataclass(frozen=True, slots=True)
class LemmaRepair:
    """Inflected forms (as string hashes) mapped to the one lemma they inflect, and the verb lemmas known."""

    lemma_by_form: dict[int, str]
    known_lemmas: frozenset[int]

    @classmethod
    def from_dictionary(cls, verbs: VerbDictionary, lexicon_lemmas: Iterable[str]) -> LemmaRepair:
        """Index the dictionary's inflections; ``lexicon_lemmas`` are verb lemmas known besides its own."""
        lemma_by_form: dict[int, str] = {}
        for form, found in verbs.verbs_by_form.items():
            lemmas = {verb.lemma for verb in found}
            if len(lemmas) == 1 and " " not in form:
                lemma_by_form[get_string_id(form)] = lemmas.pop()
        known = {*verbs.verbs_by_lemma, *lexicon_lemmas}
        return cls(lemma_by_form, frozenset(get_string_id(lemma) for lemma in known))

    def __call__(self, doc: Doc) -> None:
        """Set the lemma of each verb token whose lemma is unknown and whose form one listed verb inflects."""
        columns = doc.to_array([POS, LOWER, LEMMA]).astype(np.uint64, copy=False)
        verbs = positions(columns[:, 0] == VERB)
        for i in verbs:
            form, lemma = int(columns[i, 1]), int(columns[i, 2])
            repaired = self.lemma_by_form.get(form)
            if repaired is not None and lemma not in self.known_lemmas:
                doc[i].lemma_ = repaired
