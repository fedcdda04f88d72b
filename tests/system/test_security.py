"""Security basics: optional API keys, CORS, request ids in every log line, no article text in logs."""

from __future__ import annotations

import logging
import re
from collections.abc import AsyncIterator
from typing import Any

import httpx
import orjson
import pytest

from app.core.logging import JsonFormatter
from app.main import create_app
from tests.support import SEED_SENTENCE, make_settings, running_server, start_app

pytestmark = pytest.mark.anyio

KEYS = "key-one-0123456789,key-two-abcdefghij"
ORIGIN = "https://newsroom.example"


async def _client_for(**settings: Any) -> AsyncIterator[httpx.AsyncClient]:
    app, context = await start_app(make_settings(**settings))
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://stancewire.test") as client:
            yield client
    finally:
        await context.__aexit__(None, None, None)


@pytest.fixture(scope="module")
async def keyed(anyio_backend: str) -> AsyncIterator[httpx.AsyncClient]:
    """API keys and CORS configured; operational endpoints left open (the default)."""
    async for client in _client_for(api_keys=KEYS, cors_origins=f"{ORIGIN}, https://desk.example"):
        yield client


@pytest.fixture(scope="module")
async def locked(anyio_backend: str) -> AsyncIterator[httpx.AsyncClient]:
    """API keys with STANCEWIRE_PROTECT_OPS_ENDPOINTS on."""
    async for client in _client_for(api_keys=KEYS, protect_ops_endpoints=True):
        yield client


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def assert_unauthorized(response: httpx.Response) -> None:
    assert response.status_code == 401, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.headers["www-authenticate"].startswith("Bearer")
    body = response.json()
    assert body["status"] == 401 and body["type"] == "/problems/unauthorized"
    assert "key-one" not in response.text and "key-two" not in response.text


# -- API keys ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "headers",
    [
        {},
        bearer("wrong"),
        bearer(""),
        bearer("key-one-012345678"),  # a prefix of a real key
        bearer("key-one-0123456789x"),  # a real key plus one character
        bearer("key-one-0123456789,key-two-abcdefghij"),  # the raw setting
        {"Authorization": "Basic key-one-0123456789"},  # right key, wrong scheme
        {"Authorization": "key-one-0123456789"},  # no scheme
        {"X-API-Key": "key-one-0123456789"},  # not where keys are read from
    ],
    ids=["none", "wrong", "empty", "prefix", "suffix", "both-keys", "basic", "no-scheme", "other-header"],
)
async def test_v1_without_a_valid_key_gets_401(keyed: httpx.AsyncClient, headers: dict[str, str]) -> None:
    assert_unauthorized(await keyed.post("/v1/analyze", json={"text": SEED_SENTENCE}, headers=headers))
    assert_unauthorized(await keyed.post("/v1/analyze/batch", json={"documents": [{"text": "Hi."}]}, headers=headers))
    assert_unauthorized(await keyed.get("/v1/taxonomy", headers=headers))


async def test_v1_with_either_configured_key_is_served(keyed: httpx.AsyncClient) -> None:
    for key in KEYS.split(","):
        response = await keyed.post("/v1/analyze", json={"text": SEED_SENTENCE}, headers=bearer(key))
        assert response.status_code == 200, response.text
        assert response.json()["stances"]
    lower_scheme = await keyed.get("/v1/taxonomy", headers={"Authorization": "bearer key-two-abcdefghij"})
    assert lower_scheme.status_code == 200
    assert 'stancewire_rejected_total{reason="unauthorized"}' in (await keyed.get("/metrics")).text


async def test_a_bad_body_without_a_key_reveals_nothing_about_validation(keyed: httpx.AsyncClient) -> None:
    # The key is checked before the body: an anonymous client learns nothing from validation errors.
    assert_unauthorized(await keyed.post("/v1/analyze", json={"wrong": 1}))


async def test_health_readiness_and_metrics_stay_open_by_default(keyed: httpx.AsyncClient) -> None:
    assert (await keyed.get("/healthz")).status_code == 200
    assert (await keyed.get("/readyz")).status_code == 200
    assert (await keyed.get("/metrics")).status_code == 200


async def test_protect_ops_endpoints_puts_metrics_behind_the_key(locked: httpx.AsyncClient) -> None:
    assert_unauthorized(await locked.get("/metrics"))
    assert_unauthorized(await locked.get("/metrics", headers=bearer("wrong")))
    assert (await locked.get("/metrics", headers=bearer("key-one-0123456789"))).status_code == 200
    # Probes cannot carry keys: liveness and readiness stay open.
    assert (await locked.get("/healthz")).status_code == 200
    assert (await locked.get("/readyz")).status_code == 200


