"""What ``stancewire batch`` reads: documents from JSONL, Parquet or a folder of ``.txt`` files, and shards.

Every input line becomes a ``Document`` (an id, the analyze request fields, and every other field as
``meta``) or an ``Invalid`` entry that is recorded as a failure; nothing is dropped silently.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import threading
from collections.abc import Generator, Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import orjson

# The request fields a document line may carry; every other field is passed through as `meta`.
REQUEST_FIELDS = ("text", "language", "options")
# The input field that is also sent to the analysis when the service's contract has it.
DATE_FIELD = "date"
# Kubernetes sets JOB_COMPLETION_INDEX in each pod of an Indexed Job; the completion count is ours to set.
INDEX_ENV, SHARDS_ENV = "JOB_COMPLETION_INDEX", "STANCEWIRE_BATCH_SHARDS"
PARQUET_SUFFIXES = (".parquet", ".pq")
_PARQUET_ROWS = 1024


def local_problem(status: int, title: str, detail: str) -> dict[str, Any]:
    """A problem document for a failure found before or without the service."""
    return {"type": f"/problems/{title.lower().replace(' ', '-')}", "title": title, "status": status, "detail": detail}


@dataclass(frozen=True, slots=True)
class Document:
    """One input document: its id, the analyze request fields, and the other input fields."""

    id: str
    body: dict[str, Any]
    meta: dict[str, Any] = field(default_factory=dict)

    def request(self, with_date: bool) -> dict[str, Any]:
        """The analyze request body; ``date`` joins it only where the service takes it."""
        if with_date and self.meta.get(DATE_FIELD) is not None:
            return {**self.body, DATE_FIELD: self.meta[DATE_FIELD]}
        return self.body


@dataclass(frozen=True, slots=True)
class Invalid:
    """An input entry that cannot be sent: recorded as a failure under its id."""

    id: str
    problem: dict[str, Any]
    meta: dict[str, Any] = field(default_factory=dict)


Entry = Document | Invalid


def jsonable(value: Any) -> Any:
    """A value as JSON can carry it: dates as ISO 8601, decimals and bytes as text (Parquet input has them)."""
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    return value


def parse_entry(entry: Any, fallback_id: str, where: str) -> Entry:
    """Turn one input object into a document, or an invalid entry that says what is wrong (``where``)."""
    if not isinstance(entry, Mapping):
        return Invalid(fallback_id, local_problem(400, "Invalid input line", f"{where} is not a JSON object"))
    raw_id = entry.get("id")
    doc_id = fallback_id if raw_id is None else str(raw_id)
    meta = {str(k): jsonable(v) for k, v in entry.items() if k != "id" and k not in REQUEST_FIELDS}
    if not isinstance(entry.get("text"), str):
        # Named by its id where it has one: the same words whichever engine read it, and greppable.
        named = where if raw_id is None else f"document {doc_id!r}"
        return Invalid(doc_id, local_problem(400, "Invalid input line", f"{named} has no string `text`"), meta)
    body = {key: jsonable(entry[key]) for key in REQUEST_FIELDS if key in entry and entry[key] is not None}
    body["id"] = doc_id
    return Document(doc_id, body, meta)


def is_parquet(path: Path) -> bool:
    """True for a Parquet file, or a folder of them (as Ray and Spark write)."""
    if path.is_dir():
        return any(path.glob("*.parquet")) and not any(path.rglob("*.txt"))
    return path.suffix.lower() in PARQUET_SUFFIXES


def parquet_files(path: Path) -> list[Path]:
    return sorted(path.glob("*.parquet")) if path.is_dir() else [path]


def read_input(path: Path) -> Generator[Entry, None, None]:
    """Yield the entries of a JSONL file, a Parquet file or folder, or a folder of ``.txt`` files, in order."""
    if is_parquet(path):
        yield from _read_parquet(path)
    elif path.is_dir():
        yield from _read_folder(path)
    else:
        yield from _read_jsonl(path)


def _read_folder(path: Path) -> Iterator[Entry]:
    for file in sorted(p for p in path.rglob("*.txt") if p.is_file()):
        doc_id = file.relative_to(path).with_suffix("").as_posix()
        try:
            text = file.read_text("utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            yield Invalid(doc_id, local_problem(400, "Unreadable file", f"{file.name}: {exc}"))
            continue
        yield Document(doc_id, {"id": doc_id, "text": text})


def _read_jsonl(path: Path) -> Iterator[Entry]:
    with path.open("rb") as handle:
        for number, raw in enumerate(handle, 1):
            if not raw.strip():
                continue
            fallback = f"line-{number}"
            try:
                entry = orjson.loads(raw)
            except orjson.JSONDecodeError as exc:
                yield Invalid(fallback, local_problem(400, "Invalid input line", f"line {number} is not JSON: {exc}"))
                continue
            yield parse_entry(entry, fallback, f"line {number}")


def _read_parquet(path: Path) -> Iterator[Entry]:
    import pyarrow.parquet as pq

    number = 0
    for file in parquet_files(path):
        for batch in pq.ParquetFile(file).iter_batches(batch_size=_PARQUET_ROWS):
            for row in batch.to_pylist():
                number += 1
                yield parse_entry(row, f"row-{number}", f"row {number}")


def count_input(path: Path, shard: Shard, cancelled: threading.Event | None = None) -> int:
    """Count the entries of ``path`` in ``shard``, for the progress bar (run it in a thread beside the work).

    Raise ValueError once ``cancelled`` is set, so that a run that ends first never waits for it.
    """
    cancelled = cancelled or threading.Event()
    count = 0
    if not shard.sharded and not is_parquet(path) and not path.is_dir():
        with path.open("rb") as handle:  # ids are not needed: count the non-blank lines
            for number, raw in enumerate(handle):
                count += bool(raw.strip())
                if number % 10_000 == 0 and cancelled.is_set():
                    raise ValueError("cancelled")
        return count
    for number, entry in enumerate(read_input(path)):
        count += shard.holds(entry.id)
        if number % 10_000 == 0 and cancelled.is_set():
            raise ValueError("cancelled")
    return count


# -- shards -----------------------------------------------------------------------------------

_SHARD = re.compile(r"(\d+)/(\d+)")


@dataclass(frozen=True, slots=True)
class Shard:
    """Shard ``index`` of ``count``: the documents whose id hashes to it."""

    index: int = 0
    count: int = 1

    @property
    def sharded(self) -> bool:
        return self.count > 1

    def holds(self, doc_id: str) -> bool:
        """True when the document belongs to this shard: a stable hash of the id, the same on every machine."""
        if self.count == 1:
            return True
        digest = hashlib.blake2b(doc_id.encode("utf-8", "surrogatepass"), digest_size=8).digest()
        return int.from_bytes(digest, "big") % self.count == self.index

    def output(self, path: Path) -> Path:
        """The output of this shard: ``results.jsonl`` becomes ``results-00001-of-00003.jsonl``."""
        if not self.sharded:
            return path
        return path.with_name(f"{path.stem}-{self.index:05d}-of-{self.count:05d}{path.suffix}")

    def __str__(self) -> str:
        return f"{self.index}/{self.count}"


def parse_shard(text: str) -> Shard:
    """Parse ``i/N`` (0 <= i < N); raise ValueError with the reason."""
    match = _SHARD.fullmatch(text.strip())
    if not match:
        raise ValueError(f"--shard takes INDEX/COUNT, e.g. 0/3, not {text!r}")
    index, count = int(match.group(1)), int(match.group(2))
    if count < 1 or index >= count:
        raise ValueError(f"--shard {text}: the index must be below the count (0/{count} … {count - 1}/{count})")
    return Shard(index, count)


def shard_from_environment(environ: Mapping[str, str] = os.environ) -> Shard:
    """The shard of a pod of a Kubernetes Indexed Job, or the whole input elsewhere."""
    index = environ.get(INDEX_ENV)
    if index is None:
        return Shard()
    count = environ.get(SHARDS_ENV)
    if not count:
        raise ValueError(
            f"{INDEX_ENV} is set (a pod of an Indexed Job) but {SHARDS_ENV} is not: set it to the Job's "
            "completions, or pass --shard INDEX/COUNT"
        )
    return parse_shard(f"{index}/{count}")
