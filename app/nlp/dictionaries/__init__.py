"""The event-data field's dictionaries: CAMEO verb patterns, Phoenix actors, agents, discards,
and the CAMEO to PLOVER crosswalk, read by strict readers.

See docs/dictionaries.md.
"""

from app.nlp.dictionaries.errors import DictionaryError

__all__ = ["DictionaryError"]
