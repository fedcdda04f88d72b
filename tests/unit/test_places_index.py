"""The place index: compiled data equal to a fresh build, and names read to places with their context."""

from __future__ import annotations

import pytest

from app.nlp.places import PlaceIndex, ResolvedPlace, fold, load_places
from app.nlp.places.compile import OUTPUT, compile_places


@pytest.fixture(scope="module")
def places() -> PlaceIndex:
    return load_places()


def _resolved(place: ResolvedPlace | None) -> ResolvedPlace:
    assert place is not None
    return place


def test_committed_index_equals_a_fresh_compile() -> None:
    assert OUTPUT.read_bytes() == compile_places(), "app/nlp/data/places.json is stale: run make places"


def test_the_index_is_loaded_once_per_process(places: PlaceIndex) -> None:
    assert load_places() is places
    assert len(places) > 35_000


def test_names_fold_diacritics_case_and_punctuation() -> None:
    assert fold("Mazār-e Sharīf") == fold("MAZAR-E-SHARIF") == "mazar e sharif"
    assert fold("Kandahār") == "kandahar"


@pytest.mark.parametrize(
    ("name", "country", "level"),
    [
        ("Kyiv", "UKR", "city"),
        ("Kaduna", "NGA", "city"),
        ("Balochistan", "PAK", "admin1"),
        ("Cabo Delgado", "MOZ", "admin1"),
        ("Herat", "AFG", "city"),
        ("Mazar-e-Sharif", "AFG", "city"),
        ("Ladakh", "IND", "admin1"),
        ("the Gaza Strip", "PSE", "admin1"),
        ("Syria", "SYR", "country"),
        ("the United States", "USA", "country"),
    ],
)
def test_a_name_one_country_has_reads_as_that_place(places: PlaceIndex, name: str, country: str, level: str) -> None:
    place = _resolved(places.resolve(name))
    assert (place.country, place.level) == (country, level)
    assert place.geonames_id


def test_a_city_carries_its_division_and_coordinates(places: PlaceIndex) -> None:
    kherson = _resolved(places.resolve("Kherson"))
    assert kherson.admin1 == "Khersonska oblast" and kherson.geonames_id == 706448
    assert kherson.latitude == pytest.approx(46.64, abs=0.05) and kherson.longitude == pytest.approx(32.61, abs=0.05)
    kaduna = _resolved(places.resolve("Kaduna", level="admin1"))  # a division's, from ISO 3166-2 data
    assert kaduna.latitude == pytest.approx(10.4, abs=0.5) and kaduna.longitude == pytest.approx(7.9, abs=0.5)


def test_unknown_names_are_never_guessed(places: PlaceIndex) -> None:
    assert places.resolve("Xyzzyville") is None
    assert not places.knows("Xyzzyville")


def test_regions_across_borders_and_common_words_are_no_place(places: PlaceIndex) -> None:
    for name in ("Sahel", "Africa", "Middle East", "Police", "University"):
        assert places.resolve(name) is None, name


def test_alternate_names_do_not_override_main_names(places: PlaceIndex) -> None:
    # GeoNames lists "Bangladesh" as an alternate name of an Armenian town, "Minsk" of a Polish one.
    assert _resolved(places.resolve("Bangladesh")).country == "BGD"
    assert _resolved(places.resolve("Minsk")).country == "BLR"
    assert _resolved(places.resolve("Kiev")).name == "Kyiv"  # a spelling of the name
    assert _resolved(places.resolve("Khan Younis")).name == "Khān Yūnis"
    hodeidah = _resolved(places.resolve("Hodeidah"))  # only an exonym GeoNames lists: found, a little less sure
    assert hodeidah.country == "YEM" and hodeidah.confidence < _resolved(places.resolve("Sanaa")).confidence


def test_ambiguous_names_follow_the_context(places: PlaceIndex) -> None:
    tripoli = _resolved(places.resolve("Tripoli"))
    assert tripoli.country == "LBY" and tripoli.ambiguous
    assert _resolved(places.resolve("Tripoli", {"LBN"})).country == "LBN"
    assert _resolved(places.resolve("Georgia")).country == "GEO"
    georgia = _resolved(places.resolve("Georgia", place_countries={"USA"}))
    assert (georgia.country, georgia.level) == ("USA", "admin1")
    assert _resolved(places.resolve("Paris")).country == "FRA"
    assert _resolved(places.resolve("Paris", within="Texas")).country == "USA"
    assert _resolved(places.resolve("Gaza")).country == "PSE"


def test_a_name_the_context_cannot_settle_has_no_place(places: PlaceIndex) -> None:
    assert places.resolve("Newcastle") is None  # South Africa's and Australia's, about as large
    assert _resolved(places.resolve("Newcastle", {"AUS"})).country == "AUS"
    assert _resolved(places.resolve("Punjab", {"IND"})).country == "IND"


def test_what_the_text_says_the_place_is_decides_its_level(places: PlaceIndex) -> None:
    assert _resolved(places.resolve("Kaduna", level="admin1")).level == "admin1"
    assert _resolved(places.resolve("Niger")).country == "NER"
    niger_state = _resolved(places.resolve("Niger", level="admin1"))
    assert (niger_state.country, niger_state.level) == ("NGA", "admin1")


def test_washington_is_the_capital(places: PlaceIndex) -> None:
    washington = _resolved(places.resolve("Washington"))
    assert (washington.country, washington.level, washington.geonames_id) == ("USA", "city", 4140963)


def test_confidence_says_how_sure_the_reading_is(places: PlaceIndex) -> None:
    sole = _resolved(places.resolve("Balochistan"))
    assert not sole.ambiguous and sole.confidence >= 0.9
    shared = _resolved(places.resolve("Tripoli", {"LBN"}))
    assert shared.ambiguous and shared.confidence < sole.confidence
