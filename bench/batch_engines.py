"""Ray against --local: the same corpus through ``stancewire batch --engine ray`` (a local Ray cluster
started by the command) and ``stancewire batch --local``, with the same number of workers.

Each engine runs the corpus ``--runs`` times, alternating, plus a 10-document run each for the fixed
cost (start-up: the worker pool, or the Ray cluster and its actors). Reported: wall-clock documents/s
end to end, and the steady rate once started ((N - 10) / (wall N - wall 10)), medians, and the
ratios Ray / --local. The machine is shared and noisy: compare the ratios, not the absolute figures.

    python bench/batch_engines.py                    # 2,000 documents, 3 runs each
    python bench/batch_engines.py --docs 500 --runs 1

Figures go to stdout and bench/results/batch_engines.json.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import orjson
from common import RESULTS, ROOT, machine, median, plover_sentences


def corpus(path: Path, count: int) -> None:
    sentences = plover_sentences()
    with path.open("wb") as handle:
        for index in range(count):
            handle.write(orjson.dumps({"id": f"doc-{index:06d}", "text": sentences[index % len(sentences)]}) + b"\n")


def run(engine: str, source: Path, work: Path, workers: int) -> float:
    """Wall seconds of one batch run; its output is removed afterwards."""
    output = work / ("ray-out" if engine == "ray" else "local.jsonl")
    args = ["--engine", "ray"] if engine == "ray" else ["--local"]
    command = [sys.executable, "-m", "app.cli", "batch", str(source), "-o", str(output), *args,
               "--workers", str(workers), "--no-progress"]  # fmt: skip
    started = time.perf_counter()
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(f"{engine} failed ({result.returncode}): {result.stderr[-2000:]}")
    if output.is_dir():
        shutil.rmtree(output)
    else:
        output.unlink()
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    engines = ("local", "ray")
    walls: dict[str, list[float]] = {engine: [] for engine in engines}
    fixed: dict[str, list[float]] = {engine: [] for engine in engines}
    with tempfile.TemporaryDirectory(prefix="stancewire-engines-") as tmp:
        work = Path(tmp)
        source, small = work / "corpus.jsonl", work / "small.jsonl"
        corpus(source, args.docs)
        corpus(small, 10)
        for _ in range(args.runs):
            for engine in engines:  # alternating, so that load on the machine falls on both alike
                fixed[engine].append(run(engine, small, work, args.workers))
                walls[engine].append(run(engine, source, work, args.workers))
    report: dict[str, Any] = {"docs": args.docs, "workers": args.workers, "runs": args.runs, "machine": machine()}
    for engine in engines:
        wall, start = median(walls[engine]), median(fixed[engine])
        report[engine] = {
            "wall_s": [round(w, 2) for w in walls[engine]],
            "fixed_s": [round(f, 2) for f in fixed[engine]],
            "docs_per_s": round(args.docs / wall, 1),
            # Undefined when the corpus is too small to outlast the noise in the start-up.
            "steady_docs_per_s": round((args.docs - 10) / (wall - start), 1) if wall > start else None,
        }
    report["ratio_end_to_end"] = round(report["ray"]["docs_per_s"] / report["local"]["docs_per_s"], 2)
    steady = [report[engine]["steady_docs_per_s"] for engine in engines]
    report["ratio_steady"] = round(steady[1] / steady[0], 2) if all(steady) else None
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "batch_engines.json").write_bytes(orjson.dumps(report, option=orjson.OPT_INDENT_2))
    print(f"{args.docs} PLOVER dev sentences, {args.workers} workers, medians of {args.runs} runs:")
    for engine in engines:
        row = report[engine]
        print(
            f"  {engine:5}: {row['docs_per_s']:6.1f} docs/s end to end (walls {row['wall_s']}), "
            f"{row['steady_docs_per_s']} docs/s once started (fixed cost {row['fixed_s']} s)"
        )
    print(f"  Ray / --local: {report['ratio_end_to_end']} end to end, {report['ratio_steady']} once started")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
