"""Process metrics: the API process's own (process_*) and each worker's memory and CPU, from /proc."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import httpx
import pytest

from app.core.metrics import WorkerResources

pytestmark = pytest.mark.anyio


def series(text: str, name: str) -> dict[str, float]:
    """Labels -> value of every sample of ``name`` in Prometheus text."""
    return {m.group(1) or "": float(m.group(2)) for m in re.finditer(rf"^{name}(\{{[^}}]*\}})? (\S+)$", text, re.M)}


async def test_metrics_have_process_and_per_worker_series(client: httpx.AsyncClient) -> None:
    text = (await client.get("/metrics")).text
    api_memory = series(text, "process_resident_memory_bytes")
    assert list(api_memory) == [""] and api_memory[""] > 10e6
    assert series(text, "process_cpu_seconds_total")[""] > 0
    assert series(text, "process_open_fds")[""] > 0
    workers = series(text, "stancewire_worker_resident_memory_bytes")
    # The test app runs one worker, which holds the loaded model (about 200 MB here).
    assert list(workers) == ['{worker="0"}'] and workers['{worker="0"}'] > 100e6
    assert series(text, "stancewire_worker_cpu_seconds_total")['{worker="0"}'] > 0
    assert "# TYPE stancewire_worker_resident_memory_bytes gauge" in text
    assert "# TYPE stancewire_worker_cpu_seconds_total counter" in text


def test_worker_slots_stay_put_and_a_replacement_takes_the_free_one() -> None:
    sleep = "import time; print('up', flush=True); time.sleep(60)"
    sleepers = [subprocess.Popen([sys.executable, "-c", sleep], stdout=subprocess.PIPE) for _ in range(3)]
    try:
        # Until its interpreter has started, a just-spawned process holds well under 1 MB (a loaded
        # machine can take a while): wait for each to say it is up before reading its memory.
        for sleeper in sleepers:
            assert sleeper.stdout is not None and sleeper.stdout.readline() == b"up\n"
        first, second, third = (p.pid for p in sleepers)
        pids = [first, second]
        collector = WorkerResources()
        collector.pids = lambda: pids

        def slots() -> dict[str, float]:
            memory = next(family for family in collector.collect() if family.name.endswith("memory_bytes"))
            return {sample.labels["worker"]: sample.value for sample in memory.samples}

        assert set(slots()) == {"0", "1"} and all(value > 1e6 for value in slots().values())
        assert collector._slots == {first: 0, second: 1}
        pids = [second, third]  # the first worker died and was replaced
        assert set(slots()) == {"0", "1"}
        assert collector._slots == {second: 1, third: 0}
        pids = [second, third, os.getpid() + 10_000_000]  # a pid that does not exist is left out
        assert set(slots()) == {"0", "1"}
    finally:
        for sleeper in sleepers:
            sleeper.kill()
            sleeper.communicate()
