"""The platform inside each example stack's full plan (runs once the stack's target exists)."""

from __future__ import annotations

import pytest

from tests.examples import EXAMPLE_STACKS, plan_of


@pytest.mark.slow
@pytest.mark.parametrize("stack", EXAMPLE_STACKS)
def test_platform_in_the_stack_plan(stack: str) -> None:
    plan = plan_of(stack)
    manifests = plan.manifests()
    namespaces = [
        m
        for m in manifests
        if m["kind"] == "Namespace" and "pdpkit.io/project" in m["metadata"]["labels"]
    ]
    assert namespaces, "the platform declared no environment namespace"
    for ns in namespaces:
        name = ns["metadata"]["name"]
        assert ns["metadata"]["labels"]["pod-security.kubernetes.io/enforce"] == "restricted"
        kinds = {m["kind"] for m in manifests if m["metadata"].get("namespace") == name}
        assert {"NetworkPolicy", "ResourceQuota", "LimitRange"} <= kinds, name
    deployments = [
        m
        for m in manifests
        if m["kind"] == "Deployment"
        and m["metadata"].get("namespace") in {n["metadata"]["name"] for n in namespaces}
    ]
    assert deployments
    for deployment in deployments:
        assert deployment["spec"]["strategy"]["rollingUpdate"]["maxUnavailable"] == 0
        container = deployment["spec"]["template"]["spec"]["containers"][0]
        assert (
            "@sha256:" in container["image"]
            and "livenessProbe" in container
            and "readinessProbe" in container
        )
    assert any(m["kind"] == "HTTPRoute" for m in manifests)
    # kubernetes-validate and checkov run over the whole plan in tests/unit/policy/test_stacks.py
