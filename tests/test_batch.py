"""``stancewire batch`` as a real process, against a real ``stancewire serve`` (and ``--local``)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest

from app.api.examples import SEED_SENTENCE
from app.batch import retry_after_seconds
from app.evaluation import DEFAULT_GOLD
from tests.live import LiveServer, live_server

ROOT = Path(__file__).resolve().parent.parent
MAX_TEXT_CHARS = 3000


@pytest.fixture(scope="module")
def server() -> Iterator[LiveServer]:
    """One service for the module: a short text limit (for a failing document) and a small queue (for 429s)."""
    # Quiet logs: live_server pipes stderr and reads it only if the server dies.
    with live_server(max_text_chars=str(MAX_TEXT_CHARS), queue_limit="4", max_batch="4", log_level="error") as running:
        yield running


def run_batch(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "app.cli", "batch", *args, "--no-progress"]
    return subprocess.run(
        command, capture_output=True, text=True, timeout=600, cwd=ROOT, env={**os.environ, **(env or {})}, check=False
    )


def read_lines(path: Path) -> list[dict[str, Any]]:
    return [orjson.loads(line) for line in path.read_bytes().splitlines()]


def write_jsonl(path: Path, entries: list[dict[str, Any]]) -> Path:
    path.write_bytes(b"".join(orjson.dumps(e) + b"\n" for e in entries))
    return path


@pytest.mark.server
def test_dev_file_through_the_service_gives_every_id_exactly_once(server: LiveServer, tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    result = run_batch(str(DEFAULT_GOLD), "-o", str(out), "--url", server.url, "--concurrency", "4")
    assert result.returncode == 0, result.stderr
    expected = [orjson.loads(line)["id"] for line in DEFAULT_GOLD.read_bytes().splitlines() if line.strip()]
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
    assert Counter(line["id"] for line in read_lines(resumed)) == Counter(expected)
    assert read_lines(resumed)[:50] == lines[:50]


@pytest.mark.server
def test_failures_are_recorded_with_their_problem_and_exit_non_zero(server: LiveServer, tmp_path: Path) -> None:
    source = write_jsonl(
        tmp_path / "in.jsonl",
        [
            {"id": "good", "text": SEED_SENTENCE, "extra": "ignored"},
            {"id": "long", "text": "word " * MAX_TEXT_CHARS},
            {"id": "blank", "text": "   "},
            {"id": "good", "text": "a duplicate id is processed once"},
            {"id": "no-text"},
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


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    assert run_batch(str(tmp_path / "missing.jsonl"), "-o", str(tmp_path / "o.jsonl"), "--local").returncode == 2
    source = write_jsonl(tmp_path / "in.jsonl", [{"id": "a", "text": "x"}])
    assert run_batch(str(source), "-o", str(tmp_path / "o.jsonl")).returncode == 2  # neither --url nor --local


def test_retry_after_is_read_as_seconds_or_a_date() -> None:
    assert retry_after_seconds("3") == 3.0
    assert retry_after_seconds(None) is None
    assert retry_after_seconds("soon") is None
    assert retry_after_seconds("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0  # a date in the past: retry now
