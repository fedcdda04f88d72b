"""Faults against a real ``stancewire serve`` over TCP: dead workers, overload, SIGTERM, hostile clients.

No timing assertions: only hang guards (every request must be answered within the service's own
deadline plus a margin) and orderings that follow from the design (a refusal is sent before the
admitted work it refused to queue behind has finished).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import subprocess
import time
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest

from tests.support import (
    SEED_SENTENCE,
    Server,
    metric_value,
    request_head,
    rss_bytes,
    running_server,
    wait_ready,
)

pytestmark = [pytest.mark.anyio, pytest.mark.slow, pytest.mark.server]

TIMEOUT_S = 20  # the service's analysis deadline in these tests
HANG_GUARD = TIMEOUT_S * 3 + 10  # the pool's hard deadline is 3 x timeout_s; nothing may take longer
# About 450 tokens: long enough that a worker is busy when it is killed, short enough to be cheap.
LOAD_TEXT = " ".join(
    [
        SEED_SENTENCE,
        "Iran accused Israel of attacking its embassy in Damascus and vowed to respond.",
        "The European Union imposed new sanctions on Russia over the war.",
        "Egypt hosted talks between Israel and Hamas on a ceasefire in Gaza.",
    ]
    * 6
)


async def eventually(condition: Callable[[], Awaitable[bool]], timeout: float, what: str) -> None:
    """Poll ``condition`` until it holds; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if await condition():
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"not within {timeout:g} s: {what}")


