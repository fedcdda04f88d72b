"""The names of the pipeline's components: each registered once (``@Language.factory``), used everywhere.

A Stancewire component's factory and its pipe share the name. ``ATTRIBUTE_RULER`` is the model's own
pipe, which the compiled ruler replaces under the same name.
"""

from __future__ import annotations

ACTORS_PIPE = "stancewire_actors"
STANCES_PIPE = "stancewire_stances"
PLACES_PIPE = "stancewire_places"
DATES_PIPE = "stancewire_dates"
COMPILED_ATTRIBUTE_RULER = "stancewire_attribute_ruler"
ATTRIBUTE_RULER = "attribute_ruler"
