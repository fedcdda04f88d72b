"""The ``stancewire`` command: serve, analyze, openapi (and batch/network tools)."""

from __future__ import annotations

import argparse
import datetime
import importlib.util
import os
import platform
import sys
import time
from collections.abc import Sequence
from importlib.metadata import version
from pathlib import Path

import orjson

from app import __version__

OPENAPI_PATH = Path("openapi/openapi.json")
# What `stancewire --help` opens with (the module docstring is for developers).
DESCRIPTION = (
    "Turn news articles into structured data: who (actors) takes what stance or action (PLOVER events) "
    "toward whom, with the evidence. Settings come from STANCEWIRE_* environment variables (see the README)."
)
PLOT_EXTRA = "stancewire[plot]"


def _serve(args: argparse.Namespace) -> int:
    from pydantic import ValidationError

    from app.core.config import Settings
    from app.core.server import serve

    overrides = {k: v for k, v in {"host": args.host, "port": args.port}.items() if v is not None}
    try:
        settings = Settings(**overrides)
    except ValidationError as exc:
        for error in exc.errors():
            where = ".".join(str(part) for part in error["loc"])
            print(f"stancewire serve: invalid settings: {where + ': ' if where else ''}{error['msg']}", file=sys.stderr)
        return 2
    serve(settings)
    return 0


def analyze_locally(
    texts: Sequence[tuple[str | None, str]],
    model: str,
    dictionaries: Sequence[str | Path] = (),
    date: datetime.date | None = None,
) -> list[bytes]:
    """Analyse (id, text) pairs in this process and return v1 response bodies.

    ``dictionaries``: the user's extra dictionary files; ``date``: the articles' publication date.
    """
    from app.api.rendering import render_analysis
    from app.core.pool import Outcome
    from app.core.worker import WorkItem, analyze_batch
    from app.nlp.pipeline import load_pipeline
    from app.schemas import AnalyzeRequest

    nlp = load_pipeline(model, dictionaries)
    started = time.perf_counter()
    results = analyze_batch(nlp, [WorkItem(text, include_sentences=False, date=date) for _, text in texts])
    elapsed = time.perf_counter() - started
    bodies = []
    for (doc_id, text), result in zip(texts, results, strict=True):
        if "body" not in result:
            raise RuntimeError(f"analysis failed: {result.get('error')}")
        outcome = Outcome(result["body"], result["tokens"], result["timings"], result["events"], result["kinds"])
        request = AnalyzeRequest(text=text, id=doc_id, date=date)
        bodies.append(render_analysis(request, outcome, elapsed / len(texts), model))
    return bodies


def _analyze(args: argparse.Namespace) -> int:
    from app.core.config import Settings

    text = sys.stdin.read() if args.file in (None, "-") else Path(args.file).read_text("utf-8")
    if not text.strip():
        print("stancewire analyze: the text is blank", file=sys.stderr)
        return 2
    settings = Settings()
    (body,) = analyze_locally([(args.id, text)], settings.model, settings.dictionaries, args.date)
    sys.stdout.buffer.write(orjson.dumps(orjson.loads(body), option=orjson.OPT_INDENT_2) + b"\n")
    return 0


def _openapi(args: argparse.Namespace) -> int:
    from app.api.examples import EXAMPLE_DATE, EXAMPLE_ID, EXAMPLE_TEXT, RESPONSE_EXAMPLE_FILE, analyze_response_example
    from app.core.config import Settings

    if args.refresh_example:
        (body,) = analyze_locally([(EXAMPLE_ID, EXAMPLE_TEXT)], Settings().model, date=EXAMPLE_DATE)
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


def _batch(args: argparse.Namespace) -> int:
    from app.batch import Options, main

    options = Options(
        input=Path(args.input),
        output=Path(args.output),
        url=args.url,
        local=args.local,
        concurrency=args.concurrency,
        workers=args.workers,
        retries=args.retries,
        timeout=args.timeout,
        api_key=args.api_key or os.environ.get("STANCEWIRE_API_KEY"),
        retry_failed=args.retry_failed,
        progress=not args.no_progress,
    )
    return main(options)


def _network(args: argparse.Namespace) -> int:
    from app.network import build_network, draw_network, read_jsonl, write_network

    outputs = [Path(p) for p in [*(args.output or []), args.csv, args.json] if p]
    if not outputs and not args.picture:
        print("stancewire network: give -o NET.graphml|.csv|.json and/or --picture NET.png|.svg", file=sys.stderr)
        return 2
    for path in [*outputs, *([Path(args.picture)] if args.picture else [])]:
        if path.suffix.lower() not in (".graphml", ".csv", ".json", ".png", ".svg"):
            print(f"stancewire network: {path}: unknown format {path.suffix!r}", file=sys.stderr)
            return 2
    # Refuse before any work or output: the runtime install (and the container) has no matplotlib.
    if args.picture and not _can_draw():
        print(
            f"stancewire network: --picture needs matplotlib, which only the plot extra installs: "
            f"pip install '{PLOT_EXTRA}' (GraphML, CSV and JSON need nothing more)",
            file=sys.stderr,
        )
        return 2
    try:
        network = build_network(read_jsonl([Path(p) for p in args.inputs]), by=args.by, max_evidence=args.max_evidence)
    except (OSError, ValueError) as exc:
        print(f"stancewire network: {exc}", file=sys.stderr)
        return 2
    for path in outputs:
        write_network(network, path)
        print(f"wrote {path}", file=sys.stderr)
    if args.picture:
        draw_network(network, Path(args.picture), title=args.title, max_nodes=args.max_nodes)
        print(f"wrote {args.picture}", file=sys.stderr)
    print(
        f"stancewire network: {network['documents']} documents ({len(network['failed'])} failed skipped), "
        f"{network['stances']} stances, {network['stances_in_dyads']} in {len(network['dyads'])} dyads "
        f"between {len(network['nodes'])} {'countries' if args.by == 'country' else 'actors'}",
        file=sys.stderr,
    )
    return 0


