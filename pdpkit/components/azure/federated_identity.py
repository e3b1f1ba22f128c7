"""`FederatedIdentity`: a user-assigned identity a Kubernetes service account assumes."""

from __future__ import annotations

from dataclasses import dataclass, field

import pulumi
from pulumi_azure_native import authorization, managedidentity

from pdpkit.components.azure.builtin_roles import BuiltinRole, assignment_name, role_definition_id

TOKEN_AUDIENCE = "api://AzureADTokenExchange"  # noqa: S105 (an audience, not a secret)


@dataclass(frozen=True)
class RoleGrant:
    """One built-in role on one scope."""

    role: BuiltinRole
    scope: pulumi.Input[str]
    label: str
    """Stable short name of the grant (part of the role assignment's logical name)."""


@dataclass(frozen=True)
class FederatedIdentityArgs:
    """Inputs of `FederatedIdentity`."""

    resource_group_name: pulumi.Input[str]
    location: str
    subscription_id: str
    issuer_url: pulumi.Input[str]
    """The cluster's OIDC issuer URL."""
    namespace: str
    service_account: str | tuple[str, ...]
    """The service account (or accounts, all in `namespace`) whose tokens are exchanged for
    this identity's."""
    grants: tuple[RoleGrant, ...] = ()
    tags: dict[str, str] = field(default_factory=dict)


class FederatedIdentity(pulumi.ComponentResource):
    """A user-assigned managed identity trusted for exactly the given service account(s) of one
    cluster.

    Each federated credential pins issuer (the cluster) and subject
    (``system:serviceaccount:<namespace>:<name>``), so no other workload can assume it; there is
    no secret anywhere. Each grant is a role assignment scoped as narrowly as its resource.
    Several credentials on one identity are created one after the other: Entra refuses
    concurrent writes of federated credentials under the same identity (409 Conflict;
    MicrosoftDocs/entra-docs docs/workload-id/workload-identity-federation-considerations.md,
    "create the federated credentials sequentially").
    """

    client_id: pulumi.Output[str]
    principal_id: pulumi.Output[str]
    identity_id: pulumi.Output[str]

    def __init__(
        self, name: str, args: FederatedIdentityArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("pdpkit:azure:FederatedIdentity", name, None, opts)
        identity = managedidentity.UserAssignedIdentity(
            f"{name}-identity",
            resource_name_=f"{name}-identity",
            resource_group_name=args.resource_group_name,
            location=args.location,
            tags=args.tags,
            opts=pulumi.ResourceOptions(parent=self),
        )
        single = isinstance(args.service_account, str)
        accounts = (args.service_account,) if single else tuple(args.service_account)
        previous: list[pulumi.Resource] = []
        for account in accounts:
            # one account keeps the name it always had (a rename would replace the credential)
            credential = f"{name}-federation" if single else f"{name}-federation-{account}"
            previous = [
                managedidentity.FederatedIdentityCredential(
                    credential,
                    federated_identity_credential_resource_name=credential,
                    resource_name_=identity.name,
                    resource_group_name=args.resource_group_name,
                    issuer=args.issuer_url,
                    subject=f"system:serviceaccount:{args.namespace}:{account}",
                    audiences=[TOKEN_AUDIENCE],
                    opts=pulumi.ResourceOptions(parent=self, depends_on=previous),
                )
            ]
        for grant in args.grants:
            authorization.RoleAssignment(
                f"{name}-{grant.label}",
                role_assignment_name=assignment_name(name, grant.label),
                scope=grant.scope,
                role_definition_id=role_definition_id(args.subscription_id, grant.role),
                principal_id=identity.principal_id,
                principal_type="ServicePrincipal",
                opts=pulumi.ResourceOptions(parent=self),
            )
        self.client_id = identity.client_id
        self.principal_id = identity.principal_id
        self.identity_id = identity.id
        self.register_outputs(
            {
                "client_id": self.client_id,
                "principal_id": self.principal_id,
                "identity_id": self.identity_id,
            }
        )
