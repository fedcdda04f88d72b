"""What ``stancewire batch`` writes, and how it knows what is done, in memory that does not grow with either.

The output is JSONL, one line per document (an analysis, or ``{"id", "error"}``), appended by one
writer and synced to disk in groups. On resume its ids are streamed into a ``Ledger``, a temporary
SQLite database on disk, which also spots duplicate ids in the input: the batch process holds no
set of ids, however many millions of documents the output has.
"""

from __future__ import annotations

import os
import sqlite3
import sys
import time
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any, Literal

import orjson

from app.schemas import Meta

# The keys the service itself puts in an analysis's `meta`; an input field of the same name is kept
# beside them as `input_<name>` rather than overwriting them.
SERVICE_META_KEYS = frozenset(Meta.model_fields)
INPUT_PREFIX = "input_"
_CHUNK = 10_000
_TAIL_CHUNK = 1 << 16


def error_line(doc_id: str | None, problem: Mapping[str, Any], meta: Mapping[str, Any] | None = None) -> bytes:
    """The output line of a document that was not analysed."""
    entry: dict[str, Any] = {"id": doc_id, "error": problem}
    if meta:
        entry["meta"] = dict(meta)
    return orjson.dumps(entry) + b"\n"


def with_meta(line: bytes, meta: Mapping[str, Any]) -> bytes:
    """Merge the document's input fields into the ``meta`` object of its output line."""
    if not meta:
        return line
    entry = orjson.loads(line)
    merged = dict(entry.get("meta") or {})
    for key, value in meta.items():
        merged[INPUT_PREFIX + key if key in SERVICE_META_KEYS else key] = value
    entry["meta"] = merged
    return orjson.dumps(entry) + b"\n"


def is_failure(entry: Mapping[str, Any]) -> bool:
    """True for an output line that records a failed document rather than an analysis."""
    return "error" in entry and "actors" not in entry


# -- reading the output -----------------------------------------------------------------------


def trim_incomplete_line(path: Path) -> bool:
    """Cut a last line that has no newline (a write cut short); return whether one was cut."""
    if not path.exists():
        return False
    size = path.stat().st_size
    if size == 0:
        return False
    with path.open("r+b") as handle:
        handle.seek(size - 1)
        if handle.read(1) == b"\n":
            return False
        end = size
        while end > 0:  # read backwards until the last newline: never the whole file
            start = max(end - _TAIL_CHUNK, 0)
            handle.seek(start)
            newline = handle.read(end - start).rfind(b"\n")
            if newline >= 0:
                handle.truncate(start + newline + 1)
                return True
            end = start
        handle.truncate(0)
    return True


def output_entries(path: Path) -> Iterator[tuple[str, bool]]:
    """Yield (id, failed) for each line of a batch output, streaming; unreadable lines are reported."""
    if not path.exists():
        return
    with path.open("rb") as handle:
        for line in handle:
            if not line.strip():
                continue
            try:
                entry = orjson.loads(line)
            except orjson.JSONDecodeError:
                print(f"stancewire batch: ignoring a line of {path} that is not JSON", file=sys.stderr)
                continue
            if isinstance(entry, dict) and entry.get("id") is not None:
                yield str(entry["id"]), is_failure(entry)


def drop_failures(path: Path) -> int:
    """Rewrite ``path`` without its error lines (streaming, then an atomic rename); return how many went."""
    if not path.exists():
        return 0
    temporary = path.with_name(path.name + ".tmp")
    dropped = 0
    with path.open("rb") as source, temporary.open("wb") as target:
        for line in source:
            try:
                entry = orjson.loads(line)
            except orjson.JSONDecodeError:
                continue
            if isinstance(entry, dict) and is_failure(entry):
                dropped += 1
            else:
                target.write(line if line.endswith(b"\n") else line + b"\n")
        target.flush()
        os.fsync(target.fileno())
    if dropped:
        temporary.replace(path)
    else:
        temporary.unlink()
    return dropped


Offer = Literal["new", "done", "duplicate"]


