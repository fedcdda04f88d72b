"""The actor stage: find every political actor in a document, code it, and fold its mentions together.

Names come from the generated gazetteer (app/nlp/data/gazetteer.json) through PhraseMatchers and from
the Phoenix actor and agent dictionaries (app.nlp.dictionaries, with any user files) through hashed
phrase look-ups; the dependency parse decides what a name is doing: a demonym or country that modifies
a title or a group noun belongs to that person or group ("Hungarian and Romanian officials" are two
groups), a capital or seat counts as its government only where it acts, speaks or is acted upon
(never "in Washington"), a city or province is only a place that lends its country, and pronouns and
definite nominals ("the ambassador") fold into the nearest compatible actor.

Where the gazetteer (with its curated entries) and the dictionaries disagree (docs/actors.md):

1. A gazetteer name, and a curated title or group head, win over a dictionary name they overlap;
   only a longer name of several capitalised words wins over gazetteer names inside it ("New
   Mexico", "Kyiv Open Courts Watch"), never over a curated title ("UN Secretary-General" stays a
   person), and a one-word name never over a curated group head ("the Senate").
2. Dictionary names count only where written as names (capitalised; "us", "turkey" never are).
3. Curated persons are undated: with an article date, a dictionary record of the same name gives
   the role held that day ("Angela Merkel" an elite in 1995); the curated title stays while that
   role is the current one. A post the text gives a person in apposition wins over both.
4. Curated titles and group heads win over the dictionary's agent nouns, which fill the gaps.
5. Sport and entertainment names (the discards) are no actors, whatever lists them.

Modules: ``names`` finds gazetteer names, ``dictionary_names`` the dictionaries' (``phoenix`` reads
their records, ``agents`` their agent nouns), ``builder`` assembles actors from names and head nouns,
``coreference`` folds pronouns and nominals, ``countries`` codes actors that name no country,
``salience`` ranks them, ``component`` is the spaCy component (it owns the compiled gazetteer and the
dictionaries' caches).
"""

from app.nlp.actors.component import ActorRecognizer, make_actor_recognizer
from app.nlp.actors.salience import actors_for_token, update_salience

__all__ = ["ActorRecognizer", "actors_for_token", "make_actor_recognizer", "update_salience"]