async def test_without_keys_configured_v1_is_open(client: httpx.AsyncClient) -> None:
    assert (await client.get("/v1/taxonomy")).status_code == 200
    assert (await client.get("/v1/taxonomy", headers=bearer("anything"))).status_code == 200


# -- CORS -------------------------------------------------------------------------------------


def preflight(origin: str, method: str = "POST") -> dict[str, str]:
    return {
        "Origin": origin,
        "Access-Control-Request-Method": method,
        "Access-Control-Request-Headers": "authorization, content-type, x-request-id",
    }


async def test_cors_is_off_by_default(client: httpx.AsyncClient) -> None:
    response = await client.options("/v1/analyze", headers=preflight(ORIGIN))
    assert "access-control-allow-origin" not in response.headers
    assert response.status_code >= 400
    simple = await client.get("/v1/taxonomy", headers={"Origin": ORIGIN})
    assert simple.status_code == 200 and "access-control-allow-origin" not in simple.headers


async def test_cors_preflight_from_a_configured_origin_is_allowed_without_a_key(keyed: httpx.AsyncClient) -> None:
    response = await keyed.options("/v1/analyze", headers=preflight(ORIGIN))
    assert response.status_code == 200, response.text
    assert response.headers["access-control-allow-origin"] == ORIGIN
    assert "POST" in response.headers["access-control-allow-methods"]
    allowed = response.headers["access-control-allow-headers"].lower()
    assert {"authorization", "content-type", "x-request-id"} <= {h.strip() for h in allowed.split(",")}
    actual = await keyed.post(
        "/v1/analyze", json={"text": "Hi."}, headers={"Origin": ORIGIN, **bearer("key-one-0123456789")}
    )
    assert actual.status_code == 200
    assert actual.headers["access-control-allow-origin"] == ORIGIN
    assert "x-request-id" in actual.headers["access-control-expose-headers"].lower()


async def test_cors_refuses_other_origins(keyed: httpx.AsyncClient) -> None:
    response = await keyed.options("/v1/analyze", headers=preflight("https://evil.example"))
    assert response.status_code == 400
    assert "access-control-allow-origin" not in response.headers
    simple = await keyed.get("/healthz", headers={"Origin": "https://evil.example"})
    assert "access-control-allow-origin" not in simple.headers
    disallowed_method = await keyed.options("/v1/analyze", headers=preflight(ORIGIN, "DELETE"))
    assert disallowed_method.status_code == 400


# -- request ids and logs ---------------------------------------------------------------------

MARKER = "Quillonmarker Zubrowka"  # an improbable phrase: if it is in a log, article text leaked
SECRET_TEXT = f"{MARKER} said the United States is urging China to press Russia to halt its aggression."


async def _exercise(url: str) -> dict[str, str]:
    """Send requests that succeed and fail; return {request id sent or generated: what it was}."""
    ids: dict[str, str] = {}
    async with httpx.AsyncClient(base_url=url, timeout=60) as client:
        cases = [
            ("analyze-ok", "POST", "/v1/analyze", {"text": SECRET_TEXT, "id": "doc-1"}),
            ("analyze-fr", "POST", "/v1/analyze", {"text": SECRET_TEXT, "language": "fr"}),
            ("analyze-bad", "POST", "/v1/analyze", {"text": SECRET_TEXT, "unknown": SECRET_TEXT}),
            ("batch", "POST", "/v1/analyze/batch", {"documents": [{"text": SECRET_TEXT}, {"text": " "}]}),
            ("missing", "GET", "/v1/nothing", None),
            ("health", "GET", "/healthz", None),
        ]
        for request_id, method, path, body in cases:
            response = await client.request(method, path, json=body, headers={"X-Request-ID": request_id})
            assert response.headers["x-request-id"] == request_id
            ids[request_id] = path
        for bad in ("has spaces in it", "x" * 200, "semi;colon", ""):
            response = await client.get("/healthz", headers={"X-Request-ID": bad})
            generated = response.headers["x-request-id"]
            assert re.fullmatch(r"[0-9a-f]{32}", generated), generated
            ids[generated] = "/healthz"
        response = await client.post("/v1/analyze", json={"text": SECRET_TEXT})
        ids[response.headers["x-request-id"]] = "/v1/analyze"
        assert MARKER not in (await client.get("/metrics")).text
    return ids


