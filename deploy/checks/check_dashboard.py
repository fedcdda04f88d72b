#!/usr/bin/env python3
"""Structural check of the Grafana dashboard, since Grafana cannot run here.

Checks deploy/grafana/dashboards/*.json against the provisioning files:
no exported ``${DS_...}`` inputs; every panel refers to a datasource uid that
deploy/grafana/provisioning/datasources defines, has a gridPos inside the
24-column grid that overlaps no other panel, and has at least one target with
a PromQL expression; every template variable uses a provisioned datasource;
the dashboards provider loads the folder that docker compose mounts; and
every Stancewire metric appears in at least one query.

    python deploy/checks/check_dashboard.py        # exit 1 on any problem

tests/test_deploy.py imports ``check`` and ``queries`` from here.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

import yaml

DEPLOY = Path(__file__).resolve().parent.parent
DASHBOARDS = DEPLOY / "grafana" / "dashboards"
PROVISIONING = DEPLOY / "grafana" / "provisioning"
COMPOSE = DEPLOY / "compose" / "docker-compose.yml"

# Every metric the service exports (see the README's metrics reference).
METRICS = (
    "stancewire_requests_total",
    "stancewire_request_duration_seconds",
    "stancewire_pipeline_stage_seconds",
    "stancewire_documents_total",
    "stancewire_tokens_total",
    "stancewire_document_tokens",
    "stancewire_stances_total",
    "stancewire_actors_total",
    "stancewire_queue_depth",
    "stancewire_inflight",
    "stancewire_batch_size",
    "stancewire_workers",
    "stancewire_worker_restarts_total",
    "stancewire_worker_gemm",
    "stancewire_rejected_total",
    "stancewire_documents_dropped_total",
    "stancewire_connections",
    "stancewire_connections_closed_total",
    "stancewire_build_info",
    # Process resources: the API process and each worker.
    "process_resident_memory_bytes",
    "process_cpu_seconds_total",
    "stancewire_worker_resident_memory_bytes",
    "stancewire_worker_cpu_seconds_total",
)
GRID_COLUMNS = 24


def provisioned_datasources() -> dict[str, dict[str, Any]]:
    """Datasources that Grafana provisioning defines, by uid."""
    found: dict[str, dict[str, Any]] = {}
    for path in sorted((PROVISIONING / "datasources").glob("*.y*ml")):
        for ds in (yaml.safe_load(path.read_text()) or {}).get("datasources") or []:
            if ds.get("uid"):
                found[ds["uid"]] = ds
    return found


def _panels(dashboard: dict[str, Any]) -> list[dict[str, Any]]:
    """All panels, including those collapsed inside rows."""
    out: list[dict[str, Any]] = []
    for panel in dashboard.get("panels") or []:
        out.append(panel)
        out.extend(panel.get("panels") or [])
    return out


def queries(path: Path) -> list[tuple[str, str]]:
    """(where, PromQL) for every panel target of a dashboard."""
    dashboard = json.loads(path.read_text())
    found = []
    for panel in _panels(dashboard):
        for target in panel.get("targets") or []:
            if target.get("expr"):
                found.append((f"panel {panel.get('title')!r} target {target.get('refId')}", target["expr"]))
    return found


def variable_queries(path: Path) -> list[tuple[str, str]]:
    """(variable name, Grafana query) for every query-type template variable."""
    dashboard = json.loads(path.read_text())
    found = []
    for var in (dashboard.get("templating") or {}).get("list") or []:
        if var.get("type") == "query":
            query = var.get("query")
            if isinstance(query, dict):
                query = query.get("query")
            found.append((var["name"], query or var.get("definition", "")))
    return found


def _datasource_problem(where: str, ds: Any, uids: dict[str, dict[str, Any]]) -> str | None:
    if not isinstance(ds, dict) or not ds.get("uid"):
        return f"{where}: datasource must be an object with a uid, got {ds!r}"
    if ds["uid"] not in uids:
        return f"{where}: datasource uid {ds['uid']!r} is not provisioned (known: {sorted(uids)})"
    if ds.get("type") and ds["type"] != uids[ds["uid"]].get("type"):
        return f"{where}: datasource type {ds['type']!r} differs from the provisioned {uids[ds['uid']].get('type')!r}"
    return None


def check_file(path: Path, uids: dict[str, dict[str, Any]]) -> list[str]:  # noqa: PLR0915 (a checklist)
    """Problems with one dashboard file."""
    text = path.read_text()
    problems: list[str] = []
    try:
        dashboard = json.loads(text)
    except json.JSONDecodeError as exc:
        return [f"{path.name}: not JSON: {exc}"]
    name = path.name
    if "${DS_" in text or "__inputs" in dashboard or "__requires" in dashboard:
        problems.append(f"{name}: exported with ${{DS_...}} inputs; refer to the datasource by its provisioned uid")
    for key in ("uid", "title", "panels", "schemaVersion"):
        if not dashboard.get(key):
            problems.append(f"{name}: missing {key!r}")

    ids: set[int] = set()
    cells: dict[tuple[int, int], str] = {}
    for panel in _panels(dashboard):
        title = panel.get("title") or f"id {panel.get('id')}"
        where = f"{name}: panel {title!r}"
        if panel.get("id") in ids:
            problems.append(f"{where}: duplicate panel id {panel.get('id')}")
        ids.add(panel.get("id"))
        if panel.get("type") == "row":
            continue
        if problem := _datasource_problem(where, panel.get("datasource"), uids):
            problems.append(problem)
        grid = panel.get("gridPos")
        if not isinstance(grid, dict) or not all(isinstance(grid.get(k), int) for k in ("h", "w", "x", "y")):
            problems.append(f"{where}: gridPos needs integer h, w, x, y, got {grid!r}")
        else:
            if grid["w"] < 1 or grid["h"] < 1 or grid["x"] < 0 or grid["y"] < 0 or grid["x"] + grid["w"] > GRID_COLUMNS:
                problems.append(f"{where}: gridPos {grid} is outside the {GRID_COLUMNS}-column grid")
            for x in range(grid["x"], grid["x"] + grid["w"]):
                for y in range(grid["y"], grid["y"] + grid["h"]):
                    if (x, y) in cells:
                        problems.append(f"{where}: overlaps panel {cells[(x, y)]!r} at x={x}, y={y}")
                        break
                    cells[(x, y)] = title
                else:
                    continue
                break
        targets = panel.get("targets") or []
        if not targets:
            problems.append(f"{where}: no targets")
        refids = [t.get("refId") for t in targets]
        if len(set(refids)) != len(refids) or not all(refids):
            problems.append(f"{where}: targets need distinct refIds, got {refids}")
        for target in targets:
            twhere = f"{where} target {target.get('refId')}"
            if not (target.get("expr") or "").strip():
                problems.append(f"{twhere}: empty expr")
            if "datasource" in target and (problem := _datasource_problem(twhere, target["datasource"], uids)):
                problems.append(problem)

    for var in (dashboard.get("templating") or {}).get("list") or []:
        if var.get("type") == "query" and (
            problem := _datasource_problem(f"{name}: variable {var.get('name')!r}", var.get("datasource"), uids)
        ):
            problems.append(problem)

    exprs = " ".join(expr for _, expr in queries(path))
    for metric in METRICS:
        base = re.escape(metric)
        if not re.search(rf"\b{base}(_bucket|_sum|_count)?\b", exprs):
            problems.append(f"{name}: no panel shows {metric}")
    return problems


def check_provider() -> list[str]:
    """The dashboards provider must load the folder that compose mounts into Grafana."""
    problems: list[str] = []
    paths = []
    for path in sorted((PROVISIONING / "dashboards").glob("*.y*ml")):
        for provider in (yaml.safe_load(path.read_text()) or {}).get("providers") or []:
            paths.append((provider.get("options") or {}).get("path"))
    if not paths:
        return ["grafana/provisioning/dashboards: no dashboard provider"]
    compose = yaml.safe_load(COMPOSE.read_text())
    mounts = {}
    for volume in compose["services"]["grafana"].get("volumes") or []:
        source, target = volume.split(":")[:2]
        mounts[target] = (COMPOSE.parent / source).resolve()
    for path in paths:
        if mounts.get(path) != DASHBOARDS.resolve():
            problems.append(f"dashboard provider path {path!r} is not where compose mounts {DASHBOARDS}")
    return problems


def check() -> list[str]:
    """Every problem found in every dashboard and the provisioning."""
    uids = provisioned_datasources()
    problems = [] if uids else ["grafana/provisioning/datasources: no datasource with a uid"]
    files = sorted(DASHBOARDS.glob("*.json"))
    if not files:
        problems.append(f"{DASHBOARDS}: no dashboards")
    for path in files:
        problems.extend(check_file(path, uids))
    problems.extend(check_provider())
    return problems


def main() -> int:
    problems = check()
    for problem in problems:
        print(f"ERROR {problem}")
    if problems:
        return 1
    for path in sorted(DASHBOARDS.glob("*.json")):
        dashboard = json.loads(path.read_text())
        print(
            f"OK {path.relative_to(DEPLOY.parent)}: {len(_panels(dashboard))} panels, {len(queries(path))} queries, "
            f"datasource uids {sorted(provisioned_datasources())}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
