"""Operations: deploy/ and the Dockerfile, checked by the real tools.

- Static checks: promtool (check config, check rules, test rules), yamllint,
  kubernetes-validate plus the ServiceMonitor CRD schema and the deployment
  standards, hadolint, and the structure of the Grafana dashboard and of the
  docker compose file (Docker and Grafana cannot run here).
- Live check: a real Prometheus server on loopback scrapes a real
  ``stancewire serve``; after some traffic every PromQL expression of the
  dashboard and of the alert rules goes through Prometheus's HTTP API. Each
  must parse and evaluate; the dashboard's must return data.

promtool and prometheus come from the Debian package ``prometheus``. Without
them these tests skip, except under CI (``CI`` set), where they fail.
"""

from __future__ import annotations

import copy
import importlib.util
import json
import math
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
CHECKS = DEPLOY / "checks"
ALERTS = DEPLOY / "prometheus" / "alerts.yml"
DASHBOARD = DEPLOY / "grafana" / "dashboards" / "stancewire.json"
VENV_BIN = Path(sys.executable).parent
# Where every alert's runbook_url points: the README of the project's repository, by heading anchor.
RUNBOOK_BASE = "https://github.com/stancewire/stancewire/blob/main/README.md"

# Grafana's built-in variables, as a 1 s scrape interval makes them.
GRAFANA_INTERVALS = {"$__rate_interval": "1m", "$__interval": "15s", "$__range": "5m"}
# The seed article's first sentence: one REQUEST stance between two state actors.
SEED = (
    "The United States is urging China to press Russia to halt its aggression in Ukraine, a stance articulated "
    "by the U.S. Ambassador to China during a live address at a policy event held at the Stimson Center in Washington."
)
OTHER = "Germany accused Russia of violating the ceasefire, and France threatened new sanctions against Moscow."


def load_check(name: str) -> ModuleType:
    """Import one of deploy/checks/*.py by file name."""
    spec = importlib.util.spec_from_file_location(f"deploy_checks_{name}", CHECKS / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def tool(name: str, *, package: str) -> str:
    """Path of an executable: a skip when it is missing, a failure when it is missing in CI."""
    found = shutil.which(name) or (str(VENV_BIN / name) if (VENV_BIN / name).exists() else None)
    if found is None:
        message = f"{name} is not installed (install it with: {package})"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return found


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=ROOT, capture_output=True, text=True, timeout=120, check=False)


def assert_ok(result: subprocess.CompletedProcess[str]) -> None:
    assert result.returncode == 0, f"{' '.join(result.args)} failed:\n{result.stdout}\n{result.stderr}"


# --- static checks -------------------------------------------------------------------------------


@pytest.mark.prometheus
def test_promtool_check_config() -> None:
    promtool = tool("promtool", package="apt-get install -y prometheus")
    assert_ok(run(promtool, "check", "config", "deploy/prometheus/prometheus.yml"))


@pytest.mark.prometheus
def test_promtool_check_rules() -> None:
    promtool = tool("promtool", package="apt-get install -y prometheus")
    assert_ok(run(promtool, "check", "rules", "deploy/prometheus/alerts.yml"))


@pytest.mark.prometheus
def test_promtool_test_rules_fire_every_alert() -> None:
    promtool = tool("promtool", package="apt-get install -y prometheus")
    assert_ok(run(promtool, "test", "rules", "deploy/prometheus/alerts_test.yml"))
    # Every alert is expected to fire in at least one unit test.
    alerts = {rule["alert"] for group in yaml.safe_load(ALERTS.read_text())["groups"] for rule in group["rules"]}
    fired = {
        case["alertname"]
        for test in yaml.safe_load((DEPLOY / "prometheus" / "alerts_test.yml").read_text())["tests"]
        for case in test.get("alert_rule_test") or []
        if case.get("exp_alerts")
    }
    assert alerts - fired == set(), f"alerts without a unit test that fires them: {sorted(alerts - fired)}"


