"""Run the real service as a subprocess on a free loopback port, for tests that need TCP."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import IO

import httpx


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class LiveServer:
    """A running ``stancewire serve`` process."""

    url: str
    process: subprocess.Popen[bytes]


@contextmanager
def live_server(startup_timeout: float = 180.0, **settings: str) -> Iterator[LiveServer]:
    """Start ``stancewire serve`` with STANCEWIRE_* overrides; stop it on exit."""
    port = free_port()
    env = {**os.environ, "STANCEWIRE_HOST": "127.0.0.1", "STANCEWIRE_PORT": str(port), "STANCEWIRE_WORKERS": "1"}
    env.update({f"STANCEWIRE_{key.upper()}": value for key, value in settings.items()})
    # The log goes to a file: a pipe nobody reads fills up and blocks the server.
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "app.cli", "serve"], env=env, stdout=subprocess.DEVNULL, stderr=log
        )
        try:
            yield _wait_until_ready(process, log, f"http://127.0.0.1:{port}", startup_timeout)
        finally:
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(30)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()


def _wait_until_ready(process: subprocess.Popen[bytes], log: IO[bytes], url: str, timeout: float) -> LiveServer:
    deadline = time.monotonic() + timeout
    while True:
        if process.poll() is not None:
            log.seek(0)
            stderr = log.read().decode(errors="replace")
            raise RuntimeError(f"stancewire serve exited with {process.returncode}: {stderr[-2000:]}")
        try:
            if httpx.get(f"{url}/readyz", timeout=1).status_code == 200:
                return LiveServer(url, process)
        except httpx.TransportError:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError("stancewire serve did not become ready")
        time.sleep(0.2)
