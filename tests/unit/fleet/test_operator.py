"""`pdp fleet render`: the operator's objects for the example fleet, checked against the CRD
fields they rely on (operator_schema), the cluster's own schemas where kubernetes-validate
has them, and the rules docs/fleet.md states (isolation, ordering, drift, no destroy)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jsonschema
import pytest

from pdpkit.fleet import load_fleet
from pdpkit.fleet.operator import render_operator
from pdpkit.spec.errors import SpecError
from pdpkit.versions import PULUMI_KUBERNETES_OPERATOR
from tests.examples import ROOT
from tests.unit.fleet.operator_schema import SCHEMAS

REVISION = "0123456789abcdef0123456789abcdef01234567"


def _objects(root: Path, wave: str | None = None) -> list[Any]:
    files = render_operator(load_fleet(root), REVISION, wave)
    return [obj for objects in files.values() for obj in objects]


def _stacks(objects: list[Any]) -> dict[str, Any]:
    return {o["metadata"]["name"]: o for o in objects if o["kind"] == "Stack"}


def test_every_custom_object_matches_the_crd_fields_it_relies_on(operator_example: Path) -> None:
    checked = 0
    for obj in _objects(operator_example):
        schema = SCHEMAS.get((obj["apiVersion"], obj["kind"]))
        if schema is not None:
            jsonschema.validate(obj["spec"], schema)
            checked += 1
    assert checked == 4 * 2 + 2  # an apply and a drift Stack per stack, a source per customer


def test_the_schema_excerpt_refuses_what_the_crd_does_not_have(operator_example: Path) -> None:
    stack = _stacks(_objects(operator_example))["acme-aws-prod"]
    wrong = {**stack["spec"], "destroyOnDelete": False}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(wrong, SCHEMAS[("pulumi.com/v1", "Stack")])


@pytest.mark.slow
def test_the_core_objects_are_valid_kubernetes(operator_example: Path) -> None:
    """Namespaces, service accounts and bindings against the upstream Kubernetes schemas
    (kubernetes-validate knows no CRD: Stacks and GitRepositories are checked above)."""
    import kubernetes_validate

    core = [
        o
        for o in _objects(operator_example)
        if o["kind"] in ("Namespace", "ServiceAccount", "ClusterRoleBinding")
    ]
    assert len(core) == 6
    for obj in core:
        kubernetes_validate.validate(obj, "1.35", strict=True)


def test_each_customer_is_alone_in_its_namespace_with_its_own_identity(
    operator_example: Path,
) -> None:
    objects = _objects(operator_example)
    for obj in objects:
        customer = obj["metadata"]["labels"]["pdpkit.io/customer"]
        namespace = obj["metadata"].get("namespace", obj["metadata"]["name"])
        if obj["kind"] == "ClusterRoleBinding":
            namespace = obj["subjects"][0]["namespace"]
        assert namespace == f"pdp-{customer}", obj["metadata"]
    accounts = {o["metadata"]["namespace"]: o for o in objects if o["kind"] == "ServiceAccount"}
    assert accounts["pdp-acme"]["metadata"]["annotations"] == {
        "eks.amazonaws.com/role-arn": "arn:aws:iam::109876543210:role/pdp-fleet-acme",
        "azure.workload.identity/client-id": "0d3c2b1a-9f8e-4d7c-8b6a-5f4e3d2c1b0a",
        "azure.workload.identity/tenant-id": "8c7d6e5f-4a3b-4c2d-9e1f-0a1b2c3d4e5f",
        "iam.gke.io/gcp-service-account": "pdp-ci@acme-pdp-staging.iam.gserviceaccount.com",
    }
    assert "annotations" not in accounts["pdp-acme-lab"]["metadata"]


def test_stacks_run_the_pinned_program_with_their_customers_state_and_never_destroy(
    operator_example: Path,
) -> None:
    objects = _objects(operator_example)
    sources = [o for o in objects if o["kind"] == "GitRepository"]
    assert {s["spec"]["ref"]["commit"] for s in sources} == {REVISION}
    for stack in _stacks(objects).values():
        spec = stack["spec"]
        assert spec["destroyOnFinalize"] is False and spec["refresh"] is True
        assert spec["fluxSource"]["sourceRef"]["name"] == "pdp-program"
        assert (
            spec["workspaceTemplate"]["spec"]["image"] == PULUMI_KUBERNETES_OPERATOR.workspace_image
        )
        assert ":latest" not in spec["workspaceTemplate"]["spec"]["image"]
    aws = _stacks(objects)["acme-aws-prod"]["spec"]
    assert aws["backend"] == "s3://acme-pdp-state?region=eu-west-1"
    assert aws["secretsProvider"].startswith("awskms:///arn:aws:kms:eu-west-1:210987654321:")
    lab = _stacks(objects)["acme-onprem-local"]["spec"]
    assert lab["secretsProvider"] == "hashivault://acme-lab-pdp"
    pod = lab["workspaceTemplate"]["spec"]["podTemplate"]["spec"]
    assert pod["volumes"] == [
        {"name": "kubeconfig", "secret": {"secretName": "acme-lab-kubeconfig"}}
    ]


def test_production_waits_for_the_customers_rehearsals_and_drift_for_its_stack(
    operator_example: Path,
) -> None:
    stacks = _stacks(_objects(operator_example))
    assert [p["name"] for p in stacks["acme-aws-prod"]["spec"]["prerequisites"]] == [
        "acme-azure-dev",
        "acme-gcp-staging",
    ]
    assert "prerequisites" not in stacks["acme-azure-dev"]["spec"]
    drift = stacks["acme-aws-prod-drift"]["spec"]
    assert drift["preview"] is True and drift["continueResyncOnCommitMatch"] is True
    assert drift["resyncFrequencySeconds"] == 86400
    assert drift["prerequisites"] == [{"name": "acme-aws-prod"}]
    assert drift["updateTemplate"] == {"spec": {"expectNoChanges": True}}
    assert stacks["acme-aws-prod"]["spec"]["continueResyncOnCommitMatch"] is False


def test_a_pulumi_cloud_backend_names_the_org_and_reads_the_token_from_the_namespace(
    operator_project: Path,
) -> None:
    project = operator_project
    text = (project / "fleet.yaml").read_text(encoding="utf-8")
    text = text.replace(
        "backend: s3://acme-pdp-state?region=eu-west-1", "backend: https://api.pulumi.com/acme-corp"
    )
    (project / "fleet.yaml").write_text(text, encoding="utf-8")
    spec = _stacks(_objects(project))["acme-aws-prod"]["spec"]
    assert spec["backend"] == "https://api.pulumi.com"
    assert spec["stack"] == "acme-corp/acme-aws-prod"
    assert spec["envRefs"]["PULUMI_ACCESS_TOKEN"]["secret"]["name"] == "pulumi-access-token"


def test_a_wave_renders_only_its_customers(operator_example: Path) -> None:
    names = {
        o["metadata"]["labels"]["pdpkit.io/customer"]
        for o in _objects(operator_example, wave="canary")
    }
    assert names == {"acme"}


@pytest.mark.parametrize(
    "revision", ["main", "v1.2.0", "0123456", "0123456789ABCDEF0123456789ABCDEF01234567"]
)
def test_only_a_full_commit_pins_the_program(revision: str, operator_example: Path) -> None:
    with pytest.raises(SpecError, match="is not a full commit SHA"):
        render_operator(load_fleet(operator_example), revision)


def test_a_fleet_the_workflows_apply_renders_nothing() -> None:
    """One engine per fleet: the repository's fleet (engine githubActions) is applied by
    fleet-up.yml, so operator objects for it would apply every stack a second time."""
    with pytest.raises(SpecError) as refused:
        render_operator(load_fleet(ROOT), REVISION)
    (problem,) = refused.value.problems
    assert problem.path == "engine" and "'githubActions'" in problem.message
    assert "set `engine: operator`" in problem.message