def assert_retryable_problem(response: httpx.Response, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert int(response.headers["retry-after"]) >= 1
    body: dict[str, Any] = response.json()
    assert body["status"] == status
    return body


async def test_kill_9_of_a_worker_under_load_fails_only_its_documents_and_heals() -> None:
    with running_server(workers="2", timeout_s=str(TIMEOUT_S)) as server:
        async with httpx.AsyncClient(base_url=server.url, timeout=HANG_GUARD) as client:
            before = server.worker_pids()
            assert len(before) == 2, before
            victim = before[0]
            responses: list[httpx.Response] = []
            readiness: list[int] = []
            stop = asyncio.Event()

            async def load() -> None:
                while not stop.is_set():
                    responses.append(await client.post("/v1/analyze", json={"text": LOAD_TEXT}))

            async def watch_readiness() -> None:
                while not stop.is_set():
                    readiness.append((await client.get("/readyz")).status_code)
                    await asyncio.sleep(0.05)

            tasks = [asyncio.create_task(load()) for _ in range(6)] + [asyncio.create_task(watch_readiness())]
            try:

                async def some_answered(n: int) -> bool:
                    return sum(r.status_code == 200 for r in responses) >= n

                await eventually(lambda: some_answered(4), HANG_GUARD, "the first answers under load")
                os.kill(victim, signal.SIGKILL)
                answered_at_kill = len(responses)

                async def dipped_and_back() -> bool:
                    return 503 in readiness and readiness[-1] == 200 and readiness.index(503) < len(readiness) - 1

                await eventually(dipped_and_back, 180, "/readyz dips to 503 and returns to 200")
                await eventually(
                    lambda: some_answered(answered_at_kill + 6), HANG_GUARD, "answers after the pool healed"
                )
            finally:
                stop.set()
                await asyncio.wait_for(asyncio.gather(*tasks), HANG_GUARD)

            statuses = [r.status_code for r in responses]
            assert set(statuses) <= {200, 503}, statuses
            for response in responses:
                if response.status_code == 503:
                    body = assert_retryable_problem(response, 503)
                    assert body["type"] in ("/problems/worker-lost", "/problems/not-ready"), body
                else:
                    assert response.json()["meta"]["tokens"] > 100
            after = server.worker_pids()
            assert victim not in after and len(after) == 2, (before, after)
            metrics = server.metrics()
            assert metric_value(metrics, "stancewire_worker_restarts_total") >= 1
            assert (await client.get("/readyz")).status_code == 200


async def test_overload_at_ten_times_capacity_refuses_the_excess_at_once_and_recovers() -> None:
    # Capacity: 4 queued documents plus the micro-batch in the worker, which holds 1 or 2 depending
    # on how many had arrived when the idle worker took its fair share.
    with running_server(
        workers="1", queue_limit="4", max_batch="4", batch_max_docs="2", timeout_s=str(TIMEOUT_S)
    ) as server:
        limits = httpx.Limits(max_connections=200, max_keepalive_connections=200)
        async with httpx.AsyncClient(base_url=server.url, timeout=HANG_GUARD, limits=limits) as client:
            assert (await client.post("/v1/analyze", json={"text": LOAD_TEXT})).status_code == 200
            baseline_rss = rss_bytes(server.pid)
            assert baseline_rss is not None
            peak_rss = baseline_rss

            async def timed_post() -> tuple[httpx.Response, float]:
                started = time.monotonic()
                response = await client.post("/v1/analyze", json={"text": LOAD_TEXT})
                return response, time.monotonic() - started

            for _wave in range(3):
                results = await asyncio.gather(*(timed_post() for _ in range(60)))
                peak_rss = max(peak_rss, rss_bytes(server.pid) or 0)
                statuses = [r.status_code for r, _ in results]
                assert set(statuses) <= {200, 429, 503}, statuses
                assert statuses.count(429) >= 30, statuses
                assert statuses.count(200) >= 5, statuses
                for response, _ in results:
                    if response.status_code == 429:
                        assert assert_retryable_problem(response, 429)["type"] == "/problems/queue-full"
                    elif response.status_code == 200:
                        assert response.json()["meta"]["tokens"] > 100
                # Refusals do not wait behind admitted work: each came back before the last admitted one.
                last_admitted = max(elapsed for r, elapsed in results if r.status_code == 200)
                assert all(elapsed < last_admitted for r, elapsed in results if r.status_code == 429)

            # Bounded memory: the API process holds no backlog of refused requests.
            assert peak_rss - baseline_rss < 100 * 2**20, (baseline_rss, peak_rss)
            # Recovery once the load stops.
            wait_ready(server.url, 60)
            metrics = server.metrics()
            assert metric_value(metrics, "stancewire_queue_depth") == 0
            assert metric_value(metrics, "stancewire_inflight") == 0
            assert metric_value(metrics, 'stancewire_rejected_total{reason="queue_full"}') >= 90
            assert (await client.post("/v1/analyze", json={"text": SEED_SENTENCE})).status_code == 200


async def test_sigterm_under_load_finishes_in_flight_work_refuses_new_and_exits_within_grace() -> None:
    grace = TIMEOUT_S + 5  # `stancewire serve` gives in-flight requests timeout_s + 5 s
    with running_server(workers="1", timeout_s=str(TIMEOUT_S)) as server:
        async with httpx.AsyncClient(base_url=server.url, timeout=HANG_GUARD) as client:
            long_text = " ".join([LOAD_TEXT] * 3)
            in_flight = [asyncio.create_task(client.post("/v1/analyze", json={"text": long_text})) for _ in range(4)]

            async def admitted() -> bool:
                metrics = (await client.get("/metrics")).text
                return (
                    metric_value(metrics, "stancewire_inflight") + metric_value(metrics, "stancewire_queue_depth") >= 4
                )

            await eventually(admitted, HANG_GUARD, "four documents admitted")
            server.process.send_signal(signal.SIGTERM)
            signalled = time.monotonic()

            refused: list[str] = []

            async def new_request_refused() -> bool:
                try:
                    async with httpx.AsyncClient(base_url=server.url, timeout=5) as fresh:
                        response = await fresh.post("/v1/analyze", json={"text": SEED_SENTENCE})
                except httpx.ConnectError:
                    refused.append("connection refused")
                    return True
                except (httpx.ReadError, httpx.RemoteProtocolError):
                    # The kernel completed the handshake while the listening socket was closing;
                    # uvicorn then closed the connection without reading the request.
                    refused.append("connection closed unanswered")
                    return True
                if response.status_code == 503:
                    refused.append("503")
                    return True
                return False

            try:
                await eventually(new_request_refused, 10, "a new request is refused after SIGTERM")
                responses = await asyncio.wait_for(asyncio.gather(*in_flight), HANG_GUARD)
            finally:
                # On a failure above, leave no request task behind to fail inside a later test.
                for task in in_flight:
                    task.cancel()
                await asyncio.gather(*in_flight, return_exceptions=True)
            assert [r.status_code for r in responses] == [200] * 4, [r.text[:200] for r in responses]
            assert all(r.json()["meta"]["tokens"] > 600 for r in responses)
            try:
                code = await asyncio.to_thread(server.process.wait, grace + 15 - (time.monotonic() - signalled))
            except subprocess.TimeoutExpired:
                pytest.fail(f"the server did not exit within its grace period ({grace} s + worker shutdown)")
            # uvicorn re-raises the captured SIGTERM once its graceful shutdown is done.
            assert code in (0, -signal.SIGTERM), code
            assert refused
            messages = [line.get("msg", "") for line in server.log_lines()]
            assert "Application shutdown complete." in messages, messages[-10:]


async def _raw_post(server: Server, headers: dict[str, str]) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
    writer.write(request_head("/v1/analyze", {"content-type": "application/json", **headers}))
    await writer.drain()
    return reader, writer


async def _read_response(reader: asyncio.StreamReader) -> tuple[int, dict[str, str], bytes]:
    head = await reader.readuntil(b"\r\n\r\n")
    status_line, *lines = head.decode("latin-1").strip().split("\r\n")
    headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines)}
    body = await reader.readexactly(int(headers.get("content-length", "0")))
    return int(status_line.split()[1]), headers, body


