"""Stance networks: aggregation over real analyses, the file formats, the CLI and POST /v1/network."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import httpx
import networkx as nx
import orjson
import pytest

from app.api.examples import SEED_SENTENCE, analyze_request_example
from app.cli import main as cli_main
from app.network import build_network, draw_network, to_csv, write_network
from app.schemas import NetworkResponse

pytestmark = pytest.mark.anyio

SENTENCES = {
    "seed": SEED_SENTENCE,
    "seed-again": "Officials said that " + SEED_SENTENCE[0].lower() + SEED_SENTENCE[1:],
    "israel": "Israeli soldiers routinely beat up Palestinian detainees on the occupied West Bank.",
}


@pytest.fixture
async def analyses(client: httpx.AsyncClient) -> list[dict[str, Any]]:
    """Real analyses of three sentences, from the running app."""
    documents = [{"id": doc_id, "text": text} for doc_id, text in SENTENCES.items()]
    response = await client.post("/v1/analyze/batch", json={"documents": documents})
    assert response.status_code == 200, response.text
    results: list[dict[str, Any]] = response.json()["results"]
    assert all("actors" in r for r in results), results
    return results


def dyad(network: dict[str, Any], source: str, target: str) -> dict[str, Any]:
    matches = [d for d in network["dyads"] if (d["source"], d["target"]) == (source, target)]
    assert len(matches) == 1, network["dyads"]
    return matches[0]


async def test_country_dyads_count_events_documents_and_evidence(analyses: list[dict[str, Any]]) -> None:
    network = build_network(analyses)
    NetworkResponse.model_validate(network)
    assert network["documents"] == 3 and network["by"] == "country"
    usa_chn = dyad(network, "USA", "CHN")
    assert usa_chn["events"]["REQUEST"] == 2, usa_chn
    assert usa_chn["quads"]["verbal_conflict"] >= 2
    assert usa_chn["documents"] == ["seed", "seed-again"]
    assert usa_chn["source_label"] == "United States" and usa_chn["target_label"] == "China"
    assert usa_chn["mean_score"] is not None and -10 <= usa_chn["mean_score"] <= 10
    for evidence in usa_chn["evidence"]:
        text = SENTENCES[evidence["document"]]
        assert text[evidence["start"] : evidence["end"]] == evidence["text"]
        assert evidence["trigger"] in evidence["text"]
    nodes = {n["id"]: n for n in network["nodes"]}
    assert nodes["USA"]["label"] == "United States" and nodes["USA"]["documents"] == 2
    assert nodes["USA"]["stances_out"] >= 2
    assert network["dyads"] == sorted(network["dyads"], key=lambda d: -d["stances"])
    assert network["stances_in_dyads"] <= network["stances"]


async def test_actor_level_keeps_named_actors_apart(analyses: list[dict[str, Any]]) -> None:
    network = build_network(analyses, by="actor")
    NetworkResponse.model_validate(network)
    usa_chn = dyad(network, "United States", "China")
    assert usa_chn["events"]["REQUEST"] == 2
    kinds = {n["id"]: n["kind"] for n in network["nodes"]}
    assert kinds["United States"] == "state"


async def test_negated_stances_count_but_do_not_move_the_mean_score(analyses: list[dict[str, Any]]) -> None:
    seed = next(a for a in analyses if a["id"] == "seed")
    negated = orjson.loads(orjson.dumps(seed))
    negated["id"] = "negated"
    for stance in negated["stances"]:
        stance["modality"] = "negated"
    network = build_network([seed, negated])
    usa_chn = dyad(network, "USA", "CHN")
    alone = dyad(build_network([seed]), "USA", "CHN")
    assert usa_chn["stances"] == 2 * alone["stances"]
    assert usa_chn["modalities"]["negated"] == alone["stances"]
    assert usa_chn["mean_score"] == alone["mean_score"]
    assert dyad(build_network([negated]), "USA", "CHN")["mean_score"] is None


async def test_error_entries_are_listed_as_failed_and_evidence_is_capped(analyses: list[dict[str, Any]]) -> None:
    problem = {"type": "/problems/too-large", "title": "Content Too Large", "status": 413, "detail": "too long"}
    network = build_network([*analyses, {"id": "bad", "error": problem}], max_evidence=1)
    assert network["failed"] == [{"id": "bad", "error": problem}]
    assert network["documents"] == 3
    assert all(len(d["evidence"]) <= 1 for d in network["dyads"])


async def test_graphml_csv_json_and_picture(analyses: list[dict[str, Any]], tmp_path: Path) -> None:
    network = build_network(analyses)
    write_network(network, tmp_path / "net.graphml")
    graph = nx.read_graphml(tmp_path / "net.graphml")
    assert graph.is_directed()
    edge = graph.edges["USA", "CHN"]
    assert edge["stances"] == 2 and edge["event_REQUEST"] == 2
    assert edge["document_ids"] == "seed;seed-again"
    assert graph.nodes["USA"]["label"] == "United States"

    rows = list(csv.DictReader(io.StringIO(to_csv(network))))
    assert len(rows) == len(network["dyads"])
    usa_chn = next(r for r in rows if (r["source"], r["target"]) == ("USA", "CHN"))
    assert usa_chn["REQUEST"] == "2" and usa_chn["documents"] == "2"

    write_network(network, tmp_path / "net.json")
    NetworkResponse.model_validate_json((tmp_path / "net.json").read_bytes())
    draw_network(network, tmp_path / "net.png")
    assert (tmp_path / "net.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    with pytest.raises(ValueError, match="unknown network format"):
        write_network(network, tmp_path / "net.txt")


async def test_network_command_reads_batch_output(analyses: list[dict[str, Any]], tmp_path: Path) -> None:
    batch_output = tmp_path / "out.jsonl"
    error = {"id": "bad", "error": {"type": "/problems/x", "title": "x", "status": 422, "detail": "x"}}
    batch_output.write_bytes(b"".join(orjson.dumps(a) + b"\n" for a in [*analyses, error]))
    graphml, table, svg = tmp_path / "net.graphml", tmp_path / "net.csv", tmp_path / "net.svg"
    status = cli_main(["network", str(batch_output), "-o", str(graphml), "--csv", str(table), "--picture", str(svg)])
    assert status == 0
    assert nx.read_graphml(graphml).has_edge("USA", "CHN")
    assert table.read_text().startswith("source,target,")
    assert b"<svg" in svg.read_bytes()[:500]
    assert cli_main(["network", str(batch_output)]) == 2  # no output named
    assert cli_main(["network", str(tmp_path / "missing.jsonl"), "-o", str(graphml)]) == 2


async def test_post_network_with_documents_and_with_analyses(
    client: httpx.AsyncClient, analyses: list[dict[str, Any]]
) -> None:
    documents = [{"id": doc_id, "text": text} for doc_id, text in SENTENCES.items()]
    by_documents = await client.post("/v1/network", json={"documents": [*documents, {"id": "blank", "text": " "}]})
    assert by_documents.status_code == 200, by_documents.text
    network = NetworkResponse.model_validate(by_documents.json())
    assert [f.id for f in network.failed] == ["blank"]
    assert network.failed[0].error.status == 422
    assert network.documents == 3

    by_analyses = await client.post("/v1/network", json={"analyses": analyses, "by": "country", "max_evidence": 2})
    assert by_analyses.status_code == 200, by_analyses.text
    from_analyses = NetworkResponse.model_validate(by_analyses.json())
    pairs = {(d.source, d.target): d.stances for d in from_analyses.dyads}
    assert pairs == {(d.source, d.target): d.stances for d in network.dyads}
    assert pairs[("USA", "CHN")] == 2


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"documents": [{"text": "x"}], "analyses": [{"id": "a", "error": {}}]},
        {"documents": []},
        {"analyses": [{"id": "a"}]},
        {"documents": [{"text": "x"}], "by": "planet"},
    ],
)
async def test_post_network_invalid_bodies_are_422(client: httpx.AsyncClient, body: dict[str, Any]) -> None:
    response = await client.post("/v1/network", json=body)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")


async def test_post_network_over_the_batch_limit_is_413(client: httpx.AsyncClient) -> None:
    documents = [{"text": SEED_SENTENCE}] * 5  # the test app allows 4
    response = await client.post("/v1/network", json={"documents": documents})
    assert response.status_code == 413, response.text


async def test_network_is_in_the_openapi_spec_and_the_page_is_not(client: httpx.AsyncClient) -> None:
    spec = (await client.get("/openapi.json")).json()
    assert spec["paths"]["/v1/network"]["post"]["operationId"] == "buildNetwork"
    assert "/" not in spec["paths"] and not any(p.startswith("/static") for p in spec["paths"])
    for name in ("NetworkRequest", "NetworkResponse", "NetworkNode", "Dyad", "DyadEvidence"):
        for field, schema in spec["components"]["schemas"][name]["properties"].items():
            assert schema.get("description"), f"{name}.{field} has no description"


async def test_the_network_is_the_same_in_any_order_and_any_split(analyses: list[dict[str, Any]]) -> None:
    problem = {"type": "/problems/too-large", "title": "Content Too Large", "status": 413, "detail": "too long"}
    entries = [*analyses, {"id": "bad", "error": problem}]
    copies = [{**orjson.loads(orjson.dumps(a)), "id": f"{a['id']}-{n}"} for n in range(3) for a in analyses]
    # With ids capped (as stancewire network runs): ids sorted, ties broken by id, exact integer sums.
    forward = build_network([*entries, *copies], max_evidence=2, max_ids=100)
    backward = build_network([*reversed(copies), *reversed(entries)], max_evidence=2, max_ids=100)
    assert forward == backward
    by_actor = build_network([*entries, *copies], by="actor", max_ids=100)
    assert by_actor == build_network([*copies, *entries][::-1], by="actor", max_ids=100)
    # Uncapped, only the id lists keep their first-seen order (the API's contract); the rest is equal.
    plain = build_network([*reversed(copies), *reversed(entries)], max_evidence=2)
    for dyad_entry in [*plain["dyads"], *forward["dyads"]]:
        dyad_entry["documents"] = sorted(dyad_entry["documents"])
        dyad_entry.pop("document_count", None)
    assert {**plain, "failed": []} == {k: v for k, v in {**forward, "failed": []}.items() if k != "failed_count"}


async def test_capped_ids_keep_exact_counts_and_the_smallest_ids(analyses: list[dict[str, Any]]) -> None:
    seed = next(a for a in analyses if a["id"] == "seed")
    copies = [{**orjson.loads(orjson.dumps(seed)), "id": f"doc-{n:02d}"} for n in range(30)]
    problem = {"type": "/problems/x", "title": "x", "status": 422, "detail": "x"}
    failures = [{"id": f"bad-{n:02d}", "error": problem} for n in range(7)]
    network = build_network([*copies[::-1], *failures[::-1]], max_ids=5)
    usa_chn = dyad(network, "USA", "CHN")
    assert usa_chn["document_count"] == 30 and usa_chn["stances"] == 30
    assert usa_chn["documents"] == [f"doc-{n:02d}" for n in range(5)]
    assert network["failed_count"] == 7 and [f["id"] for f in network["failed"]] == [f"bad-{n:02d}" for n in range(5)]
    # Uncapped (POST /v1/network, bounded input): every id, first-seen order, and no count fields.
    uncapped = build_network(copies)
    assert dyad(uncapped, "USA", "CHN")["documents"] == [c["id"] for c in copies]
    assert "failed_count" not in uncapped and "document_count" not in dyad(uncapped, "USA", "CHN")
    rows = list(csv.DictReader(io.StringIO(to_csv(network))))
    capped_row = next(r for r in rows if (r["source"], r["target"]) == ("USA", "CHN"))
    assert capped_row["documents"] == "30" and capped_row["document_ids"].count(";") == 4


async def test_dyads_carry_the_first_and_last_day_of_their_dated_stances(
    client: httpx.AsyncClient, tmp_path: Path
) -> None:
    documents = [
        {
            "id": "march",
            "date": "2024-03-14",
            "text": "Russian forces shelled Ukrainian positions near Kherson overnight.",
        },
        {"id": "may", "date": "2024-05-20", "text": "Russian troops attacked Ukraine's Kharkiv region last week."},
        {"id": "undated", "text": "Russian forces shelled Ukrainian positions on Tuesday."},
    ]
    body = (await client.post("/v1/network", json={"documents": documents, "by": "country"})).json()
    pair = dyad(body, "RUS", "UKR")
    assert pair["first_date"] == "2024-03-13" and pair["last_date"] == "2024-05-19"
    assert pair["dated"] == 2 and pair["stances"] == 3  # the undated Tuesday leaves the span as it is
    # The same analyses sent back in: their dates survive the contract and give the same span.
    batch = await client.post("/v1/analyze/batch", json={"documents": documents})
    assert batch.status_code == 200, batch.text
    again = await client.post("/v1/network", json={"analyses": batch.json()["results"]})
    assert again.status_code == 200, again.text
    again_pair = dyad(again.json(), "RUS", "UKR")
    assert {k: again_pair[k] for k in ("first_date", "last_date", "dated")} == {
        "first_date": "2024-03-13",
        "last_date": "2024-05-19",
        "dated": 2,
    }
    rows = list(csv.DictReader(io.StringIO(to_csv(body))))
    row = next(r for r in rows if (r["source"], r["target"]) == ("RUS", "UKR"))
    assert (row["first_date"], row["last_date"]) == ("2024-03-13", "2024-05-19")
    write_network(body, tmp_path / "net.graphml")
    edge = nx.read_graphml(tmp_path / "net.graphml").edges["RUS", "UKR"]
    assert (edge["first_date"], edge["last_date"]) == ("2024-03-13", "2024-05-19")


def _set(analysis: dict[str, Any], path: tuple[str | int, ...], value: object) -> None:
    *parents, last = path
    node: Any = analysis
    for key in parents:
        node = node[key]
    node[last] = value


@pytest.fixture
async def placed_and_dated(client: httpx.AsyncClient) -> dict[str, Any]:
    """The documented example's real analysis: a stance placed in Beijing and dated Tuesday."""
    response = await client.post("/v1/analyze", json=analyze_request_example())
    assert response.status_code == 200, response.text
    analysis: dict[str, Any] = response.json()
    return analysis


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (("stances", 0, "trigger", "start"), True),
        (("stances", 0, "sentence"), True),
        (("stances", 0, "score"), True),
        (("actors", 0, "mentions", 0, "end"), False),
        (("actors", 0, "salience"), True),
        (("stances", -1, "location", "geonames_id"), True),
        (("stances", -1, "location", "mention", "start"), True),
        (("stances", -1, "location", "latitude"), True),
        (("stances", -1, "location", "ambiguous"), 1),
        (("stances", -1, "date", "resolved"), 1),
        (("meta", "tokens"), True),
    ],
)
async def test_a_boolean_for_a_number_or_a_number_for_a_boolean_is_refused(
    client: httpx.AsyncClient, placed_and_dated: dict[str, Any], path: tuple[str | int, ...], value: object
) -> None:
    last = placed_and_dated["stances"][-1]
    assert last["location"]["name"] == "Beijing" and last["location"]["geonames_id"], last
    assert last["date"]["value"] == "2024-05-14" and last["date"]["resolved"] is True, last
    accepted = await client.post("/v1/network", json={"analyses": [placed_and_dated]})
    assert accepted.status_code == 200, accepted.text
    *parents, field = path
    node: Any = placed_and_dated
    for key in parents:
        node = node[key]
    node[field] = value
    response = await client.post("/v1/network", json={"analyses": [placed_and_dated]})
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert any(str(field) in error["loc"] for error in response.json()["errors"]), response.text


async def test_an_integral_float_offset_is_still_an_integer(
    client: httpx.AsyncClient, placed_and_dated: dict[str, Any]
) -> None:
    trigger = placed_and_dated["stances"][0]["trigger"]
    trigger["start"] = float(trigger["start"])  # what a JSON writer that keeps every number a float sends
    response = await client.post("/v1/network", json={"analyses": [placed_and_dated]})
    assert response.status_code == 200, response.text
