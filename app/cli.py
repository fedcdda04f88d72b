"""The ``stancewire`` command: serve, analyze, openapi (and batch/network tools)."""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import orjson

OPENAPI_PATH = Path("openapi/openapi.json")


def _serve(args: argparse.Namespace) -> int:
    import uvicorn

    from app.core.config import Settings
    from app.main import create_app

    overrides = {k: v for k, v in {"host": args.host, "port": args.port}.items() if v is not None}
    settings = Settings(**overrides)
    uvicorn.run(
        create_app(settings),
        host=settings.host,
        port=settings.port,
        log_config=None,
        access_log=False,
        timeout_graceful_shutdown=int(settings.timeout_s) + 5,
    )
    return 0


def analyze_locally(texts: Sequence[tuple[str | None, str]], model: str) -> list[bytes]:
    """Analyse (id, text) pairs in this process and return v1 response bodies."""
    from app.api.rendering import render_analysis
    from app.core.pool import Outcome
    from app.core.worker import analyze_batch
    from app.nlp.pipeline import load_pipeline
    from app.schemas import AnalyzeRequest

    nlp = load_pipeline(model)
    started = time.perf_counter()
    results = analyze_batch(nlp, [(text, False) for _, text in texts])
    elapsed = time.perf_counter() - started
    bodies = []
    for (doc_id, text), result in zip(texts, results, strict=True):
        if "body" not in result:
            raise RuntimeError(f"analysis failed: {result.get('error')}")
        outcome = Outcome(result["body"], result["tokens"], result["timings"], result["events"], result["kinds"])
        bodies.append(render_analysis(AnalyzeRequest(text=text, id=doc_id), outcome, elapsed / len(texts), model))
    return bodies


def _analyze(args: argparse.Namespace) -> int:
    from app.core.config import Settings

    text = sys.stdin.read() if args.file in (None, "-") else Path(args.file).read_text("utf-8")
    if not text.strip():
        print("stancewire analyze: the text is blank", file=sys.stderr)
        return 2
    (body,) = analyze_locally([(args.id, text)], Settings().model)
    sys.stdout.buffer.write(orjson.dumps(orjson.loads(body), option=orjson.OPT_INDENT_2) + b"\n")
    return 0


def _openapi(args: argparse.Namespace) -> int:
    from app.api.examples import EXAMPLE_ID, RESPONSE_EXAMPLE_FILE, SEED_SENTENCE, analyze_response_example
    from app.core.config import Settings

    if args.refresh_example:
        (body,) = analyze_locally([(EXAMPLE_ID, SEED_SENTENCE)], Settings().model)
        example = orjson.loads(body)
        example["meta"]["elapsed_ms"] = round(example["meta"]["elapsed_ms"])
        target = Path(__file__).parent / "api" / RESPONSE_EXAMPLE_FILE
        target.write_bytes(orjson.dumps(example, option=orjson.OPT_INDENT_2) + b"\n")
        analyze_response_example.cache_clear()
        print(f"wrote {target}")
    from app.main import create_app

    spec = create_app().openapi()
    output = Path(args.output)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_bytes(orjson.dumps(spec, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS) + b"\n")
    print(f"wrote {output}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    """Return the command-line parser."""
    parser = argparse.ArgumentParser(prog="stancewire", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="run the HTTP service")
    serve.add_argument("--host", help="bind address (default: STANCEWIRE_HOST or 127.0.0.1)")
    serve.add_argument("--port", type=int, help="port (default: STANCEWIRE_PORT or 8000)")
    serve.set_defaults(handler=_serve)

    analyze = commands.add_parser("analyze", help="analyse one article without a server; print the API's JSON")
    analyze.add_argument("file", nargs="?", help="text file, or - for standard input (default)")
    analyze.add_argument("--id", help="document id to echo")
    analyze.set_defaults(handler=_analyze)

    openapi = commands.add_parser("openapi", help="write the OpenAPI document")
    openapi.add_argument("-o", "--output", default=str(OPENAPI_PATH), help=f"where to write (default {OPENAPI_PATH})")
    openapi.add_argument(
        "--refresh-example", action="store_true", help="re-run the pipeline on the example request first"
    )
    openapi.set_defaults(handler=_openapi)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line."""
    args = build_parser().parse_args(argv)
    status: int = args.handler(args)
    return status


if __name__ == "__main__":
    raise SystemExit(main())
