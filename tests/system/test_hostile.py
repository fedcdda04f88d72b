"""Nasty request bodies: each gets a 4xx problem or a correct 200, and the service stays ready and right.

The table runs over the real app (its lifespan, worker pool and model) with the default limits;
a few malformed-HTTP cases that only exist on the wire run against a live server over TCP.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from app.schemas import AnalyzeResponse
from tests.support import SEED_SENTENCE, make_settings, running_server, start_app

pytestmark = pytest.mark.anyio

JSON = {"content-type": "application/json"}
MAX_TEXT_CHARS = 100_000  # the default STANCEWIRE_MAX_TEXT_CHARS, used by the app under test


def dumps(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False).encode("utf-8")


@dataclass(frozen=True)
class Case:
    """One hostile request: the body, its headers, the statuses allowed, and the text if it is valid."""

    name: str
    content: bytes
    statuses: frozenset[int]
    text: str | None = None  # the text the service should have analysed, to check offsets on 200
    headers: tuple[tuple[str, str], ...] = (("content-type", "application/json"),)


def case(name: str, content: bytes | dict[str, Any] | list[Any] | str | None, *statuses: int, **kw: Any) -> Case:
    body = content if isinstance(content, bytes) else dumps(content)
    text = kw.pop("text", None)
    if text is None and isinstance(content, dict) and isinstance(content.get("text"), str):
        text = content["text"]
    return Case(name, body, frozenset(statuses), text, **kw)


DEEP = 100_000
CASES = [
    # Bytes that are not UTF-8, or not JSON.
    case("invalid utf-8", b'{"text": "caf\xe9 \xff\xfe au lait"}', 400, 422),
    case("overlong utf-8", b'{"text": "\xc0\xaf\xe0\x80\xaf"}', 400, 422),
    case("utf-8 bom", b'\xef\xbb\xbf{"text": "Egypt hosted talks."}', 200, 400, 422, text="Egypt hosted talks."),
    case("empty body", b"", 400, 422),
    case("not json", b"{text: 'single quotes'}", 400, 422),
    case("truncated json", b'{"text": "The United States is urg', 400, 422),
    case("nan id", b'{"text": "Hello.", "id": NaN}', 400, 422),
    case("huge number id", b'{"text": "Hello.", "id": 1e999}', 400, 422),
    # NUL bytes and surrogates.
    case("escaped nul", {"text": "Iran\u0000 accused Israel."}, 422),
    case("raw nul byte", b'{"text": "Iran\x00 accused Israel."}', 400, 422),
    case("lone high surrogate", b'{"text": "broken \\ud800 text"}', 422),
    case("lone low surrogate", b'{"text": "broken \\udc00 text"}', 422),
    case("reversed surrogate pair", b'{"text": "broken \\udc00\\ud800 text"}', 422),
    case("escaped valid pair", b'{"text": "\\ud83d\\ude00 Egypt hosted talks."}', 200, text="😀 Egypt hosted talks."),
    # Size: one enormous token, and 100,000 tiny sentences, on both sides of max_text_chars.
    case("1 MB single token", {"text": "x" * 1_000_000}, 413),
    case("90,000-character token", {"text": "y" * 90_000}, 200),
    case("100,000 tiny sentences", {"text": "A. " * 100_000}, 413),
    case("tiny sentences up to the limit", {"text": ("A. " * 33_334)[:MAX_TEXT_CHARS]}, 200),
    case("just over the limit", {"text": "b" * (MAX_TEXT_CHARS + 1)}, 413),
    # Deep nesting.
    case("deeply nested array", b'{"text": "Hi.", "options": ' + b"[" * DEEP + b"]" * DEEP + b"}", 400, 422),
    case("deeply nested object", b'{"text": "Hi.", "x": ' + b'{"a":' * DEEP + b"1" + b"}" * DEEP + b"}", 400, 422),
    case("deeply nested text", b'{"text": ' + b"[" * DEEP + b"]" * DEEP + b"}", 400, 422),
    # Unusual but valid text.
    case("emoji only", {"text": "🙂🙃😉🇺🇸🇨🇳👩‍👩‍👧‍👦" * 200}, 200),
    case("hebrew", {"text": "הממשלה הודיעה על הסכם חדש עם ירדן."}, 200),
    case("arabic", {"text": "طالبت الولايات المتحدة الصين بالضغط على روسيا لوقف عدوانها على أوكرانيا."}, 200),
    case(
        "bidi overrides",
        {"text": "\u202eThe United States urged China\u202c to act. \u2067Egypt\u2069 hosted talks."},
        200,
    ),
    case(
        "control characters", {"text": "Control\x01\x02\x07 chars\x1b[31m red\x7f \u0085next\u2028line\u2029 end."}, 200
    ),
    case("zero-width and bom", {"text": "The\u200bUnited\u200dStates\ufeff urged China to act."}, 200),
    case("combining marks", {"text": "Iran" + "\u0301" * 5_000 + " accused Israel."}, 200),
    case("crlf and tabs", {"text": "Egypt\thosted\r\ntalks.\r\n\r\nIsrael attended."}, 200),
    case("unicode spaces only", {"text": "\u2003\u3000\u00a0\n\t"}, 422),
    # Wrong types and shapes.
    case("text is a number", {"text": 42}, 422),
    case("text is null", {"text": None}, 422),
    case("text is a list", {"text": ["The United States"]}, 422),
    case("text is an object", {"text": {"value": "Hi."}}, 422),
    case("text is a boolean", {"text": True}, 422),
    case("options is a string", {"text": "Hi.", "options": "yes"}, 422),
    case("language is a number", {"text": "Hi.", "language": 1}, 422),
    case("id is a number", {"text": "Hi.", "id": 5}, 422),
    case("id too long", {"text": "Hi.", "id": "i" * 300}, 422),
    case("body is a list", [{"text": "Hi."}], 422),
    case("body is a string", "The United States urged China.", 422),
    case("body is null", None, 422),
    case("unknown field", {"text": "Hi.", "callback": "http://example.invalid/"}, 422),
    # Duplicate keys: JSON's last one wins, and the service must analyse exactly that one.
    case(
        "duplicate text keys",
        b'{"text": "It rained.", "text": "' + SEED_SENTENCE.encode() + b'"}',
        200,
        422,
        text=SEED_SENTENCE,
    ),
    case("duplicate language keys", b'{"text": "Hi.", "language": "en", "language": "fr"}', 422),
    # Content types.
    case(
        "utf-16 body",
        '{"text": "Egypt hosted talks."}'.encode("utf-16"),
        200,
        400,
        415,
        422,
        text="Egypt hosted talks.",
        headers=(("content-type", "application/json; charset=utf-16"),),
    ),
    case("form body", b"text=Hello", 415, headers=(("content-type", "application/x-www-form-urlencoded"),)),
]


@pytest.fixture(scope="module")
async def hostile_client(anyio_backend: str) -> AsyncIterator[httpx.AsyncClient]:
    """An app with the default text and body limits and a generous analysis deadline."""
    app, context = await start_app(make_settings(timeout_s=120.0))
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://stancewire.test", timeout=180) as client:
            yield client
    finally:
        await context.__aexit__(None, None, None)


def assert_problem(response: httpx.Response) -> None:
    assert response.headers["content-type"].startswith("application/problem+json"), response.headers
    body = response.json()
    assert body["status"] == response.status_code
    assert body["type"].startswith("/problems/") and body["title"] and body["detail"]
    for leak in ("Traceback", 'File "', "/work/", "site-packages", ".py"):
        assert leak not in response.text, response.text[:500]
    assert len(response.content) < 20_000, "a problem must not echo the hostile input back"


def assert_correct_analysis(response: httpx.Response, text: str | None) -> dict[str, Any]:
    assert response.headers["content-type"].startswith("application/json")
    body: dict[str, Any] = response.json()
    AnalyzeResponse.model_validate(body)
    ids = {actor["id"] for actor in body["actors"]}
    for stance in body["stances"]:
        assert set(stance["holder"]) <= ids and set(stance["target"]) <= ids
    if text is not None:
        spans = [m for a in body["actors"] for m in a["mentions"]]
        for stance in body["stances"]:
            spans += [stance["trigger"], stance["evidence"]] + ([stance["content"]] if stance["content"] else [])
        for span in spans:
            assert text[span["start"] : span["end"]] == span["text"], span
    return body


async def assert_still_ready_and_right(client: httpx.AsyncClient) -> None:
    assert (await client.get("/readyz")).status_code == 200
    response = await client.post("/v1/analyze", json={"text": SEED_SENTENCE})
    assert response.status_code == 200, response.text
    body = response.json()
    country = {a["id"]: a["country"] for a in body["actors"]}
    pairs = {
        (country.get(h), s["event"], country.get(t)) for s in body["stances"] for h in s["holder"] for t in s["target"]
    }
    assert ("USA", "REQUEST", "CHN") in pairs, body["stances"]


@pytest.mark.parametrize("hostile", CASES, ids=[c.name for c in CASES])
async def test_hostile_body_gets_a_problem_or_a_correct_analysis(
    hostile_client: httpx.AsyncClient, hostile: Case
) -> None:
    response = await hostile_client.post("/v1/analyze", content=hostile.content, headers=dict(hostile.headers))
    assert response.status_code in hostile.statuses, (response.status_code, response.text[:500])
    if response.status_code == 200:
        body = assert_correct_analysis(response, hostile.text)
        if hostile.name == "duplicate text keys":
            assert body["stances"], "the last `text` (the seed sentence) must be the one analysed"
        if hostile.name == "tiny sentences up to the limit":
            assert body["meta"]["tokens"] >= 33_000
    else:
        assert_problem(response)
    await assert_still_ready_and_right(hostile_client)


async def test_hostile_documents_in_a_batch_fail_alone(hostile_client: httpx.AsyncClient) -> None:
    content = (
        b'{"documents": ['
        b'{"id": "ok", "text": "' + SEED_SENTENCE.encode() + b'"},'
        b'{"id": "surrogate", "text": "bad \\ud800"},'
        b'{"id": "nul", "text": "bad \\u0000"},'
        b'{"id": "blank", "text": "\\u3000"},'
        b'{"id": "emoji", "text": "\\ud83d\\ude00\\ud83d\\ude00"}'
        b"]}"
    )
    response = await hostile_client.post("/v1/analyze/batch", content=content, headers=JSON)
    assert response.status_code == 200, response.text
    results = response.json()["results"]
    assert [r["id"] for r in results] == ["ok", "surrogate", "nul", "blank", "emoji"]
    assert results[0]["stances"] and "actors" in results[4]
    assert [r["error"]["status"] for r in results[1:4]] == [422, 422, 422]
    await assert_still_ready_and_right(hostile_client)


async def test_a_burst_of_hostile_bodies_leaves_the_service_ready(hostile_client: httpx.AsyncClient) -> None:
    small = [c for c in CASES if len(c.content) < 50_000]
    responses = await asyncio.gather(
        *(hostile_client.post("/v1/analyze", content=c.content, headers=dict(c.headers)) for c in small)
    )
    for hostile, response in zip(small, responses, strict=True):
        assert response.status_code in hostile.statuses, (hostile.name, response.status_code)
    await assert_still_ready_and_right(hostile_client)


# -- on the wire ----------------------------------------------------------------------------------

_POST = b"POST /v1/analyze HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
MALFORMED = range(400, 500)
# name -> (bytes on the wire, statuses allowed if the server answers at all)
WIRE_CASES: dict[str, tuple[bytes, range | set[int]]] = {
    "content-length not a number": (_POST + b"Content-Length: abc\r\n\r\n{}", MALFORMED),
    "negative content-length": (_POST + b"Content-Length: -5\r\n\r\n{}", MALFORMED),
    "content-length and chunked": (
        _POST + b"Content-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
        MALFORMED,
    ),
    "bad chunk size": (_POST + b"Transfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n", MALFORMED),
    "garbage request line": (b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03 not http\r\n\r\n", MALFORMED),
    "nul in the path": (b"GET /health\x00z HTTP/1.1\r\nHost: x\r\n\r\n", MALFORMED),
    # Well-formed, only large: served, or refused as too large; never a 5xx.
    "header of 100 KB": (
        b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 100_000 + b"\r\n\r\n",
        {200, 400, 431},
    ),
}


async def _exchange(port: int, payload: bytes) -> bytes:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(payload)
        await writer.drain()
        return await asyncio.wait_for(reader.read(65536), 30)
    except ConnectionError:
        return b""
    finally:
        writer.close()
        with contextlib.suppress(ConnectionError, OSError):
            await writer.wait_closed()


@pytest.mark.server
async def test_malformed_http_is_refused_and_the_server_stays_ready() -> None:
    with running_server(workers="1") as server:
        for name, (payload, allowed) in WIRE_CASES.items():
            answer = await _exchange(server.port, payload)
            # An allowed status, or the connection closed without an answer; never a 5xx.
            if answer:
                status = int(answer.split(b" ", 2)[1])
                assert status in allowed, (name, answer[:300])
            async with httpx.AsyncClient(base_url=server.url, timeout=60) as client:
                assert (await client.get("/readyz")).status_code == 200, name
                response = await client.post("/v1/analyze", json={"text": SEED_SENTENCE})
                assert response.status_code == 200, name
