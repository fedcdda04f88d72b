"""Benchmark Stancewire against raw spaCy on this machine, in one invocation.

(a) raw ``nlp.pipe`` of the plain model (no Stancewire components) with ``n_process`` equal to
the service's workers, twice: ``stock`` (spaCy as installed) and ``tuned`` (the BLAS settings the
service's workers run with; see bench/raw.py); (b) the service over HTTP at several concurrencies
over the same corpus; (c) open-loop latency at about 50 % and 90 % of the service's peak
throughput on the seed article; (d) the per-stage cost of the actor and stance stages relative to
parsing. The goals are judged against stock spaCy; the ratios against tuned spaCy are printed
beside them (like for like: what the service adds to the same parse).

    python bench/run.py            # full run, a few minutes
    python bench/run.py --quick    # seconds, tiny corpus (CI)

Figures are printed and written as JSON to bench/results/.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import orjson
from common import (
    RESULTS,
    Connection,
    Service,
    corpus,
    machine,
    percentile,
    seed_article,
    service,
)

from app.core.worker import SINGLE_THREADED_BLAS

THROUGHPUT_GOAL = 0.9  # service docs/s >= 0.9 x raw nlp.pipe with as many processes
LATENCY_GOAL = 3.0  # p99 at 50 % load <= 3 x the single-document parse time


# -- (a) raw spaCy, stock and tuned, each in a fresh process -----------------------------------


def run_raw(mode: str, workers: int, quick: bool) -> dict[str, Any]:
    """Run ``bench/raw.py`` in a process whose BLAS environment is that of ``mode``."""
    env = {k: v for k, v in os.environ.items() if k not in SINGLE_THREADED_BLAS}
    if mode == "tuned":
        env.update(SINGLE_THREADED_BLAS)
    command = [sys.executable, str(Path(__file__).with_name("raw.py")), mode, "--workers", str(workers)]
    done = subprocess.run([*command, *(["--quick"] if quick else [])], env=env, stdout=subprocess.PIPE, check=True)
    report: dict[str, Any] = orjson.loads(done.stdout)
    return report


# -- (b) the service, closed loop --------------------------------------------------------------


async def closed_loop(svc: Service, texts: list[str], concurrency: int) -> dict[str, Any]:
    """Send every text once with ``concurrency`` keep-alive connections; measure the whole pass."""
    bodies = [orjson.dumps({"text": text}) for text in texts]
    queue: asyncio.Queue[bytes] = asyncio.Queue()
    for body in bodies:
        queue.put_nowait(body)
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    tokens = 0

    async def client() -> None:
        nonlocal tokens
        conn = await Connection.open(svc.host, svc.port)
        try:
            while not queue.empty():
                body = queue.get_nowait()
                sent = time.perf_counter()
                status, payload = await conn.request("POST", "/v1/analyze", body)
                latencies.append(time.perf_counter() - sent)
                statuses[status] = statuses.get(status, 0) + 1
                if status == 200:
                    tokens += orjson.loads(payload)["meta"]["tokens"]
        finally:
            await conn.close()

    started = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(concurrency)))
    elapsed = time.perf_counter() - started
    return {
        "concurrency": concurrency,
        "docs": len(texts),
        "tokens": tokens,
        "elapsed_s": elapsed,
        "docs_per_s": len(texts) / elapsed,
        "tokens_per_s": tokens / elapsed,
        "latency_ms": _latency_summary(latencies),
        "statuses": {str(k): v for k, v in sorted(statuses.items())},
    }


async def batch_loop(svc: Service, texts: list[str], per_request: int, concurrency: int) -> dict[str, Any]:
    """The same texts through /v1/analyze/batch, ``per_request`` documents a request."""
    chunks = [texts[i : i + per_request] for i in range(0, len(texts), per_request)]
    queue: asyncio.Queue[list[str]] = asyncio.Queue()
    for chunk in chunks:
        queue.put_nowait(chunk)
    tokens = failed = 0

    async def client() -> None:
        nonlocal tokens, failed
        conn = await Connection.open(svc.host, svc.port)
        try:
            while not queue.empty():
                chunk = queue.get_nowait()
                status, payload = await conn.request(
                    "POST", "/v1/analyze/batch", orjson.dumps({"documents": [{"text": t} for t in chunk]})
                )
                if status != 200:
                    failed += len(chunk)
                    continue
                for entry in orjson.loads(payload)["results"]:
                    if "error" in entry:
                        failed += 1
                    else:
                        tokens += entry["meta"]["tokens"]
        finally:
            await conn.close()

    started = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(min(concurrency, len(chunks)))))
    elapsed = time.perf_counter() - started
    return {
        "per_request": per_request,
        "concurrency": concurrency,
        "docs": len(texts),
        "failed": failed,
        "tokens": tokens,
        "elapsed_s": elapsed,
        "docs_per_s": len(texts) / elapsed,
        "tokens_per_s": tokens / elapsed,
    }


# -- (c) the service, open loop ------------------------------------------------------------------


async def open_loop(svc: Service, text: str, rate: float, requests: int, seed: int) -> dict[str, Any]:
    """Poisson arrivals at ``rate`` per second; latency counts from each request's scheduled time."""
    rng = random.Random(seed)
    body = orjson.dumps({"text": text})
    idle: list[Connection] = [await Connection.open(svc.host, svc.port) for _ in range(2)]
    latencies: list[float] = []
    statuses: dict[int, int] = {}

    async def one(scheduled: float) -> None:
        conn = idle.pop() if idle else await Connection.open(svc.host, svc.port)
        status, _ = await conn.request("POST", "/v1/analyze", body)
        latencies.append(time.perf_counter() - scheduled)
        statuses[status] = statuses.get(status, 0) + 1
        idle.append(conn)

    tasks = []
    started = time.perf_counter()
    at = started
    for _ in range(requests):
        at += rng.expovariate(rate)
        delay = at - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(one(at)))
    await asyncio.gather(*tasks)
    elapsed = time.perf_counter() - started
    for conn in idle:
        await conn.close()
    return {
        "target_rate_per_s": rate,
        "achieved_rate_per_s": requests / elapsed,
        "requests": requests,
        "latency_ms": _latency_summary(latencies),
        "statuses": {str(k): v for k, v in sorted(statuses.items())},
    }