class Ledger:
    """The ids of a run, in a private temporary SQLite database on disk (deleted when closed).

    Its page cache is bounded, so memory stays flat whether the output holds a thousand ids or ten
    million; what does not fit lives in a temporary file (``TMPDIR``, about 50 bytes per id).
    """

    _IN_OUTPUT, _OFFERED_DONE, _OFFERED = 1, 2, 3

    def __init__(self, cache_mib: int = 2) -> None:
        # An empty file name is SQLite's private on-disk temporary database.
        self._db = sqlite3.connect("", check_same_thread=False, isolation_level=None)
        self._db.execute(f"PRAGMA cache_size = -{cache_mib * 1024}")
        self._db.execute("PRAGMA temp_store = FILE")
        self._db.execute("PRAGMA journal_mode = OFF")
        self._db.execute("PRAGMA synchronous = OFF")
        self._db.execute("CREATE TABLE ids (id TEXT PRIMARY KEY, state INTEGER NOT NULL) WITHOUT ROWID")

    def add_done(self, ids: Iterable[str]) -> None:
        """Record ids that the output already has."""
        rows = ((doc_id, self._IN_OUTPUT) for doc_id in ids)
        self._db.execute("BEGIN")
        self._db.executemany("INSERT OR IGNORE INTO ids VALUES (?, ?)", rows)
        self._db.execute("COMMIT")

    def load_output(self, path: Path) -> tuple[int, int]:
        """Record every id of a batch output; return (ids, of them failures)."""
        count = failed = 0
        chunk: list[str] = []
        for doc_id, is_failed in output_entries(path):
            count += 1
            failed += is_failed
            chunk.append(doc_id)
            if len(chunk) >= _CHUNK:
                self.add_done(chunk)
                chunk = []
        self.add_done(chunk)
        return count, failed

    def offer(self, doc_id: str) -> Offer:
        """An input document's id: ``new`` (to analyse), ``done`` (in the output), or ``duplicate`` (seen)."""
        row = self._db.execute(
            "INSERT INTO ids VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET state = ? WHERE state = ? RETURNING state",
            (doc_id, self._OFFERED, self._OFFERED_DONE, self._IN_OUTPUT),
        ).fetchone()
        if row is None:
            return "duplicate"
        return "new" if row[0] == self._OFFERED else "done"

    def begin(self) -> None:
        self._db.execute("BEGIN")

    def commit(self) -> None:
        self._db.execute("COMMIT")

    def close(self) -> None:
        self._db.close()


class SeenIds:
    """A set of ids on disk, for readers that merge outputs: ``add`` says whether an id is new."""

    def __init__(self) -> None:
        self._ledger = Ledger()

    def add(self, doc_id: str) -> bool:
        return self._ledger.offer(doc_id) == "new"

    def close(self) -> None:
        self._ledger.close()


# -- writing ----------------------------------------------------------------------------------


class LineWriter:
    """The single writer: whole lines appended with ``write``, synced to disk in groups.

    A line is written with one ``write`` call, so a crash leaves at most one partial last line
    (cut on the next run). ``fsync`` runs once a second or every ``sync_lines`` lines, not per
    line: a power cut can lose the last second, which the next run then analyses again.
    """

    def __init__(self, path: Path, sync_s: float = 1.0, sync_lines: int = 1000) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        self._sync_s = sync_s
        self._sync_lines = sync_lines
        self._unsynced = 0
        self._synced_at = time.monotonic()
        self.syncs = 0

    def write(self, lines: list[bytes]) -> None:
        """Append complete lines, then sync if the group is due."""
        data = memoryview(b"".join(lines))
        while data:  # a regular file takes it in one call; loop only for safety
            written = os.write(self._fd, data)
            data = data[written:]
        self._unsynced += len(lines)
        if self._unsynced >= self._sync_lines or time.monotonic() - self._synced_at >= self._sync_s:
            self.sync()

    def sync(self) -> None:
        if self._unsynced:
            os.fsync(self._fd)
            self.syncs += 1
        self._unsynced = 0
        self._synced_at = time.monotonic()

    def close(self) -> None:
        self.sync()
        os.close(self._fd)
