"""The pull secret of an existing registry, resolved from the secret store."""

from __future__ import annotations

from dataclasses import dataclass, field

import pulumi
import pulumi_kubernetes as k8s

from pdpkit.components.k8s.objects import MANAGED_BY, custom_resource

SECRET_NAME = "registry-pull"  # noqa: S105 (a Secret name)


@dataclass(frozen=True)
class RegistryPullSecretArgs:
    """Inputs of `RegistryPullSecret`."""

    provider: k8s.Provider
    server: str
    """Registry host (``registry.acme.internal``)."""
    remote_key: str
    """Remote key (prefix included) whose value is the docker config JSON."""
    secret_store: str
    namespace_labels: dict[str, str] = field(default_factory=lambda: dict(MANAGED_BY))
    """Namespaces that get the secret: by default every namespace pdpkit creates."""
    depends_on: tuple[pulumi.Resource, ...] = ()
    """The ESO release (CRDs) and the store."""


class RegistryPullSecret(pulumi.ComponentResource):
    """A `ClusterExternalSecret` producing a ``kubernetes.io/dockerconfigjson`` Secret named
    ``registry-pull`` in every matching namespace, including those created later (the
    platform's environment namespaces): no credential ever passes through Pulumi."""

    secret: k8s.apiextensions.CustomResource
    secret_name: str

    def __init__(
        self, name: str, args: RegistryPullSecretArgs, opts: pulumi.ResourceOptions | None = None
    ):
        super().__init__("pdpkit:onprem:RegistryPullSecret", name, None, opts)
        self.secret_name = SECRET_NAME
        self.secret = custom_resource(
            f"{name}-secret",
            "external-secrets.io/v1",
            "ClusterExternalSecret",
            SECRET_NAME,
            None,
            {
                "namespaceSelectors": [
                    {"matchLabels": dict(sorted(args.namespace_labels.items()))}
                ],
                "refreshTime": "1h",
                "externalSecretName": SECRET_NAME,
                "externalSecretSpec": {
                    "refreshInterval": "1h",
                    "secretStoreRef": {"kind": "ClusterSecretStore", "name": args.secret_store},
                    "target": {
                        "name": SECRET_NAME,
                        "creationPolicy": "Owner",
                        "template": {
                            "type": "kubernetes.io/dockerconfigjson",
                            "engineVersion": "v2",
                            "metadata": {"annotations": {"pdpkit.io/registry": args.server}},
                            "data": {".dockerconfigjson": "{{ .dockerconfigjson }}"},
                        },
                    },
                    "data": [
                        {"secretKey": "dockerconfigjson", "remoteRef": {"key": args.remote_key}}
                    ],
                },
            },
            pulumi.ResourceOptions(
                parent=self, provider=args.provider, depends_on=list(args.depends_on)
            ),
        )
        self.register_outputs({"secret": self.secret, "secret_name": self.secret_name})
