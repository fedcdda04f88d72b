"""``stancewire batch --engine ray``: the same extraction on a Ray cluster, through Ray Data.

JSONL (or Parquet) in, Parquet out: one row per document with its ``id``, ``result`` (the very JSON
line ``stancewire batch --local`` writes: the analysis, or ``{"id", "error"}``) and ``failed``.
``map_batches`` runs ``Analyse``, a class whose actors each load the pipeline once. Without
``--address`` the run starts a local Ray cluster of its own and stops it at the end. Needs the
``ray`` extra: ``pip install 'stancewire[ray]'``.
"""

from __future__ import annotations

import gc
import hashlib
import importlib.util
import logging
import os
import sys
import time
from pathlib import Path
from typing import Any

import orjson

from app.batch import Options
from app.batch_analysers import validate_document
from app.batch_input import DATE_FIELD, Document, Entry, Invalid, Shard, is_parquet, local_problem, parse_entry
from app.batch_output import error_line, with_meta

RAY_EXTRA = "stancewire[ray]"
# Parquet output columns; `result` is a batch output line without its newline.
RESULT_COLUMNS = ("id", "result", "failed")
_BATCH_ROWS = 32
_ROWS_PER_FILE = 10_000


def ray_available() -> bool:
    try:
        return importlib.util.find_spec("ray") is not None
    except ValueError:
        return False


def line_id(raw: str | bytes) -> str:
    """The id of an input line that has none: a hash of the line, the same on every node and run."""
    data = raw.encode("utf-8", "surrogatepass") if isinstance(raw, str) else raw
    return "sha1-" + hashlib.sha1(data, usedforsecurity=False).hexdigest()[:16]


def read_entry(row: dict[str, Any], lines: bool) -> Entry:
    """One dataset row as an input entry: a raw JSONL line (``lines``), or a Parquet row."""
    if not lines:
        fallback = line_id(orjson.dumps(row, default=str, option=orjson.OPT_SORT_KEYS))
        return parse_entry(row, fallback, f"row {fallback}")
    raw = row["text"]
    fallback = line_id(raw)
    try:
        entry = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        return Invalid(fallback, local_problem(400, "Invalid input line", f"line {fallback} is not JSON: {exc}"))
    return parse_entry(entry, fallback, f"line {fallback}")


class Analyse:
    """A Ray Data callable class: each actor loads the pipeline once, then analyses batches of rows."""

    def __init__(self, lines: bool, shard: Shard, settings: dict[str, Any]) -> None:
        from app.core.config import Settings
        from app.nlp.gemm import choose_gemm, use_gemm
        from app.nlp.pipeline import load_pipeline
        from app.schemas import AnalyzeRequest

        self._lines = lines
        self._shard = shard
        self.settings = Settings(**settings)
        self._takes_date = DATE_FIELD in AnalyzeRequest.model_fields
        # As a service worker starts: the faster matrix multiply, the model loaded and warmed once, then
        # moved out of the garbage collector's sight.
        use_gemm(choose_gemm(self.settings.gemm).backend)
        self._nlp = load_pipeline(self.settings.model)
        self._nlp("Warm the pipeline up.")
        gc.collect()
        gc.freeze()

    def __call__(self, batch: Any) -> dict[str, list[Any]]:
        entries = [read_entry(row, self._lines) for row in batch.to_pylist()]
        entries = [entry for entry in entries if self._shard.holds(entry.id)]
        lines = self.analyse(entries)
        return {
            "id": [entry.id for entry in entries],
            "result": [line.rstrip(b"\n").decode("utf-8") for line, _ in lines],
            "failed": [failed for _, failed in lines],
        }

    def analyse(self, entries: list[Entry]) -> list[tuple[bytes, bool]]:
        """The output line of each entry, in order: checked, analysed in micro-batches, rendered as the service does."""
        results: list[tuple[bytes, bool] | None] = [None] * len(entries)
        pending: list[tuple[int, Document, Any]] = []
        for position, entry in enumerate(entries):
            if isinstance(entry, Invalid):
                results[position] = (error_line(entry.id, entry.problem, entry.meta), True)
                continue
            checked = validate_document(entry, self.settings, self._takes_date)
            if isinstance(checked, bytes):
                results[position] = (with_meta(checked, entry.meta), True)
            else:
                pending.append((position, entry, checked))
        for group in self._micro_batches(pending):
            for (position, document, _), line in zip(group, self._run(group), strict=True):
                results[position] = (with_meta(line[0], document.meta), line[1])
        return [result for result in results if result is not None]

    def _micro_batches(self, pending: list[tuple[int, Document, Any]]) -> list[list[tuple[int, Document, Any]]]:
        # The service's own micro-batch bounds, so that the parse sees the same batches it would.
        groups: list[list[tuple[int, Document, Any]]] = []
        chars = 0
        most_docs, most_chars = self.settings.batch_max_docs, self.settings.batch_max_chars
        for item in pending:
            size = len(item[2].text)
            if not groups or len(groups[-1]) >= most_docs or chars + size > most_chars:
                groups.append([])
                chars = 0
            groups[-1].append(item)
            chars += size
        return groups

    def _run(self, group: list[tuple[int, Document, Any]]) -> list[tuple[bytes, bool]]:
        from app.api.rendering import render_analysis
        from app.core.errors import pool_problem
        from app.core.pool import ANALYSIS_FAILED_DETAIL, AnalysisFailed, Outcome
        from app.core.worker import WorkItem, analyze_batch

        started = time.perf_counter()
        items = [WorkItem(r.text, r.options.include_sentences, date=r.date) for _, _, r in group]
        results = analyze_batch(self._nlp, items)
        elapsed = (time.perf_counter() - started) / max(len(group), 1)
        lines: list[tuple[bytes, bool]] = []
        for (_, document, request), result in zip(group, results, strict=True):
            if "body" not in result:
                body, _ = pool_problem(AnalysisFailed(ANALYSIS_FAILED_DETAIL))
                lines.append((error_line(document.id, body), True))
                continue
            outcome = Outcome(result["body"], result["tokens"], result["timings"], result["events"], result["kinds"])
            lines.append((render_analysis(request, outcome, elapsed, self.settings.model) + b"\n", False))
        return lines


