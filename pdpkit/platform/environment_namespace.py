"""`EnvironmentNamespace`: a project's isolated, quota'd, Pod Security `restricted` namespace."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_kubernetes as k8s

from pdpkit.components.k8s.api_server_egress import API_SERVER_PORTS, cilium_api_server_spec
from pdpkit.dataplane.contract import TelemetryEndpoint
from pdpkit.platform.names import API_ACCESS_LABEL, TENANT_LABEL, labels, remote_key
from pdpkit.spec.platform import EgressRule, QuotaSpec, SecretRef
from pdpkit.spec.workload_checks import LIMIT_RANGE_DEFAULT, LIMIT_RANGE_DEFAULT_REQUEST

ENVIRONMENT_CONFIG = "environment-config"
ENVIRONMENT_SECRETS = "environment-secrets"
SECRET_REFRESH = "1h"  # noqa: S105 (an interval, not a secret)


@dataclass(frozen=True)
class EnvironmentNamespaceArgs:
    """Everything a project's namespace in one environment needs."""

    namespace: str
    project: str
    environment: str
    production: bool
    gateway_namespaces: tuple[str, ...]
    """Namespaces of the gateways allowed to reach the namespace's pods."""
    egress: tuple[EgressRule, ...]
    quota: QuotaSpec
    config: dict[str, str]
    """Environment configuration, published as the `environment-config` ConfigMap."""
    secrets: dict[str, SecretRef]
    """Environment secret references, resolved into the `environment-secrets` Secret."""
    secret_store: str
    secret_prefix: str
    provider: k8s.Provider
    ready: tuple[pulumi.Resource, ...] = ()
    """What custom resources (ExternalSecret) wait for: the CRDs of the data plane."""
    api_server_cidrs: tuple[str, ...] = ()
    """Real addresses of the API server's endpoints; only pods labelled `API_ACCESS_LABEL`
    may reach them (never a Service ClusterIP: see `api_server_egress`)."""
    api_server_entity: bool = False
    """Also allow those pods the API server by Cilium's ``kube-apiserver`` entity (a
    CiliumNetworkPolicy; only where the data plane says its CRD exists)."""
    telemetry: TelemetryEndpoint | None = None
    """The plane's OTLP collector: every pod may send to it; None: no such egress."""


class EnvironmentNamespace(pulumi.ComponentResource):
    """A namespace per project and environment: default-deny network, quota, limits, configuration.

    Isolation: every pod may talk to pods of its own namespace, be reached from the
    gateways, resolve DNS and reach the environment's declared egress; nothing else,
    in particular no other environment's namespace.
    """

    namespace_name: pulumi.Output[str]

    def __init__(
        self, name: str, args: EnvironmentNamespaceArgs, opts: pulumi.ResourceOptions | None = None
    ):
        super().__init__("pdpkit:platform:EnvironmentNamespace", name, None, opts)
        child = pulumi.ResourceOptions(parent=self, provider=args.provider)
        ns = args.namespace
        common = labels(environment=args.environment, project=args.project)
        namespace = k8s.core.v1.Namespace(
            f"{name}-namespace",
            metadata={
                "name": ns,
                "labels": {
                    **common,
                    "pdpkit.io/production": str(args.production).lower(),
                    TENANT_LABEL: ns,
                    **{
                        f"pod-security.kubernetes.io/{mode}": "restricted"
                        for mode in ("enforce", "audit", "warn")
                    },
                },
            },
            opts=child,
        )
        inside = pulumi.ResourceOptions(parent=self, provider=args.provider, depends_on=[namespace])

        def meta(object_name: str) -> dict[str, Any]:
            return {"name": object_name, "namespace": ns, "labels": common}

        for role, spec in _network_policies(args).items():
            k8s.networking.v1.NetworkPolicy(
                f"{name}-{role}", metadata=meta(role), spec=spec, opts=inside
            )
        if args.api_server_entity:
            # only integrations that mount a service account token (`serviceAccountToken: true`)
            k8s.apiextensions.CustomResource(
                f"{name}-allow-api-server-entity",
                api_version="cilium.io/v2",
                kind="CiliumNetworkPolicy",
                metadata=meta("allow-api-server"),
                spec=cilium_api_server_spec({API_ACCESS_LABEL: "true"}),
                opts=pulumi.ResourceOptions(
                    parent=self, provider=args.provider, depends_on=[namespace, *args.ready]
                ),
            )
        k8s.core.v1.ResourceQuota(
            f"{name}-quota",
            metadata=meta("environment-quota"),
            spec={
                "hard": {
                    "requests.cpu": args.quota.cpu,
                    "requests.memory": args.quota.memory,
                    "limits.cpu": args.quota.cpu,
                    "limits.memory": args.quota.memory,
                    "pods": str(args.quota.pods),
                    # Traffic enters through the gateways only.
                    "services.loadbalancers": "0",
                    "services.nodeports": "0",
                }
            },
            opts=inside,
        )
        k8s.core.v1.LimitRange(
            f"{name}-limits",
            metadata=meta("environment-limits"),
            spec={
                "limits": [
                    {
                        "type": "Container",
                        # the spec checks the quota (this LimitRange's max) holds these
                        "defaultRequest": dict(LIMIT_RANGE_DEFAULT_REQUEST),
                        "default": dict(LIMIT_RANGE_DEFAULT),
                        "max": {"cpu": args.quota.cpu, "memory": args.quota.memory},
                    }
                ]
            },
            opts=inside,
        )
        k8s.core.v1.ConfigMap(
            f"{name}-config",
            metadata=meta(ENVIRONMENT_CONFIG),
            data=dict(sorted(args.config.items())),
            opts=inside,
        )
        if args.secrets:
            k8s.apiextensions.CustomResource(
                f"{name}-secrets",
                api_version="external-secrets.io/v1",
                kind="ExternalSecret",
                metadata=meta(ENVIRONMENT_SECRETS),
                spec=external_secret_spec(
                    ENVIRONMENT_SECRETS, args.secrets, args.secret_store, args.secret_prefix
                ),
                opts=pulumi.ResourceOptions(
                    parent=self, provider=args.provider, depends_on=[namespace, *args.ready]
                ),
            )
        self.namespace_name = namespace.metadata.apply(lambda m: str(m["name"]))
        self.register_outputs({"namespace_name": self.namespace_name})