def test_alerts_carry_summary_description_and_runbook() -> None:
    for group in yaml.safe_load(ALERTS.read_text())["groups"]:
        for rule in group["rules"]:
            annotations = rule.get("annotations") or {}
            assert {"summary", "description", "runbook_url"} <= set(annotations), rule["alert"]
            # Absolute: an alert is read in Alertmanager, a chat or a pager, far from any checkout.
            runbook = annotations["runbook_url"]
            assert re.fullmatch(rf"{re.escape(RUNBOOK_BASE)}#stancewire[a-z0-9]+", runbook), rule["alert"]
            assert rule["labels"]["severity"] in {"warning", "critical"}, rule["alert"]


def test_runbooks_exist_in_readme() -> None:
    readme = ROOT / "README.md"
    if not readme.exists():
        pytest.fail("README.md is missing")
    anchors = set()
    in_code = False
    for line in readme.read_text().splitlines():
        if line.startswith("```"):
            in_code = not in_code
        elif line.startswith("#") and not in_code:
            # GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens.
            anchors.add(re.sub(r"[^a-z0-9 -]", "", line.lstrip("#").strip().lower()).replace(" ", "-"))
    for group in yaml.safe_load(ALERTS.read_text())["groups"]:
        for rule in group["rules"]:
            anchor = rule["annotations"]["runbook_url"].split("#", 1)[1]
            assert anchor in anchors, f"README.md has no runbook heading for #{anchor} ({rule['alert']})"


def test_yamllint_deploy() -> None:
    yamllint = tool("yamllint", package="pip install -r requirements-dev.lock")
    assert_ok(run(yamllint, "-c", "deploy/.yamllint", "--strict", "deploy/"))


def test_kubernetes_validate_builtin_manifests() -> None:
    validate = tool("kubernetes-validate", package="pip install -r requirements-dev.lock")
    manifests = [
        f"deploy/k8s/{name}.yaml" for name in ("configmap", "deployment", "service", "hpa", "pdb", "batch-job")
    ]
    result = run(validate, "--strict", *manifests)
    assert_ok(result)
    assert result.stdout.count("passed for resource") == len(manifests), result.stdout


def test_k8s_servicemonitor_kustomization_and_standards() -> None:
    check = load_check("validate_k8s")
    files = check.load()
    problems, notes = check.validate_schemas(files)
    problems += check.check_kustomization(files)
    problems += check.check_standards(files)
    problems += check.check_batch_job(files)
    assert problems == []
    assert any("ServiceMonitor" in note and "schemas" in note for note in notes), notes
    assert any("PrometheusRule" in note and "schemas" in note for note in notes), notes


def test_kustomize_build_validates_and_carries_the_dashboard_and_the_rules() -> None:
    check = load_check("validate_k8s")
    built = check.build()  # kubectl kustomize deploy/k8s, with kubectl from the dev lock
    kinds = {(doc["kind"], doc["metadata"]["name"]) for doc in built}
    assert {("Job", "stancewire-batch"), ("PrometheusRule", "stancewire")} <= kinds
    assert ("ConfigMap", "stancewire-grafana-dashboard") in kinds
    problems, notes = check.check_build(built)
    assert problems == [], notes
    # kustomize's labels reach what it built, the generated dashboard ConfigMap included.
    assert all(doc["metadata"]["labels"]["app.kubernetes.io/part-of"] == "stancewire" for doc in built)
    # A dashboard or rule file that drifts from what the build carries is caught.
    (dashboard,) = (d for d in built if d["metadata"]["name"] == "stancewire-grafana-dashboard")
    dashboard["data"]["stancewire.json"] += " "
    (rule,) = (d for d in built if d["kind"] == "PrometheusRule")
    rule["spec"]["groups"][0]["rules"].pop()
    problems = " ".join(check.check_build(built)[0])
    assert "does not hold" in problems and "differs from alerts.yml" in problems


def test_prometheusrule_is_generated_from_the_alert_rules() -> None:
    generator = load_check("prometheusrule")
    assert (DEPLOY / "k8s" / "prometheusrule.yaml").read_text() == generator.render()
    rule = yaml.safe_load((DEPLOY / "k8s" / "prometheusrule.yaml").read_text())
    assert rule["spec"]["groups"] == yaml.safe_load(ALERTS.read_text())["groups"]


