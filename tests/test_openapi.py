"""The committed OpenAPI document: no drift, real examples, and a client generated from it works."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import orjson
import pytest
from spacy.language import Language

from app.api.examples import EXAMPLE_DATE, EXAMPLE_ID, EXAMPLE_TEXT, SEED_SENTENCE, analyze_response_example
from app.cli import analyze_locally
from app.main import create_app
from tests.conftest import MODEL, make_settings
from tests.live import live_server

ROOT = Path(__file__).resolve().parent.parent
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
    (body,) = analyze_locally([(EXAMPLE_ID, EXAMPLE_TEXT)], MODEL, date=EXAMPLE_DATE)
    real = orjson.loads(body)
    example = analyze_response_example()
    assert example, "run `make openapi` to generate the response example"
    # The example shows what the contract promises: a stance placed and dated by its own clause.
    met = next(s for s in example["stances"] if s["trigger"]["text"] == "met")
    assert met["location"]["name"] == "Beijing" and met["location"]["country"] == "CHN"
    assert met["date"]["value"] == "2024-05-14" and met["date"]["mention"]["text"] == "Tuesday"
    real["meta"].pop("elapsed_ms")
    example = {**example, "meta": {k: v for k, v in example["meta"].items() if k != "elapsed_ms"}}
    assert real == example, "the documented example is stale: run `make openapi`"


@pytest.mark.slow
@pytest.mark.server
def test_generated_client_calls_the_running_service(tmp_path: Path) -> None:
    generator = Path(sys.executable).parent / "openapi-python-client"
    subprocess.run(
        [str(generator), "generate", "--path", str(SPEC_PATH), "--output-path", str(tmp_path / "client"), "--meta",
         "none"],
        check=True,
        capture_output=True,
    )  # fmt: skip
    sys.path.insert(0, str(tmp_path))
    try:
        from client import Client  # type: ignore[import-not-found]
        from client.api.analysis import analyze  # type: ignore[import-not-found]
        from client.models import AnalyzeRequest  # type: ignore[import-not-found]

        with live_server() as server, Client(base_url=server.url, raise_on_unexpected_status=True) as api:
            result = analyze.sync(client=api, body=AnalyzeRequest(text=SEED_SENTENCE, id="generated"))
        assert result is not None and result.id == "generated"
        events = {(s.event, s.sentence) for s in result.stances}
        assert ("REQUEST", 0) in {(str(e.value) if hasattr(e, "value") else str(e), n) for e, n in events}
        assert {a.country for a in result.actors} >= {"USA", "CHN"}
    finally:
        sys.path.remove(str(tmp_path))
        for module in [m for m in sys.modules if m == "client" or m.startswith("client.")]:
            del sys.modules[module]
