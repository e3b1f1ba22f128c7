"""Pods of a critical priority class outside kube-system only run with a quota scoped to it.

GKE admits pods of ``system-node-critical`` / ``system-cluster-critical`` only in namespaces
with a ResourceQuota whose scopeSelector names the class (its ``gcp-critical-pods`` quota lives
in kube-system: openservicemesh/osm#4408; kubernetes.io/docs/concepts/policy/resource-quotas/
#limit-priority-class-consumption-by-default). Checked on every example plan, so a chart value
or manifest that picks such a class elsewhere fails here, not on a cluster.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from pdpkit.components.k8s.log_agent import CRITICAL_PRIORITY_CLASSES
from tests.examples import EXAMPLE_STACKS, plan_of


def priority_classes(value: Any) -> Iterator[str]:
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "priorityClassName" and isinstance(item, str):
                yield item
            else:
                yield from priority_classes(item)
    elif isinstance(value, list):
        for item in value:
            yield from priority_classes(item)


def critical_pods(stack: str) -> set[tuple[str, str]]:
    """(namespace, class) of every critical class the plan's workloads ask for."""
    found = set()
    for r in plan_of(stack).resources:
        if not r.type.startswith("kubernetes:") or r.type.endswith(":ResourceQuota"):
            continue
        spec = r.inputs.get("spec") or {}
        if r.type.endswith(":HelmRelease"):
            ns = spec.get("targetNamespace") or r.inputs["metadata"].get("namespace")
            classes = priority_classes(spec.get("values") or {})
        elif r.type.endswith("helm.sh/v3:Release"):
            ns, classes = r.inputs.get("namespace"), priority_classes(r.inputs.get("values"))
        else:
            ns = (r.inputs.get("metadata") or {}).get("namespace")
            classes = priority_classes(spec)
        found |= {(ns, c) for c in classes if c in CRITICAL_PRIORITY_CLASSES}
    return found


def quotas(stack: str) -> set[tuple[str, str]]:
    """(namespace, class) every ResourceQuota of the plan unlocks."""
    unlocked = set()
    for r in plan_of(stack).resources:
        if r.type != "kubernetes:core/v1:ResourceQuota":
            continue
        selector = (r.inputs["spec"].get("scopeSelector") or {}).get("matchExpressions", [])
        for expression in selector:
            if expression["scopeName"] == "PriorityClass" and expression["operator"] == "In":
                unlocked |= {(r.inputs["metadata"]["namespace"], v) for v in expression["values"]}
    return unlocked


@pytest.mark.parametrize("stack", EXAMPLE_STACKS)
def test_critical_pods_outside_kube_system_have_a_quota_scoped_to_their_class(stack: str) -> None:
    wanted = {(ns, c) for ns, c in critical_pods(stack) if ns != "kube-system"}
    assert wanted <= quotas(stack)


def test_the_log_agent_asks_for_a_critical_class_where_it_runs() -> None:
    # the check above is not vacuous: the node agent does use system-node-critical
    assert ("pdp-logging", "system-node-critical") in critical_pods("acme-gcp-staging")
