"""FederatedIdentity: one service account of one cluster, narrowly scoped grants."""

from __future__ import annotations

from functools import cache

from pdpkit.components.azure.builtin_roles import BuiltinRole, assignment_name
from pdpkit.components.azure.federated_identity import (
    TOKEN_AUDIENCE,
    FederatedIdentity,
    FederatedIdentityArgs,
    RoleGrant,
)
from tests.unit.components.azure.recorded import RG, SUBSCRIPTION, Recorded, record_program

ISSUER = "https://westeurope.oic.prod-aks.azure.com/tenant/cluster/"
VAULT_ID = (
    f"/subscriptions/{SUBSCRIPTION}/resourceGroups/{RG}/providers/Microsoft.KeyVault/vaults/kv"
)
ARGS = FederatedIdentityArgs(
    resource_group_name=RG,
    location="westeurope",
    subscription_id=SUBSCRIPTION,
    issuer_url=ISSUER,
    namespace="external-secrets",
    service_account="external-secrets",
    grants=(RoleGrant(BuiltinRole.KEY_VAULT_SECRETS_USER, VAULT_ID, "vault-reader"),),
)


@cache
def default() -> Recorded:
    """The component with the module's ARGS, recorded once."""
    return record_program(lambda: FederatedIdentity("eso", ARGS))


def test_federated_credential_pins_issuer_and_subject(run):
    plan = default()
    credential = plan.one("azure-native:managedidentity:FederatedIdentityCredential").inputs
    assert credential["issuer"] == ISSUER
    assert credential["subject"] == "system:serviceaccount:external-secrets:external-secrets"
    assert credential["audiences"] == [TOKEN_AUDIENCE]


def test_grant_is_scoped_to_the_vault(run):
    plan = default()
    grant = plan.one("azure-native:authorization:RoleAssignment").inputs
    assert grant["scope"] == VAULT_ID
    assert grant["roleDefinitionId"].endswith("/4633458b-17de-408a-b874-0445c86b69e6")
    assert grant["roleAssignmentName"] == assignment_name("eso", "vault-reader")


def test_role_assignment_names_are_stable_guids():
    assert assignment_name("a", "b") == assignment_name("a", "b")
    assert assignment_name("a", "b") != assignment_name("a", "c")
    assert len(assignment_name("a", "b")) == 36
