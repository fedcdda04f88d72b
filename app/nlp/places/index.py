"""The place index: a place name and what the article says around it -> the place it most likely is.

``load_places()`` reads ``app/nlp/data/places.json`` once per process (``scripts/build_places.py``
compiles it from GeoNames-derived packages); ``PlaceIndex.resolve`` answers with a
:class:`ResolvedPlace` or, for a name it does not know or cannot tell apart, None. It never guesses:
an unknown name has no place, and a name several countries have equally (Punjab, with nothing in
the article to choose) has none either.
"""

from __future__ import annotations

import math
from collections.abc import Collection
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

import orjson

from app.nlp.places.names import fold

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
PLACES_PATH = DATA_DIR / "places.json"

Level = Literal["country", "admin1", "city"]
_LEVELS: tuple[Level, ...] = ("country", "admin1", "city")
_COUNTRY = 0  # the compiled rows' level of a country

# Prior weight of a candidate, on the scale of log10(population) that a city's is: a country is
# the likeliest reading of its name, a capital gains half a point and a name GeoNames lists only
# as an alternate loses one.
COUNTRY_PRIOR = 9.0
# A division weighs as its cities of 15,000 people or more together (the index's population of a
# division), a little more for the rest of its people, and at least as a town of 100,000 would.
ADMIN1_BONUS = 0.3
ADMIN1_FLOOR = 5.0
CAPITAL_BONUS = 0.5
PREFERRED_BONUS = 2.0  # places_curated.yaml's "prefer": the place news means by a shared name
ALTERNATE_PENALTY = 1.0
SAME_COUNTRY_BONUS = 0.25  # each further candidate in one country: "Gaza" the city and the governorate
# Context: a country the article's other places lie in, or whose actors it names.
PLACE_CONTEXT = 3.0
ACTOR_CONTEXT = 2.5
ACTOR_CONTEXT_FLOOR = 5.0
LEVEL_HINT = 4.0  # "Kaduna state": the division, not the city
# Below this lead over the next country (a city twice as populous) the name is not told apart: no place.
MIN_MARGIN = 0.3
SOLE_CONFIDENCE = 0.95  # a name one country alone has
ALTERNATE_CONFIDENCE = 0.85


@dataclass(frozen=True, slots=True)
class Place:
    """One entry of the index: a country, a first-order division or a city of 15,000 people or more."""

    geonames_id: int | None
    name: str  # GeoNames' name (the English one for a country)
    country: str  # ISO 3166-1 alpha-3
    level: Level
    admin1: int | None  # position of the division a city lies in
    latitude: float | None
    longitude: float | None
    population: int | None  # a division's: of its cities of 15,000 people or more
    capital: bool


@dataclass(frozen=True, slots=True)
class ResolvedPlace:
    """Where a name was read to be, and how sure the reading is."""

    name: str
    country: str  # ISO 3166-1 alpha-3
    level: Level  # "country", "admin1" (a first-order division) or "city"
    admin1: str | None  # the division a city lies in, by its GeoNames name
    geonames_id: int | None
    latitude: float | None
    longitude: float | None
    confidence: float  # 0..1
    ambiguous: bool  # other countries have a place of that name too


@dataclass(frozen=True, slots=True)
class _Candidate:
    position: int
    alternate: bool


