"""Hostile connections against a real ``stancewire serve``: huge or endless heads, idle sockets, too many sockets.

Each attack is small and bounded (megabytes, hundreds of sockets, seconds) and runs on loopback only;
``scripts/attack.py`` runs the full-size versions (100 MB headers, 20,000 sockets) for the README.
No timing assertions beyond generous hang guards: a deadline of 2 s must close a socket within 15 s.
"""

from __future__ import annotations

import asyncio
import contextlib
import select
import socket
import time
from collections.abc import Iterator

import httpx
import pytest

from tests.support import SEED_SENTENCE, Server, metric_value, open_fds, rss_bytes, running_server

pytestmark = [pytest.mark.anyio, pytest.mark.slow]

GUARD = 15.0  # seconds: every deadline below is 1-2 s, so a working server is far inside this


@pytest.fixture(scope="module")
def server() -> Iterator[Server]:
    with running_server(
        workers="1", keepalive_timeout_s="1", head_timeout_s="2", max_head_bytes="8192", max_headers="50"
    ) as running:
        yield running


async def _healthz_within(url: str, seconds: float = 5.0) -> None:
    async with httpx.AsyncClient(base_url=url, timeout=seconds) as client:
        response = await client.get("/healthz")
    assert response.status_code == 200


def _connect(port: int) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", port), timeout=GUARD)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return sock


def _read_until_closed(sock: socket.socket, timeout: float = GUARD) -> bytes:
    """Everything the server sends until it closes the connection; fail if it is still open at ``timeout``."""
    sock.settimeout(timeout)
    data = b""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            chunk = sock.recv(65536)
        except ConnectionResetError:
            return data
        if not chunk:
            return data
        data += chunk
    raise AssertionError(f"the server kept the connection open past {timeout:g} s: {data[:200]!r}")


def _upload_until_answered(port: int, head: bytes, chunk: bytes, size: int) -> tuple[int, bytes]:
    """Send ``head`` then ``chunk`` after ``chunk`` (up to ``size`` bytes) while reading; return (sent, answer).

    Stops sending once the server answers or stops reading, and reads until it closes the connection.
    """
    sent = 0
    answer = b""
    with _connect(port) as sock:
        sock.sendall(head)
        sock.setblocking(False)
        deadline = time.monotonic() + GUARD
        while time.monotonic() < deadline:
            readable, writable, _ = select.select([sock], [sock] if sent < size and not answer else [], [], 0.5)
            if readable:
                try:
                    data = sock.recv(65536)
                except (ConnectionResetError, BlockingIOError):
                    break
                if not data:
                    break
                answer += data
            if writable:
                try:
                    sent += sock.send(chunk)
                except (BrokenPipeError, ConnectionResetError, BlockingIOError):
                    sent += 0
    return sent, answer


def _status(response: bytes) -> int:
    return int(response.split(b" ", 2)[1])


def _assert_problem(response: bytes, status: int) -> None:
    assert _status(response) == status, response[:300]
    head, _, body = response.partition(b"\r\n\r\n")
    assert b"content-type: application/problem+json" in head.lower(), head
    assert b"connection: close" in head.lower(), head
    assert f'"status":{status}'.encode() in body, body


# -- request heads ------------------------------------------------------------------------------


async def test_a_header_too_large_gets_431_at_once_and_memory_stays_flat(server: Server) -> None:
    baseline = rss_bytes(server.pid) or 0

    def send_huge_header(size: int) -> tuple[int, bytes]:
        return _upload_until_answered(server.port, b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ", b"a" * 65536, size)

    # Four 8 MB headers at once (the attack used 100 MB each: scripts/attack.py).
    uploads = [asyncio.to_thread(send_huge_header, 8 * 2**20) for _ in range(4)]
    results = await asyncio.gather(*uploads, _healthz_within(server.url))
    for sent, answer in results[:4]:
        _assert_problem(answer, 431)
        assert sent < 8 * 2**20, "the server read the whole header instead of refusing it"
    assert (rss_bytes(server.pid) or 0) - baseline < 30 * 2**20

    # A head that arrives whole in one read is measured too.
    with _connect(server.port) as sock:
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 100_000 + b"\r\n\r\n")
        _assert_problem(_read_until_closed(sock), 431)


async def test_too_many_header_fields_get_431(server: Server) -> None:
    fields = b"".join(b"X-Field-%d: 1\r\n" % i for i in range(51))
    with _connect(server.port) as sock:
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n" + fields + b"\r\n")
        _assert_problem(_read_until_closed(sock), 431)
    assert 'reason="too_many_headers"' in server.metrics()


