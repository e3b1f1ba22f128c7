"""What the PDP agent runs: its inputs, pod (hardened, no port) and egress policy."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_kubernetes as k8s

from pdpkit.components.k8s.api_server_egress import API_SERVER_PORTS

NAMESPACE = "pdp-system"
NAME = "pdp-agent"
TOKEN_SECRET = "pdp-agent-token"  # noqa: S105 (a Secret name)
PULL_SECRET = "pdp-agent-pull"  # noqa: S105 (a Secret name)
API_ACCESS_DIR = "/var/run/secrets/kubernetes.io/serviceaccount"
TOKEN_DIR = "/var/run/secrets/pdp"  # noqa: S105 (a mount path)


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
    """Real addresses of the API server's endpoints (never the ``kubernetes`` Service's
    ClusterIP: Cilium enforces policy after translating it); may be empty when
    `api_server_entity` allows the API server."""
    api_server_entity: bool = False
    """Also allow the API server by Cilium's ``kube-apiserver`` entity (a CiliumNetworkPolicy):
    only where the CiliumNetworkPolicy CRD exists, i.e. pdpkit installed Cilium."""
    image_pull_key: str | None = None
    """Remote key of a docker config JSON for the image's registry (prefix included); None:
    the nodes pull the image with their own identity."""
    flux_namespace: str = "flux-system"
    replicas: int = 2
    """Two replicas, one leader (Lease): a node drain never cuts the control-plane link."""
    depends_on: tuple[pulumi.Resource, ...] = ()
    """What ships the ExternalSecret CRD and the store (and Cilium, whose operator registers
    the CiliumNetworkPolicy CRD, with `api_server_entity`)."""


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


def deployment_spec(
    args: PdpAgentArgs, labels: dict[str, str], selector: dict[str, str]
) -> k8s.apps.v1.DeploymentSpecArgs:
    def probe(kind: str, period: int) -> k8s.core.v1.ProbeArgs:
        # exec probes: the agent opens no port, not even for the kubelet
        return k8s.core.v1.ProbeArgs(
            exec_=k8s.core.v1.ExecActionArgs(command=["/pdp-agent", "health", f"--probe={kind}"]),
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
            rolling_update=k8s.apps.v1.RollingUpdateDeploymentArgs(max_unavailable=0, max_surge=1),
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
                image_pull_secrets=(
                    [k8s.core.v1.LocalObjectReferenceArgs(name=PULL_SECRET)]
                    if args.image_pull_key
                    else None
                ),
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


def network_policy_spec(
    args: PdpAgentArgs, selector: dict[str, str]
) -> k8s.networking.v1.NetworkPolicySpecArgs:
    def port(number: int, protocol: str = "TCP") -> k8s.networking.v1.NetworkPolicyPortArgs:
        return k8s.networking.v1.NetworkPolicyPortArgs(port=number, protocol=protocol)

    def blocks(cidrs: tuple[str, ...]) -> list[k8s.networking.v1.NetworkPolicyPeerArgs]:
        return [
            k8s.networking.v1.NetworkPolicyPeerArgs(ip_block=k8s.networking.v1.IPBlockArgs(cidr=c))
            for c in cidrs
        ]

    dns = k8s.networking.v1.NetworkPolicyEgressRuleArgs(
        to=[
            k8s.networking.v1.NetworkPolicyPeerArgs(
                namespace_selector=k8s.meta.v1.LabelSelectorArgs(
                    match_labels={"kubernetes.io/metadata.name": "kube-system"}
                ),
                pod_selector=k8s.meta.v1.LabelSelectorArgs(match_labels={"k8s-app": "kube-dns"}),
            )
        ],
        ports=[port(53, "UDP"), port(53)],
    )
    # the API server's endpoints, by address (see api_server_egress: never its ClusterIP)
    api = k8s.networking.v1.NetworkPolicyEgressRuleArgs(
        to=blocks(args.api_server_cidrs), ports=[port(p) for p in API_SERVER_PORTS]
    )
    control_plane = k8s.networking.v1.NetworkPolicyEgressRuleArgs(
        to=blocks(args.control_plane_cidrs), ports=[port(443)]
    )
    return k8s.networking.v1.NetworkPolicySpecArgs(
        pod_selector=k8s.meta.v1.LabelSelectorArgs(match_labels=selector),
        policy_types=["Ingress", "Egress"],
        ingress=[],  # nothing may connect to the agent
        # an ipBlock-less rule would allow every destination: the API rule only with addresses
        egress=[dns, api, control_plane] if args.api_server_cidrs else [dns, control_plane],
    )
