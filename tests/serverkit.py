"""A real ``stancewire serve`` process for fault, security and fuzz tests, and /proc helpers.

The server's JSON logs go to a file, so a test can read them and a chatty server never blocks
on a full stderr pipe under load.
"""

from __future__ import annotations

import os
import re
import resource
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import orjson

ROOT = Path(__file__).resolve().parent.parent
SEED_SENTENCE = "The United States is urging China to press Russia to halt its aggression in Ukraine."


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class Server:
    """A running ``stancewire serve`` process and where its logs go."""

    url: str
    port: int
    process: subprocess.Popen[bytes]
    log_path: Path

    @property
    def pid(self) -> int:
        return self.process.pid

    def log_lines(self) -> list[dict[str, Any]]:
        """Every JSON log line written so far (non-JSON lines are returned as ``{"raw": line}``)."""
        entries: list[dict[str, Any]] = []
        for line in self.log_path.read_bytes().splitlines():
            if not line.strip():
                continue
            try:
                entries.append(orjson.loads(line))
            except orjson.JSONDecodeError:
                entries.append({"raw": line.decode("utf-8", "replace")})
        return entries

    def worker_pids(self) -> list[int]:
        return worker_pids(self.pid)

    def metrics(self) -> str:
        return httpx.get(f"{self.url}/metrics", timeout=10).text


def wait_ready(url: str, timeout: float, process: subprocess.Popen[bytes] | None = None) -> None:
    """Poll /readyz until it answers 200; fail if the process exits or the deadline passes."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"stancewire serve exited with {process.returncode}")
        try:
            if httpx.get(f"{url}/readyz", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise AssertionError(f"{url} did not become ready within {timeout:g} s")


@contextmanager
def running_server(
    startup_timeout: float = 180.0,
    log_path: Path | None = None,
    fd_limit: int | None = None,
    port: int | None = None,
    **settings: str,
) -> Iterator[Server]:
    """Start ``stancewire serve`` on a free loopback port (or ``port``) with STANCEWIRE_* overrides.

    Its log goes to ``log_path`` when given (kept), else to a temporary file. ``fd_limit`` caps the
    process's open files (soft and hard), as a small container or a strict ulimit would.
    """

    def limit_files() -> None:
        if fd_limit is not None:
            resource.setrlimit(resource.RLIMIT_NOFILE, (fd_limit, fd_limit))

    port = port or free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("STANCEWIRE_")}
    env.update({"STANCEWIRE_HOST": "127.0.0.1", "STANCEWIRE_PORT": str(port), "STANCEWIRE_WORKERS": "1"})
    env.update({f"STANCEWIRE_{key.upper()}": value for key, value in settings.items()})
    with tempfile.TemporaryDirectory(prefix="stancewire-test-") as tmp:
        log_path = log_path or Path(tmp) / "server.log"
        log_path.parent.mkdir(parents=True, exist_ok=True)
        with log_path.open("wb") as log_file:
            process = subprocess.Popen(
                [sys.executable, "-m", "app.cli", "serve"],
                env=env,
                cwd=ROOT,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=log_file,
                preexec_fn=limit_files if fd_limit is not None else None,  # noqa: PLW1509 (setrlimit only: safe after fork)
            )
        server = Server(f"http://127.0.0.1:{port}", port, process, log_path)
        try:
            try:
                wait_ready(server.url, startup_timeout, process)
            except (RuntimeError, AssertionError) as exc:
                raise RuntimeError(f"{exc}; log tail: {log_path.read_text('utf-8', 'replace')[-2000:]}") from exc
            yield server
        finally:
            stop(process)


def stop(process: subprocess.Popen[bytes], timeout: float = 60.0) -> None:
    """Terminate a process we started, killing it if it outlives ``timeout``."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


# -- /proc -----------------------------------------------------------------------------------


def child_pids(pid: int) -> list[int]:
    """Direct children of ``pid`` (every thread's children, from /proc)."""
    children: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            children += [int(p) for p in (task / "children").read_text().split()]
        except (FileNotFoundError, ProcessLookupError, ValueError):
            continue
    return sorted(set(children))


def cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode("utf-8", "replace")
    except (FileNotFoundError, ProcessLookupError):
        return ""


def worker_pids(server_pid: int) -> list[int]:
    """The pool's worker processes: spawned children of the server (not the resource tracker)."""
    return [pid for pid in child_pids(server_pid) if "spawn_main" in cmdline(pid)]


def open_fds(pid: int) -> int:
    """How many files ``pid`` has open (0 once it has exited)."""
    try:
        return len(os.listdir(f"/proc/{pid}/fd"))
    except (FileNotFoundError, ProcessLookupError):
        return 0


def rss_bytes(pid: int) -> int | None:
    """Resident set size of ``pid`` from /proc/<pid>/status, or None once it has exited."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return None
    match = re.search(r"^VmRSS:\s+(\d+) kB", status, re.MULTILINE)
    return int(match.group(1)) * 1024 if match else None


def metric_value(metrics_text: str, series: str) -> float:
    """The value of one exact series line (name plus labels) in Prometheus text, 0 when absent."""
    for line in metrics_text.splitlines():
        if line.startswith(series + " "):
            return float(line.rsplit(" ", 1)[1])
    return 0.0


# -- raw sockets, for bodies an HTTP client would not send -------------------------------------


def open_socket(port: int, timeout: float = 30.0) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return sock


def request_head(path: str, headers: dict[str, str]) -> bytes:
    lines = [f"POST {path} HTTP/1.1", "Host: 127.0.0.1", *(f"{k}: {v}" for k, v in headers.items()), "", ""]
    return "\r\n".join(lines).encode()


def read_response(sock: socket.socket, timeout: float) -> tuple[int, dict[str, str], bytes]:
    """Read one HTTP/1.1 response (status, lower-cased headers, body) from ``sock``."""
    sock.settimeout(timeout)
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError(f"connection closed before a response: {data!r}")
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    headers = {k.strip().lower(): v.strip() for k, _, v in (h.partition(":") for h in header_lines)}
    length = int(headers.get("content-length", "0"))
    while len(body) < length:
        chunk = sock.recv(65536)
        if not chunk:
            break
        body += chunk
    return int(status_line.split()[1]), headers, body
