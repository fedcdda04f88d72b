"""The event-data field's dictionaries: CAMEO verb patterns, Phoenix actors, agents, discards,
and the CAMEO to PLOVER crosswalk, read by strict readers and compiled for fast loading.

See docs/dictionaries.md. Workers call :func:`load_dictionaries` once at start.
"""

from app.nlp.dictionaries.errors import DictionaryError
from app.nlp.dictionaries.loader import Dictionaries, load_dictionaries
from app.nlp.dictionaries.phrase_index import PhraseIndex

__all__ = ["Dictionaries", "DictionaryError", "PhraseIndex", "load_dictionaries"]