def test_batch_job_standards_catch_a_bad_job() -> None:
    check = load_check("validate_k8s")
    files = check.load()
    job = files["batch-job.yaml"][0]
    job["spec"]["completions"] = 6
    job["spec"]["suspend"] = False
    container = job["spec"]["template"]["spec"]["containers"][0]
    container["securityContext"]["readOnlyRootFilesystem"] = False
    container["volumeMounts"] = [m for m in container["volumeMounts"] if m["mountPath"] != "/tmp"]
    problems = " ".join(check.check_batch_job(files))
    assert "STANCEWIRE_BATCH_SHARDS equals completions" in problems
    assert "suspend: true" in problems
    assert "read-only root" in problems
    assert "emptyDir at /tmp" in problems


def test_k8s_standards_catch_a_bad_deployment() -> None:
    check = load_check("validate_k8s")
    files = check.load()
    deployment = files["deployment.yaml"][0]
    deployment["spec"]["template"]["spec"]["terminationGracePeriodSeconds"] = 10
    container = deployment["spec"]["template"]["spec"]["containers"][0]
    container["securityContext"]["readOnlyRootFilesystem"] = False
    container["env"] = [{"name": "STANCEWIRE_WORKERS", "value": "4"}]
    problems = " ".join(check.check_standards(files))
    assert "terminationGracePeriodSeconds" in problems
    assert "readOnlyRootFilesystem" in problems
    assert "STANCEWIRE_WORKERS equals the CPU request" in problems


def test_hadolint_dockerfile_is_clean() -> None:
    hadolint = tool("hadolint", package="pip install -r requirements-dev.lock")
    result = run(hadolint, "Dockerfile")
    assert_ok(result)
    assert result.stdout.strip() == "", result.stdout


def test_dockerfile_shape() -> None:
    text = (ROOT / "Dockerfile").read_text()
    stages = re.findall(r"^FROM\s+(\S+)(?:\s+AS\s+(\S+))?", text, re.M | re.I)
    assert len(stages) >= 2, "multi-stage build"
    base = re.search(r"^ARG PYTHON_IMAGE=(\S+)", text, re.M)
    assert base and re.fullmatch(r"python:3\.11\.\d+-slim-bookworm(@sha256:[0-9a-f]{64})?", base.group(1))
    assert "--require-hashes" in text and "requirements.lock" in text
    final = text[text.rfind("\nFROM ") :]
    assert re.search(r"^USER\s+10001", final, re.M), "the final stage runs as a non-root user"
    assert "HEALTHCHECK" in final and "/healthz" in final
    assert re.search(r'^CMD \["stancewire", "serve"\]', final, re.M)
    assert "STANCEWIRE_HOST=0.0.0.0" in final
    assert not re.search(r"apt-get|build-essential|gcc", final), "no build tools in the final image"


def test_dashboard_structure() -> None:
    assert load_check("check_dashboard").check() == []


def test_dashboard_check_catches_problems(tmp_path: Path) -> None:
    check = load_check("check_dashboard")
    dashboard = json.loads(DASHBOARD.read_text())
    broken = copy.deepcopy(dashboard)
    broken["panels"][0]["datasource"] = {"type": "prometheus", "uid": "${DS_PROMETHEUS}"}
    del broken["panels"][1]["gridPos"]
    broken["panels"][2]["targets"] = []
    broken["panels"][3]["gridPos"] = dict(broken["panels"][4]["gridPos"])
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(broken))
    problems = " ".join(check.check_file(path, check.provisioned_datasources()))
    assert "${DS_" in problems
    assert "not provisioned" in problems
    assert "gridPos" in problems
    assert "no targets" in problems
    assert "overlaps" in problems


def test_compose_structure() -> None:
    assert load_check("check_compose").check() == []


