"""The stance stage: holder -> PLOVER event -> target, with modality, attribution and evidence.

Triggers and their argument frames come from ``data/lexicon.yaml`` (see ``app.nlp.lexicon``);
this module only interprets them over the dependency parse and the actor mentions.

Modules: ``candidates`` reads the doc's arrays once, ``triggers`` matches lexicon entries,
``arguments`` and ``roles`` fill a frame's holder, target and content, ``scoring`` gives modality and
confidence, ``derived`` adds the stances other stances imply, ``topic`` rules out off-topic
sentences, ``build`` puts it together per sentence, ``component`` is the spaCy component.
"""

from app.nlp.stances.build import extract_stances
from app.nlp.stances.component import StanceComponent, create_stance_component

__all__ = ["StanceComponent", "create_stance_component", "extract_stances"]
