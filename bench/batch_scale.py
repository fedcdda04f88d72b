"""Batch at scale: a large synthetic corpus through ``stancewire batch --local``, Ctrl-C part-way, resumed.

Makes N documents of its own (wire-style sentences from templates, with date, source and url),
starts the batch, sends SIGINT to its process group once the output holds ``--interrupt-at``
lines, checks the exit and the summary, resumes to the end, and checks that every id is in the
output exactly once. Throughout, it samples the batch process's resident memory (VmRSS, the parent
only: its workers are separate processes and are reported apart) against the output's size, so
that memory that grew with the output would show.

    python bench/batch_scale.py                       # 200,000 documents (about 20 minutes on 2 CPUs)
    python bench/batch_scale.py --docs 20000          # a quicker look

Figures go to stdout and bench/results/batch_scale.json.
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

import orjson
from common import RESULTS, ROOT, rss_mb, worker_pids

STATES = ["France", "Kenya", "Peru", "Japan", "Egypt", "Canada", "Norway", "Chile", "Ghana", "Vietnam", "Iran",
          "Germany", "Brazil", "India", "Turkey", "Poland", "Mexico", "Nigeria", "Sweden", "Spain"]  # fmt: skip
VERBS = ["urged", "accused", "praised", "threatened", "met", "criticized", "thanked", "warned", "supported",
         "rejected", "condemned", "welcomed", "sanctioned", "attacked"]  # fmt: skip
TOPICS = ["trade", "the border", "fishing rights", "refugees", "a pipeline", "elections", "tariffs", "a dam"]


def corpus(path: Path, count: int, seed: int = 15) -> None:
    """Write ``count`` documents of one to three wire-style sentences each."""
    rng = random.Random(seed)
    with path.open("wb") as handle:
        for index in range(count):
            sentences = []
            for _ in range(rng.randint(1, 3)):
                a, b = rng.sample(STATES, 2)
                sentences.append(
                    f"{a} {rng.choice(VERBS)} {b} over {rng.choice(TOPICS)} on {rng.choice(['Monday', 'Friday'])}, "
                    f"officials in {rng.choice(STATES)} said."
                )
            entry = {
                "id": f"doc-{index:07d}",
                "text": " ".join(sentences),
                "date": f"2024-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
                "source": rng.choice(["wire-a", "wire-b", "wire-c"]),
                "url": f"https://news.example/{index}",
            }
            handle.write(orjson.dumps(entry) + b"\n")


def count_lines(path: Path) -> int:
    if not path.exists():
        return 0
    with path.open("rb") as handle:
        return sum(chunk.count(b"\n") for chunk in iter(lambda: handle.read(1 << 20), b""))


def run(
    command: list[str], output: Path, interrupt_at: int | None, samples: list[dict[str, Any]], phase: str
) -> tuple[int, str]:
    """Run the batch, sampling its memory against the output's size; SIGINT it at ``interrupt_at`` lines."""
    process = subprocess.Popen(command, cwd=ROOT, stderr=subprocess.PIPE, text=True, start_new_session=True)
    interrupted = False
    started = time.monotonic()
    while process.poll() is None:
        lines = count_lines(output)
        rss = rss_mb(process.pid)
        workers = [r for r in (rss_mb(pid) for pid in worker_pids(process.pid)) if r]
        if rss is not None:
            sample = {"phase": phase, "t": round(time.monotonic() - started, 1), "lines": lines}
            sample.update(rss_mb=round(rss, 1), worker_rss_mb=[round(w) for w in workers])
            samples.append(sample)
        if interrupt_at is not None and not interrupted and lines >= interrupt_at:
            os.killpg(process.pid, signal.SIGINT)
            interrupted = True
        time.sleep(1.0)
    return process.returncode, process.stderr.read() if process.stderr else ""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=200_000)
    parser.add_argument("--interrupt-at", type=int, help="output lines at which to send SIGINT (default: 40%%)")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    interrupt_at = args.interrupt_at or int(args.docs * 0.4)
    with tempfile.TemporaryDirectory(prefix="stancewire-scale-") as tmp:
        source, output = Path(tmp) / "in.jsonl", Path(tmp) / "out.jsonl"
        corpus(source, args.docs)
        command = [sys.executable, "-m", "app.cli", "batch", str(source), "-o", str(output), "--local",
                   "--workers", str(args.workers), "--no-progress"]  # fmt: skip
        samples: list[dict[str, Any]] = []
        first_status, first_log = run(command, output, interrupt_at, samples, "first")
        after_interrupt = count_lines(output)
        second_status, second_log = run(command, output, None, samples, "resumed")
        ids: Counter[str] = Counter()
        errors = 0
        with output.open("rb") as handle:
            for line in handle:
                entry = orjson.loads(line)
                ids[entry["id"]] += 1
                errors += "error" in entry
        expected = {f"doc-{i:07d}" for i in range(args.docs)}
    exactly_once = set(ids) == expected and max(ids.values()) == 1
    # The output only grows, through both runs: memory at each tenth of the corpus written.
    by_size: list[dict[str, Any]] = []
    for tenth in range(1, 11):
        near = [s for s in samples if 0 < s["lines"] <= args.docs * tenth / 10]
        if near and (not by_size or near[-1]["lines"] != by_size[-1]["lines"]):
            peak = max(s["rss_mb"] for s in near)
            by_size.append({"phase": near[-1]["phase"], "lines": near[-1]["lines"], "rss_mb": near[-1]["rss_mb"],
                            "peak_so_far_mb": peak})  # fmt: skip
    report = {
        "docs": args.docs,
        "workers": args.workers,
        "interrupted_at_lines": after_interrupt,
        "first_exit": first_status,
        "resumed_exit": second_status,
        "exactly_once": exactly_once,
        "errors": errors,
        "peak_rss_mb": {
            phase: max((s["rss_mb"] for s in samples if s["phase"] == phase), default=None)
            for phase in ("first", "resumed")
        },
        "rss_by_output_size": by_size,
        "summaries": [line for line in (first_log + second_log).splitlines() if "stancewire batch:" in line],
        "samples": samples,
    }  # fmt: skip
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "batch_scale.json").write_bytes(orjson.dumps(report, option=orjson.OPT_INDENT_2))
    print(
        f"{args.docs} documents, SIGINT at {interrupt_at} lines: first run exit {first_status}, {after_interrupt} lines"
        f" written; resumed run exit {second_status}; every id exactly once: {exactly_once}"
    )
    for line in report["summaries"]:
        print("  " + line)
    print("batch process RSS (MB) by output size:")
    for row in by_size:
        now, peak = row["rss_mb"], row["peak_so_far_mb"]
        print(f"  {row['phase']:8} {row['lines']:>8} lines: {now:7.1f} now, {peak:7.1f} peak so far")
    return 0 if exactly_once and first_status == 130 and second_status == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
