"""The spaCy component of the stance stage."""

from __future__ import annotations

from collections.abc import Sequence

from spacy.language import Language
from spacy.tokens import Doc

from app.nlp.actors.implicit import add_states
from app.nlp.actors.salience import update_salience
from app.nlp.dictionaries import load_dictionaries
from app.nlp.extensions import register_extensions
from app.nlp.lexicon import load_lexicon
from app.nlp.stances.build import extract_stances
from app.nlp.stances.lemmas import LemmaRepair
from app.nlp.stances.patterns import verb_coder
from app.nlp.stances.topic import load_relevance


class StanceComponent:
    """spaCy component filling ``doc._.stances``: the curated lexicon, with the CAMEO verb dictionary beside it."""

    def __init__(self, dictionaries: Sequence[str] = ()) -> None:
        register_extensions()
        curated = load_lexicon()  # validate the data at pipeline build time, not on the first request
        loaded = load_dictionaries(extra=dictionaries)
        self.lexicon = curated.with_verbs(verb_coder(loaded.verbs, loaded.crosswalk, curated))
        self.relevance = load_relevance(loaded.discards)
        self.repair_lemmas = LemmaRepair.from_dictionary(loaded.verbs, curated.lemmas["verb"])

    def __call__(self, doc: Doc) -> Doc:
        """Extract the stances, then let the actor stage re-rank actors by salience."""
        self.repair_lemmas(doc)
        doc._.stances, implicit = extract_stances(doc, self.lexicon, self.relevance)
        add_states(doc, implicit.values())
        update_salience(doc)
        return doc


@Language.factory("stancewire_stances", default_config={"dictionaries": []})
def create_stance_component(nlp: Language, name: str, dictionaries: list[str]) -> StanceComponent:
    """Build the stance component (the lexicon and dictionaries are loaded and validated here).

    ``dictionaries``: the user's extra dictionary files (``STANCEWIRE_DICTIONARIES``), merged over the
    built-in ones; a malformed one stops the pipeline from being built.
    """
    return StanceComponent(dictionaries)