async def test_malformed_http_gets_a_problem_document(server: Server) -> None:
    with _connect(server.port) as sock:
        sock.sendall(b"GET /health\x00z HTTP/1.1\r\nHost: x\r\n\r\n")
        _assert_problem(_read_until_closed(sock), 400)


# -- idle and half-sent connections -------------------------------------------------------------


async def test_idle_half_sent_and_trickling_connections_are_closed_at_their_deadlines(server: Server) -> None:
    idle = [_connect(server.port) for _ in range(40)]
    half = [_connect(server.port) for _ in range(40)]
    for sock in half:
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
    trickling = [_connect(server.port) for _ in range(5)]
    after_a_response = _connect(server.port)
    after_a_response.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
    started = time.monotonic()
    try:
        # A byte every half second is within any per-read timeout, but the head never ends.
        for _ in range(6):
            for sock in trickling:
                with contextlib.suppress(OSError):
                    sock.send(b"X")
            await asyncio.sleep(0.5)
        for sock in idle:
            assert _read_until_closed(sock) == b""
        for sock in half + trickling:
            _assert_problem(_read_until_closed(sock), 408)
        answered = _read_until_closed(after_a_response)
        assert _status(answered) == 200 and answered.count(b"HTTP/1.1") == 1
        assert time.monotonic() - started < GUARD
    finally:
        for sock in [*idle, *half, *trickling, after_a_response]:
            sock.close()
    metrics = server.metrics()
    assert metric_value(metrics, 'stancewire_rejected_total{reason="head_timeout"}') >= 45
    assert metric_value(metrics, 'stancewire_connections_closed_total{reason="idle"}') >= 41
    await _healthz_within(server.url)


async def test_responses_that_give_up_on_a_body_close_the_connection() -> None:
    with running_server(workers="1", body_timeout_s="2", max_body_bytes="10000", api_keys="k1") as server:
        post = b"POST /v1/analyze HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer k1\r\n"
        cases = {
            "408 body timeout": (post + b"Content-Type: application/json\r\nContent-Length: 500\r\n\r\n{", 408),
            "413 streamed": (post + b"Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n", 413),
            "415": (
                b"POST /v1/analyze HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer k1\r\nContent-Length: 500\r\n\r\n",
                415,
            ),
            "401 before the body": (b"POST /v1/analyze HTTP/1.1\r\nHost: x\r\nContent-Length: 500\r\n\r\n", 401),
        }
        for name, (head, status) in cases.items():
            with _connect(server.port) as sock:
                sock.sendall(head)
                # Keep sending slowly, as a trickling client would; the server must hang up anyway.
                answer = b""
                deadline = time.monotonic() + GUARD
                sock.settimeout(0.2)
                while time.monotonic() < deadline:
                    try:
                        sock.send(b"2000\r\n" + b" " * 0x2000 + b"\r\n" if status == 413 else b" ")
                        chunk = sock.recv(65536)
                    except TimeoutError:
                        continue
                    except OSError:
                        break
                    if not chunk:
                        break
                    answer += chunk
                else:
                    pytest.fail(f"{name}: the connection stayed open after {answer[:120]!r}")
                _assert_problem(answer, status)


# -- the connection cap -------------------------------------------------------------------------


async def test_thousands_of_idle_sockets_cannot_lock_out_the_probes() -> None:
    # A process allowed 400 files (a strict ulimit): before the cap, 600 idle sockets took them all,
    # accept() failed, and /healthz went unanswered. Now the cap (fitted under the limit) closes the
    # oldest idle socket for each new one.
    with running_server(workers="1", keepalive_timeout_s="60", head_timeout_s="60", fd_limit=400) as server:
        sockets: list[socket.socket] = []
        try:
            for _ in range(600):
                sockets.append(socket.create_connection(("127.0.0.1", server.port), timeout=GUARD))
            await asyncio.sleep(0.5)
            for _ in range(5):
                await _healthz_within(server.url)
            async with httpx.AsyncClient(base_url=server.url, timeout=60) as client:
                assert (await client.get("/readyz")).status_code == 200
                assert (await client.post("/v1/analyze", json={"text": SEED_SENTENCE})).status_code == 200
            assert open_fds(server.pid) < 400
            metrics = server.metrics()
            assert metric_value(metrics, 'stancewire_connections_closed_total{reason="evicted"}') >= 200
            assert metric_value(metrics, "stancewire_connections") <= 400
        finally:
            for sock in sockets:
                sock.close()
