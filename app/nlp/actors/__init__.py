"""The actor stage: find every political actor in a document, code it, and fold its mentions together.

Names come from the generated gazetteer (app/nlp/data/gazetteer.json) through PhraseMatchers; the
dependency parse decides what a name is doing: a demonym or country that modifies a title or a group
noun belongs to that person or group ("Hungarian and Romanian officials" are two groups), a capital or
seat counts as its government only where it acts, speaks or is acted upon (never "in Washington"),
and pronouns and definite nominals ("the ambassador") fold into the nearest compatible actor.

Modules: ``names`` finds gazetteer names, ``builder`` assembles actors from names and head nouns,
``coreference`` folds pronouns and nominals, ``countries`` codes actors that name no country,
``salience`` ranks them, ``component`` is the spaCy component.
"""

from app.nlp.actors.component import ActorRecognizer, make_actor_recognizer
from app.nlp.actors.salience import actors_for_token, update_salience

__all__ = ["ActorRecognizer", "actors_for_token", "make_actor_recognizer", "update_salience"]