# --- live: a real Prometheus scraping a real stancewire ------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def wait_for(url: str, process: subprocess.Popen[bytes], log: Path, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"{process.args!r} exited with {process.returncode}:\n{log.read_text()[-3000:]}")
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"{url} did not answer 200 within {timeout} s:\n{log.read_text()[-3000:]}")
        time.sleep(0.25)


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(40)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@dataclass
class Stack:
    service: str
    target: str
    prometheus: str

    def query(self, expr: str) -> dict[str, Any]:
        response = httpx.get(f"{self.prometheus}/api/v1/query", params={"query": expr}, timeout=10)
        body: dict[str, Any] = response.json()
        assert response.status_code == 200 and body["status"] == "success", f"{expr}\n-> {response.text}"
        return body["data"]

    def exported(self, metric: str) -> str:
        """The value of an unlabelled metric as the service exports it right now."""
        text = httpx.get(f"{self.service}/metrics", timeout=10).text
        match = re.search(rf"^{metric} (\S+)$", text, re.M)
        assert match, f"{metric} not in /metrics"
        return match.group(1)

    def wait_scraped(self, metric: str, value: str, timeout: float = 30) -> None:
        """Wait until Prometheus holds ``value`` for the service's ``metric``."""
        deadline = time.monotonic() + timeout
        while True:
            result = self.query(f'{metric}{{job="stancewire"}}')["result"]
            if result and float(result[0]["value"][1]) == float(value):
                return
            assert time.monotonic() < deadline, f"Prometheus did not scrape {metric}={value} (has {result})"
            time.sleep(0.25)


def send_traffic(base: str) -> None:
    """A little of everything the dashboard shows: analyses, a batch, a 422 and a 413."""
    with httpx.Client(base_url=base, timeout=60) as client:
        for text in (SEED, OTHER, SEED):
            response = client.post("/v1/analyze", json={"text": text})
            assert response.status_code == 200, response.text
        response = client.post("/v1/analyze/batch", json={"documents": [{"text": SEED}, {"text": OTHER}]})
        assert response.status_code == 200, response.text
        assert client.post("/v1/analyze", json={"text": ""}).status_code == 422
        assert client.post("/v1/analyze", json={"text": "x" * 30_000}).status_code == 413
        assert client.get("/v1/taxonomy").status_code == 200


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    prometheus = tool("prometheus", package="apt-get install -y prometheus")
    stancewire = shutil.which("stancewire", path=str(VENV_BIN)) or shutil.which("stancewire")
    assert stancewire, "the stancewire console script is not installed (make install)"
    work = tmp_path_factory.mktemp("prometheus")

    app_port, prom_port = free_port(), free_port()
    env = {key: value for key, value in os.environ.items() if not key.startswith("STANCEWIRE_")}
    env.update(
        STANCEWIRE_HOST="127.0.0.1",
        STANCEWIRE_PORT=str(app_port),
        STANCEWIRE_WORKERS="1",
        STANCEWIRE_MAX_BODY_BYTES="20000",
        STANCEWIRE_LOG_LEVEL="warning",
    )
    app_log = work / "stancewire.log"
    target = f"127.0.0.1:{app_port}"
    config = {
        "global": {"scrape_interval": "1s", "scrape_timeout": "1s", "evaluation_interval": "1s"},
        "rule_files": [str(ALERTS)],
        "scrape_configs": [{"job_name": "stancewire", "static_configs": [{"targets": [target]}]}],
    }
    (work / "prometheus.yml").write_text(yaml.safe_dump(config))
    prom_log = work / "prometheus.log"
    with app_log.open("wb") as app_out, prom_log.open("wb") as prom_out:
        app = subprocess.Popen([stancewire, "serve"], env=env, stdout=app_out, stderr=subprocess.STDOUT, cwd=work)
        prom = subprocess.Popen(
            [
                prometheus,
                f"--config.file={work / 'prometheus.yml'}",
                f"--storage.tsdb.path={work / 'data'}",
                f"--web.listen-address=127.0.0.1:{prom_port}",
                "--log.level=warn",
            ],
            stdout=prom_out,
            stderr=subprocess.STDOUT,
            cwd=work,
        )
        try:
            service = f"http://{target}"
            wait_for(f"http://127.0.0.1:{prom_port}/-/ready", prom, prom_log, 60)
            wait_for(f"{service}/readyz", app, app_log, 240)
            stack = Stack(service=service, target=target, prometheus=f"http://127.0.0.1:{prom_port}")
            # Two waves of traffic, each seen by a scrape, so that every rate() window holds an increase.
            stack.wait_scraped("up", "1")
            for _ in range(2):
                send_traffic(service)
                stack.wait_scraped("stancewire_documents_total", stack.exported("stancewire_documents_total"))
            yield stack
        finally:
            stop(app)
            stop(prom)


