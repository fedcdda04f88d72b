"""Work the service does not owe, against a real ``stancewire serve``: clients that left, deadlines that
passed, workers outliving the service, starved batches, impossible settings, texts built to be slow.

Bounded and loopback only. No timing assertions beyond hang guards: outcomes are read from the
metrics (documents analysed, dropped, worker restarts) and from which processes still exist.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

import httpx
import pytest

from app.evaluation import SEED_ARTICLE_PATH
from tests.support import ROOT, SEED_SENTENCE, Server, metric_value, running_server

pytestmark = [pytest.mark.anyio, pytest.mark.slow]

GUARD = 240.0
SEED_ARTICLE = SEED_ARTICLE_PATH.read_text("utf-8")
# Ordinary news text, long enough to keep a worker busy for seconds even on a fast machine (about
# 44,000 tokens; the seed article parses in about 70 ms), and a longer one for minutes-long work.
LONG_DOC = "\n\n".join([SEED_ARTICLE] * 60)
# 900,000 characters (spaCy's own limit is 1,000,000): 10-30 s of parse, depending on the machine.
HUGE_DOC = "\n\n".join([SEED_ARTICLE] * 200)
BIG = {"max_text_chars": "2000000", "max_body_bytes": "8000000"}


async def eventually(condition: Callable[[], Awaitable[bool] | bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = condition()
        if await result if isinstance(result, Awaitable) else result:
            return
        await asyncio.sleep(0.1)
    raise AssertionError(f"not within {timeout:g} s: {what}")


def value(server: Server, series: str) -> float:
    return metric_value(server.metrics(), series)


def alive(pid: int) -> bool:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return False
    return "State:\tZ" not in status


async def post_and_leave(url: str, text: str, after: float) -> None:
    """Send a document, then disconnect before the answer (the client gave up)."""
    with contextlib.suppress(httpx.TimeoutException):
        async with httpx.AsyncClient(base_url=url, timeout=after) as client:
            await client.post("/v1/analyze", json={"text": text})


async def test_documents_of_clients_that_left_are_dropped_before_a_worker_spends_time_on_them() -> None:
    with running_server(workers="1", batch_max_docs="1", timeout_s="120", **BIG) as server:
        async with httpx.AsyncClient(base_url=server.url, timeout=GUARD) as client:
            first = asyncio.create_task(client.post("/v1/analyze", json={"text": LONG_DOC}))
            await eventually(lambda: value(server, "stancewire_inflight") == 1, 60, "the first document in a worker")
            # Six clients send the same long document and leave after half a second, while it waits.
            await asyncio.gather(*(post_and_leave(server.url, LONG_DOC, 0.5) for _ in range(6)))
            normal = await client.post("/v1/analyze", json={"text": SEED_SENTENCE})
            assert normal.status_code == 200 and (await first).status_code == 200
            assert value(server, 'stancewire_documents_dropped_total{reason="client_gone"}') == 6
            assert value(server, "stancewire_documents_total") == 2  # the six were never analysed
            assert value(server, 'stancewire_requests_total{method="POST",route="/v1/analyze",status="499"}') == 6


async def test_a_worker_stops_at_the_next_stage_when_its_client_leaves_or_its_deadline_passes() -> None:
    with running_server(workers="1", timeout_s="120", **BIG) as server:
        async with httpx.AsyncClient(base_url=server.url, timeout=GUARD) as client:
            # A worker's first document pays one-off costs (lazy loads, warm caches): time a later one.
            assert (await client.post("/v1/analyze", json={"text": SEED_SENTENCE})).status_code == 200
            started = time.monotonic()
            assert (await client.post("/v1/analyze", json={"text": LONG_DOC})).status_code == 200
            parse_s = time.monotonic() - started  # about the parse: the other stages are a few percent of it
        # The client leaves during the parse.
        leaving = asyncio.create_task(post_and_leave(server.url, LONG_DOC, 60))
        await eventually(lambda: value(server, "stancewire_inflight") == 1, 60, "the document in a worker")
        leaving.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await leaving
        await eventually(lambda: value(server, "stancewire_inflight") == 0, GUARD, "the worker let go")
        assert value(server, 'stancewire_documents_dropped_total{reason="client_gone"}') == 1
        assert value(server, "stancewire_documents_total") == 2  # the warm-up sentence and the timed document
    # The deadline passes during the parse: 504, and the worker drops the document after the parse
    # instead of going on with it. It must also end before three times the deadline, when a worker
    # that has not answered counts as hung and is killed: a deadline of parse / 1.7 leaves room for
    # the parse to take from 0.6 to 1.7 times as long on the second server (a loaded machine).
    deadline = max(1.0, parse_s / 1.7)
    with running_server(workers="1", timeout_s=f"{deadline:.2f}", **BIG) as server:
        async with httpx.AsyncClient(base_url=server.url, timeout=GUARD) as client:
            assert (await client.post("/v1/analyze", json={"text": SEED_SENTENCE})).status_code == 200  # warm
            late = await client.post("/v1/analyze", json={"text": LONG_DOC})
            timing = f"parse {parse_s:.1f} s on the first server, deadline {deadline:.1f} s"
            assert late.status_code == 504, timing
            await eventually(lambda: value(server, "stancewire_inflight") == 0, GUARD, "the worker let go")
            assert value(server, 'stancewire_documents_dropped_total{reason="deadline"}') == 1
            assert value(server, "stancewire_documents_total") == 1  # the warm-up sentence only
            assert value(server, "stancewire_worker_restarts_total") == 0, timing
            assert (await client.post("/v1/analyze", json={"text": SEED_SENTENCE})).status_code == 200


async def test_workers_end_with_the_api_process() -> None:
    with running_server(workers="1", timeout_s="600", **BIG) as server:
        (worker,) = server.worker_pids()
        async with httpx.AsyncClient(base_url=server.url, timeout=GUARD) as client:
            busy = asyncio.create_task(client.post("/v1/analyze", json={"text": HUGE_DOC}))
            await eventually(lambda: value(server, "stancewire_inflight") == 1, 60, "a long document in the worker")
            os.kill(server.pid, signal.SIGKILL)
            server.process.wait(30)
            # The document would keep an orphan busy for ten seconds or more; it must go with its parent.
            await eventually(lambda: not alive(worker), 5, f"worker {worker} ended with the API process")
            with contextlib.suppress(httpx.HTTPError):
                await busy


async def test_sigterm_does_not_wait_on_a_long_document_past_the_grace_period() -> None:
    timeout_s = 5
    with running_server(workers="1", timeout_s=str(timeout_s), **BIG) as server:
        (worker,) = server.worker_pids()
        async with httpx.AsyncClient(base_url=server.url, timeout=GUARD) as client:
            busy = asyncio.create_task(client.post("/v1/analyze", json={"text": HUGE_DOC}))
            await eventually(lambda: value(server, "stancewire_inflight") == 1, 60, "a long document in the worker")
            server.process.send_signal(signal.SIGTERM)
            # uvicorn's grace (timeout_s + 5), then the pool's (timeout_s), then 5 s to stop a worker.
            code = await asyncio.to_thread(server.process.wait, timeout_s * 2 + 5 + 5 + 15)
            assert code in (0, -signal.SIGTERM)
            assert not alive(worker)
            response = await busy
            assert response.status_code in (503, 504), response.text


@pytest.mark.parametrize(
    "text",
    ["," * 100_000, " ".join(["word"] * 20_000)[:100_000]],
    ids=["100,000 commas", "100,000 characters without punctuation"],
)
async def test_texts_without_sentence_breaks_are_answered_within_the_deadline(text: str) -> None:
    # The default limit (100,000 characters) and a deadline generous for a loaded test machine: the
    # parse used to grow with the cube of such a run (100,000 commas: over 20 minutes).
    with running_server(workers="1", timeout_s="120") as server:
        async with httpx.AsyncClient(base_url=server.url, timeout=GUARD) as client:
            response = await client.post("/v1/analyze", json={"text": text})
            assert response.status_code == 200, response.text[:300]
            assert response.json()["meta"]["tokens"] >= 20_000
        assert value(server, "stancewire_worker_restarts_total") == 0


async def test_a_full_batch_gets_its_turn_while_single_documents_keep_the_queue_full() -> None:
    settings = {"workers": "1", "queue_limit": "8", "max_batch": "8", "batch_max_docs": "2", "timeout_s": "60"}
    with running_server(**settings) as server:
        stop = asyncio.Event()
        limits = httpx.Limits(max_connections=50)
        async with httpx.AsyncClient(base_url=server.url, timeout=GUARD, limits=limits) as client:

            async def singles() -> None:
                while not stop.is_set():
                    response = await client.post("/v1/analyze", json={"text": SEED_ARTICLE[:3000]})
                    if response.status_code == 429:
                        await asyncio.sleep(0.01)

            load = [asyncio.create_task(singles()) for _ in range(16)]
            try:
                await eventually(lambda: value(server, "stancewire_queue_depth") >= 6, 60, "a full queue")
                documents = [{"id": str(i), "text": SEED_SENTENCE} for i in range(8)]
                batch = await client.post("/v1/analyze/batch", json={"documents": documents})
            finally:
                stop.set()
                await asyncio.gather(*load)
        assert batch.status_code == 200, batch.text[:300]
        assert [r["id"] for r in batch.json()["results"]] == [str(i) for i in range(8)]


def test_settings_where_a_batch_could_never_be_admitted_are_refused_at_start() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("STANCEWIRE_")}
    env.update({"STANCEWIRE_QUEUE_LIMIT": "16", "STANCEWIRE_MAX_BATCH": "64", "STANCEWIRE_PORT": "0"})
    done = subprocess.run(
        [sys.executable, "-m", "app.cli", "serve"],
        check=False,
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2
    assert "STANCEWIRE_QUEUE_LIMIT (16) must be at least STANCEWIRE_MAX_BATCH (64)" in done.stderr
    assert "Traceback" not in done.stderr
