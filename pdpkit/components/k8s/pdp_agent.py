"""The PDP agent: dials the control plane outbound, never listens; least privilege."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_kubernetes as k8s

from pdpkit.components.k8s.objects import MANAGED_BY, PodSecurity, external_secret, namespace

NAMESPACE = "pdp-system"
NAME = "pdp-agent"
TOKEN_SECRET = "pdp-agent-token"  # noqa: S105 (a Secret name)
API_ACCESS_DIR = "/var/run/secrets/kubernetes.io/serviceaccount"
TOKEN_DIR = "/var/run/secrets/pdp"  # noqa: S105 (a mount path)
FLUX_KINDS = {
    "source.toolkit.fluxcd.io": ["gitrepositories", "helmrepositories"],
    "kustomize.toolkit.fluxcd.io": ["kustomizations"],
    "helm.toolkit.fluxcd.io": ["helmreleases"],
}
OBSERVED = {
    "": ["pods", "events", "namespaces", "nodes", "services"],
    "apps": ["deployments", "replicasets", "statefulsets", "daemonsets"],
    "batch": ["jobs", "cronjobs"],
    "gateway.networking.k8s.io": ["gateways", "httproutes"],
}


def api_access_volume() -> k8s.core.v1.VolumeArgs:
    """What automounting would give (token, CA, namespace), but explicit and short-lived:
    the token expires after an hour and is rotated by the kubelet."""
    return k8s.core.v1.VolumeArgs(
        name="kube-api-access",
        projected=k8s.core.v1.ProjectedVolumeSourceArgs(
            default_mode=0o440,
            sources=[
                k8s.core.v1.VolumeProjectionArgs(
                    service_account_token=k8s.core.v1.ServiceAccountTokenProjectionArgs(
                        path="token", expiration_seconds=3600
                    )
                ),
                k8s.core.v1.VolumeProjectionArgs(
                    config_map=k8s.core.v1.ConfigMapProjectionArgs(
                        name="kube-root-ca.crt",
                        items=[k8s.core.v1.KeyToPathArgs(key="ca.crt", path="ca.crt")],
                    )
                ),
                k8s.core.v1.VolumeProjectionArgs(
                    downward_api=k8s.core.v1.DownwardAPIProjectionArgs(
                        items=[
                            k8s.core.v1.DownwardAPIVolumeFileArgs(
                                path="namespace",
                                field_ref=k8s.core.v1.ObjectFieldSelectorArgs(
                                    field_path="metadata.namespace"
                                ),
                            )
                        ]
                    )
                ),
            ],
        ),
    )


@dataclass(frozen=True)
class PdpAgentArgs:
    """Inputs of `PdpAgent`."""

    provider: k8s.Provider
    image: str
    """Image pinned by digest (``…@sha256:…``)."""
    control_plane_url: str
    data_plane_id: str
    token_key: str
    """Remote key of the agent's token in the secret store (prefix included)."""
    secret_store: str
    """`ClusterSecretStore` the token is read through."""
    control_plane_cidrs: tuple[str, ...]
    """Only destinations of the agent's egress on 443, besides the API server and DNS."""
    api_server_cidrs: tuple[str, ...]
    flux_namespace: str = "flux-system"
    replicas: int = 2
    """Two replicas, one leader (Lease): a node drain never cuts the control-plane link."""
    depends_on: tuple[pulumi.Resource, ...] = ()
    """What ships the ExternalSecret CRD and the store."""


