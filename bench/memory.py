"""Memory soak: push documents full of never-seen words through a running service; watch worker RSS.

Every document is made of fresh vocabulary (random tokens, numbers, URLs, e-mail addresses,
hashtags and invented names) so that, without ``nlp.memory_zone()``, each worker's vocabulary
and string store would grow with every request. Each worker's resident set size is read from
/proc/<pid>/status (VmRSS) after a warm-up and then throughout; the goal is final - warm <= 50 MB.

    python bench/memory.py               # 20,000 documents
    python bench/memory.py --docs 500    # a quick look
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import string
import sys
import time
from pathlib import Path
from typing import Any

import orjson
from common import RESULTS, Connection, Service, machine, rss_mb, service, worker_pids

GOAL_MB = 50.0
COUNTRIES = ["France", "Kenya", "Peru", "Japan", "Egypt", "Canada", "Norway", "Chile", "Ghana", "Vietnam", "Iran"]
VERBS = ["urged", "accused", "praised", "threatened", "met", "criticized", "thanked", "warned", "supported", "rejected"]


class FreshText:
    """Generates sentences whose words, numbers and names have (almost surely) never been seen."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)

    def word(self, low: int = 4, high: int = 11) -> str:
        return "".join(self.rng.choices(string.ascii_lowercase, k=self.rng.randint(low, high)))

    def name(self) -> str:
        return f"{self.word(3, 8).capitalize()} {self.word(4, 10).capitalize()}"

    def number(self) -> str:
        kind = self.rng.randrange(4)
        if kind == 0:
            return f"{self.rng.randint(1000, 99_999_999):,}"
        if kind == 1:
            return f"{self.rng.uniform(0, 10_000):.{self.rng.randint(1, 4)}f}"
        if kind == 2:
            return f"{self.rng.randint(1, 28)}/{self.rng.randint(1, 12)}/{self.rng.randint(1900, 2099)}"
        return f"#{self.rng.getrandbits(40):x}"

    def url(self) -> str:
        tld = self.rng.choice(["com", "org", "net", "io"])
        return f"https://{self.word()}.{tld}/{self.word()}/{self.word()}?id={self.rng.getrandbits(32)}"

    def sentence(self) -> str:
        rng = self.rng
        templates = [
            lambda: (
                f"{self.name()} of the {self.word().capitalize()} Institute said {rng.choice(COUNTRIES)} "
                f"{rng.choice(VERBS)} {rng.choice(COUNTRIES)} over {self.number()} {self.word()}s."
            ),
            lambda: (
                f"According to {self.url()} the {self.word()} {self.word()} reached {self.number()} "
                f"on {self.number()}, {self.name()} wrote to {self.word()}@{self.word()}.org."
            ),
            lambda: (
                f"{rng.choice(COUNTRIES)} {rng.choice(VERBS)} the {self.word().capitalize()} "
                f"{self.word().capitalize()} Front led by {self.name()}, see #{self.word()} and @{self.word()}."
            ),
            lambda: " ".join(self.word() for _ in range(rng.randint(6, 14))).capitalize() + f" {self.number()}.",
        ]
        return rng.choice(templates)()

    def document(self) -> str:
        return " ".join(self.sentence() for _ in range(self.rng.randint(3, 6)))


def sample(server_pid: int, pids: list[int]) -> dict[str, float | None]:
    readings: dict[str, float | None] = {str(pid): rss_mb(pid) for pid in pids}
    readings["api"] = rss_mb(server_pid)
    return readings


async def push(svc: Service, texts: list[str], batch: int, concurrency: int) -> dict[str, int]:
    """Send ``texts`` as /v1/analyze/batch requests of ``batch`` documents; count outcomes."""
    chunks = [texts[i : i + batch] for i in range(0, len(texts), batch)]
    queue: asyncio.Queue[list[str]] = asyncio.Queue()
    for chunk in chunks:
        queue.put_nowait(chunk)
    counts = {"analysed": 0, "failed": 0}

    async def client() -> None:
        conn = await Connection.open(svc.host, svc.port)
        try:
            while not queue.empty():
                chunk = queue.get_nowait()
                body = orjson.dumps({"documents": [{"text": text} for text in chunk]})
                status, payload = await conn.request("POST", "/v1/analyze/batch", body)
                if status != 200:
                    counts["failed"] += len(chunk)
                    continue
                for result in orjson.loads(payload)["results"]:
                    counts["failed" if "error" in result else "analysed"] += 1
        finally:
            await conn.close()

    await asyncio.gather(*(client() for _ in range(concurrency)))
    return counts


