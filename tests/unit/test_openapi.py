"""The committed OpenAPI document: no drift, stable ids, every field described, a real example."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
from spacy.language import Language

from app.api.examples import EXAMPLE_DATE, EXAMPLE_ID, EXAMPLE_TEXT, analyze_response_example
from app.cli import analyze_locally
from app.core.analysis import Analysed
from app.main import create_app
from app.schemas import AnalyzeRequest
from tests.support import make_settings

ROOT = Path(__file__).resolve().parents[2]
SPEC_PATH = ROOT / "openapi" / "openapi.json"


def committed_spec() -> dict[str, Any]:
    spec: dict[str, Any] = orjson.loads(SPEC_PATH.read_bytes())
    return spec


def test_committed_spec_equals_what_the_app_serves() -> None:
    served = create_app(make_settings()).openapi()
    assert orjson.loads(orjson.dumps(served)) == committed_spec(), "run `make openapi` and commit openapi/openapi.json"


def test_operation_ids_are_stable() -> None:
    operations = {
        op["operationId"] for path in committed_spec()["paths"].values() for op in path.values() if "operationId" in op
    }
    assert {"analyze", "analyzeBatch", "getTaxonomy", "getHealth", "getReadiness", "getMetrics"} <= operations


def test_every_schema_field_is_described() -> None:
    schemas = committed_spec()["components"]["schemas"]
    for name in (
        "AnalyzeRequest",
        "AnalyzeResponse",
        "Actor",
        "Stance",
        "Location",
        "StanceDate",
        "Mention",
        "Meta",
        "Problem",
    ):
        for field, schema in schemas[name]["properties"].items():
            assert schema.get("description"), f"{name}.{field} has no description"


def test_response_example_is_the_real_analysis_of_the_request_example(nlp: Language) -> None:
    del nlp  # loaded once per session; analyze_locally loads its own copy of the same model
    (result,) = analyze_locally([AnalyzeRequest(text=EXAMPLE_TEXT, id=EXAMPLE_ID, date=EXAMPLE_DATE)], make_settings())
    assert isinstance(result, Analysed)
    real = orjson.loads(result.body)
    example = analyze_response_example()
    assert example, "run `make openapi` to generate the response example"
    # The example shows what the contract promises: a stance placed and dated by its own clause.
    met = next(s for s in example["stances"] if s["trigger"]["text"] == "met")
    assert met["location"]["name"] == "Beijing" and met["location"]["country"] == "CHN"
    assert met["date"]["value"] == "2024-05-14" and met["date"]["mention"]["text"] == "Tuesday"
    real["meta"].pop("elapsed_ms")
    example = {**example, "meta": {k: v for k, v in example["meta"].items() if k != "elapsed_ms"}}
    assert real == example, "the documented example is stale: run `make openapi`"
