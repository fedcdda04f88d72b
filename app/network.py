"""Aggregate the stances of many analyses into a network of dyads, and write it out.

A dyad is every stance one node holds toward another: a node is a country (an actor's ISO
alpha-3 ``country``; ``igo``/``ngo`` actors without one count as ``IGO``/``NGO``) or, with
``by="actor"``, a named actor. A dyad's time span runs from the first to the last day
its stances' resolved dates cover (``Stance.date``; undated stances leave it open). The
aggregation works on plain v1 analysis dicts, so it serves ``stancewire network`` over a
batch's JSONL output and ``POST /v1/network`` alike.
"""

from __future__ import annotations

import bisect
import csv
import io
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import orjson

from app.nlp.taxonomy import EVENT_NAMES, KIND_CODES, QUADS

Level = Literal["country", "actor"]


# Scores and saliences are summed as integers in millionths: exact, so that a network comes out the
# same whatever order its documents (or shards) are added in.
_SCALE = 1_000_000


def _most_common(counts: Counter[str]) -> list[str]:
    """Keys by count, ties in alphabetical order: the same whatever order they were counted in."""
    return [key for key, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]


@dataclass
class _Node:
    key: str
    labels: Counter[str] = field(default_factory=Counter)
    kinds: Counter[str] = field(default_factory=Counter)
    countries: Counter[str] = field(default_factory=Counter)
    sectors: Counter[str] = field(default_factory=Counter)
    documents: int = 0  # documents in which the node is an actor
    salience: int = 0  # sum over those documents of its highest salience there, in millionths
    stances_out: int = 0
    stances_in: int = 0


@dataclass
class _Dyad:
    events: Counter[str] = field(default_factory=Counter)
    quads: Counter[str] = field(default_factory=Counter)
    modalities: Counter[str] = field(default_factory=Counter)
    score: int = 0  # sum of the scores of the stances that are not negated, in millionths
    scored: int = 0
    documents: int = 0
    document_ids: list[str] = field(default_factory=list)
    evidence: list[dict[str, Any]] = field(default_factory=list)
    stances: int = 0
    first_date: str | None = None  # ISO: the earliest first day of the stances' resolved dates
    last_date: str | None = None  # and the latest last day (min and max: the same in any order)
    dated: int = 0  # stances with a resolved date

    def date(self, found: Any) -> None:
        """Widen the dyad's time span by one stance's date (v1 ``Stance.date``), if it is resolved."""
        if not isinstance(found, Mapping) or not found.get("first") or not found.get("last"):
            return
        first, last = str(found["first"]), str(found["last"])
        self.dated += 1
        self.first_date = first if self.first_date is None else min(self.first_date, first)
        self.last_date = last if self.last_date is None else max(self.last_date, last)


def node_key(actor: Mapping[str, Any], by: Level) -> str | None:
    """Return the node an actor belongs to at the given level, or None when it has none."""
    if by == "actor":
        name = actor.get("name")
        return name.strip() or None if isinstance(name, str) else None
    country = actor.get("country")
    if isinstance(country, str) and country:
        return country
    return KIND_CODES.get(str(actor.get("kind")))


def is_error(entry: Mapping[str, Any]) -> bool:
    """True for a batch entry that records a failed document rather than an analysis."""
    return "error" in entry and "actors" not in entry


def _evidence_order(evidence: Mapping[str, Any]) -> tuple[float, str, str]:
    # Most confident first; ties by document and stance id, so the order of the input does not matter.
    return (-evidence["_confidence"], str(evidence["document"]), evidence["stance"])