@pytest.mark.server
async def test_every_log_line_of_a_request_carries_its_id_and_no_article_text() -> None:
    with running_server(log_level="debug") as server:
        ids = await _exercise(server.url)
        lines = server.log_lines()
        log_text = server.log_path.read_text("utf-8")
    assert all("raw" not in line for line in lines), [line for line in lines if "raw" in line][:3]
    access = [line for line in lines if line.get("logger") == "stancewire.access"]
    assert {line["request_id"] for line in access} >= set(ids), (ids, access)
    for line in access:
        assert line["request_id"], line
        assert {"method", "route", "status", "duration_ms"} <= set(line)
    # Every line logged while a request was being handled names that request.
    for line in lines:
        if line.get("logger", "").startswith("stancewire.") and line.get("logger") != "stancewire.pool":
            assert line.get("request_id"), line
    assert "has spaces in it" not in log_text
    assert MARKER not in log_text


@pytest.mark.server
async def test_article_text_is_logged_only_when_log_text_and_debug_ask_for_it() -> None:
    with running_server(log_level="info", log_text="true") as server:
        await _exercise(server.url)
        assert MARKER not in server.log_path.read_text("utf-8")
    with running_server(log_level="debug", log_text="true") as server:
        await _exercise(server.url)
        lines = server.log_lines()
    texts = [line for line in lines if MARKER in str(line.get("text", ""))]
    assert texts, "with STANCEWIRE_LOG_TEXT and debug logging the text should be logged"
    assert {line["request_id"] for line in texts} >= {"analyze-ok", "batch"}


async def test_an_unexpected_error_is_a_problem_whose_log_line_names_the_request() -> None:
    app = create_app(make_settings())

    @app.get("/boom")
    async def boom() -> None:
        raise RuntimeError("internal detail /srv/secret/path.py")

    lines: list[dict[str, Any]] = []
    formatter = JsonFormatter()

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            lines.append(orjson.loads(formatter.format(record)))

    handler = Collect()
    logger = logging.getLogger("stancewire")
    logger.addHandler(handler)
    try:
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://stancewire.test") as client:
            response = await client.get("/boom", headers={"X-Request-ID": "boom-1"})
    finally:
        logger.removeHandler(handler)
    assert response.status_code == 500
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.headers["x-request-id"] == "boom-1"
    assert "secret" not in response.text and "RuntimeError" not in response.text
    assert lines and all(line["request_id"] == "boom-1" for line in lines), lines
    assert any(line.get("exc_type") == "RuntimeError" for line in lines)
    assert not any("secret" in str(line) for line in lines)


# -- what is checked before the body, and how refusals look --------------------------------------


@pytest.mark.parametrize(
    ("content", "content_type"),
    [(b'{"text": "unterminated', "application/json"), (b"\xff\xfe", "application/json"), (b"text=x", "text/plain")],
    ids=["invalid-json", "invalid-utf8", "not-json"],
)
async def test_without_a_key_any_body_gets_401_before_it_is_read(
    keyed: httpx.AsyncClient, content: bytes, content_type: str
) -> None:
    for path in ("/v1/analyze", "/v1/analyze/batch", "/v1/network"):
        assert_unauthorized(await keyed.post(path, content=content, headers={"content-type": content_type}))


async def test_refusals_before_the_body_name_their_route_and_carry_cors_headers(keyed: httpx.AsyncClient) -> None:
    headers = {"Origin": ORIGIN, **bearer("key-one-0123456789")}
    unsupported = await keyed.post("/v1/analyze", content=b"text=x", headers={**headers, "content-type": "text/plain"})
    too_large = await keyed.post(
        "/v1/analyze",
        content=b"{}",
        headers={**headers, "content-type": "application/json", "content-length": "9999999"},
    )
    for response, status in ((unsupported, 415), (too_large, 413)):
        assert response.status_code == status
        assert response.json()["instance"] == "/v1/analyze"
        assert response.headers["access-control-allow-origin"] == ORIGIN
    metrics = (await keyed.get("/metrics")).text
    for status in (415, 413):
        assert f'stancewire_requests_total{{method="POST",route="/v1/analyze",status="{status}"}}' in metrics


async def test_a_refused_cors_preflight_is_a_problem_document(keyed: httpx.AsyncClient) -> None:
    response = await keyed.options("/v1/analyze", headers=preflight("https://evil.example"))
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    assert body["status"] == 400 and body["instance"] == "/v1/analyze" and "origin" in body["detail"]


async def test_the_page_has_its_security_headers_under_every_path(client: httpx.AsyncClient) -> None:
    for path in ("/", "/static/index.html", "/static/app.js"):
        response = await client.get(path)
        assert response.status_code == 200, path
        assert "script-src 'self'" in response.headers["content-security-policy"], path
        assert response.headers["x-content-type-options"] == "nosniff", path
        assert response.headers["referrer-policy"] == "no-referrer", path


async def test_the_page_and_the_api_description_stay_open_in_key_mode(keyed: httpx.AsyncClient) -> None:
    for path in ("/", "/openapi.json", "/docs", "/redoc", "/static/app.js"):
        assert (await keyed.get(path)).status_code == 200, path
