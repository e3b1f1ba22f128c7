"""The log agent: Fluent Bit on every node, shipping container logs to the in-plane store."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pulumi
import pulumi_kubernetes as k8s

from pdpkit.components.k8s.flux_helm_release import FluxHelmRelease, FluxHelmReleaseArgs
from pdpkit.components.k8s.objects import namespace, namespace_level
from pdpkit.versions import chart

NAMESPACE = "pdp-logging"
SERVICE_ACCOUNT = "fluent-bit"
"""Targets bind workload identity to ``system:serviceaccount:pdp-logging:fluent-bit``."""


@dataclass(frozen=True)
class LogAgentArgs:
    """Inputs of `LogAgent`."""

    provider: k8s.Provider
    output: str
    """Fluent Bit output plugin (``loki``, ``opensearch``, ``cloudwatch_logs``…)."""
    parameters: pulumi.Input[dict[str, Any]]
    """The plugin's parameters; may hold Outputs (endpoints, ids)."""
    service_account_annotations: pulumi.Input[dict[str, str]] = field(default_factory=dict)
    pod_labels: dict[str, str] = field(default_factory=dict)
    channel: str | None = None
    """Semver range Flux may update the chart within; left out: the pinned version."""
    depends_on: tuple[pulumi.Resource, ...] = ()
    """The Flux release (its CRDs)."""


def render_output(plugin: str, parameters: dict[str, Any]) -> str:
    """One Fluent Bit ``[OUTPUT]`` section in the classic format, parameters sorted."""

    def text(value: Any) -> str:
        if isinstance(value, bool):
            return "On" if value else "Off"
        return str(value)

    lines = ["[OUTPUT]", f"    Name {plugin}", "    Match kube.*"]
    lines += [f"    {key} {text(value)}" for key, value in sorted(parameters.items())]
    return "\n".join(lines) + "\n"


class LogAgent(pulumi.ComponentResource):
    """Fluent Bit as a Flux HelmRelease (updated within its channel) in a privileged
    namespace of its own: it reads ``/var/log`` from the host, nothing else needs to."""

    release: FluxHelmRelease
    namespace: str

    def __init__(self, name: str, args: LogAgentArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("pdpkit:k8s:LogAgent", name, None, opts)
        child = pulumi.ResourceOptions(parent=self, provider=args.provider)
        ns = namespace(f"{name}-namespace", NAMESPACE, namespace_level(chart("logAgent")), child)
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
                "priorityClassName": "system-node-critical",
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
                depends_on=(ns, *args.depends_on),
            ),
            pulumi.ResourceOptions(parent=self),
        )
        self.namespace = NAMESPACE
        self.register_outputs({"release": self.release, "namespace": self.namespace})
