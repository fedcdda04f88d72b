"""The export tables' schema and rows, on real analyses from the running app (no batch process)."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import httpx
import orjson
import pyarrow.parquet as pq
import pytest

from app.api.examples import SEED_SENTENCE
from app.export import TABLES, export, rows, schema, schema_markdown
from app.results import Merge, missing_shards, read_results

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.anyio


def test_the_documented_schema_is_the_schema() -> None:
    documented = (ROOT / "docs" / "batch.md").read_text("utf-8")
    assert schema_markdown() in documented, "docs/batch.md is stale: paste `stancewire export --schema` into it"
    for table, columns in TABLES.items():
        assert [field.name for field in schema(table)] == [c.name for c in columns]
        assert len({c.name for c in columns}) == len(columns), f"{table} repeats a column"
        assert all(c.doc.endswith(".") for c in columns)


@pytest.fixture
async def analysis(client: httpx.AsyncClient) -> dict[str, Any]:
    response = await client.post("/v1/analyze", json={"text": SEED_SENTENCE, "id": "seed"})
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    result["meta"].update(date="2024-02-03", source="wire", url="https://news.example/1", desk="world")
    return result


async def test_every_stance_and_mention_becomes_a_row(analysis: dict[str, Any]) -> None:
    table_rows = rows(analysis)
    assert len(table_rows["documents"]) == 1
    assert len(table_rows["stances"]) == len(analysis["stances"]) > 0
    assert len(table_rows["actors"]) == sum(len(a["mentions"]) for a in analysis["actors"])
    values = {c.name: c.get(table_rows["stances"][0]) for c in TABLES["stances"]}
    stance = analysis["stances"][0]
    names = {a["id"]: a["name"] for a in analysis["actors"]}
    assert values["holder_names"] == [names[h] for h in stance["holder"]]
    assert values["evidence_text"] == SEED_SENTENCE[values["evidence_start"] : values["evidence_end"]]
    assert (values["doc_id"], values["meta_date"], values["meta_source"]) == ("seed", "2024-02-03", "wire")
    document = {c.name: c.get(table_rows["documents"][0]) for c in TABLES["documents"]}
    assert document["meta"] == '{"desk":"world"}' and document["status"] == "analysed"
    assert document["tokens"] == analysis["meta"]["tokens"] and document["error_status"] is None


async def test_rule_and_context_fill_their_columns(analysis: dict[str, Any]) -> None:
    # Every stance says which rule coded it: the columns carry it as the analysis gives it.
    for stance, row in zip(analysis["stances"], rows(analysis)["stances"], strict=True):
        rule = stance["rule"]
        by_name = {c.name: c.get(row) for c in TABLES["stances"]}
        assert (by_name["rule_source"], by_name["rule_ref"]) == (rule["source"], rule["ref"])
    analysis["stances"][0]["rule"] = {
        "source": "dictionary",
        "ref": "CAMEO.2.0.txt:1234",
        "text": "URGE",
        "cameo": "0231",
    }
    analysis["stances"][0]["context"] = "political"
    values = {c.name: c.get(rows(analysis)["stances"][0]) for c in TABLES["stances"]}
    assert (values["rule_ref"], values["rule_cameo"], values["rule_source"]) == (
        "CAMEO.2.0.txt:1234",
        "0231",
        "dictionary",
    )
    assert values["context"] == "political"


async def test_export_merges_inputs_keeps_failures_and_skips_a_line_still_being_written(
    analysis: dict[str, Any], tmp_path: Path
) -> None:
    failure = {"id": "bad", "error": {"type": "/problems/too-large", "title": "Content Too Large", "status": 413,
                                      "detail": "too long"}, "meta": {"source": "wire"}}  # fmt: skip
    first = tmp_path / "results-00000-of-00003.jsonl"
    first.write_bytes(orjson.dumps(analysis) + b"\n" + orjson.dumps(failure) + b"\n" + b'{"id": "half')
    second = tmp_path / "results-00002-of-00003.jsonl"
    second.write_bytes(orjson.dumps(analysis) + b"\n")  # the same id again: counted once
    assert missing_shards([first, second]) == [str(tmp_path / "results-00001-of-00003.jsonl")]
    merge = Merge()
    counts = export([first, second], tmp_path / "tables", "parquet", merge)
    assert counts == {"documents": 2, "stances": len(analysis["stances"]), "actors": len(rows(analysis)["actors"])}
    assert merge.duplicates == 1
    documents = pq.read_table(tmp_path / "tables" / "documents.parquet").to_pylist()
    assert [(d["doc_id"], d["status"], d["error_status"], d["meta_source"]) for d in documents] == [
        ("seed", "analysed", None, "wire"),
        ("bad", "failed", 413, "wire"),
    ]
    assert not list((tmp_path / "tables").glob(".*partial"))
    # A bad line that is not the last is an error, with its place.
    broken = tmp_path / "broken.jsonl"
    broken.write_bytes(b"not json\n" + orjson.dumps(analysis) + b"\n")
    with pytest.raises(ValueError, match=r"broken\.jsonl:1: not JSON"):
        list(read_results([broken]))


async def test_the_stances_table_says_where_and_when(client: httpx.AsyncClient, tmp_path: Path) -> None:
    import datetime

    from app.export import read_tables
    from app.network import build_network

    text = "Russian forces shelled Ukrainian positions near Kherson overnight. Iran denied supplying drones."
    response = await client.post("/v1/analyze", json={"text": text, "id": "kherson", "date": "2024-03-14"})
    assert response.status_code == 200, response.text
    results = tmp_path / "results.jsonl"
    results.write_bytes(orjson.dumps(response.json()) + b"\n")
    for fmt in ("parquet", "csv"):
        export([results], tmp_path / fmt, fmt, Merge())
    stances = pq.read_table(tmp_path / "parquet" / "stances.parquet").to_pylist()
    shelled = next(s for s in stances if s["trigger_text"] == "shelled")
    assert (shelled["location_country"], shelled["location_name"], shelled["location_level"]) == (
        "UKR",
        "Kherson",
        "city",
    )
    assert shelled["location_latitude"] == pytest.approx(46.64, abs=0.05) and shelled["location_geonames_id"] == 706448
    assert (shelled["date_value"], shelled["date_precision"], shelled["date_text"]) == (
        "2024-03-13/2024-03-14", "day", "overnight"
    )  # fmt: skip
    assert (shelled["date_first"], shelled["date_last"]) == (datetime.date(2024, 3, 13), datetime.date(2024, 3, 14))
    denied = next(s for s in stances if s["trigger_text"] == "denied")
    assert denied["location_country"] is None and denied["date_value"] is None and denied["date_resolved"] is None
    csv_header = next(csv.reader(io.StringIO((tmp_path / "csv" / "stances.csv").read_text("utf-8"))))
    assert {"location_country", "location_name", "location_latitude", "location_longitude", "date_value",
            "date_precision"} <= set(csv_header)  # fmt: skip
    # The network read back from the tables spans the same days as from the analyses.
    from_tables = build_network(read_tables(tmp_path / "parquet"))
    assert from_tables["dyads"] == build_network([response.json()])["dyads"]
    assert {(d["first_date"], d["last_date"]) for d in from_tables["dyads"]} == {("2024-03-13", "2024-03-14")}