class NetworkBuilder:
    """Accumulate analyses one at a time, then ``result()`` the network.

    Its memory grows with the nodes and dyads, not with the documents, except for the document ids
    it lists: every one per dyad and every failure by default (``POST /v1/network``, whose input is
    bounded), or with ``max_ids`` the ``max_ids`` smallest of each, with exact counts beside them
    (``stancewire network`` over a corpus). Built from the same documents in any order, or from
    shards of them, the network is the same.
    """

    def __init__(self, by: Level = "country", max_evidence: int = 5, max_ids: int | None = None) -> None:
        self.by: Level = by
        self.max_evidence = max_evidence
        self.max_ids = max_ids
        self.documents = 0
        self.stances = 0
        self.stances_in_dyads = 0
        self.failed: list[dict[str, Any]] = []
        self.failed_count = 0
        self._nodes: dict[str, _Node] = {}
        self._dyads: dict[tuple[str, str], _Dyad] = defaultdict(_Dyad)

    def add(self, entry: Mapping[str, Any]) -> None:
        """Add one analysis (a v1 response dict); an ``{"id", "error"}`` entry is recorded as failed."""
        if is_error(entry):
            self.failed_count += 1
            failure = {"id": entry.get("id"), "error": entry.get("error")}
            self._keep(self.failed, failure, lambda f: str(f["id"]))
            return
        index = self.documents
        self.documents += 1
        raw_id = entry.get("id")
        doc_id = str(raw_id) if raw_id is not None else f"#{index}"
        keys: dict[str, str] = {}
        salience: dict[str, float] = {}  # node -> its highest salience in this document
        for actor in entry.get("actors") or []:
            key = node_key(actor, self.by)
            if key is None:
                continue
            keys[str(actor.get("id"))] = key
            node = self._nodes.get(key) or self._nodes.setdefault(key, _Node(key))
            node.labels[self._label(actor, key)] += 1
            node.kinds[str(actor.get("kind"))] += 1
            if actor.get("country"):
                node.countries[str(actor["country"])] += 1
            if actor.get("sector"):
                node.sectors[str(actor["sector"])] += 1
            salience[key] = max(salience.get(key, 0.0), float(actor.get("salience") or 0.0))
        for key, highest in salience.items():
            self._nodes[key].documents += 1
            self._nodes[key].salience += round(highest * _SCALE)
        touched: set[tuple[str, str]] = set()
        for stance in entry.get("stances") or []:
            self.stances += 1
            holders = {keys[h] for h in stance.get("holder") or [] if h in keys}
            targets = {keys[t] for t in stance.get("target") or [] if t in keys}
            pairs = [(h, t) for h in sorted(holders) for t in sorted(targets)]
            if pairs:
                self.stances_in_dyads += 1
            for pair in pairs:
                self._count(pair, stance, doc_id)
                if pair not in touched:
                    touched.add(pair)
                    dyad = self._dyads[pair]
                    dyad.documents += 1
                    self._keep(dyad.document_ids, doc_id, str)

    def _keep(self, kept: list[Any], item: Any, key: Callable[[Any], str]) -> None:
        """Keep every item in arrival order, or with ``max_ids`` the smallest by ``key``."""
        if self.max_ids is None:
            kept.append(item)
            return
        if len(kept) >= self.max_ids and (not kept or key(item) >= key(kept[-1])):
            return
        bisect.insort(kept, item, key=key)
        del kept[self.max_ids :]

    def _label(self, actor: Mapping[str, Any], key: str) -> str:
        # By country, a state's own name labels its node; other actors only vote for their code.
        if self.by == "actor" or actor.get("kind") == "state":
            return str(actor.get("name") or key)
        return key

    def _count(self, pair: tuple[str, str], stance: Mapping[str, Any], doc_id: str) -> None:
        dyad = self._dyads[pair]
        dyad.stances += 1
        event, quad, modality = str(stance.get("event")), str(stance.get("quad")), str(stance.get("modality"))
        dyad.events[event] += 1
        dyad.quads[quad] += 1
        dyad.modalities[modality] += 1
        score = float(stance.get("score") or 0.0)
        if modality != "negated":
            dyad.score += round(score * _SCALE)
            dyad.scored += 1
        dyad.date(stance.get("date"))
        self._nodes[pair[0]].stances_out += 1
        self._nodes[pair[1]].stances_in += 1
        evidence = stance.get("evidence") or {}
        trigger = stance.get("trigger") or {}
        dyad.evidence.append(
            {
                "document": doc_id,
                "stance": str(stance.get("id")),
                "event": event,
                "modality": modality,
                "score": score,
                "trigger": str(trigger.get("text", "")),
                "text": str(evidence.get("text", "")),
                "start": int(evidence.get("start", 0)),
                "end": int(evidence.get("end", 0)),
                "_confidence": float(stance.get("confidence") or 0.0),
            }
        )
        if len(dyad.evidence) > self.max_evidence:
            dyad.evidence.sort(key=_evidence_order)
            del dyad.evidence[self.max_evidence :]

    def result(self) -> dict[str, Any]:
        """Return the network as a plain dict shaped like ``NetworkResponse``.

        With ``max_ids``, each dyad also has ``document_count`` and the network ``failed_count``: its
        ``documents`` and ``failed`` lists are then the smallest ids of longer lists.
        """
        dyads: list[dict[str, Any]] = []
        for (source, target), dyad in self._dyads.items():
            evidence = sorted(dyad.evidence, key=_evidence_order)
            entry: dict[str, Any] = {
                "source": source,
                "target": target,
                "source_label": self._node_label(source),
                "target_label": self._node_label(target),
                "stances": dyad.stances,
                "events": {e: dyad.events[e] for e in EVENT_NAMES if dyad.events[e]},
                "quads": {q: dyad.quads[q] for q in QUADS if dyad.quads[q]},
                "modalities": {m: dyad.modalities[m] for m in _most_common(dyad.modalities)},
                "mean_score": round(dyad.score / dyad.scored / _SCALE, 3) if dyad.scored else None,
                "documents": list(dyad.document_ids),
                "first_date": dyad.first_date,
                "last_date": dyad.last_date,
                "dated": dyad.dated,
                "evidence": [{k: v for k, v in e.items() if k != "_confidence"} for e in evidence],
            }
            if self.max_ids is not None:
                entry["document_count"] = dyad.documents
            dyads.append(entry)
        dyads.sort(key=lambda d: (-d["stances"], d["source"], d["target"]))
        in_dyads = {key for d in dyads for key in (d["source"], d["target"])}
        nodes: list[dict[str, Any]] = [self._node_dict(node) for key, node in self._nodes.items() if key in in_dyads]
        nodes.sort(key=lambda n: (-(n["stances_out"] + n["stances_in"]), n["id"]))
        network: dict[str, Any] = {
            "by": self.by,
            "documents": self.documents,
            "stances": self.stances,
            "stances_in_dyads": self.stances_in_dyads,
            "failed": self.failed,
            "nodes": nodes,
            "dyads": dyads,
        }
        if self.max_ids is not None:
            network["failed_count"] = self.failed_count
        return network

    def _node_label(self, key: str) -> str:
        labels = self._nodes[key].labels
        if self.by == "country":
            # Prefer the name of the state itself over the bare code.
            named = [(n, label) for label, n in labels.items() if label != key]
            if named:
                return max(named)[1]
            return key
        return _most_common(labels)[0] if labels else key

    def _node_dict(self, node: _Node) -> dict[str, Any]:
        kinds = _most_common(node.kinds)
        kind = kinds[0] if self.by == "actor" or len(kinds) == 1 else None
        if self.by == "country":
            country = node.key if node.key not in KIND_CODES.values() else None
        else:
            country = _most_common(node.countries)[0] if node.countries else None
        sector = _most_common(node.sectors)[0] if self.by == "actor" and node.sectors else None
        return {
            "id": node.key,
            "label": self._node_label(node.key),
            "kind": kind,
            "country": country,
            "sector": sector,
            "documents": node.documents,
            "salience": round(node.salience / node.documents / _SCALE, 4) if node.documents else 0.0,
            "stances_out": node.stances_out,
            "stances_in": node.stances_in,
        }


