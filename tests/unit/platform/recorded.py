"""Platforms recorded on a synthetic data plane (no target needed), shared by the tests."""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import Any

import pulumi
import pulumi_kubernetes as k8s

from pdpkit.dataplane.contract import DataPlane, GatewayRef
from pdpkit.plan.document import Plan
from pdpkit.plan.recorder import Recording, record
from pdpkit.platform.deploy import deploy_platform
from pdpkit.spec.enums import Target
from pdpkit.spec.loader import load_stack
from pdpkit.spec.platform import PlatformSpec
from tests.examples import ROOT

GATEWAYS = "gateway-system"
CORE_KINDS = {
    "Namespace",
    "NetworkPolicy",
    "ResourceQuota",
    "LimitRange",
    "ConfigMap",
    "ServiceAccount",
    "Deployment",
    "Service",
    "HorizontalPodAutoscaler",
    "PodDisruptionBudget",
    "CronJob",
    "Job",
}


def synthetic_dataplane(name: str) -> DataPlane:
    """A DataPlane as a target would return it; call inside the recorded program."""
    provider = k8s.Provider(f"{name}-k8s", context=name)
    ready = pulumi.CustomResource("test:index:Crds", f"{name}-crds", {})
    return DataPlane(
        name=name,
        target=Target.ONPREM,
        kubernetes=provider,
        secret_store="vault-backend",
        secret_prefix=f"pdp/{name}/",
        external_gateway=GatewayRef(
            "external", GATEWAYS, ("*.apps.example",), ("mtls-0",), ("partners-mtls.apps.example",)
        ),
        internal_gateway=GatewayRef("internal", "gateway-internal", ("*.internal.example",)),
        registry=pulumi.Output.from_input("registry.example"),
        zones=("a", "b"),
        ready=(ready,),
    )


def record_platform(
    platform: PlatformSpec, dataplane: str, images: Mapping[tuple[str, str], str] | None = None
) -> Recording:
    """Record `deploy_platform`; the recording's outputs are the returned stack outputs."""
    returned: dict[str, Any] = {}

    def program() -> Mapping[str, Any]:
        returned.update(deploy_platform(platform, synthetic_dataplane(dataplane), images or {}))
        return returned

    recording = record(program, "pdp", "t")
    # The returned mapping's plain values (revisions are Outputs: compare them via manifests).
    recording.outputs = {k: v for k, v in returned.items() if k != "integrations"} | {
        "integrations": {
            name: {
                env: {k: v for k, v in out.items() if k != "revision"} for env, out in envs.items()
            }
            for name, envs in returned["integrations"].items()
        }
    }
    return recording


def stack_platform(stack: str) -> PlatformSpec:
    spec = load_stack(ROOT, stack)
    assert spec.platform is not None
    return spec.platform


@cache
def onprem() -> Recording:
    """The on-prem example stack's platform (dev, test, prod on one data plane)."""
    return record_platform(stack_platform("acme-onprem-local"), "acme-onprem-local")


@cache
def cloud(dataplane: str) -> Recording:
    """The shared platform/acme/ platform on one cloud stack's data plane."""
    stack = dataplane
    return record_platform(stack_platform(stack), dataplane)


def manifests(recording: Recording) -> list[dict[str, Any]]:
    return Plan(recording, []).manifests()


def objects(recording: Recording, kind: str, namespace: str | None = None) -> list[dict[str, Any]]:
    return [
        m
        for m in manifests(recording)
        if m.get("kind") == kind
        and (namespace is None or m["metadata"].get("namespace") == namespace)
    ]


def one(recording: Recording, kind: str, namespace: str, name: str) -> dict[str, Any]:
    found = [m for m in objects(recording, kind, namespace) if m["metadata"]["name"] == name]
    assert len(found) == 1, f"{kind} {namespace}/{name}: {len(found)} found"
    return found[0]
