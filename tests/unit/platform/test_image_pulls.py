"""Every integration pod of every example stack can pull its image (checked on the plans).

A pod pulls from the data plane's own registry with the data plane's identity (the clouds,
an on-prem existing registry through its `registry-pull` secret), or names an image pull
secret that the plan creates in its namespace as a ``kubernetes.io/dockerconfigjson``
ExternalSecret. Anything else is ``ErrImagePull`` at run time, invisible to the mock monitor.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest

from pdpkit.plan.run import plan_spec
from pdpkit.spec.enums import RegistryKind
from pdpkit.spec.image_registry import nodes_can_pull_own_registry, registry_prefix
from pdpkit.spec.loader import load_stack
from pdpkit.spec.targets import ExistingRegistrySpec
from tests.examples import EXAMPLE_STACKS, ROOT, plan_of

DOCKER_CONFIG = "kubernetes.io/dockerconfigjson"


def pod_spec(manifest: dict[str, Any]) -> dict[str, Any] | None:
    spec = manifest.get("spec") or {}
    kind = manifest.get("kind")
    if kind in {"Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job"}:
        return dict(spec["template"]["spec"])
    if kind == "CronJob":
        return dict(spec["jobTemplate"]["spec"]["template"]["spec"])
    if kind == "Pod":
        return dict(spec)
    return None


def pull_secrets_in_plan(manifests: list[dict[str, Any]]) -> set[tuple[str, str]]:
    """(namespace, Secret name) of every docker config Secret the plan produces."""
    found = set()
    for m in manifests:
        if m.get("kind") == "ExternalSecret":
            target = m["spec"].get("target") or {}
            if (target.get("template") or {}).get("type") == DOCKER_CONFIG:
                found.add((m["metadata"]["namespace"], target["name"]))
        if m.get("kind") == "Secret" and m.get("type") == DOCKER_CONFIG:
            found.add((m["metadata"]["namespace"], m["metadata"]["name"]))
    return found


@pytest.mark.parametrize("stack", EXAMPLE_STACKS)
def test_the_spec_knows_the_registry_the_plan_creates(stack: str) -> None:
    spec = load_stack(ROOT, stack)
    assert plan_of(stack).recording.outputs["registry"] == registry_prefix(spec.dataplane)


def unpullable(manifests: list[dict[str, Any]], own: str, nodes_pull_own: bool) -> list[str]:
    """Why each integration pod of a plan could not pull its image (empty: all can)."""
    secrets = pull_secrets_in_plan(manifests)
    problems = []
    for manifest in manifests:
        spec = pod_spec(manifest)
        if spec is None or "pdpkit.io/environment" not in (
            manifest["metadata"].get("labels") or {}
        ):
            continue
        meta = manifest["metadata"]
        where = f"{manifest['kind']} {meta['namespace']}/{meta['name']}"
        named = {s["name"] for s in spec.get("imagePullSecrets") or []}
        missing = sorted(name for name in named if (meta["namespace"], name) not in secrets)
        if missing:
            problems.append(f"{where} names pull secrets the plan never creates: {missing}")
        for container in spec["containers"] + spec.get("initContainers", []):
            image = container["image"]
            if not (image.startswith(own + "/") and nodes_pull_own) and not named:
                problems.append(f"{where}: {image} is not from {own} and names no pull secret")
    return problems


def integration_pods(manifests: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        m
        for m in manifests
        if pod_spec(m) is not None and "pdpkit.io/environment" in m["metadata"].get("labels", {})
    ]


@pytest.mark.parametrize("stack", EXAMPLE_STACKS)
def test_every_integration_pod_can_pull_its_image(stack: str) -> None:
    dp = load_stack(ROOT, stack).dataplane
    manifests = plan_of(stack).manifests()
    assert integration_pods(manifests), "the example platform deploys integrations here"
    own = str(plan_of(stack).recording.outputs["registry"])
    assert unpullable(manifests, own, nodes_can_pull_own_registry(dp)) == []


@pytest.mark.parametrize("stack", EXAMPLE_STACKS)
def test_a_missing_pull_secret_would_be_caught(stack: str) -> None:
    dp = load_stack(ROOT, stack).dataplane
    own = str(plan_of(stack).recording.outputs["registry"])
    # The pods as before the examples declared pull secrets: no imagePullSecrets.
    bare = copy.deepcopy(plan_of(stack).manifests())
    for manifest in integration_pods(bare):
        spec = manifest["spec"]
        template = (spec.get("jobTemplate") or {}).get("spec", spec)["template"]["spec"]
        template.pop("imagePullSecrets", None)
    problems = unpullable(bare, own, nodes_can_pull_own_registry(dp))
    assert any("names no pull secret" in p for p in problems)
    # The pods name their secrets, but nothing in the plan creates them.
    orphaned = [
        m for m in copy.deepcopy(plan_of(stack).manifests()) if m.get("kind") != "ExternalSecret"
    ]
    problems = unpullable(orphaned, own, nodes_can_pull_own_registry(dp))
    assert any("never creates" in p for p in problems)


def test_an_existing_on_prem_registry_is_pulled_with_its_registry_pull_secret() -> None:
    stack = load_stack(ROOT, "acme-onprem-local")
    onprem = stack.dataplane.onprem
    assert onprem is not None
    onprem = onprem.model_copy(
        update={
            "registry_kind": RegistryKind.EXISTING,
            "harbor": None,
            "existing_registry": ExistingRegistrySpec(
                server="harbor.lab.acme.example", pull_secret_key="registry/pull"
            ),
        }
    )
    stack = stack.model_copy(
        update={"dataplane": stack.dataplane.model_copy(update={"onprem": onprem})}
    )
    plan = plan_spec(stack, ROOT, "acme-onprem-local")
    manifests = plan.manifests()
    (cluster_secret,) = [m for m in manifests if m["kind"] == "ClusterExternalSecret"]
    name = cluster_secret["spec"]["externalSecretSpec"]["target"]["name"]
    pods = integration_pods(manifests)
    assert pods
    for manifest in pods:
        spec = pod_spec(manifest)
        assert spec is not None
        assert {"name": name} in spec["imagePullSecrets"], manifest["metadata"]["name"]


def agent_pull_problems(
    manifests: list[dict[str, Any]], own: str, nodes_pull_own: bool
) -> list[str]:
    """Why the PDP agent's pods could not pull their image (empty: they can)."""
    secrets = pull_secrets_in_plan(manifests)
    (agent,) = [
        m
        for m in manifests
        if m.get("kind") == "Deployment" and m["metadata"]["name"] == "pdp-agent"
    ]
    spec = agent["spec"]["template"]["spec"]
    named = {s["name"] for s in spec.get("imagePullSecrets") or []}
    problems = [
        f"names {name}, which the plan never creates"
        for name in sorted(named)
        if (agent["metadata"]["namespace"], name) not in secrets
    ]
    for container in spec["containers"]:
        if not (container["image"].startswith(own + "/") and nodes_pull_own) and not named:
            problems.append(f"{container['image']} is not from {own} and names no pull secret")
    return problems


@pytest.mark.parametrize("stack", EXAMPLE_STACKS)
def test_the_agent_can_pull_its_image(stack: str) -> None:
    dp = load_stack(ROOT, stack).dataplane
    manifests = plan_of(stack).manifests()
    own = str(plan_of(stack).recording.outputs["registry"])
    assert agent_pull_problems(manifests, own, nodes_can_pull_own_registry(dp)) == []
    # and without the pull secret it could not: the vendor's registry is not the plane's
    bare = copy.deepcopy(manifests)
    for m in bare:
        if m.get("kind") == "Deployment" and m["metadata"]["name"] == "pdp-agent":
            m["spec"]["template"]["spec"].pop("imagePullSecrets", None)
    assert agent_pull_problems(bare, own, nodes_can_pull_own_registry(dp))