async def soak(svc: Service, server_pid: int, args: argparse.Namespace) -> dict[str, Any]:
    fresh = FreshText(args.seed)
    pids = worker_pids(server_pid)
    if not pids:
        raise RuntimeError("no worker processes found under the server")
    await push(svc, [fresh.document() for _ in range(args.warm)], args.batch, args.concurrency)
    warm = sample(server_pid, pids)
    samples = [{"docs": 0, "rss_mb": warm}]
    sent = 0
    counts = {"analysed": 0, "failed": 0}
    started = time.perf_counter()
    step = max(args.batch, args.docs // 20)
    while sent < args.docs:
        n = min(step, args.docs - sent)
        got = await push(svc, [fresh.document() for _ in range(n)], args.batch, args.concurrency)
        counts = {k: counts[k] + got[k] for k in counts}
        sent += n
        samples.append({"docs": sent, "rss_mb": sample(server_pid, pids)})
        print(
            f"  {sent:>7} docs  " + "  ".join(f"{k}: {v:.1f} MB" for k, v in samples[-1]["rss_mb"].items() if v),
            file=sys.stderr,
        )
    elapsed = time.perf_counter() - started
    final = samples[-1]["rss_mb"]
    now = worker_pids(server_pid)
    workers = {}
    for pid in pids:
        key = str(pid)
        series = [s["rss_mb"][key] for s in samples if s["rss_mb"].get(key) is not None]
        w, f = warm[key], final.get(key)
        workers[key] = {
            "warm_mb": w,
            "final_mb": f,
            "last5_median_mb": sorted(series[-5:])[len(series[-5:]) // 2] if series else None,
            "max_mb": max(series) if series else None,
            "growth_mb": (f - w) if (w is not None and f is not None) else None,
            "replaced": pid not in now,
        }
    growths = [w["growth_mb"] for w in workers.values() if w["growth_mb"] is not None]
    return {
        "docs": args.docs,
        "warm_docs": args.warm,
        "analysed": counts["analysed"],
        "failed": counts["failed"],
        "elapsed_s": elapsed,
        "docs_per_s": args.docs / elapsed,
        "workers": workers,
        "api": {"warm_mb": warm["api"], "final_mb": final["api"]},
        "max_growth_mb": max(growths) if growths else None,
        "goal_mb": GOAL_MB,
        "goal_met": bool(growths) and max(growths) <= GOAL_MB and len(growths) == len(pids),
        "samples": samples,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=int, default=20_000, help="documents to push after the warm-up")
    parser.add_argument("--warm", type=int, default=500, help="warm-up documents before the baseline reading")
    parser.add_argument("--workers", type=int, default=len(os.sched_getaffinity(0)), help="service workers")
    parser.add_argument("--batch", type=int, default=32, help="documents per /v1/analyze/batch request")
    parser.add_argument("--concurrency", type=int, default=4, help="concurrent connections")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--out", type=Path, help="JSON output (default bench/results/memory-<time>.json)")
    args = parser.parse_args(argv)

    stamp = time.strftime("%Y%m%dT%H%M%S")
    settings = {"workers": args.workers, "max_batch": max(64, args.batch), "timeout_s": 300, "log_level": "warning"}
    with service(RESULTS / f"server-memory-{stamp}.log", **settings) as svc:
        report = asyncio.run(soak(svc, svc.process.pid, args))
    report["machine"] = machine()
    report["settings"] = settings
    out = args.out or RESULTS / f"memory-{stamp}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(orjson.dumps(report, option=orjson.OPT_INDENT_2))

    print(f"\nmemory soak: {report['docs']} fresh-vocabulary documents after {report['warm_docs']} warm-up, "
          f"{report['docs_per_s']:.0f} docs/s, {report['failed']} failed")  # fmt: skip
    for pid, w in report["workers"].items():
        print(
            f"  worker {pid}: warm {w['warm_mb']:.1f} MB -> final {w['final_mb']:.1f} MB "
            f"(growth {w['growth_mb']:+.1f} MB; median of the last 5 samples {w['last5_median_mb']:.1f} MB, "
            f"max {w['max_mb']:.1f} MB){' REPLACED' if w['replaced'] else ''}"
        )
    api = report["api"]
    print(f"  api process: warm {api['warm_mb']:.1f} MB -> final {api['final_mb']:.1f} MB")
    verdict = "met" if report["goal_met"] else "NOT met"
    print(f"  largest worker growth {report['max_growth_mb']:+.1f} MB (goal <= {GOAL_MB:.0f} MB: {verdict})")
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
