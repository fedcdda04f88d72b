"""A corpus end to end, as real processes on the PLOVER dev records: three ``--local`` shards, their
export to tables that DuckDB loads, stance networks over the shards, and the same run on a local Ray
cluster (started by the command itself, and stopped with it)."""

from __future__ import annotations

import os
import random
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import orjson
import pyarrow.parquet as pq
import pytest

from app.batch_input import parse_shard
from app.evaluation import DEFAULT_GOLD
from app.export import TABLES

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.slow  # each builds a worker pool (or a Ray cluster) in a process of its own
SOURCES = ("wire-a", "wire-b")


def cli(*args: str, timeout: float = 900) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "STANCEWIRE_LOG_LEVEL": "warning"}
    command = [sys.executable, "-m", "app.cli", *args]
    return subprocess.run(command, capture_output=True, text=True, cwd=ROOT, env=env, timeout=timeout, check=False)


def read_lines(path: Path) -> list[dict[str, Any]]:
    return [orjson.loads(line) for line in path.read_bytes().splitlines() if line.strip()]


@dataclass
class Corpus:
    source: Path
    texts: dict[str, str]
    shards: list[Path]
    work: Path

    @property
    def ids(self) -> list[str]:
        return list(self.texts)

    def results(self) -> dict[str, dict[str, Any]]:
        return {line["id"]: line for shard in self.shards for line in read_lines(shard)}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Corpus:
    """The dev records with a date, source and url each, plus two that fail, in three --local shards."""
    work = tmp_path_factory.mktemp("corpus")
    entries = []
    for number, line in enumerate(DEFAULT_GOLD.read_bytes().splitlines()):
        record = orjson.loads(line)
        entries.append(
            {"id": record["id"], "text": record["text"], "date": f"2021-03-{number % 28 + 1:02d}",
             "source": SOURCES[number % 2], "url": f"https://news.example/{number}", "desk": "world"}
        )  # fmt: skip
    entries += [{"id": "blank", "text": "  ", "source": "wire-a"}, {"id": "no-text", "source": "wire-b"}]
    source = work / "articles.jsonl"
    source.write_bytes(b"".join(orjson.dumps(e) + b"\n" for e in entries))
    output = work / "out" / "results.jsonl"
    shards = []
    for index in range(3):
        result = cli("batch", str(source), "-o", str(output), "--local", "--workers", "1", "--shard", f"{index}/3",
                     "--no-progress")  # fmt: skip
        failing = any(parse_shard(f"{index}/3").holds(doc_id) for doc_id in ("blank", "no-text"))
        assert result.returncode == (1 if failing else 0), result.stderr  # a shard with a bad document says so
        shards.append(work / "out" / f"results-{index:05d}-of-00003.jsonl")
    return Corpus(source, {e["id"]: e.get("text", "") for e in entries}, shards, work)


def test_three_shards_cover_the_input_exactly_once(corpus: Corpus) -> None:
    seen: Counter[str] = Counter()
    for index, shard in enumerate(corpus.shards):
        ids = [line["id"] for line in read_lines(shard)]
        assert ids and all(parse_shard(f"{index}/3").holds(doc_id) for doc_id in ids)
        seen.update(ids)
    assert seen == Counter(corpus.ids)
    results = corpus.results()
    assert results["blank"]["error"]["status"] == 422 and results["no-text"]["error"]["status"] == 400
    first = results["PLOVER-GSR01-AGREE-0001"]
    assert first["meta"]["date"] == "2021-03-01" and first["meta"]["desk"] == "world" and first["meta"]["tokens"] > 0


def network(tmp: Path, name: str, *inputs: Path, by: str = "country") -> dict[str, Any]:
    target = tmp / f"{name}.json"
    result = cli("network", *map(str, inputs), "--json", str(target), "--by", by)
    assert result.returncode == 0, result.stderr
    value: dict[str, Any] = orjson.loads(target.read_bytes())
    return value


