"""``stancewire batch`` as a real process, against a real ``stancewire serve`` (and ``--local``)."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest

from app.api.examples import SEED_SENTENCE
from app.batch_analysers import retry_after_seconds
from app.batch_input import Document, Shard, parse_shard, shard_from_environment
from app.batch_output import Ledger, LineWriter, trim_incomplete_line, with_meta
from app.evaluation import DEFAULT_GOLD
from tests.live import LiveServer, free_port, live_server
from tests.serverkit import running_server

ROOT = Path(__file__).resolve().parent.parent
MAX_TEXT_CHARS = 3000


@pytest.fixture(scope="module")
def server() -> Iterator[LiveServer]:
    """One service for the module: a short text limit (for a failing document) and a small queue (for 429s)."""
    # Quiet logs: live_server pipes stderr and reads it only if the server dies.
    with live_server(max_text_chars=str(MAX_TEXT_CHARS), queue_limit="4", max_batch="4", log_level="error") as running:
        yield running


def batch_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "app.cli", "batch", *args, "--no-progress"]


def run_batch(*args: str, env: dict[str, str] | None = None, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        batch_command(*args),
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        check=False,
    )


def read_lines(path: Path) -> list[dict[str, Any]]:
    return [orjson.loads(line) for line in path.read_bytes().splitlines()]


def write_jsonl(path: Path, entries: list[dict[str, Any]]) -> Path:
    path.write_bytes(b"".join(orjson.dumps(e) + b"\n" for e in entries))
    return path


def dev_ids() -> list[str]:
    return [orjson.loads(line)["id"] for line in DEFAULT_GOLD.read_bytes().splitlines() if line.strip()]


@pytest.mark.server
def test_dev_file_through_the_service_gives_every_id_exactly_once(server: LiveServer, tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    result = run_batch(str(DEFAULT_GOLD), "-o", str(out), "--url", server.url, "--concurrency", "4")
    assert result.returncode == 0, result.stderr
    expected = dev_ids()
    lines = read_lines(out)
    assert Counter(line["id"] for line in lines) == Counter(expected)
    assert all("actors" in line and "stances" in line and "meta" in line for line in lines)
    assert out.read_bytes().endswith(b"\n")
    assert "164 analysed, 0 failed" in result.stderr

    # Resume: keep the first 50 lines and half of the 51st, as if the run had been killed mid-write.
    raw = out.read_bytes().splitlines(keepends=True)
    resumed = tmp_path / "resumed.jsonl"
    resumed.write_bytes(b"".join(raw[:50]) + raw[50][: len(raw[50]) // 2])
    result = run_batch(str(DEFAULT_GOLD), "-o", str(resumed), "--url", server.url, "--concurrency", "4")
    assert result.returncode == 0, result.stderr
    assert "114 analysed" in result.stderr and "50 already done" in result.stderr
    assert "dropped an incomplete last line" in result.stderr
    assert Counter(line["id"] for line in read_lines(resumed)) == Counter(expected)
    assert read_lines(resumed)[:50] == lines[:50]


@pytest.mark.server
def test_failures_are_recorded_with_their_problem_and_exit_non_zero(server: LiveServer, tmp_path: Path) -> None:
    source = write_jsonl(
        tmp_path / "in.jsonl",
        [
            {"id": "good", "text": SEED_SENTENCE, "extra": "kept", "source": "Wire", "meta_like": {"n": 1}},
            {"id": "long", "text": "word " * MAX_TEXT_CHARS, "url": "https://example.org/long"},
            {"id": "blank", "text": "   "},
            {"id": "good", "text": "a duplicate id is processed once"},
            {"id": "no-text", "date": "2024-01-02"},
        ],
    )
    out = tmp_path / "out.jsonl"
    result = run_batch(str(source), "-o", str(out), "--url", server.url)
    assert result.returncode == 1, result.stderr
    lines = {line["id"]: line for line in read_lines(out)}
    assert len(read_lines(out)) == 4
    assert lines["good"]["stances"]
    assert lines["long"]["error"]["status"] == 413
    assert lines["blank"]["error"]["status"] == 422
    assert lines["no-text"]["error"]["status"] == 400
    # Every other input field comes back under meta, beside the service's own, failures included.
    assert lines["good"]["meta"]["extra"] == "kept" and lines["good"]["meta"]["source"] == "Wire"
    assert lines["good"]["meta"]["meta_like"] == {"n": 1} and lines["good"]["meta"]["model"]
    assert lines["long"]["meta"] == {"url": "https://example.org/long"}
    assert lines["no-text"]["meta"] == {"date": "2024-01-02"}
    assert "1 duplicate ids" in result.stderr and "3 failed" in result.stderr

    # Running again skips what is recorded; --retry-failed tries the failures again, without duplicating.
    again = run_batch(str(source), "-o", str(out), "--url", server.url)
    assert again.returncode == 1 and "0 analysed, 0 failed, 4 already done (3 of them failed)" in again.stderr
    retried = run_batch(str(source), "-o", str(out), "--url", server.url, "--retry-failed")
    assert retried.returncode == 1 and "3 failed, 1 already done" in retried.stderr
    assert Counter(line["id"] for line in read_lines(out)) == Counter(["good", "long", "blank", "no-text"])


@pytest.mark.server
def test_queue_full_answers_are_retried_until_every_document_is_done(server: LiveServer, tmp_path: Path) -> None:
    # 16 documents in flight against an admission queue of 4: 429s with Retry-After, retried.
    source = write_jsonl(tmp_path / "in.jsonl", [{"id": f"d{i}", "text": SEED_SENTENCE} for i in range(32)])
    out = tmp_path / "out.jsonl"
    result = run_batch(str(source), "-o", str(out), "--url", server.url, "--concurrency", "16", "--retries", "60")
    assert result.returncode == 0, result.stderr
    assert sorted(line["id"] for line in read_lines(out)) == sorted(f"d{i}" for i in range(32))


@pytest.mark.server
def test_concurrency_defaults_to_what_the_service_reports(server: LiveServer, tmp_path: Path) -> None:
    source = write_jsonl(tmp_path / "in.jsonl", [{"id": "a", "text": SEED_SENTENCE, "date": "2024-03-01"}])
    result = run_batch(str(source), "-o", str(tmp_path / "out.jsonl"), "--url", server.url)
    assert result.returncode == 0, result.stderr
    # The test server runs one worker (tests/serverkit.py): four documents in flight for it.
    assert "4 documents in flight (4 for each of the 1 workers the service reports" in result.stderr
    # This service's contract has no `date` yet: it is kept in meta, not sent (it would be refused).
    (line,) = read_lines(tmp_path / "out.jsonl")
    assert line["meta"]["date"] == "2024-03-01" and "error" not in line


@pytest.mark.server
def test_folder_of_text_files_and_local_mode_give_the_service_answers(server: LiveServer, tmp_path: Path) -> None:
    folder = tmp_path / "articles"
    (folder / "sub").mkdir(parents=True)
    (folder / "seed.txt").write_text(SEED_SENTENCE, encoding="utf-8")
    (folder / "sub" / "israel.txt").write_text("Israeli soldiers beat up Palestinian detainees.", encoding="utf-8")
    (folder / "long.txt").write_text("word " * MAX_TEXT_CHARS, encoding="utf-8")
    (folder / "notes.md").write_text("not an article", encoding="utf-8")

    remote = tmp_path / "remote.jsonl"
    assert run_batch(str(folder), "-o", str(remote), "--url", server.url).returncode == 1
    local = tmp_path / "local.jsonl"
    env = {"STANCEWIRE_MAX_TEXT_CHARS": str(MAX_TEXT_CHARS), "STANCEWIRE_LOG_LEVEL": "warning"}
    result = run_batch(str(folder), "-o", str(local), "--local", "--workers", "1", env=env)
    assert result.returncode == 1, result.stderr

    def without_meta(path: Path) -> dict[str, Any]:
        """Each line without what differs from run to run: timings, and the id of the request a problem had."""
        lines = {line["id"]: {k: v for k, v in line.items() if k != "meta"} for line in read_lines(path)}
        for line in lines.values():
            if "error" in line:
                line["error"] = {k: v for k, v in line["error"].items() if k != "request_id"}
        return lines

    assert set(without_meta(local)) == {"seed", "sub/israel", "long"}
    assert without_meta(local) == without_meta(remote)
    assert without_meta(local)["long"]["error"]["status"] == 413
    (remote_long,) = (line for line in read_lines(remote) if line["id"] == "long")
    assert remote_long["error"]["request_id"]  # the service's problem names its request


# -- a service that is not there, or refuses ---------------------------------------------------


def test_closed_port_stops_at_once_with_one_message_and_writes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    started = time.monotonic()
    result = run_batch(str(DEFAULT_GOLD), "-o", str(out), "--url", f"http://127.0.0.1:{free_port()}", timeout=60)
    assert time.monotonic() - started < 10
    assert result.returncode == 3
    (message,) = result.stderr.strip().splitlines()
    assert "cannot reach the service" in message and "connection refused" in message
    assert "Traceback" not in result.stderr
    assert not out.exists()


@pytest.fixture(scope="module")
def keyed_server() -> Iterator[LiveServer]:
    with live_server(api_keys="right-key", log_level="error") as running:
        yield running


@pytest.mark.server
@pytest.mark.parametrize(
    ("key", "says"), [(None, "it needs an API key"), ("wrong-key", "the key was refused")], ids=["none", "wrong"]
)
def test_missing_or_wrong_key_stops_at_once_and_writes_nothing(
    keyed_server: LiveServer, tmp_path: Path, key: str | None, says: str
) -> None:
    out = tmp_path / "out.jsonl"
    started = time.monotonic()
    args = ["--api-key", key] if key else []
    env = {"STANCEWIRE_API_KEY": ""}
    result = run_batch(str(DEFAULT_GOLD), "-o", str(out), "--url", keyed_server.url, *args, env=env, timeout=60)
    assert time.monotonic() - started < 10
    assert result.returncode == 3
    (message,) = result.stderr.strip().splitlines()
    assert "answered 401" in message and says in message
    assert not out.exists()


@pytest.mark.server
def test_a_url_that_is_not_the_service_stops_at_once(keyed_server: LiveServer, tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    result = run_batch(str(DEFAULT_GOLD), "-o", str(out), "--url", f"{keyed_server.url}/v1", timeout=60)
    assert result.returncode == 3
    assert "is not a Stancewire service: GET /readyz answered 404" in result.stderr
    assert not out.exists()


@pytest.mark.server
@pytest.mark.slow
def test_a_service_that_goes_away_mid_run_stops_the_run_and_a_rerun_completes(tmp_path: Path) -> None:
    texts = [orjson.loads(line)["text"] for line in DEFAULT_GOLD.read_bytes().splitlines()]
    source = write_jsonl(tmp_path / "in.jsonl", [{"id": f"d{i}", "text": texts[i % len(texts)]} for i in range(3000)])
    out = tmp_path / "out.jsonl"
    port = free_port()
    with running_server(port=port, log_level="error") as first:
        url = first.url
        batch = subprocess.Popen(batch_command(str(source), "-o", str(out), "--url", url), cwd=ROOT, text=True,
                                 stderr=subprocess.PIPE)  # fmt: skip
        try:
            deadline = time.monotonic() + 120
            while not out.exists() or out.read_bytes().count(b"\n") < 50:
                assert time.monotonic() < deadline and batch.poll() is None, "the batch made no progress"
                time.sleep(0.2)
        except BaseException:
            batch.kill()
            raise
    stopped_at = time.monotonic()  # the service has shut down: its port now refuses connections
    _, stderr = batch.communicate(timeout=120)
    assert batch.returncode == 3, stderr
    # Backoff over its retries (about 15 s), then one message, not a failure line per document.
    assert time.monotonic() - stopped_at < 60
    assert "documents in a row could not be analysed" in stderr and "connection refused" in stderr
    written = read_lines(out)
    assert len(written) < 3000 and not [line for line in written if "error" in line]
    with running_server(port=port, log_level="error"):
        result = run_batch(str(source), "-o", str(out), "--url", url)
    assert result.returncode == 0, result.stderr
    assert Counter(line["id"] for line in read_lines(out)) == Counter(f"d{i}" for i in range(3000))


# -- Ctrl-C and resume -------------------------------------------------------------------------


@pytest.mark.slow
def test_ctrl_c_finishes_the_documents_in_flight_prints_the_summary_and_a_rerun_resumes(tmp_path: Path) -> None:
    texts = [orjson.loads(line)["text"] for line in DEFAULT_GOLD.read_bytes().splitlines()]
    entries = [{"id": f"d{i}", "text": texts[i % len(texts)], "source": f"s{i % 3}"} for i in range(1500)]
    source = write_jsonl(tmp_path / "in.jsonl", entries)
    out = tmp_path / "out.jsonl"
    command = batch_command(str(source), "-o", str(out), "--local", "--workers", "1")
    # Its own session, as a terminal's foreground job: Ctrl-C reaches the batch and its workers alike.
    batch = subprocess.Popen(command, cwd=ROOT, text=True, stderr=subprocess.PIPE, start_new_session=True)
    try:
        deadline = time.monotonic() + 180
        while not out.exists() or out.read_bytes().count(b"\n") < 100:
            assert time.monotonic() < deadline and batch.poll() is None, "the batch made no progress"
            time.sleep(0.2)
        os.killpg(batch.pid, signal.SIGINT)
        _, stderr = batch.communicate(timeout=120)
    finally:
        if batch.poll() is None:
            os.killpg(batch.pid, signal.SIGKILL)
    assert batch.returncode == 130, stderr
    assert "Traceback" not in stderr and "KeyboardInterrupt" not in stderr
    assert "finishing the documents in flight" in stderr and "Run the same command again to resume" in stderr
    written = read_lines(out)
    assert 100 <= len(written) < 1500
    assert out.read_bytes().endswith(b"\n")
    assert not [line for line in written if "error" in line]  # the documents in flight finished, not failed

    result = run_batch(str(source), "-o", str(out), "--local", "--workers", "1")
    assert result.returncode == 0, result.stderr
    assert f"{len(written)} already done" in result.stderr
    lines = read_lines(out)
    assert Counter(line["id"] for line in lines) == Counter(e["id"] for e in entries)
    assert all(line["meta"]["source"] == f"s{int(line['id'][1:]) % 3}" for line in lines)


# -- connections are recycled, so that new pods get work -----------------------------------------


class CountingBalancer:
    """A TCP load balancer on loopback that picks a backend per connection (as a Kubernetes Service does)."""

    def __init__(self, backends: list[int]) -> None:
        self.backends = backends
        self.connections: Counter[int] = Counter()
        self.port = free_port()
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()
        assert self._ready.wait(10)

    def _serve(self) -> None:
        asyncio.set_event_loop(self._loop)
        server = self._loop.run_until_complete(asyncio.start_server(self._handle, "127.0.0.1", self.port))
        self._ready.set()
        self._loop.run_forever()
        server.close()
        pending = asyncio.all_tasks(self._loop)
        for task in pending:
            task.cancel()
        self._loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
        self._loop.close()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        total = sum(self.connections.values())
        backend = self.backends[total % len(self.backends)]
        self.connections[backend] += 1
        upstream_reader, upstream_writer = await asyncio.open_connection("127.0.0.1", backend)

        async def pipe(source: asyncio.StreamReader, target: asyncio.StreamWriter) -> None:
            try:
                while data := await source.read(65536):
                    target.write(data)
                    await target.drain()
            except ConnectionError:
                pass
            finally:
                target.close()

        try:
            await asyncio.gather(pipe(reader, upstream_writer), pipe(upstream_reader, writer))
        finally:
            writer.close()
            upstream_writer.close()

    def close(self) -> None:
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)


@pytest.mark.server
def test_connections_are_recycled_so_a_backend_added_mid_run_gets_work(server: LiveServer, tmp_path: Path) -> None:
    texts = [orjson.loads(line)["text"] for line in DEFAULT_GOLD.read_bytes().splitlines()]
    source = write_jsonl(tmp_path / "in.jsonl", [{"id": f"d{i}", "text": texts[i % len(texts)]} for i in range(400)])
    out = tmp_path / "out.jsonl"
    # Two "pods" that are the same service, told apart by the port the balancer reaches them on.
    second = CountingBalancer([server.port])
    balancer = CountingBalancer([server.port])
    try:
        command = batch_command(str(source), "-o", str(out), "--url", f"http://127.0.0.1:{balancer.port}",
                                "--recycle-s", "0.5", "--concurrency", "4")  # fmt: skip
        batch = subprocess.Popen(command, cwd=ROOT, text=True, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 120
        while not out.exists() or out.read_bytes().count(b"\n") < 40:
            assert time.monotonic() < deadline and batch.poll() is None, "the batch made no progress"
            time.sleep(0.1)
        balancer.backends.append(second.port)  # the autoscaler adds a pod
        _, stderr = batch.communicate(timeout=300)
        assert batch.returncode == 0, stderr
    finally:
        balancer.close()
        second.close()
    # Without recycling, the 4 connections opened at the start would carry every request to the first pod.
    assert balancer.connections[second.port] >= 2, balancer.connections
    assert sum(balancer.connections.values()) > 8
    assert Counter(line["id"] for line in read_lines(out)) == Counter(f"d{i}" for i in range(400))


# -- the parts, on their own ---------------------------------------------------------------------


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    assert run_batch(str(tmp_path / "missing.jsonl"), "-o", str(tmp_path / "o.jsonl"), "--local").returncode == 2
    source = write_jsonl(tmp_path / "in.jsonl", [{"id": "a", "text": "x"}])
    assert run_batch(str(source), "-o", str(tmp_path / "o.jsonl")).returncode == 2  # neither --url nor --local
    bad_shard = run_batch(str(source), "-o", str(tmp_path / "o.jsonl"), "--local", "--shard", "3/3")
    assert bad_shard.returncode == 2 and "the index must be below the count" in bad_shard.stderr
    indexed = run_batch(str(source), "-o", str(tmp_path / "o.jsonl"), "--local", env={"JOB_COMPLETION_INDEX": "1"})
    assert indexed.returncode == 2 and "STANCEWIRE_BATCH_SHARDS" in indexed.stderr
    assert not (tmp_path / "o.jsonl").exists()
    # Ray takes JSONL or Parquet into a new folder (its runs are not resumed), and says so before starting.
    (tmp_path / "texts").mkdir()
    (tmp_path / "texts" / "a.txt").write_text(SEED_SENTENCE, encoding="utf-8")
    folder = run_batch(str(tmp_path / "texts"), "-o", str(tmp_path / "ray"), "--engine", "ray")
    assert folder.returncode == 2 and "a JSONL file or Parquet" in folder.stderr
    (tmp_path / "ray").mkdir()
    (tmp_path / "ray" / "earlier.parquet").write_bytes(b"")
    again = run_batch(str(source), "-o", str(tmp_path / "ray"), "--engine", "ray")
    assert again.returncode == 2 and "a Ray run is not resumed" in again.stderr


def test_retry_after_is_read_as_seconds_or_a_date() -> None:
    assert retry_after_seconds("3") == 3.0
    assert retry_after_seconds(None) is None
    assert retry_after_seconds("soon") is None
    assert retry_after_seconds("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0  # a date in the past: retry now


def test_shards_split_ids_by_a_stable_hash_and_name_their_outputs() -> None:
    ids = [f"doc-{i}" for i in range(3000)]
    shards = [parse_shard(f"{i}/3") for i in range(3)]
    owners = [[shard.holds(doc_id) for shard in shards].count(True) for doc_id in ids]
    assert owners == [1] * len(ids)  # each id in exactly one shard
    sizes = [sum(shard.holds(doc_id) for doc_id in ids) for shard in shards]
    assert all(900 < size < 1100 for size in sizes), sizes
    # The hash is fixed (blake2b of the id), not Python's per-process hash(): these never change.
    # Shard outputs written before must still match after an upgrade: the mapping is pinned here.
    assert [i for i in range(3) if Shard(i, 3).holds("PLOVER-GSR01-AGREE-0001")] == [0]
    assert [i for i in range(7) if Shard(i, 7).holds("a")] == [2]
    assert shards[1].output(Path("out/results.jsonl")) == Path("out/results-00001-of-00003.jsonl")
    assert Shard().output(Path("out/results.jsonl")) == Path("out/results.jsonl")
    assert shard_from_environment({"JOB_COMPLETION_INDEX": "2", "STANCEWIRE_BATCH_SHARDS": "4"}) == Shard(2, 4)
    assert shard_from_environment({}) == Shard()
    for bad in ("1", "a/3", "3/3", "0/0"):
        with pytest.raises(ValueError, match="shard"):
            parse_shard(bad)


def test_ledger_tells_new_done_and_duplicate_ids(tmp_path: Path) -> None:
    output = write_jsonl(
        tmp_path / "out.jsonl", [{"id": "a", "actors": [], "stances": []}, {"id": "b", "error": {"status": 413}}]
    )
    ledger = Ledger()
    assert ledger.load_output(output) == (2, 1)
    assert [ledger.offer(doc_id) for doc_id in ("a", "c", "b", "c", "a")] == [
        "done",
        "new",
        "done",
        "duplicate",
        "duplicate",
    ]
    ledger.close()


def test_an_incomplete_last_line_is_cut_reading_backwards(tmp_path: Path) -> None:
    path = tmp_path / "out.jsonl"
    whole = b"".join(orjson.dumps({"id": f"d{i}", "pad": "x" * 50_000}) + b"\n" for i in range(4))
    path.write_bytes(whole + b'{"id": "d4", "pa')
    assert trim_incomplete_line(path) is True
    assert path.read_bytes() == whole
    assert trim_incomplete_line(path) is False
    path.write_bytes(b'{"id": "only", "no newline"')
    assert trim_incomplete_line(path) is True and path.read_bytes() == b""


def test_lines_are_synced_in_groups(tmp_path: Path) -> None:
    writer = LineWriter(tmp_path / "out.jsonl", sync_s=3600, sync_lines=1000)
    for i in range(2500):
        writer.write([orjson.dumps({"id": i}) + b"\n"])
    assert writer.syncs == 2  # after the 1000th and the 2000th line, not 2500 times
    writer.close()
    assert writer.syncs == 3 and (tmp_path / "out.jsonl").read_bytes().count(b"\n") == 2500


def test_input_fields_join_meta_and_date_joins_the_request_only_where_it_is_taken() -> None:
    document = Document("a", {"id": "a", "text": "x"}, {"date": "2024-05-01", "source": "AP"})
    assert document.request(with_date=False) == {"id": "a", "text": "x"}
    assert document.request(with_date=True) == {"id": "a", "text": "x", "date": "2024-05-01"}
    analysis = orjson.dumps({"id": "a", "actors": [], "stances": [], "meta": {"model": "m", "tokens": 1}}) + b"\n"
    merged = orjson.loads(with_meta(analysis, {"source": "AP", "model": "theirs"}))
    # The service's own meta keys stay; an input field of the same name is kept beside them.
    assert merged["meta"] == {"model": "m", "tokens": 1, "source": "AP", "input_model": "theirs"}


# -- memory that does not grow with the output -----------------------------------------------------

PEAK_MEMORY = """
import re, sys
from pathlib import Path
from app.cli import main
status = main(sys.argv[1:])
peak = re.search(r"VmHWM:\\s+(\\d+) kB", Path("/proc/self/status").read_text()).group(1)
print(f"peak-kib {peak}", file=sys.stderr)
sys.exit(status)
"""


def resume_peak_kib(tmp_path: Path, done: int) -> int:
    """Peak resident memory of a batch process that resumes over ``done`` finished documents."""
    source, output = tmp_path / f"in-{done}.jsonl", tmp_path / f"out-{done}.jsonl"
    with source.open("wb") as inputs, output.open("wb") as outputs:
        for number in range(done):
            doc_id = f"doc-{number:07d}"
            inputs.write(orjson.dumps({"id": doc_id, "text": "x", "source": "wire"}) + b"\n")
            outputs.write(orjson.dumps({"id": doc_id, "actors": [], "stances": [], "meta": {"source": "wire"}}) + b"\n")
        for number in range(5):
            inputs.write(orjson.dumps({"id": f"new-{number}", "text": SEED_SENTENCE}) + b"\n")
    command = [sys.executable, "-c", PEAK_MEMORY, "batch", str(source), "-o", str(output), "--local",
               "--workers", "1", "--no-progress"]  # fmt: skip
    result = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, timeout=600, check=False)
    assert result.returncode == 0, result.stderr
    assert f"5 analysed, 0 failed, {done} already done" in result.stderr
    return int(result.stderr.rsplit("peak-kib ", 1)[1].split()[0])


@pytest.mark.slow
def test_resuming_takes_the_same_memory_whatever_the_size_of_the_output(tmp_path: Path) -> None:
    small, large = resume_peak_kib(tmp_path, 2_000), resume_peak_kib(tmp_path, 200_000)
    # The output's ids go to an on-disk ledger with a 2 MiB page cache: 100 times the output costs about
    # 2 MB more at the peak here (loading the whole output and a set of its ids, as before, cost 40 MB more
    # with these 80-byte lines, and gigabytes with real 3.6 KB analyses).
    assert large - small < 6 * 1024, (small, large)
