"""The spaCy component of the actor stage."""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

from app.nlp.actors.builder import ActorBuilder
from app.nlp.actors.salience import finalise
from app.nlp.extensions import register_extensions
from app.nlp.gazetteer import get_gazetteer


class ActorRecognizer:
    """The spaCy component: sets ``doc._.actors``, ``doc._.actor_mentions`` and ``doc._.places``."""

    def __init__(self, nlp: Language) -> None:
        register_extensions()
        self.nlp = nlp
        self.gazetteer = get_gazetteer(nlp)

    def __call__(self, doc: Doc) -> Doc:
        """Find, code and fold the actors of one document."""
        builder = ActorBuilder(doc, self.gazetteer)
        drafts = builder.run()
        doc._.actors, doc._.actor_mentions = finalise(drafts, doc)
        doc._.places = builder.place_mentions
        return doc


@Language.factory("stancewire_actors")
def make_actor_recognizer(nlp: Language, name: str) -> ActorRecognizer:
    """Create the actor component (the gazetteer is compiled once per vocabulary)."""
    return ActorRecognizer(nlp)