def grafana_to_promql(expr: str, variables: dict[str, str]) -> str:
    for name, value in GRAFANA_INTERVALS.items():
        expr = expr.replace(name, value)
    for name, value in variables.items():
        expr = expr.replace(f"${{{name}}}", value).replace(f"${name}", value)
    assert "$" not in expr, f"unsubstituted Grafana variable in {expr}"
    return expr


def dashboard_variables() -> dict[str, str]:
    """Each template variable at its "All" value."""
    dashboard = json.loads(DASHBOARD.read_text())
    return {var["name"]: var.get("allValue") or ".*" for var in dashboard["templating"]["list"]}


def has_finite_value(data: dict[str, Any]) -> bool:
    if data["resultType"] == "vector":
        return any(math.isfinite(float(sample["value"][1])) for sample in data["result"])
    if data["resultType"] == "scalar":
        return math.isfinite(float(data["result"][1]))
    return bool(data["result"])


@pytest.mark.slow
@pytest.mark.server
@pytest.mark.prometheus
def test_prometheus_scrapes_the_service(stack: Stack) -> None:
    data = stack.query('up{job="stancewire"}')
    assert [(s["metric"]["instance"], s["value"][1]) for s in data["result"]] == [(stack.target, "1")]


@pytest.mark.slow
@pytest.mark.server
@pytest.mark.prometheus
def test_every_dashboard_query_returns_data(stack: Stack) -> None:
    variables = dashboard_variables()
    queries = load_check("check_dashboard").queries(DASHBOARD)
    assert queries
    empty = []
    for where, expr in queries:
        data = stack.query(grafana_to_promql(expr, variables))
        if not has_finite_value(data):
            empty.append(f"{where}: {expr} -> {data['result']}")
    assert empty == [], "dashboard queries without data:\n" + "\n".join(empty)


@pytest.mark.slow
@pytest.mark.server
@pytest.mark.prometheus
def test_dashboard_variables_resolve(stack: Stack) -> None:
    for name, query in load_check("check_dashboard").variable_queries(DASHBOARD):
        match = re.fullmatch(r"label_values\((.+),\s*(\w+)\)", query.strip())
        assert match, f"variable {name}: unsupported query {query}"
        response = httpx.get(
            f"{stack.prometheus}/api/v1/label/{match.group(2)}/values", params={"match[]": match.group(1)}, timeout=10
        )
        assert response.status_code == 200, response.text
        assert stack.target in response.json()["data"], f"variable {name}: {response.text}"


@pytest.mark.slow
@pytest.mark.server
@pytest.mark.prometheus
def test_every_alert_expression_evaluates(stack: Stack) -> None:
    for group in yaml.safe_load(ALERTS.read_text())["groups"]:
        for rule in group["rules"]:
            stack.query(rule["expr"])  # asserts that it parses and evaluates
    # Prometheus loaded the same file and evaluated every rule without error.
    deadline = time.monotonic() + 10
    while True:
        rules = httpx.get(f"{stack.prometheus}/api/v1/rules", timeout=10).json()["data"]["groups"]
        loaded = [rule for group in rules for rule in group["rules"]]
        if loaded and all(
            rule.get("lastEvaluation", "").startswith("2") and rule["health"] != "unknown" for rule in loaded
        ):
            break
        assert time.monotonic() < deadline, f"rules not evaluated: {loaded}"
        time.sleep(0.5)
    expected = {rule["alert"] for group in yaml.safe_load(ALERTS.read_text())["groups"] for rule in group["rules"]}
    assert {rule["name"] for rule in loaded} == expected
    assert [(rule["name"], rule.get("lastError")) for rule in loaded if rule["health"] != "ok"] == []


@pytest.mark.slow
@pytest.mark.server
@pytest.mark.prometheus
def test_healthy_service_fires_no_alert(stack: Stack) -> None:
    firing = httpx.get(f"{stack.prometheus}/api/v1/alerts", timeout=10).json()["data"]["alerts"]
    assert [a["labels"]["alertname"] for a in firing if a["state"] == "firing"] == []
