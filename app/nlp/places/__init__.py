"""Places: the offline place index (GeoNames-derived) and the place names of a parsed text.

For the other stages (the actor stage locates generic actors with it)::

    from app.nlp.places import load_places, PlaceFinder

    places = load_places()  # once per process
    places.resolve("Tripoli", {"LBN"})  # -> ResolvedPlace(country="LBN", level="city", ...) or None
    finder = PlaceFinder(places)
    mentions = finder.resolve(finder.find(doc), context_countries={"LBN"})  # PlaceSpan, with .place
"""

from app.nlp.places.index import Level, Place, PlaceIndex, ResolvedPlace, load_places
from app.nlp.places.mentions import PlaceFinder, PlaceSpan, Role, place_spans
from app.nlp.places.names import fold

__all__ = [
    "Level",
    "Place",
    "PlaceFinder",
    "PlaceIndex",
    "PlaceSpan",
    "ResolvedPlace",
    "Role",
    "fold",
    "load_places",
    "place_spans",
]
