"""The ``stancewire`` command: serve, analyze, openapi (and batch/network tools)."""

from __future__ import annotations

import argparse
import asyncio
import datetime
import importlib.util
import os
import platform
import sys
from collections.abc import Sequence
from importlib.metadata import version
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson

from app import __version__

if TYPE_CHECKING:
    from app.core.analysis import DocumentResult, Refused
    from app.core.config import Settings
    from app.schemas import AnalyzeRequest

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


def analyze_locally(documents: Sequence[AnalyzeRequest | Refused], settings: Settings) -> list[DocumentResult]:
    """Analyse documents in this process, through the service's request path and with its settings."""
    from app.core.analysis import ANALYZE_PATH, InProcess, analyze_documents

    return asyncio.run(analyze_documents(documents, InProcess(settings), settings, instance=ANALYZE_PATH))


def _analyze(args: argparse.Namespace) -> int:
    from app.core.analysis import Refused, parse_document
    from app.core.config import Settings

    text = sys.stdin.read() if args.file in (None, "-") else Path(args.file).read_text("utf-8")
    settings = Settings()
    (result,) = analyze_locally([parse_document({"text": text, "id": args.id, "date": args.date})], settings)
    if isinstance(result, Refused):
        print(f"stancewire analyze: {result.problem['detail']}", file=sys.stderr)
        return 2 if result.problem["status"] < 500 else 1
    sys.stdout.buffer.write(orjson.dumps(orjson.loads(result.body), option=orjson.OPT_INDENT_2) + b"\n")
    return 0


def _openapi(args: argparse.Namespace) -> int:
    from app.api.examples import EXAMPLE_DATE, EXAMPLE_ID, EXAMPLE_TEXT, RESPONSE_EXAMPLE_FILE, analyze_response_example
    from app.core.analysis import Analysed
    from app.core.config import Settings
    from app.schemas import AnalyzeRequest

    if args.refresh_example:
        (result,) = analyze_locally([AnalyzeRequest(text=EXAMPLE_TEXT, id=EXAMPLE_ID, date=EXAMPLE_DATE)], Settings())
        if not isinstance(result, Analysed):
            print(f"stancewire openapi: the example was not analysed: {result.problem['detail']}", file=sys.stderr)
            return 1
        example = orjson.loads(result.body)
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
    from app.batch import Engine, Options, main
    from app.batch_input import parse_shard, shard_from_environment

    engine: Engine = "ray" if args.engine == "ray" else "local" if args.local or args.engine == "local" else "service"
    if args.address and engine != "ray":
        print("stancewire batch: --address is for --engine ray", file=sys.stderr)
        return 2
    try:
        shard = parse_shard(args.shard) if args.shard else shard_from_environment()
    except ValueError as exc:
        print(f"stancewire batch: {exc}", file=sys.stderr)
        return 2
    options = Options(
        input=Path(args.input),
        output=Path(args.output),
        url=args.url,
        engine=engine,
        concurrency=args.concurrency,
        workers=args.workers,
        retries=args.retries,
        timeout=args.timeout,
        api_key=args.api_key or os.environ.get("STANCEWIRE_API_KEY"),
        retry_failed=args.retry_failed,
        progress=not args.no_progress,
        shard=shard,
        recycle_s=args.recycle_s,
        wait_ready_s=args.wait_ready,
        address=args.address,
    )
    return main(options)


def _export(args: argparse.Namespace) -> int:
    from app.export import main, schema_markdown

    if args.schema:
        print(schema_markdown())
        return 0
    if not args.inputs or not args.output:
        print("stancewire export: give the batch outputs and -o DIR (or --schema)", file=sys.stderr)
        return 2
    return main([Path(p) for p in args.inputs], Path(args.output), args.format)