def external_secret_spec(
    target: str,
    secrets: dict[str, SecretRef],
    store: str,
    prefix: str,
    secret_type: str | None = None,
) -> dict[str, Any]:
    """An ExternalSecret spec reading `secrets` (Secret key -> remote reference) from `store`."""
    data = []
    for key, ref in sorted(secrets.items()):
        remote: dict[str, str] = {"key": remote_key(prefix, ref.key)}
        if ref.property is not None:
            remote["property"] = ref.property
        data.append({"secretKey": key, "remoteRef": remote})
    target_spec: dict[str, Any] = {
        "name": target,
        "creationPolicy": "Owner",
        "deletionPolicy": "Retain",
    }
    if secret_type is not None:
        target_spec["template"] = {"type": secret_type}
    return {
        "refreshInterval": SECRET_REFRESH,
        "secretStoreRef": {"kind": "ClusterSecretStore", "name": store},
        "target": target_spec,
        "data": data,
    }


def _network_policies(args: EnvironmentNamespaceArgs) -> dict[str, dict[str, Any]]:
    every_pod: dict[str, Any] = {}
    policies: dict[str, dict[str, Any]] = {
        "default-deny": {"podSelector": every_pod, "policyTypes": ["Ingress", "Egress"]},
        "allow-same-namespace": {
            "podSelector": every_pod,
            "policyTypes": ["Ingress", "Egress"],
            "ingress": [{"from": [{"podSelector": every_pod}]}],
            "egress": [{"to": [{"podSelector": every_pod}]}],
        },
        "allow-dns": {
            "podSelector": every_pod,
            "policyTypes": ["Egress"],
            "egress": [
                {
                    "to": [
                        {
                            "namespaceSelector": {
                                "matchLabels": {"kubernetes.io/metadata.name": "kube-system"}
                            },
                            "podSelector": {"matchLabels": {"k8s-app": "kube-dns"}},
                        }
                    ],
                    "ports": [{"protocol": "UDP", "port": 53}, {"protocol": "TCP", "port": 53}],
                }
            ],
        },
    }
    if args.gateway_namespaces:
        policies["allow-from-gateways"] = {
            "podSelector": every_pod,
            "policyTypes": ["Ingress"],
            "ingress": [
                {
                    "from": [
                        {
                            "namespaceSelector": {
                                "matchExpressions": [
                                    {
                                        "key": "kubernetes.io/metadata.name",
                                        "operator": "In",
                                        "values": sorted(set(args.gateway_namespaces)),
                                    }
                                ]
                            }
                        }
                    ]
                }
            ],
        }
    if args.api_server_cidrs:
        # only integrations that mount a service account token (`serviceAccountToken: true`)
        policies["allow-api-server"] = {
            "podSelector": {"matchLabels": {API_ACCESS_LABEL: "true"}},
            "policyTypes": ["Egress"],
            "egress": [
                {
                    "to": [{"ipBlock": {"cidr": cidr}} for cidr in args.api_server_cidrs],
                    # the endpoints' own ports: policy sees the translated destination
                    "ports": [{"protocol": "TCP", "port": port} for port in API_SERVER_PORTS],
                }
            ],
        }
    if args.telemetry is not None:
        # OTLP to the gateway collector only (its pods, its ports), never the stores
        policies["allow-telemetry"] = {
            "podSelector": every_pod,
            "policyTypes": ["Egress"],
            "egress": [
                {
                    "to": [
                        {
                            "namespaceSelector": {
                                "matchLabels": {
                                    "kubernetes.io/metadata.name": args.telemetry.namespace
                                }
                            },
                            "podSelector": {"matchLabels": dict(args.telemetry.pod_labels)},
                        }
                    ],
                    "ports": [{"protocol": "TCP", "port": port} for port in args.telemetry.ports],
                }
            ],
        }
    if args.telemetry is not None and args.telemetry.scraper_namespace is not None:
        # the node collectors scrape pods annotated prometheus.io/scrape (docs/observability.md)
        policies["allow-metrics-scrape"] = {
            "podSelector": every_pod,
            "policyTypes": ["Ingress"],
            "ingress": [
                {
                    "from": [
                        {
                            "namespaceSelector": {
                                "matchLabels": {
                                    "kubernetes.io/metadata.name": args.telemetry.scraper_namespace
                                }
                            },
                            "podSelector": {
                                "matchLabels": dict(args.telemetry.scraper_pod_labels or {})
                            },
                        }
                    ]
                }
            ],
        }
    if args.egress:
        policies["allow-declared-egress"] = {
            "podSelector": every_pod,
            "policyTypes": ["Egress"],
            "egress": [
                {
                    "to": [{"ipBlock": {"cidr": rule.cidr}}],
                    "ports": [{"protocol": "TCP", "port": port} for port in rule.ports],
                }
                for rule in args.egress
            ],
        }
    return policies