def build_network(
    entries: Iterable[Mapping[str, Any]], by: Level = "country", max_evidence: int = 5, max_ids: int | None = None
) -> dict[str, Any]:
    """Aggregate analyses (and error entries) into a network dict shaped like ``NetworkResponse``."""
    builder = NetworkBuilder(by, max_evidence, max_ids)
    for entry in entries:
        builder.add(entry)
    return builder.result()


# -- output -----------------------------------------------------------------------------------


def document_count(dyad: Mapping[str, Any]) -> int:
    """Documents behind a dyad: its count where the id list is capped, else the list's length."""
    count: int = dyad.get("document_count", len(dyad["documents"]))
    return count


def to_graph(network: Mapping[str, Any]) -> Any:
    """Return the network as a ``networkx.DiGraph`` with scalar attributes (GraphML-safe)."""
    import networkx as nx

    graph = nx.DiGraph(by=network["by"], documents=network["documents"])
    for node in network["nodes"]:
        graph.add_node(node["id"], **{k: v for k, v in node.items() if k != "id" and v is not None})
    for dyad in network["dyads"]:
        attrs: dict[str, Any] = {
            "stances": dyad["stances"],
            "weight": dyad["stances"],
            "documents": document_count(dyad),
            "document_ids": ";".join(str(d) for d in dyad["documents"]),
            "top_event": max(dyad["events"].items(), key=lambda kv: kv[1])[0],
            "evidence": " | ".join(e["text"] for e in dyad["evidence"]),
        }
        if dyad["mean_score"] is not None:
            attrs["mean_score"] = dyad["mean_score"]
        attrs.update({k: str(dyad[k]) for k in ("first_date", "last_date") if dyad.get(k)})
        attrs.update({f"event_{k}": v for k, v in dyad["events"].items()})
        attrs.update({f"quad_{k}": v for k, v in dyad["quads"].items()})
        attrs.update({f"modality_{k}": v for k, v in dyad["modalities"].items()})
        graph.add_edge(dyad["source"], dyad["target"], **attrs)
    return graph


