"""The log agent: Fluent Bit on every node, shipping container logs to the in-plane store."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pulumi
import pulumi_kubernetes as k8s

from pdpkit.components.k8s.fluent_bit_outputs import FLUENT_BIT_VERSION, PLUGIN_KEYS, unknown_keys
from pdpkit.components.k8s.flux_helm_release import FluxHelmRelease, FluxHelmReleaseArgs
from pdpkit.components.k8s.objects import MANAGED_BY, namespace, namespace_level
from pdpkit.versions import chart

NAMESPACE = "pdp-logging"
SERVICE_ACCOUNT = "fluent-bit"
"""Targets bind workload identity to ``system:serviceaccount:pdp-logging:fluent-bit``."""
PRIORITY_CLASS = "system-node-critical"
"""A node agent: evicted last, scheduled first on a full node."""
CRITICAL_PRIORITY_CLASSES = ("system-node-critical", "system-cluster-critical")
"""Classes a cluster may reserve to ``kube-system``: the API server's ResourceQuota admission
can be configured to admit pods of a class only where a quota scoped to it exists
(kubernetes.io/docs/concepts/policy/resource-quotas/#limit-priority-class-consumption-by-default).
GKE does so for these two: it keeps a ``gcp-critical-pods`` quota in kube-system only, and pods
of these classes elsewhere fail with "insufficient quota to match these scopes"
(openservicemesh/osm#4408, fluxcd/flux2#3800, cilium/cilium#13852)."""
CRITICAL_PODS_QUOTA = "1G"
"""Pods the quota allows: the figure GKE's own ``gcp-critical-pods`` quota uses (osm#4408), so
it only unlocks the class and never caps a DaemonSet."""


@dataclass(frozen=True)
class LogAgentArgs:
    """Inputs of `LogAgent`."""

    provider: k8s.Provider
    output: str
    """Fluent Bit output plugin (``loki``, ``opensearch``, ``cloudwatch_logs``…), one of
    `fluent_bit_outputs.PLUGIN_KEYS`."""
    parameters: pulumi.Input[dict[str, Any]]
    """The plugin's parameters; may hold Outputs (endpoints, ids)."""
    service_account_annotations: pulumi.Input[dict[str, str]] = field(default_factory=dict)
    pod_labels: dict[str, str] = field(default_factory=dict)
    channel: str | None = None
    """Semver range Flux may update the chart within; left out: the pinned version."""
    depends_on: tuple[pulumi.Resource, ...] = ()
    """The Flux release (its CRDs)."""


def render_output(plugin: str, parameters: dict[str, Any]) -> str:
    """One Fluent Bit ``[OUTPUT]`` section in the classic format, parameters sorted.

    Refuses a key the pinned Fluent Bit does not know for `plugin`: Fluent Bit would refuse
    the section at start-up and the DaemonSet would crash-loop (`fluent_bit_outputs`).
    """
    unknown = unknown_keys(plugin, parameters)
    if unknown:
        raise ValueError(
            f"Fluent Bit {FLUENT_BIT_VERSION} output {plugin!r} has no key(s) "
            f"{', '.join(unknown)}; it would fail to start. Known: "
            f"{', '.join(sorted(PLUGIN_KEYS.get(plugin, ())) or '(no such plugin recorded)')}"
        )

    def text(value: Any) -> str:
        if isinstance(value, bool):
            return "On" if value else "Off"
        return str(value)

    lines = ["[OUTPUT]", f"    Name {plugin}", "    Match kube.*"]
    lines += [f"    {key} {text(value)}" for key, value in sorted(parameters.items())]
    return "\n".join(lines) + "\n"


def critical_pods_quota(
    resource_name: str, namespace_name: str, priority_class: str, opts: pulumi.ResourceOptions
) -> k8s.core.v1.ResourceQuota:
    """A ResourceQuota scoped to `priority_class`: lets pods of that class run in the namespace
    on clusters that limit its consumption (GKE)."""
    return k8s.core.v1.ResourceQuota(
        resource_name,
        metadata=k8s.meta.v1.ObjectMetaArgs(
            name="critical-pods", namespace=namespace_name, labels=dict(MANAGED_BY)
        ),
        spec=k8s.core.v1.ResourceQuotaSpecArgs(
            hard={"pods": CRITICAL_PODS_QUOTA},
            scope_selector=k8s.core.v1.ScopeSelectorArgs(
                match_expressions=[
                    k8s.core.v1.ScopedResourceSelectorRequirementArgs(
                        scope_name="PriorityClass", operator="In", values=[priority_class]
                    )
                ]
            ),
        ),
        opts=opts,
    )


class LogAgent(pulumi.ComponentResource):
    """Fluent Bit as a Flux HelmRelease (updated within its channel) in a privileged
    namespace of its own: it reads ``/var/log`` from the host, nothing else needs to."""

    release: FluxHelmRelease
    namespace: str

    def __init__(self, name: str, args: LogAgentArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("pdpkit:k8s:LogAgent", name, None, opts)
        child = pulumi.ResourceOptions(parent=self, provider=args.provider)
        ns = namespace(f"{name}-namespace", NAMESPACE, namespace_level(chart("logAgent")), child)
        # on every target: a no-op where the class is not limited, required where it is (GKE)
        quota = critical_pods_quota(
            f"{name}-critical-pods",
            NAMESPACE,
            PRIORITY_CLASS,
            pulumi.ResourceOptions(parent=self, provider=args.provider, depends_on=[ns]),
        )
        values = pulumi.Output.all(
            pulumi.Output.from_input(args.parameters),
            pulumi.Output.from_input(args.service_account_annotations),
        ).apply(
            lambda resolved: {
                "kind": "DaemonSet",
                "serviceAccount": {
                    "create": True,
                    "name": SERVICE_ACCOUNT,
                    "annotations": resolved[1],
                },
                "podLabels": args.pod_labels,
                "tolerations": [{"operator": "Exists"}],
                "priorityClassName": PRIORITY_CLASS,
                "securityContext": {
                    "readOnlyRootFilesystem": True,
                    "allowPrivilegeEscalation": False,
                    "capabilities": {"drop": ["ALL"]},
                },
                "resources": {
                    "requests": {"cpu": "50m", "memory": "64Mi"},
                    "limits": {"memory": "256Mi"},
                },
                "config": {"outputs": render_output(args.output, resolved[0])},
            }
        )
        self.release = FluxHelmRelease(
            f"{name}-fluent-bit",
            FluxHelmReleaseArgs(
                provider=args.provider,
                chart=chart("logAgent"),
                release_name="fluent-bit",
                target_namespace=NAMESPACE,
                values=values,
                channel=args.channel,
                depends_on=(ns, quota, *args.depends_on),
            ),
            pulumi.ResourceOptions(parent=self),
        )
        self.namespace = NAMESPACE
        self.register_outputs({"release": self.release, "namespace": self.namespace})
