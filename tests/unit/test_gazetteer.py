"""The gazetteer is generated data: it must equal what the script builds, and follow its schema."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from types import ModuleType

import jsonschema
import pytest
from spacy.language import Language

from app.nlp.gazetteer import GAZETTEER_PATH, SCHEMA_PATH, compile_gazetteer, correct_spelling, load_data
from app.nlp.pipeline import ACTORS_PIPE

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "build_gazetteer.py"


@pytest.fixture(scope="module")
def build_script() -> ModuleType:
    """Import scripts/build_gazetteer.py (scripts/ is not a package)."""
    spec = importlib.util.spec_from_file_location("build_gazetteer", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_committed_gazetteer_equals_generated(build_script: ModuleType) -> None:
    assert GAZETTEER_PATH.read_text(encoding="utf-8") == build_script.render(build_script.build()), (
        "app/nlp/data/gazetteer.json is stale: run python scripts/build_gazetteer.py"
    )


def test_gazetteer_follows_its_schema() -> None:
    jsonschema.validate(json.loads(GAZETTEER_PATH.read_text(encoding="utf-8")), json.loads(SCHEMA_PATH.read_text()))


def test_countries_come_from_the_libraries() -> None:
    countries = load_data()["countries"]
    assert len(countries) >= 240  # every ISO 3166-1 country, not a hand-typed list
    assert "United States" in countries["USA"]["names"]
    assert "Beijing" in countries["CHN"]["capitals"]
    assert "Chinese" in countries["CHN"]["demonyms"]
    assert "Israelis" in countries["ISR"]["demonyms"]  # plurals are generated
    assert "Ivory Coast" in countries["CIV"]["names"]
    assert "Sindh" in countries["PAK"]["provinces"]


def test_each_surface_form_names_one_country() -> None:
    seen: dict[str, str] = {}
    for code, country in load_data()["countries"].items():
        for name in [*country["names"], *country["demonyms"], *country["capitals"]]:
            assert seen.setdefault(name, code) == code, f"{name} names both {seen[name]} and {code}"


def test_spelling_correction_finds_one_close_name(nlp: Language) -> None:
    gazetteer = nlp.get_pipe(ACTORS_PIPE).gazetteer
    assert correct_spelling(gazetteer.deletion_index, "Isreal") == "israel"
    assert correct_spelling(gazetteer.deletion_index, "Ethopia") == "ethiopia"
    assert correct_spelling(gazetteer.deletion_index, "Quatar") == "qatar"
    assert correct_spelling(gazetteer.deletion_index, "Zzzzzz") is None


def test_the_actor_component_owns_its_gazetteer(nlp: Language) -> None:
    """Compiled once, by the component, for its pipeline's vocabulary: no module-level cache."""
    component = nlp.get_pipe(ACTORS_PIPE)
    assert component.gazetteer.vocab is nlp.vocab
    assert component.gazetteer is nlp.get_pipe(ACTORS_PIPE).gazetteer
    assert compile_gazetteer(nlp) is not component.gazetteer  # another compile is another object


def test_curated_yaml_rejects_duplicate_keys(build_script: ModuleType, tmp_path: Path) -> None:
    path = tmp_path / "curated.yaml"
    path.write_text("version: 1\ncountry_aliases:\n  FRA: [Gaul]\n  FRA: [Francia]\n", encoding="utf-8")
    with pytest.raises(ValueError, match="duplicate"):
        build_script.load_curated(path)
