"""Run issue 14's attacks at full size against a fresh ``stancewire serve`` on loopback, and measure.

    .venv/bin/python scripts/attack.py            # about three minutes; prints a table

Every attack is bounded in size and time and targets 127.0.0.1 only. While each runs, a prober
asks ``/healthz`` every 0.2 s (its slowest answer is reported) and the API process's memory is
sampled from /proc. The server runs with the default settings, as ``make serve`` starts it.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import select
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.evaluation import SEED_ARTICLE_PATH  # noqa: E402
from tests.support import free_port, metric_value, rss_bytes, wait_ready, worker_pids  # noqa: E402
from tests.system.test_network_limits import bomb  # noqa: E402

SEED_ARTICLE = SEED_ARTICLE_PATH.read_text("utf-8")


@dataclass
class Watch:
    """The slowest /healthz answer, failed probes and the API's peak memory while an attack runs.

    It runs in a thread of its own, so an attack that blocks this script's event loop cannot make
    the service look slow.
    """

    url: str
    pid: int
    slowest: float = 0.0
    failed: int = 0
    peak_rss: int = 0
    _stop: threading.Event = field(default_factory=threading.Event)

    def run(self) -> None:
        with httpx.Client(base_url=self.url, timeout=5) as client:
            while not self._stop.is_set():
                started = time.monotonic()
                try:
                    ok = client.get("/healthz").status_code == 200
                except httpx.HTTPError:
                    ok = False
                self.slowest = max(self.slowest, time.monotonic() - started)
                self.failed += not ok
                self.peak_rss = max(self.peak_rss, rss_bytes(self.pid) or 0)
                self._stop.wait(0.2)


async def watched(url: str, pid: int, attack: Callable[[], Awaitable[str]]) -> tuple[str, Watch]:
    watch = Watch(url, pid)
    prober = threading.Thread(target=watch.run, daemon=True)
    prober.start()
    try:
        outcome = await attack()
    finally:
        watch._stop.set()
        prober.join()
    watch.peak_rss = max(watch.peak_rss, rss_bytes(pid) or 0)
    return outcome, watch


# -- the attacks ------------------------------------------------------------------------------------


def network_bomb(url: str) -> Callable[[], Awaitable[str]]:
    async def attack() -> str:
        started = time.monotonic()
        async with httpx.AsyncClient(base_url=url, timeout=120) as client:
            response = await client.post("/v1/network", json={"analyses": [bomb(1000, 1000)]})
        return f"{response.status_code} {response.json().get('type')} in {time.monotonic() - started:.2f} s"

    return attack


def _stream_head(port: int, size: int) -> tuple[int, bytes]:
    """Send one header of up to ``size`` bytes while reading; return (bytes sent, answer)."""
    sent, answer = 0, b""
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ")
        sock.setblocking(False)
        chunk = b"a" * 65536
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            readable, writable, _ = select.select([sock], [sock] if sent < size and not answer else [], [], 0.5)
            if readable:
                try:
                    data = sock.recv(65536)
                except OSError:
                    break
                if not data:
                    break
                answer += data
            if writable:
                with contextlib.suppress(OSError):
                    sent += sock.send(chunk)
            if not readable and not writable and (answer or sent >= size):
                break
    return sent, answer


def huge_headers(port: int) -> Callable[[], Awaitable[str]]:
    async def attack() -> str:
        results = await asyncio.gather(*(asyncio.to_thread(_stream_head, port, 100 * 2**20) for _ in range(4)))
        statuses = sorted({answer.split(b" ", 2)[1].decode() if answer else "none" for _, answer in results})
        return f"statuses {statuses}; at most {max(sent for sent, _ in results) // 1024} KB of 100 MB read"

    return attack


def _stall(port: int) -> str:
    sockets = [socket.create_connection(("127.0.0.1", port)) for _ in range(500)]
    for sock in sockets[::2]:
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")  # half the sockets send part of a head
    opened = time.monotonic()
    closed_at: dict[int, float] = {}
    while len(closed_at) < len(sockets) and time.monotonic() - opened < 60:
        readable, _, _ = select.select([s for s in sockets if s.fileno() not in closed_at], [], [], 0.5)
        for sock in readable:
            with contextlib.suppress(OSError):
                while sock.recv(65536):
                    pass
            closed_at[sock.fileno()] = time.monotonic() - opened
    for sock in sockets:
        sock.close()
    return f"{len(closed_at)} of 500 closed by the server, the last after {max(closed_at.values()):.1f} s"


def stalled_heads(port: int) -> Callable[[], Awaitable[str]]:
    async def attack() -> str:
        return await asyncio.to_thread(_stall, port)

    return attack


# Run in a process of its own: one process may not have 20,000 files open here.
_HOLD_SOCKETS = """
import socket, sys, time
sockets = []
for _ in range(int(sys.argv[2])):
    sock = socket.socket()
    sock.setblocking(False)
    sock.connect_ex(("127.0.0.1", int(sys.argv[1])))
    sockets.append(sock)
time.sleep(float(sys.argv[3]))
connected = 0
for sock in sockets:
    try:
        sock.getpeername()
        connected += 1
    except OSError:
        pass
