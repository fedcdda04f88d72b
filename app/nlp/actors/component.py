"""The spaCy component of the actor stage."""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

from app.nlp.actors.builder import ActorBuilder
from app.nlp.actors.salience import finalise
from app.nlp.extensions import register_extensions
from app.nlp.gazetteer import compile_gazetteer


class ActorRecognizer:
    """The spaCy component: sets ``doc._.actors``, ``doc._.actor_mentions`` and ``doc._.places``.

    It owns the gazetteer's matchers, compiled for this pipeline's vocabulary.
    """

    def __init__(self, nlp: Language) -> None:
        register_extensions()
        self.nlp = nlp
        self.gazetteer = compile_gazetteer(nlp)

    def __call__(self, doc: Doc) -> Doc:
        """Find, code and fold the actors of one document."""
        builder = ActorBuilder(doc, self.gazetteer)
        drafts = builder.run()
        doc._.actors, doc._.actor_mentions = finalise(drafts, doc)
        doc._.places = builder.place_mentions
        return doc


@Language.factory("stancewire_actors")
def make_actor_recognizer(nlp: Language, name: str) -> ActorRecognizer:
    """Create the actor component (it compiles the gazetteer for this vocabulary and keeps it)."""
    return ActorRecognizer(nlp)
