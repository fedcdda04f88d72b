"""The worker pool with real worker processes: batching, admission, healing, deadlines."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import time
from pathlib import Path

import httpx
import pytest

from app.core.pool import NotReady, WorkerPool
from app.core.worker import SINGLE_THREADED_BLAS
from tests.support import make_settings, start_app

# Each test starts (and often kills) its own worker processes: seconds apiece.
pytestmark = [pytest.mark.anyio, pytest.mark.slow]

LONG_TEXT = " ".join(
    ["The United States urged China to press Russia to halt its aggression in Ukraine."] * 120
)  # about 2,000 tokens: long enough to still be in a worker when it is killed


async def wait_until_ready(client: httpx.AsyncClient, timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if (await client.get("/readyz")).status_code == 200:
            return
        await asyncio.sleep(0.1)
    raise AssertionError("the service did not become ready again")


async def test_killed_worker_fails_only_its_documents_and_is_replaced() -> None:
    app, context = await start_app(make_settings(workers=2, batch_max_docs=2))
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://t", timeout=60) as client:
            pool: WorkerPool = app.state.pool
            victim = pool.worker_pids()[0]
            requests = [asyncio.create_task(client.post("/v1/analyze", json={"text": LONG_TEXT})) for _ in range(8)]
            await asyncio.sleep(0.3)
            os.kill(victim, signal.SIGKILL)
            responses = await asyncio.wait_for(asyncio.gather(*requests), 60)
            statuses = [r.status_code for r in responses]
            assert set(statuses) <= {200, 503}, statuses
            assert 200 in statuses
            for response in responses:
                if response.status_code == 503:
                    assert response.headers["retry-after"] == "1"
                    assert response.json()["type"] == "/problems/worker-lost"
            await wait_until_ready(client)
            assert victim not in pool.worker_pids()
            assert len(pool.worker_pids()) == 2
            metrics = (await client.get("/metrics")).text
            assert "stancewire_worker_restarts_total 1.0" in metrics
            after = await client.post("/v1/analyze", json={"text": "Iran accused Israel of attacking its embassy."})
            assert after.status_code == 200
    finally:
        await context.__aexit__(None, None, None)


async def test_worker_killed_while_idle_makes_readiness_dip_then_return() -> None:
    app, context = await start_app(make_settings(workers=1))
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://t", timeout=60) as client:
            (victim,) = app.state.pool.worker_pids()
            os.kill(victim, signal.SIGKILL)
            await asyncio.sleep(0.6)
            dipped = await client.get("/readyz")
            assert dipped.status_code == 503 and dipped.headers["retry-after"] == "1"
            await wait_until_ready(client)
            assert (await client.post("/v1/analyze", json={"text": "Egypt hosted talks."})).status_code == 200
    finally:
        await context.__aexit__(None, None, None)


async def test_full_queue_refuses_at_once_and_admitted_requests_complete() -> None:
    app, context = await start_app(make_settings(workers=1, queue_limit=2, max_batch=2, batch_max_docs=1))
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://t", timeout=60) as client:
            responses = await asyncio.gather(*(client.post("/v1/analyze", json={"text": LONG_TEXT}) for _ in range(12)))
            statuses = [r.status_code for r in responses]
            assert statuses.count(429) >= 6, statuses
            assert set(statuses) <= {200, 429}, statuses
            refused = next(r for r in responses if r.status_code == 429)
            assert refused.headers["retry-after"] == "1"
            assert refused.json()["type"] == "/problems/queue-full"
            assert 'stancewire_rejected_total{reason="queue_full"}' in (await client.get("/metrics")).text
            assert (await client.post("/v1/analyze", json={"text": "Hello."})).status_code == 200
    finally:
        await context.__aexit__(None, None, None)


async def test_deadline_gives_504_and_the_service_stays_ready() -> None:
    app, context = await start_app(make_settings(workers=1, timeout_s=0.05))
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://t", timeout=60) as client:
            response = await client.post("/v1/analyze", json={"text": LONG_TEXT})
            assert response.status_code == 504
            assert response.json()["type"] == "/problems/timeout"
            assert (await client.get("/readyz")).status_code == 200
    finally:
        await context.__aexit__(None, None, None)


async def test_concurrent_documents_are_micro_batched() -> None:
    pool = WorkerPool(make_settings(workers=1, batch_window_ms=50, batch_max_docs=16))
    batch_sizes: list[int] = []
    pool._hooks.on_batch = batch_sizes.append
    await pool.start()
    try:
        outcomes = await asyncio.gather(*(pool.analyze(f"Sentence number {i} about Iran.") for i in range(20)))
        assert len(outcomes) == 20 and all(o.tokens > 3 for o in outcomes)
        assert max(batch_sizes) > 1, batch_sizes
        assert sum(batch_sizes) == 20
    finally:
        await pool.close()


async def test_close_finishes_admitted_work_then_refuses() -> None:
    pool = WorkerPool(make_settings(workers=1))
    await pool.start()
    pending = asyncio.gather(*(pool.analyze(LONG_TEXT) for _ in range(3)))
    await asyncio.sleep(0.05)
    await pool.close(grace=60)
    outcomes = await pending
    assert all(o.tokens > 1000 for o in outcomes)
    with pytest.raises(NotReady):
        await pool.analyze("Too late.")


def _cpu_seconds_and_niceness(pid: int) -> tuple[float, int]:
    # /proc/<pid>/stat after the command name: utime, stime (fields 14, 15) and nice (19).
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK"), int(fields[16])


async def test_one_request_at_a_time_stays_on_the_warm_worker_and_workers_run_niced() -> None:
    pool = WorkerPool(make_settings(workers=2, worker_niceness=3))
    await pool.start()
    try:
        pids = pool.worker_pids()
        assert [_cpu_seconds_and_niceness(pid)[1] for pid in pids] == [os.nice(0) + 3] * 2
        before = {pid: _cpu_seconds_and_niceness(pid)[0] for pid in pids}
        for _ in range(6):
            await pool.analyze(LONG_TEXT)
        used = sorted(_cpu_seconds_and_niceness(pid)[0] - before[pid] for pid in pids)
        # Round-robin would split the work evenly; the most recently freed worker takes it all.
        assert used[0] < used[1] / 10, used
    finally:
        await pool.close()


def _threads(pid: int) -> int:
    match = re.search(r"^Threads:\s+(\d+)$", Path(f"/proc/{pid}/status").read_text(), re.MULTILINE)
    assert match, f"no thread count for {pid}"
    return int(match.group(1))


async def test_workers_run_single_threaded_without_touching_this_process_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Whatever this test process inherited, each worker must give itself one BLAS thread.
    for name in SINGLE_THREADED_BLAS:
        monkeypatch.delenv(name, raising=False)
    app, context = await start_app(make_settings(workers=1, gemm="numpy"))
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://t", timeout=60) as client:
            response = await client.post("/v1/analyze", json={"text": LONG_TEXT})
            assert response.status_code == 200
            (pid,) = app.state.pool.worker_pids()
            assert _threads(pid) == 1
            assert not any(name in os.environ for name in SINGLE_THREADED_BLAS)  # the API process's own
    finally:
        await context.__aexit__(None, None, None)
