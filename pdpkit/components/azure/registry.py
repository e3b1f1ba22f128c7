"""`ContainerRegistry`: ACR with no admin user, a retention policy and a private endpoint."""

from __future__ import annotations

from dataclasses import dataclass, field

import pulumi
from pulumi_azure_native import authorization, containerregistry

from pdpkit.components.azure.builtin_roles import BuiltinRole, assignment_name, role_definition_id
from pdpkit.components.azure.diagnostics import LogRouting, diagnostic_setting
from pdpkit.components.azure.private_endpoint import (
    PrivateAccess,
    PrivateEndpoint,
    PrivateEndpointArgs,
)
from pdpkit.spec.azure_rules import REGISTRY_NAME


@dataclass(frozen=True)
class ContainerRegistryArgs:
    """Inputs of `ContainerRegistry`."""

    registry_name: str
    """Globally unique, 5-50 letters and digits (Azure's rule)."""
    resource_group_name: pulumi.Input[str]
    location: str
    subscription_id: str
    pull_principal_id: pulumi.Input[str]
    """Object id granted AcrPull (the cluster's kubelet identity)."""
    routing: LogRouting
    public_access: bool = False
    """Reachable from the internet. Default off: only through `private_access`."""
    private_access: PrivateAccess | None = None
    """Private endpoint in the data plane's VNet; left out: none (then public_access is needed)."""
    retention_days: int = 30
    """Untagged manifests are deleted after this many days."""
    production: bool = False
    """Protect and retain the registry (it holds every deployed image)."""
    tags: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not REGISTRY_NAME.match(self.registry_name):
            raise ValueError(
                f"registry name {self.registry_name!r} is not valid for ACR: use 5-50 letters "
                "and digits only (no '-'), e.g. acmepdpdevacr"
            )
        if not self.public_access and self.private_access is None:
            raise ValueError("a registry without public access needs private_access")


class ContainerRegistry(pulumi.ComponentResource):
    """An Azure Container Registry, Premium (private link, retention, zone redundancy).

    Admin user and anonymous pull are off; Entra tokens are the only way in. With public
    access off, export is disabled too (images cannot be copied out of the registry), and
    the registry is reached through a private endpoint in the data plane's VNet.
    """

    registry_id: pulumi.Output[str]
    login_server: pulumi.Output[str]

    def __init__(
        self, name: str, args: ContainerRegistryArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("pdpkit:azure:ContainerRegistry", name, None, opts)
        enabled = "enabled"
        registry = containerregistry.Registry(
            f"{name}-acr",
            registry_name=args.registry_name,
            resource_group_name=args.resource_group_name,
            location=args.location,
            sku=containerregistry.SkuArgs(name="Premium"),
            admin_user_enabled=False,
            anonymous_pull_enabled=False,
            public_network_access="Enabled" if args.public_access else "Disabled",
            network_rule_bypass_options="AzureServices",
            zone_redundancy="Enabled",
            policies=containerregistry.PoliciesArgs(
                retention_policy=containerregistry.RetentionPolicyArgs(
                    days=args.retention_days, status=enabled
                ),
                # export needs public access; with it off, images never leave the registry
                export_policy=containerregistry.ExportPolicyArgs(
                    status=enabled if args.public_access else "disabled"
                ),
                # ARM-audience tokens are longer-lived; keep only ACR-audience tokens
                azure_ad_authentication_as_arm_policy=containerregistry.AzureADAuthenticationAsArmPolicyArgs(
                    status="disabled"
                ),
            ),
            tags=args.tags,
            opts=pulumi.ResourceOptions(
                parent=self, protect=args.production, retain_on_delete=args.production
            ),
        )
        authorization.RoleAssignment(
            f"{name}-acr-pull",
            role_assignment_name=assignment_name(name, "acr-pull"),
            scope=registry.id,
            role_definition_id=role_definition_id(args.subscription_id, BuiltinRole.ACR_PULL),
            principal_id=args.pull_principal_id,
            principal_type="ServicePrincipal",
            opts=pulumi.ResourceOptions(parent=self),
        )
        if args.private_access is not None:
            PrivateEndpoint(
                f"{name}-private",
                PrivateEndpointArgs(
                    resource_group_name=args.resource_group_name,
                    location=args.location,
                    subnet_id=args.private_access.subnet_id,
                    vnet_id=args.private_access.vnet_id,
                    target_id=registry.id,
                    group_id="registry",
                    dns_zone="privatelink.azurecr.io",
                    tags=args.tags,
                ),
                opts=pulumi.ResourceOptions(parent=self),
            )
        diagnostic_setting(
            f"{name}-acr-diagnostics",
            registry.id,
            args.routing,
            ("ContainerRegistryLoginEvents", "ContainerRegistryRepositoryEvents"),
            parent=self,
        )
        self.registry_id = registry.id
        self.login_server = registry.login_server
        self.register_outputs({"registry_id": self.registry_id, "login_server": self.login_server})
