"""The PDP agent: dials the control plane outbound, never listens; least privilege."""

from __future__ import annotations

import pulumi
import pulumi_kubernetes as k8s

from pdpkit.components.k8s.api_server_egress import cilium_api_server_spec
from pdpkit.components.k8s.objects import (
    MANAGED_BY,
    PodSecurity,
    custom_resource,
    external_secret,
    namespace,
)
from pdpkit.components.k8s.pdp_agent_admission import (
    FLUX_KINDS,
    agent_username,
    reconcile_only_policy,
)
from pdpkit.components.k8s.pdp_agent_spec import (
    NAME,
    NAMESPACE,
    PULL_SECRET,
    TOKEN_SECRET,
    PdpAgentArgs,
    deployment_spec,
    network_policy_spec,
)

OBSERVED = {
    "": ["pods", "events", "namespaces", "nodes", "services"],
    "apps": ["deployments", "replicasets", "statefulsets", "daemonsets"],
    "batch": ["jobs", "cronjobs"],
    "gateway.networking.k8s.io": ["gateways", "httproutes"],
}


class PdpAgent(pulumi.ComponentResource):
    """Deployment, ServiceAccount, RBAC and its admission policy, token ExternalSecret,
    NetworkPolicy (plus a CiliumNetworkPolicy for the API server with `api_server_entity`)
    and PDB.

    RBAC: read-only on workloads and routes cluster-wide (status reporting), patch on the
    Flux objects in flux-system, Leases in its own namespace (leader election). No access to
    Secrets, no create/delete anywhere. The patch can only request a reconcile: a
    ValidatingAdmissionPolicy (`pdp_agent_admission`) denies any other change, so the agent
    cannot re-point Flux at another repository, path or chart.
    """

    deployment: k8s.apps.v1.Deployment
    service_account: k8s.core.v1.ServiceAccount
    network_policy: k8s.networking.v1.NetworkPolicy
    token: k8s.apiextensions.CustomResource
    namespace: str

    def __init__(self, name: str, args: PdpAgentArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("pdpkit:k8s:PdpAgent", name, None, opts)
        child = pulumi.ResourceOptions(parent=self, provider=args.provider)
        labels = {"app.kubernetes.io/name": NAME, **MANAGED_BY}
        selector = {"app.kubernetes.io/name": NAME}
        ns = namespace(f"{name}-namespace", NAMESPACE, PodSecurity.RESTRICTED, child)
        in_ns = pulumi.ResourceOptions.merge(child, pulumi.ResourceOptions(depends_on=[ns]))

        def meta(
            obj_name: str, obj_namespace: str | None = NAMESPACE
        ) -> k8s.meta.v1.ObjectMetaArgs:
            return k8s.meta.v1.ObjectMetaArgs(name=obj_name, namespace=obj_namespace, labels=labels)

        self.service_account = k8s.core.v1.ServiceAccount(
            f"{name}-service-account",
            metadata=meta(NAME),
            automount_service_account_token=False,
            opts=in_ns,
        )
        subject = k8s.rbac.v1.SubjectArgs(kind="ServiceAccount", name=NAME, namespace=NAMESPACE)
        observer = k8s.rbac.v1.ClusterRole(
            f"{name}-observer",
            metadata=meta(f"{NAME}-observer", None),
            rules=[
                k8s.rbac.v1.PolicyRuleArgs(
                    api_groups=[group], resources=resources, verbs=["get", "list", "watch"]
                )
                for group, resources in OBSERVED.items()
            ],
            opts=child,
        )
        k8s.rbac.v1.ClusterRoleBinding(
            f"{name}-observer-binding",
            metadata=meta(f"{NAME}-observer", None),
            role_ref=k8s.rbac.v1.RoleRefArgs(
                api_group="rbac.authorization.k8s.io", kind="ClusterRole", name=f"{NAME}-observer"
            ),
            subjects=[subject],
            opts=pulumi.ResourceOptions.merge(child, pulumi.ResourceOptions(depends_on=[observer])),
        )
        admission = reconcile_only_policy(name, agent_username(NAMESPACE, NAME), child)
        self._role(
            name,
            "flux",
            args.flux_namespace,
            [
                k8s.rbac.v1.PolicyRuleArgs(
                    api_groups=[group], resources=resources, verbs=["get", "list", "watch", "patch"]
                )
                for group, resources in FLUX_KINDS.items()
            ],
            subject,
            labels,
            # the right to patch exists only once the policy limiting it is enforced
            pulumi.ResourceOptions.merge(child, pulumi.ResourceOptions(depends_on=list(admission))),
        )
        self._role(
            name,
            "leader",
            NAMESPACE,
            [
                k8s.rbac.v1.PolicyRuleArgs(
                    api_groups=["coordination.k8s.io"],
                    resources=["leases"],
                    verbs=["get", "create", "update"],
                )
            ],
            subject,
            labels,
            in_ns,
        )

        self.token = external_secret(
            f"{name}-token",
            TOKEN_SECRET,
            NAMESPACE,
            args.secret_store,
            {"token": (args.token_key, None)},
            pulumi.ResourceOptions.merge(
                in_ns, pulumi.ResourceOptions(depends_on=list(args.depends_on))
            ),
        )
        pulls = []
        if args.image_pull_key is not None:
            pulls.append(
                external_secret(
                    f"{name}-image-pull",
                    PULL_SECRET,
                    NAMESPACE,
                    args.secret_store,
                    {".dockerconfigjson": (args.image_pull_key, None)},
                    pulumi.ResourceOptions.merge(
                        in_ns, pulumi.ResourceOptions(depends_on=list(args.depends_on))
                    ),
                    secret_type="kubernetes.io/dockerconfigjson",  # noqa: S106 (a Secret type)
                )
            )
        self.deployment = k8s.apps.v1.Deployment(
            f"{name}-deployment",
            metadata=meta(NAME),
            spec=deployment_spec(args, labels, selector),
            opts=pulumi.ResourceOptions.merge(
                in_ns,
                pulumi.ResourceOptions(depends_on=[self.service_account, self.token, *pulls]),
            ),
        )
        k8s.policy.v1.PodDisruptionBudget(
            f"{name}-pdb",
            metadata=meta(NAME),
            spec=k8s.policy.v1.PodDisruptionBudgetSpecArgs(
                min_available=1, selector=k8s.meta.v1.LabelSelectorArgs(match_labels=selector)
            ),
            opts=in_ns,
        )
        self.network_policy = k8s.networking.v1.NetworkPolicy(
            f"{name}-egress",
            metadata=meta(NAME),
            spec=network_policy_spec(args, selector),
            opts=in_ns,
        )
        if args.api_server_entity:
            custom_resource(
                f"{name}-api-server",
                "cilium.io/v2",
                "CiliumNetworkPolicy",
                f"{NAME}-api-server",
                NAMESPACE,
                cilium_api_server_spec(selector),
                pulumi.ResourceOptions.merge(
                    in_ns, pulumi.ResourceOptions(depends_on=list(args.depends_on))
                ),
            )
        self.namespace = NAMESPACE
        self.register_outputs(
            {
                "deployment": self.deployment,
                "service_account": self.service_account,
                "network_policy": self.network_policy,
                "token": self.token,
                "namespace": self.namespace,
            }
        )

    def _role(  # noqa: PLR0917
        self,
        name: str,
        role: str,
        role_namespace: str,
        rules: list[k8s.rbac.v1.PolicyRuleArgs],
        subject: k8s.rbac.v1.SubjectArgs,
        labels: dict[str, str],
        opts: pulumi.ResourceOptions,
    ) -> None:
        metadata = k8s.meta.v1.ObjectMetaArgs(
            name=f"{NAME}-{role}", namespace=role_namespace, labels=labels
        )
        k8s_role = k8s.rbac.v1.Role(
            f"{name}-{role}-role", metadata=metadata, rules=rules, opts=opts
        )
        k8s.rbac.v1.RoleBinding(
            f"{name}-{role}-binding",
            metadata=metadata,
            role_ref=k8s.rbac.v1.RoleRefArgs(
                api_group="rbac.authorization.k8s.io", kind="Role", name=f"{NAME}-{role}"
            ),
            subjects=[subject],
            opts=pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(depends_on=[k8s_role])),
        )


__all__ = ["PdpAgent", "PdpAgentArgs"]
