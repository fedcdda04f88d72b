#!/usr/bin/env python3
"""Structural check of deploy/compose/docker-compose.yml, since Docker cannot run here.

Ports are published on 127.0.0.1 only; every bind-mounted path exists; images
are pinned to a version; the stancewire service builds from the repository's
Dockerfile; Prometheus scrapes the stancewire service on the port it
listens on and loads the alert rules; Grafana's provisioned datasource points
at the Prometheus service.

    python deploy/checks/check_compose.py     # exit 1 on any problem
"""

from __future__ import annotations

import sys
from pathlib import Path
from urllib.parse import urlparse

import yaml

DEPLOY = Path(__file__).resolve().parent.parent
COMPOSE = DEPLOY / "compose" / "docker-compose.yml"


def check() -> list[str]:  # noqa: PLR0915 (a checklist)
    problems: list[str] = []
    compose = yaml.safe_load(COMPOSE.read_text())
    services = compose.get("services") or {}
    for required in ("stancewire", "prometheus", "grafana"):
        if required not in services:
            problems.append(f"no {required} service")
    named_volumes = set(compose.get("volumes") or {})
    for name, service in services.items():
        for port in service.get("ports") or []:
            if not str(port).startswith("127.0.0.1:"):
                problems.append(f"{name}: port {port!r} is not bound to 127.0.0.1")
        for volume in service.get("volumes") or []:
            source = str(volume).split(":")[0]
            if source.startswith((".", "/")):
                if not (COMPOSE.parent / source).exists():
                    problems.append(f"{name}: bind mount source {source} does not exist")
            elif source not in named_volumes:
                problems.append(f"{name}: volume {source!r} is not declared")
        image = service.get("image", "")
        if "build" not in service and (":" not in image or image.endswith(":latest")):
            problems.append(f"{name}: image {image!r} is not pinned to a version")

    app = services.get("stancewire") or {}
    build = app.get("build") or {}
    context = COMPOSE.parent / build.get("context", ".")
    if not (context / build.get("dockerfile", "Dockerfile")).is_file():
        problems.append("stancewire: build context has no Dockerfile")
    env = app.get("environment") or {}
    if env.get("STANCEWIRE_HOST") != "0.0.0.0":
        problems.append("stancewire: STANCEWIRE_HOST must be 0.0.0.0 inside the container")
    app_port = str(env.get("STANCEWIRE_PORT", "8000"))

    prom_service = services.get("prometheus") or {}
    mounts = {
        str(v).split(":")[1]: (COMPOSE.parent / str(v).split(":")[0]).resolve()
        for v in prom_service.get("volumes") or []
        if str(v).startswith(".")
    }
    config_flag = next(
        (c.split("=", 1)[1] for c in prom_service.get("command") or [] if c.startswith("--config.file=")), None
    )
    if not config_flag:
        problems.append("prometheus: no --config.file")
    else:
        config_dir = mounts.get(str(Path(config_flag).parent))
        if config_dir is None or not (config_dir / Path(config_flag).name).is_file():
            problems.append(f"prometheus: {config_flag} is not a mounted file")
        else:
            config = yaml.safe_load((config_dir / Path(config_flag).name).read_text())
            for rule_file in config.get("rule_files") or []:
                if not (config_dir / rule_file).is_file():
                    problems.append(f"prometheus: rule file {rule_file} is not mounted beside the config")
            targets = [
                t
                for job in config.get("scrape_configs") or []
                if job.get("job_name") == "stancewire"
                for sc in job.get("static_configs") or []
                for t in sc.get("targets") or []
            ]
            if f"stancewire:{app_port}" not in targets:
                problems.append(f"prometheus: job stancewire does not scrape stancewire:{app_port} (targets {targets})")

    grafana = services.get("grafana") or {}
    gmounts = {
        str(v).split(":")[1]: (COMPOSE.parent / str(v).split(":")[0]).resolve()
        for v in grafana.get("volumes") or []
        if str(v).startswith(".")
    }
    provisioning = gmounts.get("/etc/grafana/provisioning")
    if provisioning is None:
        problems.append("grafana: provisioning is not mounted at /etc/grafana/provisioning")
    else:
        for path in sorted((provisioning / "datasources").glob("*.y*ml")):
            for ds in yaml.safe_load(path.read_text()).get("datasources") or []:
                url = urlparse(ds.get("url", ""))
                if ds.get("type") == "prometheus" and (url.hostname not in services or url.port != 9090):
                    problems.append(
                        f"grafana: datasource {ds.get('uid')} url {ds.get('url')} is not the prometheus service"
                    )
    return problems


def main() -> int:
    problems = check()
    for problem in problems:
        print(f"ERROR {problem}")
    if not problems:
        print(
            f"OK {COMPOSE.relative_to(DEPLOY.parent)}: loopback-only ports, mounts exist, images pinned, "
            "Prometheus scrapes stancewire, Grafana reads Prometheus"
        )
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