async def _close(writer: asyncio.StreamWriter) -> None:
    writer.close()
    with contextlib.suppress(ConnectionError, OSError):
        await writer.wait_closed()


async def test_huge_and_trickled_bodies_are_refused_without_tying_up_the_worker() -> None:
    settings = {"workers": "1", "max_body_bytes": "100000", "body_timeout_s": "4", "timeout_s": str(TIMEOUT_S)}
    with running_server(**settings) as server:
        # A declared 50 MB body is refused from its headers alone.
        reader, writer = await _raw_post(server, {"content-length": "50000000"})
        writer.write(b'{"text": "' + b"x" * 1000)
        status, headers, body = await asyncio.wait_for(_read_response(reader), HANG_GUARD)
        await _close(writer)
        assert status == 413 and b"/problems/too-large" in body
        assert headers["content-type"].startswith("application/problem+json")

        # A chunked body with no length is cut off once it passes the limit, not read to the end.
        reader, writer = await _raw_post(server, {"transfer-encoding": "chunked"})
        response = asyncio.create_task(_read_response(reader))
        sent = 0
        while not response.done() and sent < 20_000_000:
            writer.write(b"2710\r\n" + b" " * 10_000 + b"\r\n")
            try:
                await writer.drain()
            except ConnectionError:
                break
            sent += 10_000
            await asyncio.wait([response], timeout=0.01)
        status, _, body = await asyncio.wait_for(response, HANG_GUARD)
        await _close(writer)
        assert status == 413 and b"/problems/too-large" in body
        assert sent < 2_000_000, sent

        # Slow clients: each trickles 10 bytes every half second, well inside any per-chunk timeout,
        # but the whole body would take a minute; each gets 408 at the body deadline.
        async def trickle() -> tuple[int, bytes]:
            reader, writer = await _raw_post(server, {"content-length": "1200"})
            writer.write(b'{"text": "')
            response = asyncio.create_task(_read_response(reader))
            deadline = time.monotonic() + HANG_GUARD
            while not response.done() and time.monotonic() < deadline:
                try:
                    writer.write(b"slow text ")
                    await writer.drain()
                except ConnectionError:
                    break
                await asyncio.wait([response], timeout=0.5)
            status, _, body = await asyncio.wait_for(response, HANG_GUARD)
            await _close(writer)
            return status, body

        tricklers = [asyncio.create_task(trickle()) for _ in range(3)]
        await asyncio.sleep(0.3)
        async with httpx.AsyncClient(base_url=server.url, timeout=HANG_GUARD) as client:
            normal = await client.post("/v1/analyze", json={"text": SEED_SENTENCE})
            assert normal.status_code == 200
            # The worker was free for it: it was answered while every slow client was still sending.
            assert not any(t.done() for t in tricklers)
            for status, body in await asyncio.wait_for(asyncio.gather(*tricklers), HANG_GUARD):
                assert status == 408 and b"/problems/body-timeout" in body
            metrics = (await client.get("/metrics")).text
            assert metric_value(metrics, 'stancewire_rejected_total{reason="body_timeout"}') == 3
            assert metric_value(metrics, 'stancewire_rejected_total{reason="too_large"}') == 2
            assert (await client.get("/readyz")).status_code == 200
            assert (await client.post("/v1/analyze", json={"text": SEED_SENTENCE})).status_code == 200
