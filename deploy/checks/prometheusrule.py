#!/usr/bin/env python3
"""Write deploy/k8s/prometheusrule.yaml from deploy/prometheus/alerts.yml, the one source of the rules.

The Prometheus Operator loads rules from PrometheusRule resources, whose ``spec.groups`` is the
rule file's ``groups``; kustomize cannot wrap a file into one, so this script does, and the deploy
checks fail when the committed resource differs from what it writes.

    python deploy/checks/prometheusrule.py           # rewrite deploy/k8s/prometheusrule.yaml
    python deploy/checks/prometheusrule.py --check   # exit 1 when it is stale
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import yaml

DEPLOY = Path(__file__).resolve().parent.parent
ALERTS = DEPLOY / "prometheus" / "alerts.yml"
TARGET = DEPLOY / "k8s" / "prometheusrule.yaml"
HEADER = """\
# Generated from deploy/prometheus/alerts.yml by deploy/checks/prometheusrule.py:
# edit alerts.yml and run the script (the deploy checks fail when this is stale).
#
# The Prometheus Operator loads it when it carries the labels of your
# Prometheus's ruleSelector (kube-prometheus-stack: release: <its release name>);
# add them here or with a kustomize patch. Runbooks: the README's Operations section.
"""


class _Dumper(yaml.SafeDumper):
    """Block style, sequences indented under their key, multi-line strings as literal blocks."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)


def _string(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _string)


def resource() -> dict[str, Any]:
    rules = yaml.safe_load(ALERTS.read_text())
    return {
        "apiVersion": "monitoring.coreos.com/v1",
        "kind": "PrometheusRule",
        "metadata": {"name": "stancewire", "labels": {"app.kubernetes.io/name": "stancewire"}},
        "spec": {"groups": rules["groups"]},
    }


def render() -> str:
    return HEADER + yaml.dump(resource(), Dumper=_Dumper, sort_keys=False, width=110, allow_unicode=True)


def main(argv: list[str]) -> int:
    text = render()
    if "--check" in argv:
        if not TARGET.exists() or TARGET.read_text() != text:
            print(f"ERROR {TARGET.relative_to(DEPLOY.parent)} is stale: run python deploy/checks/prometheusrule.py")
            return 1
        print(f"OK {TARGET.relative_to(DEPLOY.parent)} matches {ALERTS.relative_to(DEPLOY.parent)}")
        return 0
    TARGET.write_text(text)
    print(f"wrote {TARGET.relative_to(DEPLOY.parent)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
