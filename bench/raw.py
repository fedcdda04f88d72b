"""Raw spaCy over the benchmark corpus, in a process whose environment the caller chose.

    python bench/raw.py stock --workers 2      # spaCy as installed: bundled BLIS, default threads
    python bench/raw.py tuned --workers 2      # as Stancewire's workers run it (see below)

``bench/run.py`` runs both in fresh processes, because what matters here is fixed when numpy is
first imported: ``stock`` runs with the BLAS thread variables removed from its environment,
``tuned`` with the workers' single-threaded BLAS settings. ``tuned`` parses the seed article with
the model built on each matrix multiply (BLIS and numpy's BLAS), keeps the faster (the
``STANCEWIRE_GEMM`` to configure on this machine), and times the Stancewire stages against that
parse, as in a worker. Prints one JSON object.
"""

from __future__ import annotations

import argparse
import math
import os
import sys
import time
from typing import Any, get_args

import orjson
from common import MODEL, corpus, median, seed_article

from app.nlp.gemm import Gemm

MODES = ("stock", "tuned")


def choose_gemm(repeats: int) -> dict[str, Any]:
    """Parse the seed article with the model built on each matrix multiply, interleaved; keep the faster."""
    import spacy

    from app.nlp.gemm import models_use

    seed = seed_article()
    models = {}
    for gemm in get_args(Gemm):
        with models_use(gemm):
            models[gemm] = spacy.load(MODEL)
        models[gemm](seed)
    samples: dict[str, list[float]] = {gemm: [] for gemm in models}
    for _ in range(repeats):
        for gemm, nlp in models.items():
            started = time.perf_counter()
            nlp(seed)
            samples[gemm].append(time.perf_counter() - started)
    parse_ms = {gemm: median(values) * 1000 for gemm, values in samples.items()}
    return {"choice": min(parse_ms, key=parse_ms.__getitem__), "seed_parse_ms_median": parse_ms}


def measure_raw(parts: dict[str, list[str]], workers: int, repeats: int, gemm: Gemm | None) -> dict[str, Any]:
    """Raw ``nlp.pipe`` of the plain model over each corpus part, best of ``repeats`` (``gemm``: None, spaCy's)."""
    import spacy

    from app.nlp.gemm import models_use

    if gemm is None:
        nlp = spacy.load(MODEL)
    else:
        with models_use(gemm):
            nlp = spacy.load(MODEL)
    seed = seed_article()
    nlp(seed)
    singles = []
    for _ in range(max(repeats * 5, 5)):
        started = time.perf_counter()
        nlp(seed)
        singles.append(time.perf_counter() - started)
    started = time.perf_counter()
    list(nlp.pipe(["Warm up."] * workers, n_process=workers, batch_size=1))
    startup_s = time.perf_counter() - started
    result: dict[str, Any] = {
        "model": MODEL,
        "n_process": workers,
        "single_doc_parse_ms_median": median(singles) * 1000,
        "pipe_startup_s": startup_s,
        "parts": {},
    }
    for name, texts in parts.items():
        batch_size = max(1, min(128, math.ceil(len(texts) / (workers * 8))))
        best = math.inf
        tokens = 0
        for _ in range(repeats):
            started = time.perf_counter()
            docs = list(nlp.pipe(texts, n_process=workers, batch_size=batch_size))
            best = min(best, time.perf_counter() - started)
            tokens = sum(len(doc) for doc in docs)
            del docs
        result["parts"][name] = {
            "docs": len(texts),
            "tokens": tokens,
            "batch_size": batch_size,
            "elapsed_s": best,
            "docs_per_s": len(texts) / best,
            "tokens_per_s": tokens / best,
        }
    return result


def measure_stages(repeats: int, long_text: str, gemm: Gemm) -> dict[str, Any]:
    """Median per-stage times of the full Stancewire pipeline on the seed article (and a long one).

    ``rest`` is the wall time of ``analyze_texts`` not spent in the stages: mostly turning the Doc
    into the response's plain data. ``own_over_parse_median`` is the Stancewire stages together
    (actors, stances, places, dates) over the parse, per run.
    """
    from app.nlp.pipeline import STAGES, analyze_texts, load_pipeline

    nlp = load_pipeline(MODEL, gemm=gemm)

    def stage_medians(text: str, runs: int) -> dict[str, Any]:
        analyze_texts(nlp, [text])  # warm
        rows: dict[str, list[float]] = {stage: [] for stage in (*STAGES, "rest")}
        own: list[float] = []
        tokens = 0
        for _ in range(runs):
            started = time.perf_counter()
            (result,) = analyze_texts(nlp, [text])
            wall = time.perf_counter() - started
            if result.analysis is None:
                raise RuntimeError(f"the pipeline failed: {result.error}")
            tokens = result.tokens
            for stage in STAGES:
                rows[stage].append(result.timings[stage])
            rows["rest"].append(wall - sum(result.timings[s] for s in STAGES))
            own.append(sum(result.timings[s] for s in STAGES if s != "parse") / result.timings["parse"])
        parse = median(rows["parse"])
        return {
            "tokens": tokens,
            "repeats": runs,
            **{f"{stage}_ms_median": median(values) * 1000 for stage, values in rows.items()},
            **{
                f"{stage}_over_parse_median": median(values) / parse
                for stage, values in rows.items()
                if stage != "parse"
            },
            "own_over_parse_median": median(own),
        }

    seed = stage_medians(seed_article(), repeats)
    return {"document": "seed_article.txt", **seed, "long5k": stage_medians(long_text, max(3, repeats // 5))}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("mode", choices=MODES)
    parser.add_argument("--workers", type=int, required=True, help="n_process for nlp.pipe")
    parser.add_argument("--quick", action="store_true", help="the tiny corpus, one repeat")
    args = parser.parse_args(argv)
    parts = corpus(args.quick)
    repeats = 1 if args.quick else 3
    report: dict[str, Any] = {
        "mode": args.mode,
        "blas_environment": {k: v for k, v in os.environ.items() if k.endswith("_NUM_THREADS")},
    }
    gemm: Gemm | None = None
    if args.mode == "tuned":
        print("  matrix multiply: BLIS or numpy ...", file=sys.stderr)
        report["gemm"] = choose_gemm(3 if args.quick else 15)
        gemm = report["gemm"]["choice"]
        print("  stage costs ...", file=sys.stderr)
        report["stages"] = measure_stages(3 if args.quick else 25, parts["long5k"][0], report["gemm"]["choice"])
    else:
        report["gemm"] = {"choice": None}  # spaCy's own: BLIS
    print(f"  raw spaCy nlp.pipe, {args.mode} ...", file=sys.stderr)
    report["raw"] = measure_raw(parts, args.workers, repeats, gemm)
    sys.stdout.buffer.write(orjson.dumps(report))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