def _latency_summary(latencies: list[float]) -> dict[str, float]:
    ms = [x * 1000 for x in latencies]
    return {"p50": percentile(ms, 50), "p95": percentile(ms, 95), "p99": percentile(ms, 99), "max": max(ms or [0])}


async def _metric_sum(svc: Service, name: str) -> float:
    conn = await Connection.open(svc.host, svc.port)
    try:
        _, payload = await conn.request("GET", "/metrics")
    finally:
        await conn.close()
    total = 0.0
    for line in payload.decode().splitlines():
        if line.startswith(name + " ") or line.startswith(name + "{"):
            total += float(line.rsplit(" ", 1)[1])
    return total


async def measure_service(
    svc: Service, parts: dict[str, list[str]], concurrencies: list[int], latency_requests: int, result: dict[str, Any]
) -> None:
    """Closed-loop throughput per part and concurrency, then open-loop latency on the seed article.

    Fills ``result`` as it goes, so a failure late in a long run keeps what was measured.
    """
    seed = seed_article()
    warm = await closed_loop(svc, [seed] * 4, 2)
    if warm["statuses"] != {"200": 4}:
        raise RuntimeError(f"the service does not answer 200 on the seed article: {warm['statuses']}")
    single = await closed_loop(svc, [seed] * 5, 1)
    result.update({"single_doc_latency_ms_median": single["latency_ms"]["p50"], "parts": {}})
    for name, texts in parts.items():
        runs = []
        for concurrency in concurrencies:
            if concurrency > 1 and concurrency > len(texts):
                continue
            runs.append(await closed_loop(svc, texts, concurrency))
            print(f"  service {name:8} c={concurrency:<3} {runs[-1]['docs_per_s']:8.2f} docs/s", file=sys.stderr)
        best = max(runs, key=lambda r: r["docs_per_s"])
        per_request = max(1, min(32, len(texts) // 4))
        batched = await batch_loop(svc, texts, per_request, 4)
        print(f"  service {name:8} batch  {batched['docs_per_s']:8.2f} docs/s", file=sys.stderr)
        result["parts"][name] = {"runs": runs, "best": best, "batch_endpoint": batched}
    batches = await _metric_sum(svc, "stancewire_batch_size_sum")
    count = await _metric_sum(svc, "stancewire_batch_size_count")
    result["mean_micro_batch_docs"] = batches / count if count else None

    peak = result["parts"]["seed"]["best"]["docs_per_s"]
    result["latency"] = {"document": "seed_article.txt", "peak_docs_per_s": peak, "loads": {}}
    for share in (0.5, 0.9):
        run = await open_loop(svc, seed, peak * share, latency_requests, seed=int(share * 100))
        result["latency"]["loads"][f"{int(share * 100)}%"] = run
        print(f"  latency at {share:.0%} of peak: {run['latency_ms']}", file=sys.stderr)


# -- report -------------------------------------------------------------------------------------


def summarise(raw: dict[str, dict[str, Any]], svc: dict[str, Any], stages: dict[str, Any]) -> dict[str, Any]:
    """Ratios against stock and tuned raw spaCy; goal verdicts against stock, as the goals are set."""
    stock, tuned = raw["stock"]["raw"], raw["tuned"]["raw"]
    ratios = {}
    totals = {"stock": 0.0, "tuned": 0.0, "service": 0.0}
    for name, part in stock["parts"].items():
        best = svc["parts"][name]["best"]
        batch = svc["parts"][name]["batch_endpoint"]
        tuned_part = tuned["parts"][name]
        ratios[name] = {
            "raw_docs_per_s": part["docs_per_s"],
            "raw_tuned_docs_per_s": tuned_part["docs_per_s"],
            "service_docs_per_s": best["docs_per_s"],
            "raw_tokens_per_s": part["tokens_per_s"],
            "service_tokens_per_s": best["tokens_per_s"],
            "best_concurrency": best["concurrency"],
            "service_over_raw": best["docs_per_s"] / part["docs_per_s"],
            "service_over_tuned_raw": best["docs_per_s"] / tuned_part["docs_per_s"],
            "batch_endpoint_docs_per_s": batch["docs_per_s"],
            "batch_endpoint_over_raw": batch["docs_per_s"] / part["docs_per_s"],
        }
        totals["stock"] += part["elapsed_s"]
        totals["tuned"] += tuned_part["elapsed_s"]
        totals["service"] += best["elapsed_s"]
    overall = totals["stock"] / totals["service"]
    p99_at_50 = svc["latency"]["loads"]["50%"]["latency_ms"]["p99"]
    parse_ms = stock["single_doc_parse_ms_median"]
    tuned_parse_ms = tuned["single_doc_parse_ms_median"]
    return {
        "throughput_ratio_by_part": ratios,
        "throughput_ratio_overall": overall,
        "throughput_ratio_overall_tuned": totals["tuned"] / totals["service"],
        "throughput_goal": THROUGHPUT_GOAL,
        "throughput_goal_met": overall >= THROUGHPUT_GOAL,
        "p99_at_50pct_ms": p99_at_50,
        "single_doc_parse_ms": parse_ms,
        "single_doc_parse_tuned_ms": tuned_parse_ms,
        "p99_at_50pct_over_parse": p99_at_50 / parse_ms,
        "p99_at_50pct_over_tuned_parse": p99_at_50 / tuned_parse_ms,
        "latency_goal": LATENCY_GOAL,
        "latency_goal_met": p99_at_50 <= LATENCY_GOAL * parse_ms,
        "gemm": raw["tuned"]["gemm"]["choice"],
        "gemm_seed_parse_ms": raw["tuned"]["gemm"]["seed_parse_ms_median"],
        "actors_over_parse": stages["actors_over_parse_median"],
        "stances_over_parse": stages["stances_over_parse_median"],
        "places_over_parse": stages["places_over_parse_median"],
        "dates_over_parse": stages["dates_over_parse_median"],
        "own_stages_over_parse": stages["own_over_parse_median"],
    }


def print_report(report: dict[str, Any]) -> None:
    s = report["summary"]
    print(f"\nStancewire benchmark ({report['mode']}), {report['workers']} worker(s), {report['machine']['cpus']} CPUs")
    parse = ", ".join(f"{gemm} {ms:.0f} ms" for gemm, ms in s["gemm_seed_parse_ms"].items())
    print(f"matrix multiply: {s['gemm']} (seed article parse: {parse}); set STANCEWIRE_GEMM={s['gemm']} here")
    print("raw = stock spaCy; tuned = spaCy with the workers' BLAS settings and that matrix multiply")
    print(f"{'part':9} {'docs':>5} {'tokens':>7} {'raw docs/s':>11} {'tuned d/s':>10} {'raw tok/s':>10} "
          f"{'svc docs/s':>11} {'svc tok/s':>10} {'best c':>6} {'svc/raw':>8} {'svc/tuned':>9} "
          f"{'batch/raw':>9}")  # fmt: skip
    for name, r in s["throughput_ratio_by_part"].items():
        part = report["raw"]["stock"]["raw"]["parts"][name]
        print(
            f"{name:9} {part['docs']:>5} {part['tokens']:>7} "
            f"{r['raw_docs_per_s']:>11.2f} {r['raw_tuned_docs_per_s']:>10.2f} {r['raw_tokens_per_s']:>10.0f} "
            f"{r['service_docs_per_s']:>11.2f} {r['service_tokens_per_s']:>10.0f} {r['best_concurrency']:>6} "
            f"{r['service_over_raw']:>8.2f} {r['service_over_tuned_raw']:>9.2f} {r['batch_endpoint_over_raw']:>9.2f}"
        )
    verdict = "met" if s["throughput_goal_met"] else "NOT met"
    print(
        f"overall service/raw (corpus time ratio): {s['throughput_ratio_overall']:.2f} (goal >= 0.9: {verdict}); "
        f"service/tuned raw: {s['throughput_ratio_overall_tuned']:.2f}"
    )
    print("\nservice throughput by concurrency (docs/s):")
    for name, part in report["service"]["parts"].items():
        cells = "  ".join(f"c={r['concurrency']}: {r['docs_per_s']:.2f}" for r in part["runs"])
        print(f"  {name:9} {cells}")
    lat = report["service"]["latency"]
    print(f"\nopen-loop latency on the seed article (peak {lat['peak_docs_per_s']:.2f} docs/s):")
    for load, run in lat["loads"].items():
        ms = run["latency_ms"]
        print(
            f"  {load:>4} of peak ({run['achieved_rate_per_s']:.2f}/s, {run['requests']} requests): "
            f"p50 {ms['p50']:.0f} ms  p95 {ms['p95']:.0f} ms  p99 {ms['p99']:.0f} ms  statuses {run['statuses']}"
        )
    verdict = "met" if s["latency_goal_met"] else "NOT met"
    print(
        f"single-document parse of the seed article: raw {s['single_doc_parse_ms']:.0f} ms, tuned "
        f"{s['single_doc_parse_tuned_ms']:.0f} ms; p99 at 50% = {s['p99_at_50pct_over_parse']:.2f} x raw parse "
        f"(goal <= 3: {verdict}), {s['p99_at_50pct_over_tuned_parse']:.2f} x tuned parse"
    )
    for label, st in (("the seed article", report["stages"]), ("a 5,000-word article", report["stages"]["long5k"])):
        print(
            f"stage cost on {label} ({st['tokens']} tokens, median of {st['repeats']}): tuned parse "
            f"{st['parse_ms_median']:.1f} ms, actors {st['actors_ms_median']:.1f} ms "
            f"({st['actors_over_parse_median']:.3f} x parse), stances {st['stances_ms_median']:.1f} ms "
            f"({st['stances_over_parse_median']:.3f} x parse), places {st['places_ms_median']:.1f} ms "
            f"({st['places_over_parse_median']:.3f} x parse), dates {st['dates_ms_median']:.1f} ms "
            f"({st['dates_over_parse_median']:.3f} x parse); the four together {st['own_over_parse_median']:.3f} x "
            f"parse; rest (serialisation) {st['rest_ms_median']:.1f} ms ({st['rest_over_parse_median']:.3f} x parse)"
        )


LOAD_GENERATOR_NICENESS = 10


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="a tiny corpus and few requests (seconds; for CI)")
    parser.add_argument("--workers", type=int, default=len(os.sched_getaffinity(0)), help="service workers = n_process")
    parser.add_argument("--out", type=Path, help="JSON output path (default bench/results/bench-<mode>-<time>.json)")
    args = parser.parse_args(argv)

    mode = "quick" if args.quick else "full"
    workers = max(1, args.workers)
    parts = corpus(args.quick)
    concurrencies = [1, workers * 2] if args.quick else sorted({1, workers, workers * 2, workers * 4, workers * 8})
    # p99 from 400 arrivals rests on four slowest requests, not one or two: a steadier figure.
    latency_requests = 12 if args.quick else 400
    started = time.time()
    report: dict[str, Any] = {"mode": mode, "workers": workers, "machine": machine(), "started": started}

    print("raw spaCy, stock and tuned ...", file=sys.stderr)
    report["raw"] = {mode: run_raw(mode, workers, args.quick) for mode in ("stock", "tuned")}
    report["stages"] = report["raw"]["tuned"].pop("stages")
    print("service over HTTP ...", file=sys.stderr)
    stamp = time.strftime("%Y%m%dT%H%M%S")
    settings = {
        "workers": workers,
        "gemm": report["raw"]["tuned"]["gemm"]["choice"],  # the faster here, as an operator would configure
        "max_text_chars": 400_000,
        "max_body_bytes": 4_000_000,
        "timeout_s": 600,
        "log_level": "info",
    }
    report["service"] = {"settings": settings}
    out = args.out or RESULTS / f"bench-{mode}-{stamp}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    try:
        with service(RESULTS / f"server-{mode}-{stamp}.log", **settings) as svc:
            # Real clients run on other machines: the load generator yields the CPUs to the service
            # it measures (the server was started before this, so it keeps normal priority).
            os.nice(LOAD_GENERATOR_NICENESS)
            asyncio.run(measure_service(svc, parts, concurrencies, latency_requests, report["service"]))
    except BaseException:
        partial = out.with_name(out.stem + "-partial.json")
        partial.write_bytes(orjson.dumps(report, option=orjson.OPT_INDENT_2))
        print(f"failed; what was measured is in {partial}", file=sys.stderr)
        raise
    report["summary"] = summarise(report["raw"], report["service"], report["stages"])
    report["duration_s"] = time.time() - started
    out.write_bytes(orjson.dumps(report, option=orjson.OPT_INDENT_2))
    print_report(report)
    print(f"\nwrote {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