def _can_draw() -> bool:
    try:
        return importlib.util.find_spec("matplotlib") is not None
    except ValueError:  # a module object without a spec stands in for it: not importable either
        return False


def version_text() -> str:
    """Return what ``stancewire --version`` prints: this version and what it runs on."""
    return f"stancewire {__version__} (spaCy {version('spacy')}, Python {platform.python_version()})"


def build_parser() -> argparse.ArgumentParser:
    """Return the command-line parser; every option's help states its default."""
    parser = argparse.ArgumentParser(
        prog="stancewire", description=DESCRIPTION, epilog="Run 'stancewire COMMAND --help' for a command's options."
    )
    parser.add_argument("--version", action="version", version=version_text())
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    serve = commands.add_parser("serve", help="run the HTTP service", description="Run the HTTP service.")
    serve.add_argument("--host", help="bind address (default: STANCEWIRE_HOST, else 127.0.0.1)")
    serve.add_argument("--port", type=int, help="port (default: STANCEWIRE_PORT, else 8000)")
    serve.set_defaults(handler=_serve)

    analyze = commands.add_parser(
        "analyze",
        help="analyse one article without a server; print the API's JSON",
        description="Analyse one article in this process and print the JSON that POST /v1/analyze returns.",
    )
    analyze.add_argument("file", nargs="?", default="-", help="text file, or - for standard input (default: -)")
    analyze.add_argument("--id", help="document id to echo in the result (default: none)")
    analyze.add_argument(
        "--date",
        type=datetime.date.fromisoformat,
        help="the article's publication date, YYYY-MM-DD: codes named persons by the office they held "
        "that day (default: none, the most recent office)",
    )
    analyze.set_defaults(handler=_analyze)

    openapi = commands.add_parser(
        "openapi", help="write the OpenAPI document", description="Write the OpenAPI document the app serves."
    )
    openapi.add_argument("-o", "--output", default=str(OPENAPI_PATH), help="where to write (default: %(default)s)")
    openapi.add_argument(
        "--refresh-example",
        action="store_true",
        help="re-run the pipeline on the example request first (default: keep the committed example)",
    )
    openapi.set_defaults(handler=_openapi)

    batch = commands.add_parser(
        "batch",
        help="analyse a JSONL file or a folder of .txt files through a service (or --local); resumable",
        description="Analyse many documents; write one JSON line per document (analysis or error) to OUT. "
        "Ids already in OUT are skipped, so an interrupted run resumes. Exits 1 when any document failed.",
    )
    batch.add_argument("input", help='JSONL file of {"id", "text", ...} objects, or a folder of .txt files')
    batch.add_argument("-o", "--output", required=True, help="JSONL file to append results to (required)")
    where = batch.add_mutually_exclusive_group(required=True)
    where.add_argument("--url", help="base URL of a running service, e.g. http://127.0.0.1:8000 (this or --local)")
    where.add_argument(
        "--local", action="store_true", help="analyse in this process's own worker pool, no server (this or --url)"
    )
    batch.add_argument("--concurrency", type=int, default=8, help="documents in flight at once (default: %(default)s)")
    batch.add_argument("--workers", type=int, help="worker processes with --local (default: usable CPUs)")
    batch.add_argument(
        "--retries",
        type=int,
        default=5,
        help="retries on 429/502/503/504 and lost connections (default: %(default)s)",
    )
    batch.add_argument(
        "--timeout", type=float, default=120.0, help="seconds to wait for one response (default: %(default)g)"
    )
    batch.add_argument("--api-key", help="API key (default: STANCEWIRE_API_KEY, else none)")
    batch.add_argument(
        "--retry-failed", action="store_true", help="drop the failures in OUT and try them again (default: keep them)"
    )
    batch.add_argument("--no-progress", action="store_true", help="no progress bar (default: a bar on stderr)")
    batch.set_defaults(handler=_batch)

    network = commands.add_parser(
        "network",
        help="aggregate batch output into a stance network (GraphML, CSV, JSON, PNG/SVG)",
        description="Aggregate the stances of many analyses into dyads (holder -> target).",
    )
    network.add_argument("inputs", nargs="+", help="JSONL files of analyses, e.g. the output of stancewire batch")
    network.add_argument(
        "-o",
        "--output",
        action="append",
        help="NET.graphml, NET.csv or NET.json (format by extension; repeatable; default: none)",
    )
    network.add_argument("--csv", help="also write the dyads as CSV here (default: none)")
    network.add_argument("--json", help="also write the network as JSON here (default: none)")
    network.add_argument(
        "--picture", help=f"draw the network to NET.png or NET.svg; needs pip install '{PLOT_EXTRA}' (default: none)"
    )
    network.add_argument(
        "--by", choices=["country", "actor"], default="country", help="node level (default: %(default)s)"
    )
    network.add_argument(
        "--max-evidence", type=int, default=5, help="evidence sentences kept per dyad (default: %(default)s)"
    )
    network.add_argument(
        "--max-nodes", type=int, default=60, help="busiest nodes drawn in the picture (default: %(default)s)"
    )
    network.add_argument("--title", help="title of the picture (default: what the network holds)")
    network.set_defaults(handler=_network)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line."""
    args = build_parser().parse_args(argv)
    status: int = args.handler(args)
    return status


if __name__ == "__main__":
    raise SystemExit(main())
