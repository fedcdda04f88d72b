"""POST /v1/network cannot be blown up: what one request may pair is bounded, and refused before the work.

A stance naming 1,000 holders and 1,000 targets in a 285 KB body used to make a million dyads on the
event loop (20 s of blocked loop, a 355 MB answer, 3.2 GB of memory). The live tests here use a
400 x 400 stance (bounded even where nothing refuses it); scripts/attack.py sends the full 1,000 x 1,000.
"""

from __future__ import annotations

import asyncio
import itertools
import string
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest

from app.schemas import AnalyzeResponse
from tests.support import Server, rss_bytes, running_server

pytestmark = pytest.mark.anyio

_CODES = ["".join(letters) for letters in itertools.product(string.ascii_uppercase, repeat=3)]


def bomb(holders: int, targets: int, stances: int = 1, evidence: str = "They met.") -> dict[str, Any]:
    """One analysis whose stances each pair ``holders`` actors with ``targets`` others, all in distinct countries."""
    actors = [
        {
            "id": f"a{i}",
            "name": f"Actor {i}",
            "kind": "state",
            "country": _CODES[i],
            "sector": None,
            "title": None,
            "mentions": [{"text": "They", "start": 0, "end": 4, "sentence": 0}],
            "salience": 0.5,
        }
        for i in range(holders + targets)
    ]
    stance = {
        "holder": [f"a{i}" for i in range(holders)],
        "target": [f"a{i}" for i in range(holders, holders + targets)],
        "event": "CONSULT",
        "mode": None,
        "cameo": "04",
        "quad": "verbal_cooperation",
        "score": 1.0,
        "modality": "asserted",
        "trigger": {"text": "met", "start": 5, "end": 8},
        "content": None,
        "attributed_to": None,
        "sentence": 0,
        "evidence": {"text": evidence, "start": 0, "end": len(evidence)},
        "confidence": 0.9,
    }
    analysis = {
        "id": "bomb",
        "language": "en",
        "actors": actors,
        "stances": [{**stance, "id": f"s{n}"} for n in range(stances)],
        "meta": {"model": "m", "version": "0", "tokens": 3, "elapsed_ms": 1.0},
    }
    AnalyzeResponse.model_validate(analysis)
    return analysis


def assert_too_large(response: httpx.Response, words: str) -> None:
    assert response.status_code == 413, response.text[:300]
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    assert body["type"] == "/problems/too-large" and body["instance"] == "/v1/network"
    assert words in body["detail"], body["detail"]


@pytest.fixture(scope="module")
def server() -> Iterator[Server]:
    with running_server(workers="1") as running:
        yield running


@pytest.fixture
async def live(server: Server) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=server.url, timeout=120) as client:
        yield client


async def test_a_stance_with_hundreds_of_participants_is_refused_before_any_work(server: Server) -> None:
    baseline = rss_bytes(server.pid) or 0
    async with httpx.AsyncClient(base_url=server.url, timeout=120) as client:
        attack = asyncio.create_task(client.post("/v1/network", json={"analyses": [bomb(400, 400)]}))
        probes = []
        while not attack.done():
            probes.append((await client.get("/healthz", timeout=10)).status_code)
            await asyncio.sleep(0.05)
        assert_too_large(await attack, "at most 64 of each")
        assert set(probes) <= {200}
        # Within the limits, a network is built (off the event loop) and answered in full.
        allowed = await client.post("/v1/network", json={"analyses": [bomb(40, 40)]})
        assert allowed.status_code == 200, allowed.text[:300]
        assert len(allowed.json()["dyads"]) == 1600
    assert (rss_bytes(server.pid) or 0) - baseline < 100 * 2**20


async def test_too_many_pairs_or_too_large_an_answer_is_refused(live: httpx.AsyncClient) -> None:
    client = live
    # 13 stances of 64 x 64 pair 53,248 holders with targets: over the 50,000 a request may count.
    assert_too_large(await client.post("/v1/network", json={"analyses": [bomb(64, 64, stances=13)]}), "at most 50000")
    # 4,096 pairs, each able to carry a 10,000-character evidence sentence: a 40 MB answer.
    long_evidence = "They met. " * 1000
    response = await client.post("/v1/network", json={"analyses": [bomb(64, 64, evidence=long_evidence)]})
    assert response.status_code == 413, response.text[:300]
    assert "bytes" in response.json()["detail"]
    # The same without evidence in the answer fits.
    lean = await client.post(
        "/v1/network", json={"analyses": [bomb(64, 64, evidence=long_evidence)], "max_evidence": 0}
    )
    assert lean.status_code == 200 and len(lean.json()["dyads"]) == 4096
