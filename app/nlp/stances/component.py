"""The spaCy component of the stance stage."""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

from app.nlp.actors.implicit import add_states
from app.nlp.actors.salience import update_salience
from app.nlp.extensions import register_extensions
from app.nlp.lexicon import load_lexicon
from app.nlp.stances.build import extract_stances


class StanceComponent:
    """spaCy component filling ``doc._.stances``."""

    def __init__(self) -> None:
        register_extensions()
        load_lexicon()  # validate the data at pipeline build time, not on the first request

    def __call__(self, doc: Doc) -> Doc:
        """Extract the stances, then let the actor stage re-rank actors by salience."""
        doc._.stances, implicit = extract_stances(doc)
        add_states(doc, implicit.values())
        update_salience(doc)
        return doc


@Language.factory("stancewire_stances")
def create_stance_component(nlp: Language, name: str) -> StanceComponent:
    """Build the stance component (the lexicon is loaded and validated here)."""
    return StanceComponent()