@pytest.mark.parametrize("by", ["country", "actor"])
def test_network_over_the_shards_equals_network_over_their_concatenation(corpus: Corpus, by: str) -> None:
    tmp = corpus.work / f"network-{by}"
    tmp.mkdir()
    lines = [line for shard in corpus.shards for line in shard.read_bytes().splitlines(keepends=True)]
    together = tmp / "all.jsonl"
    together.write_bytes(b"".join(lines))
    shuffled = tmp / "shuffled.jsonl"
    random.Random(15).shuffle(lines)
    shuffled.write_bytes(b"".join(lines))

    merged = network(tmp, "merged", *corpus.shards, by=by)
    assert merged == network(tmp, "together", together, by=by)
    # Order does not matter either: shards in another order, documents in another order.
    assert merged == network(tmp, "reversed", *reversed(corpus.shards), by=by)
    assert merged == network(tmp, "shuffled", shuffled, by=by)
    assert merged["documents"] == len(corpus.ids) - 2 and merged["failed_count"] == 2
    assert sum(d["document_count"] for d in merged["dyads"]) >= len(merged["dyads"])
    # A shard given twice is merged, not counted twice.
    assert network(tmp, "twice", *corpus.shards, corpus.shards[0], by=by) == merged


def test_export_tables_load_in_duckdb_with_the_documented_columns(corpus: Corpus) -> None:
    tables = corpus.work / "tables"
    result = cli("export", *map(str, corpus.shards), "-o", str(tables))
    assert result.returncode == 0, result.stderr
    results = corpus.results()
    db = duckdb.connect()

    def query(sql: str) -> list[tuple[Any, ...]]:
        return db.sql(sql.replace("{t}", str(tables))).fetchall()

    for table, columns in TABLES.items():
        described = query(f"DESCRIBE SELECT * FROM '{{t}}/{table}.parquet'")
        assert [row[0] for row in described] == [c.name for c in columns], table
    documented = (ROOT / "docs" / "batch.md").read_text("utf-8")
    assert all(f"| `{c.name}` |" in documented for columns in TABLES.values() for c in columns)

    analyses = [r for r in results.values() if "error" not in r]
    assert query("SELECT count(*), count(DISTINCT doc_id) FROM '{t}/documents.parquet'") == [(166, 166)]
    assert query("SELECT status, count(*) FROM '{t}/documents.parquet' GROUP BY 1 ORDER BY 1") == [
        ("analysed", 164),
        ("failed", 2),
    ]
    assert query("SELECT error_status FROM '{t}/documents.parquet' WHERE doc_id = 'blank'") == [(422,)]
    assert query("SELECT count(*) FROM '{t}/stances.parquet'") == [(sum(len(a["stances"]) for a in analyses),)]
    # One row per mention; an actor the text implies but never names (a recipient state) has one row too.
    mentions = sum(max(len(actor["mentions"]), 1) for a in analyses for actor in a["actors"])
    assert query("SELECT count(*) FROM '{t}/actors.parquet'") == [(mentions,)]
    assert query("SELECT meta_source, count(*) FROM '{t}/documents.parquet' GROUP BY 1 ORDER BY 1") == [
        ("wire-a", 83),
        ("wire-b", 83),
    ]
    assert query("SELECT DISTINCT meta FROM '{t}/documents.parquet' WHERE status = 'analysed'") == [
        ('{"desk":"world"}',)
    ]

    # Every stance row says what its analysis says: evidence offsets into the text, holders by name.
    rows = db.sql(f"SELECT * FROM '{tables}/stances.parquet'").fetchall()
    names = [d[0] for d in db.sql(f"DESCRIBE SELECT * FROM '{tables}/stances.parquet'").fetchall()]
    for values in rows:
        row = dict(zip(names, values, strict=True))
        text = corpus.texts[row["doc_id"]]
        assert text[row["evidence_start"] : row["evidence_end"]] == row["evidence_text"]
        assert text[row["trigger_start"] : row["trigger_end"]] == row["trigger_text"]
        analysis = results[row["doc_id"]]
        (stance,) = (s for s in analysis["stances"] if s["id"] == row["stance_id"])
        actors = {a["id"]: a for a in analysis["actors"]}
        assert row["holder_names"] == [actors[h]["name"] for h in stance["holder"]]
        assert row["target_countries"] == [actors[t]["country"] for t in stance["target"]]
        assert (row["event"], row["cameo"], row["quad"], row["score"]) == (
            stance["event"], stance["cameo"], stance["quad"], stance["score"]
        )  # fmt: skip
    # Counting dyads is one query away, as an analyst would.
    dyads = query(
        "SELECT h, t, count(*) n FROM (SELECT DISTINCT doc_id, stance_id, h, t FROM '{t}/stances.parquet' s, "
        "unnest(s.holder_countries) AS hs(h), unnest(s.target_countries) AS ts(t) "
        "WHERE h IS NOT NULL AND t IS NOT NULL) GROUP BY 1, 2"
    )
    network_dyads = network(corpus.work, "dyads", *corpus.shards)["dyads"]
    # By country, the network's stance counts per state dyad are this query's (IGO/NGO nodes come from kinds).
    states = {
        (d["source"], d["target"]): d["stances"]
        for d in network_dyads
        if not {"IGO", "NGO"} & {d["source"], d["target"]}
    }
    assert {(h, t): n for h, t, n in dyads if (h, t) in states} == states

    # The network reads the tables back: the same network as from the batch output.
    tmp = corpus.work / "network-tables"
    tmp.mkdir()
    assert network(tmp, "tables", tables) == network(tmp, "jsonl", *corpus.shards)

    # CSV: the same tables, lists joined with ';'.
    csv_tables = corpus.work / "csv"
    assert cli("export", *map(str, corpus.shards), "-o", str(csv_tables), "--format", "csv").returncode == 0
    for table, columns in TABLES.items():
        frame = db.sql(f"SELECT * FROM read_csv('{csv_tables}/{table}.csv', header = true)")
        assert frame.columns == [c.name for c in columns]
        parquet_rows = query(f"SELECT count(*) FROM '{{t}}/{table}.parquet'")
        assert db.sql(f"SELECT count(*) FROM read_csv('{csv_tables}/{table}.csv', header = true)").fetchall() == (
            parquet_rows
        )
    as_text = db.sql(f"SELECT holder_ids FROM read_csv('{csv_tables}/stances.csv', header = true, all_varchar = true)")
    as_list = query("SELECT holder_ids FROM '{t}/stances.parquet'")
    assert [value or "" for (value,) in as_text.fetchall()] == [";".join(ids) for (ids,) in as_list]
    assert any(len(ids) > 1 for (ids,) in as_list)  # the dev records have stances with two holders