class PlaceIndex:
    """Hashed look-ups from folded names to places; cheap to query, loaded once per process."""

    def __init__(
        self,
        rows: list[list[Any]],
        names: dict[str, list[int]],
        alternates: dict[str, list[int]],
        preferred: Collection[int] = (),
        never: Collection[str] = (),
    ) -> None:
        # The compiled rows as read: a Place is made of one only when a name is looked up (building
        # 38,000 objects would take a worker a third of a second at start-up for nothing).
        self._rows = rows
        self._names = names
        self._alternates = alternates
        self._preferred = frozenset(preferred)
        self._never = frozenset(never)
        self._countries = {row[2]: i for i, row in enumerate(rows) if row[3] == _COUNTRY}

    def __len__(self) -> int:
        return len(self._rows)

    def place(self, position: int) -> Place:
        """Return the index's entry at a position (``Place.admin1`` is one)."""
        row = self._rows[position]
        return Place(row[0], row[1], row[2], _LEVELS[row[3]], row[4], row[5], row[6], row[7], bool(row[8]))

    def knows(self, name: str) -> bool:
        """True when some place has this name (in any spelling the index files)."""
        key = _key(name)
        return key in self._names or key in self._alternates

    def refuses(self, name: str) -> bool:
        """True for a name the curated list says is never a place ("Sahel", "Gulf", "Police")."""
        return _key(name) in self._never

    def has_main_name(self, name: str) -> bool:
        """True when some place bears this name as a main name, not only as a GeoNames alternate."""
        return _key(name) in self._names

    def candidates(self, name: str) -> list[Place]:
        """Every place of this name: main names first, then places that only GeoNames' alternates give."""
        return [self.place(c.position) for c in self._candidates(_key(name))]

    def country(self, code: str) -> Place | None:
        """Return the country entry of an ISO alpha-3 code, if the index has it."""
        position = self._countries.get(code)
        return None if position is None else self.place(position)

    def admin1_name(self, place: Place) -> str | None:
        """Return the name of the division a city lies in."""
        return None if place.admin1 is None else self.place(place.admin1).name

    def resolve(
        self,
        name: str,
        context_countries: Collection[str] = (),
        *,
        place_countries: Collection[str] = (),
        level: Level | None = None,
        within: str | None = None,
    ) -> ResolvedPlace | None:
        """Read a place name; None for a name no place has, or one the context cannot tell apart.

        ``context_countries``: ISO alpha-3 codes of the article's actors (a weak hint);
        ``place_countries``: of the places the article names elsewhere (a strong one);
        ``level``: what the text says the place is ("Kaduna state": ``admin1``; "the city of": ``city``);
        ``within``: the name of a place written as containing it ("Paris, Texas": ``Texas``).
        """
        found = self._candidates(_key(name))
        if not found:
            return None
        if within is not None:
            inside = [c for c in found if self._inside(self.place(c.position), within)]
            found = inside or found
        order = _LEVEL_ORDER[level or "city"]
        scores: dict[str, float] = {}
        best: dict[str, tuple[tuple[int, float], _Candidate]] = {}
        for candidate in found:
            place = self.place(candidate.position)
            prior = self._prior(place, candidate.alternate) + (LEVEL_HINT if place.level == level else 0.0)
            if candidate.position in self._preferred:
                prior += PREFERRED_BONUS
            if place.country in scores:
                scores[place.country] = max(scores[place.country], prior) + SAME_COUNTRY_BONUS
            else:
                scores[place.country] = prior
            rank = (order[place.level], prior)
            if place.country not in best or rank > best[place.country][0]:
                best[place.country] = (rank, candidate)
        # The actors' countries are weak evidence: they lift a city of 100,000 or more, a division or a
        # country, never a small town over a large namesake ("Geneva" in an article on US-China talks).
        weighed = {
            country: score
            + (PLACE_CONTEXT if country in place_countries else 0.0)
            + (ACTOR_CONTEXT if country in context_countries and score >= ACTOR_CONTEXT_FLOOR else 0.0)
            for country, score in scores.items()
        }
        return self._choose(weighed, best)

    # -- internals ---------------------------------------------------------------------------

    def _candidates(self, key: str) -> list[_Candidate]:
        main = self._names.get(key)
        if main is not None:
            return [_Candidate(p, False) for p in main]
        return [_Candidate(p, True) for p in self._alternates.get(key, ())]

    def _inside(self, place: Place, container: str) -> bool:
        """True when ``container`` names the country ``place`` lies in, or its division."""
        division = None if place.admin1 is None else self.place(place.admin1)
        return any(
            (c.level == "country" and c.country == place.country) or (c.level == "admin1" and c == division)
            for c in self.candidates(container)
        )

    @staticmethod
    def _prior(place: Place, alternate: bool) -> float:
        if place.level == "country":
            prior = COUNTRY_PRIOR
        elif place.level == "admin1":
            prior = max(math.log10(max(place.population or 1, 1)), ADMIN1_FLOOR) + ADMIN1_BONUS
        else:
            prior = math.log10(max(place.population or 1, 1)) + (CAPITAL_BONUS if place.capital else 0.0)
        return prior - (ALTERNATE_PENALTY if alternate else 0.0)

    def _choose(
        self, scores: dict[str, float], best: dict[str, tuple[tuple[int, float], _Candidate]]
    ) -> ResolvedPlace | None:
        ranked = sorted(scores.items(), key=lambda item: (-item[1], item[0]))
        country, top = ranked[0]
        candidate = best[country][1]
        if len(ranked) == 1:
            confidence = ALTERNATE_CONFIDENCE if candidate.alternate else SOLE_CONFIDENCE
        else:
            margin = top - ranked[1][1]
            if margin < MIN_MARGIN:
                return None
            confidence = min(1 / (1 + math.exp(-margin)), SOLE_CONFIDENCE)
        place = self.place(candidate.position)
        return ResolvedPlace(
            name=place.name,
            country=place.country,
            level=place.level,
            admin1=self.admin1_name(place),
            geonames_id=place.geonames_id,
            latitude=place.latitude,
            longitude=place.longitude,
            confidence=round(confidence, 4),
            ambiguous=len(ranked) > 1,
        )


# Within one country, which reading of a name to report (the population decides between two of one
# level): the country before a city or division of its name ("Hong Kong", "Singapore"), a city before
# the division of the same name ("in Kharkiv" is the city) unless the text says which ("the Kharkiv
# region", "the city of Kaduna").
_LEVEL_ORDER: dict[Level, dict[Level, int]] = {
    "city": {"country": 2, "city": 1, "admin1": 0},
    "admin1": {"admin1": 2, "country": 1, "city": 0},
    "country": {"country": 2, "city": 1, "admin1": 0},
}


def _key(name: str) -> str:
    key = fold(name)
    return key[4:] if key.startswith("the ") else key  # "the Gaza Strip", "the United States"


def _read(path: Path) -> PlaceIndex:
    data = orjson.loads(path.read_bytes())
    return PlaceIndex(data["places"], data["names"], data["alternates"], data["preferred"], data["never"])


@lru_cache(maxsize=1)
def load_places(path: Path = PLACES_PATH) -> PlaceIndex:
    """Read the compiled place index (once per process)."""
    return _read(path)