class PdpAgent(pulumi.ComponentResource):
    """Deployment, ServiceAccount, RBAC, token ExternalSecret, NetworkPolicy and PDB.

    RBAC: read-only on workloads and routes cluster-wide (status reporting), patch on the
    Flux objects in flux-system (to request a reconcile), Leases in its own namespace
    (leader election). No access to Secrets, no create/delete anywhere.
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
            child,
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
        self.deployment = k8s.apps.v1.Deployment(
            f"{name}-deployment",
            metadata=meta(NAME),
            spec=self._deployment_spec(args, labels, selector),
            opts=pulumi.ResourceOptions.merge(
                in_ns, pulumi.ResourceOptions(depends_on=[self.service_account, self.token])
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
            spec=self._network_policy_spec(args, selector),
            opts=in_ns,
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

    @staticmethod
    def _deployment_spec(
        args: PdpAgentArgs, labels: dict[str, str], selector: dict[str, str]
    ) -> k8s.apps.v1.DeploymentSpecArgs:
        def probe(kind: str, period: int) -> k8s.core.v1.ProbeArgs:
            # exec probes: the agent opens no port, not even for the kubelet
            return k8s.core.v1.ProbeArgs(
                exec_=k8s.core.v1.ExecActionArgs(
                    command=["/pdp-agent", "health", f"--probe={kind}"]
                ),
                period_seconds=period,
                timeout_seconds=5,
                failure_threshold=3,
            )

        container = k8s.core.v1.ContainerArgs(
            name="agent",
            image=args.image,
            image_pull_policy="IfNotPresent",
            args=["run"],
            env=[
                k8s.core.v1.EnvVarArgs(name="PDP_CONTROL_PLANE_URL", value=args.control_plane_url),
                k8s.core.v1.EnvVarArgs(name="PDP_DATA_PLANE_ID", value=args.data_plane_id),
                k8s.core.v1.EnvVarArgs(name="PDP_TOKEN_FILE", value=f"{TOKEN_DIR}/token"),
                k8s.core.v1.EnvVarArgs(name="PDP_LEASE_NAMESPACE", value=NAMESPACE),
            ],
            liveness_probe=probe("liveness", 20),
            readiness_probe=probe("readiness", 10),
            resources=k8s.core.v1.ResourceRequirementsArgs(
                requests={"cpu": "50m", "memory": "64Mi"}, limits={"cpu": "500m", "memory": "256Mi"}
            ),
            security_context=k8s.core.v1.SecurityContextArgs(
                run_as_non_root=True,
                run_as_user=65532,
                run_as_group=65532,
                read_only_root_filesystem=True,
                allow_privilege_escalation=False,
                privileged=False,
                capabilities=k8s.core.v1.CapabilitiesArgs(drop=["ALL"]),
                seccomp_profile=k8s.core.v1.SeccompProfileArgs(type="RuntimeDefault"),
            ),
            volume_mounts=[
                k8s.core.v1.VolumeMountArgs(name="token", mount_path=TOKEN_DIR, read_only=True),
                k8s.core.v1.VolumeMountArgs(
                    name="kube-api-access", mount_path=API_ACCESS_DIR, read_only=True
                ),
                k8s.core.v1.VolumeMountArgs(name="tmp", mount_path="/tmp"),  # noqa: S108 (emptyDir)
            ],
        )
        return k8s.apps.v1.DeploymentSpecArgs(
            replicas=args.replicas,
            revision_history_limit=5,
            selector=k8s.meta.v1.LabelSelectorArgs(match_labels=selector),
            strategy=k8s.apps.v1.DeploymentStrategyArgs(
                type="RollingUpdate",
                rolling_update=k8s.apps.v1.RollingUpdateDeploymentArgs(
                    max_unavailable=0, max_surge=1
                ),
            ),
            template=k8s.core.v1.PodTemplateSpecArgs(
                metadata=k8s.meta.v1.ObjectMetaArgs(labels=labels),
                spec=k8s.core.v1.PodSpecArgs(
                    service_account_name=NAME,
                    # no automount: the API token is projected explicitly below, short-lived
                    automount_service_account_token=False,
                    enable_service_links=False,
                    security_context=k8s.core.v1.PodSecurityContextArgs(
                        run_as_non_root=True,
                        run_as_user=65532,
                        run_as_group=65532,
                        fs_group=65532,
                        seccomp_profile=k8s.core.v1.SeccompProfileArgs(type="RuntimeDefault"),
                    ),
                    containers=[container],
                    volumes=[
                        k8s.core.v1.VolumeArgs(
                            name="token",
                            secret=k8s.core.v1.SecretVolumeSourceArgs(
                                secret_name=TOKEN_SECRET, default_mode=0o440
                            ),
                        ),
                        api_access_volume(),
                        k8s.core.v1.VolumeArgs(
                            name="tmp",
                            empty_dir=k8s.core.v1.EmptyDirVolumeSourceArgs(size_limit="16Mi"),
                        ),
                    ],
                    topology_spread_constraints=[
                        k8s.core.v1.TopologySpreadConstraintArgs(
                            max_skew=1,
                            topology_key=key,
                            when_unsatisfiable="ScheduleAnyway",
                            label_selector=k8s.meta.v1.LabelSelectorArgs(match_labels=selector),
                        )
                        for key in ("topology.kubernetes.io/zone", "kubernetes.io/hostname")
                    ],
                ),
            ),
        )

    @staticmethod
    def _network_policy_spec(
        args: PdpAgentArgs, selector: dict[str, str]
    ) -> k8s.networking.v1.NetworkPolicySpecArgs:
        def port(number: int, protocol: str = "TCP") -> k8s.networking.v1.NetworkPolicyPortArgs:
            return k8s.networking.v1.NetworkPolicyPortArgs(port=number, protocol=protocol)

        def blocks(cidrs: tuple[str, ...]) -> list[k8s.networking.v1.NetworkPolicyPeerArgs]:
            return [
                k8s.networking.v1.NetworkPolicyPeerArgs(
                    ip_block=k8s.networking.v1.IPBlockArgs(cidr=c)
                )
                for c in cidrs
            ]

        dns = k8s.networking.v1.NetworkPolicyEgressRuleArgs(
            to=[
                k8s.networking.v1.NetworkPolicyPeerArgs(
                    namespace_selector=k8s.meta.v1.LabelSelectorArgs(
                        match_labels={"kubernetes.io/metadata.name": "kube-system"}
                    ),
                    pod_selector=k8s.meta.v1.LabelSelectorArgs(
                        match_labels={"k8s-app": "kube-dns"}
                    ),
                )
            ],
            ports=[port(53, "UDP"), port(53)],
        )
        # 443 is the Service port; 6443 the API server's own port after the Service DNAT
        api = k8s.networking.v1.NetworkPolicyEgressRuleArgs(
            to=blocks(args.api_server_cidrs), ports=[port(443), port(6443)]
        )
        control_plane = k8s.networking.v1.NetworkPolicyEgressRuleArgs(
            to=blocks(args.control_plane_cidrs), ports=[port(443)]
        )
        return k8s.networking.v1.NetworkPolicySpecArgs(
            pod_selector=k8s.meta.v1.LabelSelectorArgs(match_labels=selector),
            policy_types=["Ingress", "Egress"],
            ingress=[],  # nothing may connect to the agent
            egress=[dns, api, control_plane],
        )