def _usable_cpus() -> int:
    return len(os.sched_getaffinity(0)) or 1


def run_ray(options: Options) -> int:
    """Run the batch on Ray and return the exit status (0, or 1 when any document failed)."""
    destination = options.destination
    if not ray_available():
        print(
            f"stancewire batch: --engine ray needs Ray, which only the ray extra installs: pip install '{RAY_EXTRA}'",
            file=sys.stderr,
        )
        return 2
    if options.input.is_dir() and not is_parquet(options.input):
        print(
            "stancewire batch: with --engine ray the input is a JSONL file or Parquet (a file or a folder of them);"
            " a folder of .txt files goes through --local or a service",
            file=sys.stderr,
        )
        return 2
    if destination.exists() and (not destination.is_dir() or any(destination.iterdir())):
        print(
            f"stancewire batch: {destination} exists; with --engine ray the output is a new folder of Parquet files"
            " (a Ray run is not resumed: split the input with --shard to rerun a part)",
            file=sys.stderr,
        )
        return 2
    os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")  # no phoning home from a batch job
    import ray
    import ray.data

    from app.core.config import Settings
    from app.core.worker import SINGLE_THREADED_BLAS

    started = time.perf_counter()
    workers = options.workers or (None if options.address else _usable_cpus())
    init: dict[str, Any] = {
        "address": options.address,
        "include_dashboard": False,
        "logging_level": "WARNING",
        # One BLAS thread per actor, as the service's workers run (see app/core/worker.py).
        "runtime_env": {"env_vars": {**SINGLE_THREADED_BLAS, "RAY_USAGE_STATS_ENABLED": "0"}},
    }
    if options.address is None:
        # A CPU beyond the analysing actors, for the read and write tasks that feed them.
        init["num_cpus"] = (workers or 1) + 1
    ray.init(**init)
    logging.getLogger("ray.data").setLevel(logging.WARNING)  # its plan and per-stage chatter
    try:
        context = ray.data.DataContext.get_current()
        context.enable_progress_bars = options.progress
        resources: dict[str, float] = ray.cluster_resources()  # type: ignore[no-untyped-call]
        actors = workers or max(int(resources.get("CPU", 1)) - 1, 1)
        base = Settings()
        settings = {"model": base.model, "gemm": base.gemm, "workers": 1, "log_level": "warning"}
        settings.update(max_text_chars=base.max_text_chars, batch_max_docs=base.batch_max_docs)
        settings.update(batch_max_chars=base.batch_max_chars)
        lines = not is_parquet(options.input)
        path = str(options.input.resolve())
        dataset = ray.data.read_text(path) if lines else ray.data.read_parquet(path)
        analysed = dataset.map_batches(
            Analyse,
            fn_constructor_kwargs={"lines": lines, "shard": options.shard, "settings": settings},
            batch_size=_BATCH_ROWS,
            batch_format="pyarrow",
            compute=ray.data.ActorPoolStrategy(size=actors),
            num_cpus=1,
        )
        analysed.write_parquet(str(destination.resolve()), min_rows_per_file=_ROWS_PER_FILE)
    finally:
        ray.shutdown()
    return _report(destination, time.perf_counter() - started, options.shard)


def _report(destination: Path, elapsed: float, shard: Shard) -> int:
    import pyarrow.parquet as pq

    total = failed = 0
    for file in sorted(destination.glob("*.parquet")):
        column = pq.read_table(file, columns=["failed"]).column("failed").to_pylist()
        total += len(column)
        failed += sum(1 for value in column if value)
    rate = (total - failed) / elapsed if elapsed > 0 else 0.0
    where = f" (shard {shard})" if shard.sharded else ""
    print(
        f"stancewire batch: {total - failed} analysed, {failed} failed (Ray); {rate:.1f} docs/s over {elapsed:.1f} s"
        f" including the cluster's start -> {destination}{where}",
        file=sys.stderr,
    )
    if failed:
        print(f"stancewire batch: {failed} documents failed; their problems are in {destination}", file=sys.stderr)
        return 1
    return 0
