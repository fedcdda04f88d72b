"""The benchmark, the memory soak and the start-up bench run end to end (briefly) and write their figures.

Their numbers are not asserted here (that is what `make bench` and `make memory` report);
only that the tools work against the real service and produce complete, sane JSON.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import orjson
import pytest

from app.core.worker import SINGLE_THREADED_BLAS

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [pytest.mark.slow, pytest.mark.server]


def run_tool(*args: str) -> None:
    result = subprocess.run([sys.executable, *args], cwd=ROOT, capture_output=True, text=True, timeout=600, check=False)
    assert result.returncode == 0, result.stderr[-3000:]


def test_quick_benchmark_measures_raw_spacy_and_the_service(tmp_path: Path) -> None:
    out = tmp_path / "bench.json"
    run_tool("bench/run.py", "--quick", "--workers", "1", "--out", str(out))
    report = orjson.loads(out.read_bytes())
    summary = report["summary"]
    assert set(summary["throughput_ratio_by_part"]) == {"seed", "plover", "long5k"}
    for part in summary["throughput_ratio_by_part"].values():
        assert part["raw_docs_per_s"] > 0 and part["service_docs_per_s"] > 0 and part["service_over_raw"] > 0
        assert part["raw_tuned_docs_per_s"] > 0 and part["service_over_tuned_raw"] > 0
    stock, tuned = report["raw"]["stock"], report["raw"]["tuned"]
    # Each baseline ran in its own process, with the BLAS environment its name says.
    assert not any(name in stock["blas_environment"] for name in SINGLE_THREADED_BLAS)
    assert all(tuned["blas_environment"][name] == value for name, value in SINGLE_THREADED_BLAS.items())
    # The tuned run timed the parse on both matrix multiplies; the service ran with the faster.
    assert stock["gemm"]["choice"] is None and set(tuned["gemm"]["seed_parse_ms_median"]) == {"blis", "numpy"}
    fastest = min(tuned["gemm"]["seed_parse_ms_median"].items(), key=lambda item: item[1])[0]
    assert tuned["gemm"]["choice"] == summary["gemm"] == report["service"]["settings"]["gemm"] == fastest
    for part, raw in stock["raw"]["parts"].items():
        best = report["service"]["parts"][part]["best"]
        assert best["statuses"] == {"200": best["docs"]}, best
        assert best["tokens"] == raw["tokens"] == tuned["raw"]["parts"][part]["tokens"], "all saw the same tokens"
    for load in ("50%", "90%"):
        run = report["service"]["latency"]["loads"][load]
        assert run["statuses"] == {"200": run["requests"]}
        assert 0 < run["latency_ms"]["p50"] <= run["latency_ms"]["p99"]
    stages = report["stages"]
    assert stages["parse_ms_median"] > 0 and stages["actors_over_parse_median"] >= 0
    assert stages["stances_over_parse_median"] >= 0
    assert stages["places_over_parse_median"] >= 0 and stages["dates_over_parse_median"] >= 0
    assert stages["own_over_parse_median"] >= stages["actors_over_parse_median"]


def test_memory_soak_reads_every_workers_rss(tmp_path: Path) -> None:
    out = tmp_path / "memory.json"
    run_tool("bench/memory.py", "--docs", "120", "--warm", "40", "--workers", "2", "--out", str(out))
    report = orjson.loads(out.read_bytes())
    assert report["analysed"] == 120 and report["failed"] == 0
    assert len(report["workers"]) == 2
    for worker in report["workers"].values():
        assert worker["warm_mb"] > 50 and worker["final_mb"] > 50  # a loaded spaCy model, not a stray pid
        assert not worker["replaced"]
    assert report["api"]["final_mb"] > 0


def test_startup_bench_times_both_trees_and_reads_the_workers_rss(tmp_path: Path) -> None:
    out = tmp_path / "startup.json"
    run_tool("bench/startup.py", "--runs", "1", "--workers", "2", "--against", "HEAD", "--out", str(out))
    report = orjson.loads(out.read_bytes())
    assert set(report["runs"]) == {"this tree", "HEAD"}
    for (run,) in report["runs"].values():
        assert run["ready_s"] > 0
        assert len(run["rss_warm_mb"]) == 2 and all(mb > 50 for mb in run["rss_warm_mb"])  # loaded models
    # The ref's run imported the app from its own extracted tree, not this checkout.
    assert not Path(report["runs"]["HEAD"][0]["app"]).is_relative_to(ROOT)
    assert report["ratio"]["ready"] > 0