def test_ray_engine_on_a_local_cluster_gives_the_local_results(corpus: Corpus) -> None:
    output = corpus.work / "ray"
    result = cli("batch", str(corpus.source), "-o", str(output), "--engine", "ray", "--workers", "1", "--no-progress")
    assert result.returncode == 1, result.stderr  # the two bad documents
    assert "164 analysed, 2 failed (Ray)" in result.stderr
    rows = [row for file in sorted(output.glob("*.parquet")) for row in pq.read_table(file).to_pylist()]
    assert sorted(row["id"] for row in rows) == sorted(corpus.ids)

    def comparable(entry: dict[str, Any]) -> dict[str, Any]:
        entry = dict(entry)
        entry["meta"] = {k: v for k, v in entry["meta"].items() if k != "elapsed_ms"}  # timing differs
        return entry

    local = corpus.results()
    for row in rows:
        assert row["failed"] == ("error" in orjson.loads(row["result"]))
        assert comparable(orjson.loads(row["result"])) == comparable(local[row["id"]]), row["id"]
    assert sum(len(orjson.loads(row["result"]).get("stances", [])) for row in rows) > 250

    # Its Parquet output is an input of export and network like any batch output.
    tmp = corpus.work / "network-ray"
    tmp.mkdir()
    assert network(tmp, "ray", output) == network(tmp, "local", *corpus.shards)
    assert cli("export", str(output), "-o", str(corpus.work / "ray-tables")).returncode == 0
    assert pq.read_table(corpus.work / "ray-tables" / "stances.parquet").num_rows == sum(
        len(entry.get("stances", [])) for entry in local.values()
    )