def _network(args: argparse.Namespace) -> int:
    from app.network import NetworkBuilder, draw_network, write_network
    from app.results import Merge, missing_shards, read_results

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
    inputs = [Path(p) for p in args.inputs]
    for missing in missing_shards(inputs):
        print(f"stancewire network: warning: {missing} is not among the inputs", file=sys.stderr)
    builder = NetworkBuilder(args.by, args.max_evidence, args.max_ids or None)
    merge = Merge()
    try:
        for entry in read_results(inputs, merge):
            builder.add(entry)
    except (OSError, ValueError) as exc:
        print(f"stancewire network: {exc}", file=sys.stderr)
        return 2
    network = builder.result()
    for path in outputs:
        write_network(network, path)
        print(f"wrote {path}", file=sys.stderr)
    if args.picture:
        draw_network(network, Path(args.picture), title=args.title, max_nodes=args.max_nodes)
        print(f"wrote {args.picture}", file=sys.stderr)
    repeated = f", {merge.duplicates} repeated ids left out" if merge.duplicates else ""
    print(
        f"stancewire network: {network['documents']} documents ({builder.failed_count} failed skipped{repeated}), "
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


def _add_batch(commands: Any) -> None:
    """The batch command's options."""
    batch = commands.add_parser(
        "batch",
        help="analyse a corpus (JSONL, Parquet or a folder of .txt files) through a service, --local or on Ray",
        description="Analyse many documents; write one JSON line per document (analysis or error) to OUT. "
        "Ids already in OUT are skipped, so an interrupted run resumes; Ctrl-C finishes the documents in flight. "
        "Exits 0 when every document was analysed, 1 when some failed (their problems are in OUT), 2 on a usage "
        "error, 3 when the service could not be used (nothing lost: run again), 130 when interrupted.",
    )
    batch.add_argument("input", help='JSONL file of {"id", "text", ...} objects, a Parquet file, or a folder of .txt')
    batch.add_argument(
        "-o",
        "--output",
        required=True,
        help="JSONL file to append results to; a folder of Parquet files with --engine ray (required)",
    )
    where = batch.add_mutually_exclusive_group(required=True)
    where.add_argument("--url", help="base URL of a running service, e.g. http://127.0.0.1:8000 (this or --local)")
    where.add_argument(
        "--local", action="store_true", help="analyse in this process's own worker pool, no server (this or --url)"
    )
    where.add_argument(
        "--engine",
        choices=["local", "ray"],
        help="local (as --local) or ray: Ray Data on a Ray cluster, Parquet out; pip install 'stancewire[ray]' "
        "(this or --url or --local)",
    )
    batch.add_argument(
        "--address", help="Ray cluster address for --engine ray (default: start a local cluster for the run)"
    )
    batch.add_argument(
        "--shard",
        help="INDEX/COUNT: only the documents whose id hashes to this shard, into OUT's shard file "
        "(default: from JOB_COMPLETION_INDEX and STANCEWIRE_BATCH_SHARDS in a Kubernetes Indexed Job, else all)",
    )
    batch.add_argument(
        "--concurrency",
        type=int,
        help="documents in flight at once (default: 4 per worker the service, or --local, reports)",
    )
    batch.add_argument(
        "--workers", type=int, help="worker processes with --local, Ray actors with --engine ray (default: usable CPUs)"
    )
    batch.add_argument(
        "--retries",
        type=int,
        default=5,
        help="retries on 429/502/503/504 and lost connections (default: %(default)s)",
    )
    batch.add_argument(
        "--timeout", type=float, default=120.0, help="seconds to wait for one response (default: %(default)g)"
    )
    batch.add_argument(
        "--recycle-s",
        type=float,
        default=30.0,
        help="open fresh connections this often, so that pods added behind a load balancer get work "
        "(default: %(default)g)",
    )
    batch.add_argument(
        "--wait-ready",
        type=float,
        default=60.0,
        help="seconds to wait for a service that is starting (503 on /readyz) (default: %(default)g)",
    )
    batch.add_argument("--api-key", help="API key (default: STANCEWIRE_API_KEY, else none)")
    batch.add_argument(
        "--retry-failed", action="store_true", help="drop the failures in OUT and try them again (default: keep them)"
    )
    batch.add_argument("--no-progress", action="store_true", help="no progress bar (default: a bar on stderr)")
    batch.set_defaults(handler=_batch)


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

    _add_batch(commands)

    export = commands.add_parser(
        "export",
        help="write batch output as flat tables (Parquet or CSV) for pandas, R, DuckDB or a warehouse",
        description="Write documents, stances and actor mentions as three tables in DIR. Inputs are batch outputs: "
        "JSONL files (one per shard), or the Parquet folders of --engine ray; a repeated id is written once.",
    )
    export.add_argument("inputs", nargs="*", help="batch outputs to export, merged in the order given")
    export.add_argument(
        "-o",
        "--output",
        help="folder for the documents, stances and actors tables (default: none; needed unless --schema)",
    )
    export.add_argument(
        "--format", choices=["parquet", "csv"], default="parquet", help="table format (default: %(default)s)"
    )
    export.add_argument(
        "--schema", action="store_true", help="print the tables' columns as Markdown and exit (default: export)"
    )
    export.set_defaults(handler=_export)

    network = commands.add_parser(
        "network",
        help="aggregate batch output into a stance network (GraphML, CSV, JSON, PNG/SVG)",
        description="Aggregate the stances of many analyses into dyads (holder -> target).",
    )
    network.add_argument(
        "inputs",
        nargs="+",
        help="batch outputs, merged (shards, in any order): JSONL files, --engine ray Parquet folders, "
        "or stancewire export folders",
    )
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
    network.add_argument(
        "--max-ids",
        type=int,
        default=100,
        help="document ids listed per dyad, and failed documents listed, with exact counts beside them; "
        "0 lists all, in memory that grows with the documents (default: %(default)s)",
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
