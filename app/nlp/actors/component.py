"""The spaCy component of the actor stage."""

from __future__ import annotations

from collections.abc import Sequence

from spacy.language import Language
from spacy.tokens import Doc

from app.nlp.actors.builder import ActorBuilder
from app.nlp.actors.dictionary_names import DictionaryNames
from app.nlp.actors.salience import finalise
from app.nlp.dictionaries import load_dictionaries
from app.nlp.extensions import register_extensions
from app.nlp.gazetteer import compile_gazetteer
from app.nlp.pipes import ACTORS_PIPE


class ActorRecognizer:
    """The spaCy component: sets ``doc._.actors``, ``doc._.actor_mentions`` and ``doc._.places``.

    It owns what it compiles: the gazetteer's matchers (bound to this pipeline's vocabulary) and the
    dictionaries' readings with their caches.
    """

    def __init__(self, nlp: Language, dictionaries: Sequence[str] = ()) -> None:
        register_extensions()
        self.nlp = nlp
        self.gazetteer = compile_gazetteer(nlp)
        self.dictionary = DictionaryNames(load_dictionaries(extra=dictionaries), self.gazetteer)

    def __call__(self, doc: Doc) -> Doc:
        """Find, code and fold the actors of one document (persons as on ``doc._.article_date``)."""
        builder = ActorBuilder(doc, self.gazetteer, self.dictionary)
        drafts = builder.run()
        doc._.actors, doc._.actor_mentions = finalise(drafts, doc)
        doc._.places = builder.place_mentions
        return doc


@Language.factory(ACTORS_PIPE, default_config={"dictionaries": []})
def make_actor_recognizer(nlp: Language, name: str, dictionaries: list[str]) -> ActorRecognizer:
    """Create the actor component: the gazetteer compiled for this vocabulary, and the dictionaries.

    ``dictionaries``: the user's extra dictionary files (``STANCEWIRE_DICTIONARIES``), merged over the
    built-in ones; their actors and agents are found in articles. A malformed one stops the build.
    """
    return ActorRecognizer(nlp, dictionaries)
