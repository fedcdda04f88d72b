"""Read batch results, whatever form they take, one entry at a time: JSONL outputs (one per shard),
the Parquet folders of ``batch --engine ray``, or the tables of ``stancewire export``.

Several inputs merge into one stream in the order given; an id already seen is skipped (and counted),
through an on-disk set, so memory does not grow with the number of documents.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from app.batch_input import is_parquet, parquet_files
from app.batch_output import SeenIds

TABLES_MARKER = "documents.parquet"  # a folder of `stancewire export` tables
_SHARD_NAME = re.compile(r"-(\d{5})-of-(\d{5})$")
_PARQUET_ROWS = 2048


def is_tables(path: Path) -> bool:
    return path.is_dir() and (path / TABLES_MARKER).exists()


def read_jsonl(path: Path) -> Iterator[dict[str, Any]]:
    """Yield the JSON objects of a JSONL file; raise ValueError on a bad line.

    A last line without its newline that is not JSON is a write in progress (a batch still running):
    it is left out with a warning.
    """
    with path.open("rb") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                entry = orjson.loads(line)
            except orjson.JSONDecodeError as exc:
                if not line.endswith(b"\n"):  # only the last line can lack one
                    print(f"warning: {path}:{number}: an incomplete last line is left out", file=sys.stderr)
                    return
                raise ValueError(f"{path}:{number}: not JSON ({exc})") from None
            if not isinstance(entry, dict):
                raise ValueError(f"{path}:{number}: not a JSON object")
            yield entry


def read_ray_output(path: Path) -> Iterator[dict[str, Any]]:
    """Yield the entries of a ``batch --engine ray`` output (Parquet with a ``result`` column)."""
    import pyarrow.parquet as pq

    for file in parquet_files(path):
        parquet = pq.ParquetFile(file)
        if "result" not in parquet.schema_arrow.names:
            raise ValueError(f"{file}: not a stancewire batch output (no `result` column)")
        for batch in parquet.iter_batches(batch_size=_PARQUET_ROWS, columns=["result"]):
            for value in batch.column(0).to_pylist():
                entry = orjson.loads(value)
                if isinstance(entry, dict):
                    yield entry


def read_source(path: Path) -> Iterator[dict[str, Any]]:
    """Yield the entries of one input, by its form."""
    if not path.exists():
        raise ValueError(f"{path} does not exist")
    if is_tables(path):
        from app.export import read_tables

        yield from read_tables(path)
    elif is_parquet(path):
        yield from read_ray_output(path)
    elif path.is_dir():
        raise ValueError(f"{path} is a folder without Parquet files or export tables")
    else:
        yield from read_jsonl(path)


@dataclass
class Merge:
    """Counts of a merged read."""

    entries: int = 0
    duplicates: int = 0


def read_results(paths: Sequence[Path], merge: Merge | None = None) -> Iterator[dict[str, Any]]:
    """Yield every entry of ``paths`` once: a later entry with an id already seen is skipped and counted."""
    merge = merge if merge is not None else Merge()
    seen = SeenIds()
    try:
        for path in paths:
            for entry in read_source(path):
                raw_id = entry.get("id")
                if raw_id is not None and not seen.add(str(raw_id)):
                    merge.duplicates += 1
                    continue
                merge.entries += 1
                yield entry
    finally:
        seen.close()


def missing_shards(paths: Sequence[Path]) -> list[str]:
    """Shard files that a set of inputs named like ``x-00001-of-00003.jsonl`` lacks (for a warning)."""
    found: dict[tuple[Path, str, str, int], set[int]] = {}
    for path in paths:
        match = _SHARD_NAME.search(path.stem)
        if match:
            key = (path.parent, path.stem[: match.start()], path.suffix, int(match.group(2)))
            found.setdefault(key, set()).add(int(match.group(1)))
    missing = []
    for (parent, stem, suffix, count), indexes in found.items():
        for index in sorted(set(range(count)) - indexes):
            missing.append(str(parent / f"{stem}-{index:05d}-of-{count:05d}{suffix}"))
    return missing