CSV_COLUMNS = [
    "source", "target", "source_label", "target_label", "stances", "mean_score", "documents",
    "first_date", "last_date", *EVENT_NAMES, *QUADS, "document_ids",
]  # fmt: skip


def to_csv(network: Mapping[str, Any]) -> str:
    """Return one CSV row per dyad, with a column per event category and quad class."""
    out = io.StringIO()
    writer = csv.DictWriter(out, CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for dyad in network["dyads"]:
        row: dict[str, Any] = {k: dyad[k] for k in ("source", "target", "source_label", "target_label", "stances")}
        row["mean_score"] = "" if dyad["mean_score"] is None else dyad["mean_score"]
        row["documents"] = document_count(dyad)
        row.update({k: dyad.get(k) or "" for k in ("first_date", "last_date")})
        row.update({e: dyad["events"].get(e, 0) for e in EVENT_NAMES})
        row.update({q: dyad["quads"].get(q, 0) for q in QUADS})
        row["document_ids"] = ";".join(str(d) for d in dyad["documents"])
        writer.writerow(row)
    return out.getvalue()


def write_network(network: Mapping[str, Any], path: Path) -> None:
    """Write the network in the format the path's extension names: .graphml, .csv or .json."""
    suffix = path.suffix.lower()
    path.parent.mkdir(parents=True, exist_ok=True)
    if suffix == ".graphml":
        import networkx as nx

        nx.write_graphml(to_graph(network), path)
    elif suffix == ".csv":
        path.write_text(to_csv(network), encoding="utf-8")
    elif suffix == ".json":
        path.write_bytes(orjson.dumps(network, option=orjson.OPT_INDENT_2) + b"\n")
    else:
        raise ValueError(f"{path}: unknown network format {suffix!r} (use .graphml, .csv or .json)")


def _component_layout(graph: Any) -> dict[Any, Any]:
    """Lay out the largest component in a square, and tile the smaller ones in a column beside it."""
    import networkx as nx
    import numpy as np

    components = sorted(nx.weakly_connected_components(graph), key=lambda c: (-len(c), sorted(map(str, c))))
    positions: dict[Any, Any] = {}
    main_size = 1.25 * len(components[0]) ** 0.5
    column_width = max(main_size * 0.45, 2.5)
    x0 = main_size + 0.8
    x = y = row_height = 0.0
    for index, component in enumerate(components):
        sub = graph.subgraph(component).to_undirected()
        size = main_size if index == 0 else 0.6 + 0.4 * len(component) ** 0.5
        local = nx.spring_layout(sub, seed=7, k=2.0 / len(component) ** 0.5, iterations=500, scale=size / 2)
        if index == 0:
            origin = np.array([size / 2, -size / 2])
        else:
            if x + size > column_width and x > 0:
                x, y, row_height = 0.0, y - row_height - 0.5, 0.0
            origin = np.array([x0 + x + size / 2, y - size / 2])
            x += size + 0.5
            row_height = max(row_height, size)
        for node, point in local.items():
            positions[node] = origin + point
    return positions


def draw_network(network: Mapping[str, Any], path: Path, title: str | None = None, max_nodes: int = 60) -> None:
    """Draw the network to PNG or SVG: nodes sized by stances, edges coloured by mean PLOVER score."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import networkx as nx
    from matplotlib.colors import LinearSegmentedColormap, Normalize

    if path.suffix.lower() not in (".png", ".svg"):
        raise ValueError(f"{path}: pictures are .png or .svg")
    graph = to_graph(network)
    # Domestic dyads (a country toward itself) stay in the data; loops would only clutter the picture.
    graph.remove_edges_from(list(nx.selfloop_edges(graph)))
    if graph.number_of_nodes() > max_nodes:
        busiest = sorted(graph.nodes, key=lambda n: -graph.degree(n, weight="stances"))[:max_nodes]
        graph = graph.subgraph(busiest).copy()
    graph.remove_nodes_from([n for n in list(graph.nodes) if graph.degree(n) == 0])
    fig, ax = plt.subplots(figsize=(14, 10), dpi=100)
    norm = Normalize(vmin=-10, vmax=10)
    # Conflict red through a neutral grey (visible on white, unlike yellow) to cooperation green.
    cmap = LinearSegmentedColormap.from_list("plover", ["#b3141c", "#e08214", "#8c8c8c", "#5aae61", "#1a5e20"])
    if graph.number_of_nodes():
        # Components side by side, each laid out on its own, so the big one is not squeezed.
        layout = _component_layout(graph)
        sizes = [min(160 + 45 * graph.degree(n, weight="stances"), 1400) for n in graph.nodes]
        nx.draw_networkx_nodes(graph, layout, ax=ax, node_size=sizes, node_color="#d9e2ef", edgecolors="#34495e")
        nx.draw_networkx_labels(graph, layout, ax=ax, labels={n: str(n) for n in graph.nodes}, font_size=8)
        edges = list(graph.edges(data=True))
        colours = [cmap(norm(d["mean_score"])) if "mean_score" in d else (0.6, 0.6, 0.6, 1.0) for _, _, d in edges]
        widths = [1.0 + 1.2 * min(d["stances"], 6) for _, _, d in edges]
        nx.draw_networkx_edges(
            graph,
            layout,
            ax=ax,
            edgelist=[(u, v) for u, v, _ in edges],
            edge_color=colours,
            width=widths,
            arrows=True,
            arrowsize=14,
            node_size=sizes,
            connectionstyle="arc3,rad=0.12",
        )
    mappable = plt.cm.ScalarMappable(norm=norm, cmap=cmap)
    fig.colorbar(mappable, ax=ax, shrink=0.7, label="mean PLOVER score (−10 conflict … +10 cooperation)")
    shown = f"{graph.number_of_nodes()} of {len(network['nodes'])} nodes drawn" if network["nodes"] else "no dyads"
    ax.set_title(
        title
        or f"Stance network by {network['by']}: {network['documents']} documents, "
        f"{len(network['dyads'])} dyads ({shown})"
    )
    ax.set_axis_off()
    ax.set_aspect("equal")
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, bbox_inches="tight", metadata={"Date": None} if path.suffix.lower() == ".svg" else None)
    plt.close(fig)
