"""PDP-REFERENCES-RESOLVE: ids passed between resources resolve to a producer of the right kind."""

from __future__ import annotations

from typing import Any

import pytest

import pdpkit.dataplane.azure as azure_dataplane
from pdpkit.cli.main import main
from pdpkit.policy import PolicyContext, PolicyResource
from pdpkit.policy.references import REFERENCES, references_resolve, values_at
from tests.examples import EXAMPLE_STACKS, ROOT, plan_of

RULE = "PDP-REFERENCES-RESOLVE"
UAMI = "azure-native:managedidentity:UserAssignedIdentity"
ASSIGNMENT = "azure-native:authorization:RoleAssignment"


def resource(type_: str, name: str, inputs: dict[str, Any], **outputs: Any) -> PolicyResource:
    return PolicyResource(f"urn:{name}", type_, name, inputs, outputs={"id": name, **outputs})


def messages(resources: list[PolicyResource], context: PolicyContext | None = None) -> list[str]:
    return [m for _, m in references_resolve.violations(resources, context or PolicyContext())]


@pytest.mark.parametrize("stack", EXAMPLE_STACKS)
def test_every_example_stack_wires_ids_to_their_producers(stack: str) -> None:
    assert [v.message for v in plan_of(stack).verdicts if v.rule == RULE] == []


def test_every_reference_in_the_table_is_exercised_by_an_example_stack() -> None:
    """A misspelt path would silently check nothing: each entry finds a value somewhere."""
    plans = [plan_of(stack) for stack in EXAMPLE_STACKS]
    unused = [
        (reference.type, ".".join(reference.path))
        for reference in REFERENCES
        if not any(
            list(values_at(r.inputs, reference.path))
            for plan in plans
            for r in plan.recording.resources
            if r.type == reference.type
        )
    ]
    assert unused == []


def test_a_wrong_kind_of_id_names_both_resources() -> None:
    identity = resource(UAMI, "kv-reader", {}, clientId="c-1", principalId="p-1")
    right = resource(ASSIGNMENT, "ok", {"principalId": "p-1"})
    wrong = resource(ASSIGNMENT, "grant", {"principalId": "c-1"})
    assert messages([identity, right, wrong]) == [
        f"principalId of grant is kv-reader's clientId ({UAMI}); expected a managed identity's "
        "principalId or the kubelet identity's objectId or the cluster's system-assigned "
        "principalId or a cluster identity's principalId"
    ]


def test_an_id_naming_nothing_is_reported_unless_the_stack_declares_it() -> None:
    identity = resource(UAMI, "id", {}, clientId="c-1", principalId="p-1")
    admins = resource(ASSIGNMENT, "admins", {"principalId": "group-1"})
    (message,) = messages([identity, admins])
    assert message.startswith("principalId of admins (group-1) names nothing in the plan")
    assert messages([identity, admins], PolicyContext(declared_ids=frozenset({"group-1"}))) == []


def test_unknown_secret_or_not_yet_known_values_are_not_judged() -> None:
    unknown = resource(ASSIGNMENT, "a", {"principalId": "[unknown]"})
    secret = resource(ASSIGNMENT, "b", {"principalId": "[secret]"})
    assert messages([unknown, secret]) == []
    # preview: the identity exists in the plan but its outputs are not known yet
    pending = PolicyResource("urn:id", UAMI, "id", {})
    assert messages([pending, resource(ASSIGNMENT, "c", {"principalId": "p-1"})]) == []


def test_trust_policies_are_read_inside_their_json() -> None:
    provider = resource(
        "aws:iam/openIdConnectProvider:OpenIdConnectProvider", "oidc", {}, arn="arn:oidc"
    )
    trust = '{"Statement": [{"Principal": {"Federated": "arn:other"}}]}'
    role = resource("aws:iam/role:Role", "irsa", {"assumeRolePolicy": trust})
    (message,) = messages([provider, role])
    assert message.startswith(
        "assumeRolePolicy.Statement[0].Principal.Federated of irsa (arn:other) names nothing"
    )


def test_acr_pull_granted_to_the_kubelet_client_id_fails_the_plan(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The wiring error the fakes used to accept: AcrPull to the kubelet identity's clientId."""
    clusters: list[Any] = []
    real_cluster, real_args = azure_dataplane.AksCluster, azure_dataplane.ContainerRegistryArgs

    def cluster(*args: Any, **kwargs: Any) -> Any:
        clusters.append(real_cluster(*args, **kwargs))
        return clusters[-1]

    def registry_args(**kwargs: Any) -> Any:
        return real_args(**{**kwargs, "pull_principal_id": clusters[-1].kubelet_client_id})

    monkeypatch.setattr(azure_dataplane, "AksCluster", cluster)
    monkeypatch.setattr(azure_dataplane, "ContainerRegistryArgs", registry_args)
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("COLUMNS", "400")
    assert main(["plan", "--stack", "acme-azure-dev"]) == 3
    out = " ".join(capsys.readouterr().out.split())
    assert RULE in out
    assert (
        "principalId of acme-azure-dev-images-acr-pull is acme-azure-dev-cluster's "
        "identityProfile.kubeletidentity.clientId" in out
    )


def test_every_producer_type_is_one_the_example_stacks_create() -> None:
    created = {r.type for stack in EXAMPLE_STACKS for r in plan_of(stack).recording.resources}
    producers = {p.type for reference in REFERENCES for p in reference.producers}
    assert {t for t in producers if not t.endswith(":")} - created == set()


def test_a_container_of_another_account_is_reported() -> None:
    account = PolicyResource(
        "urn:obs",
        "azure-native:storage:StorageAccount",
        "obs",
        {},
        outputs={"name": "acmeobs1a2b3"},
    )
    right = resource("azure-native:storage:BlobContainer", "logs", {"accountName": "acmeobs1a2b3"})
    wrong = resource(
        "azure-native:storage:BlobContainer", "traces", {"accountName": "acmelogs1a2b3"}
    )
    assert messages([account, right, wrong]) == [
        "accountName of traces (acmelogs1a2b3) names nothing in the plan; expected a storage "
        "account's name"
    ]