print(connected, flush=True)
"""


def idle_sockets(url: str, port: int, count: int, per_process: int = 5_000) -> Callable[[], Awaitable[str]]:
    async def attack() -> str:
        holders = [
            await asyncio.create_subprocess_exec(
                sys.executable, "-c", _HOLD_SOCKETS, str(port), str(per_process), "8", stdout=subprocess.PIPE
            )
            for _ in range(count // per_process)
        ]
        connected = sum([int((await holder.communicate())[0] or 0) for holder in holders])
        async with httpx.AsyncClient(base_url=url) as client:
            metrics = (await client.get("/metrics")).text
        evicted = metric_value(metrics, 'stancewire_connections_closed_total{reason="evicted"}')
        return f"{count} opened, {connected} connected after 8 s; {evicted:g} idle ones evicted by the server"

    return attack


def slow_text(url: str, text: str) -> Callable[[], Awaitable[str]]:
    async def attack() -> str:
        started = time.monotonic()
        async with httpx.AsyncClient(base_url=url, timeout=120) as client:
            response = await client.post("/v1/analyze", json={"text": text})
        return f"{response.status_code} in {time.monotonic() - started:.1f} s"

    return attack


def two_long_then_normal(url: str) -> Callable[[], Awaitable[str]]:
    async def attack() -> str:
        async with httpx.AsyncClient(base_url=url, timeout=120) as client:
            heavy = [asyncio.create_task(client.post("/v1/analyze", json={"text": "," * 22_000})) for _ in range(2)]
            await asyncio.sleep(0.5)
            started = time.monotonic()
            normal = await client.post("/v1/analyze", json={"text": SEED_ARTICLE})
            waited = time.monotonic() - started
            statuses = [r.status_code for r in await asyncio.gather(*heavy)]
        return f"22 KB comma texts {statuses}; a seed article meanwhile {normal.status_code} in {waited:.1f} s"

    return attack


def clients_leaving(url: str) -> Callable[[], Awaitable[str]]:
    async def attack() -> str:
        async def leave() -> None:
            with contextlib.suppress(httpx.TimeoutException):
                async with httpx.AsyncClient(base_url=url, timeout=0.5) as client:
                    await client.post("/v1/analyze", json={"text": "\n\n".join([SEED_ARTICLE] * 12)})

        await asyncio.gather(*(leave() for _ in range(6)))
        started = time.monotonic()
        async with httpx.AsyncClient(base_url=url, timeout=120) as client:
            normal = await client.post("/v1/analyze", json={"text": SEED_ARTICLE})
            dropped = metric_value(
                (await client.get("/metrics")).text, 'stancewire_documents_dropped_total{reason="client_gone"}'
            )
        return (
            f"next request {normal.status_code} after {time.monotonic() - started:.1f} s; {dropped:g} documents dropped"
        )

    return attack


def _running(pid: int) -> bool:
    try:
        return "State:\tZ" not in Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False


def _survivors(pids: list[int], within: float) -> list[int]:
    """The processes of ``pids`` still running after ``within`` seconds (returns as soon as none is)."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        alive = [pid for pid in pids if _running(pid)]
        if not alive:
            return []
        time.sleep(0.1)
    return alive


# -- running them -----------------------------------------------------------------------------------


def start_server(port: int, log: Path) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("STANCEWIRE_")}
    env.update({"STANCEWIRE_HOST": "127.0.0.1", "STANCEWIRE_PORT": str(port)})
    with log.open("wb") as out:
        process = subprocess.Popen([sys.executable, "-m", "app.cli", "serve"], env=env, cwd=ROOT, stderr=out)
    wait_ready(f"http://127.0.0.1:{port}", 300, process)
    return process


async def main() -> int:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory() as tmp:
        server = start_server(port, Path(tmp) / "server.log")
        try:
            attacks = {
                "network 1,000 x 1,000 (285 KB)": network_bomb(url),
                "100 MB header on 4 connections": huge_headers(port),
                "500 sockets, half with part of a head": stalled_heads(port),
                "20,000 idle sockets": idle_sockets(url, port, 20_000),
                "100,000 commas": slow_text(url, "," * 100_000),
                "100,000 characters, no punctuation": slow_text(url, " ".join(["word"] * 20_000)[:100_000]),
                "two 22 KB comma texts, then a normal one": two_long_then_normal(url),
                "6 clients leave after 0.5 s": clients_leaving(url),
            }
            workers = worker_pids(server.pid)
            print("| attack | outcome | slowest /healthz | failed probes | API peak RSS |")
            print("| --- | --- | ---: | ---: | ---: |")
            for name, attack in attacks.items():
                outcome, watch = await watched(url, server.pid, attack)
                peak = watch.peak_rss / 2**20
                print(f"| {name} | {outcome} | {watch.slowest:.2f} s | {watch.failed} | {peak:.0f} MB |", flush=True)
            async with httpx.AsyncClient(base_url=url) as client:
                restarts = metric_value((await client.get("/metrics")).text, "stancewire_worker_restarts_total")
            print(f"\nworker restarts: {restarts:g}; workers unchanged: {worker_pids(server.pid) == workers}")
            # Last: kill -9 the API process while a worker is busy; the worker must not outlive it.
            busy = asyncio.create_task(slow_text(url, "\n\n".join([SEED_ARTICLE] * 18))())
            await asyncio.sleep(2)
            os.kill(server.pid, signal.SIGKILL)
            killed = time.monotonic()
            orphans = await asyncio.to_thread(_survivors, workers, 30)
            print(
                f"kill -9 of the API process: workers gone after {time.monotonic() - killed:.1f} s; orphans {orphans}"
            )
            with contextlib.suppress(httpx.HTTPError):
                await busy
        finally:
            if server.poll() is None:
                server.send_signal(signal.SIGTERM)
                server.wait(60)
    return 0


if __name__ == "__main__":
    raise SystemExit(asyncio.run(main()))
