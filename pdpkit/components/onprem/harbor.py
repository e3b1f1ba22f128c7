"""Harbor in the cluster, storing images on S3-compatible storage."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_kubernetes as k8s

from pdpkit.components.k8s.flux_helm_release import FluxHelmRelease, FluxHelmReleaseArgs
from pdpkit.components.k8s.objects import (
    MANAGED_BY,
    custom_resource,
    external_secret,
    namespace,
    namespace_level,
)
from pdpkit.components.onprem.s3 import S3Bucket
from pdpkit.versions import chart

NAMESPACE = "harbor"
ADMIN_SECRET = "harbor-admin"  # noqa: S105 (Secret names)
STORAGE_SECRET = "harbor-s3"  # noqa: S105
SERVICE = "harbor"


@dataclass(frozen=True)
class HarborArgs:
    """Inputs of `Harbor`."""

    provider: k8s.Provider
    hostname: str
    admin_password: pulumi.Input[str]
    """Initial admin password; stored only as a Pulumi secret and a Kubernetes Secret."""
    storage: S3Bucket
    secret_store: str
    gateway: tuple[str, str]
    """(name, namespace) of the internal gateway that terminates TLS for Harbor (its
    certificate must cover `hostname`)."""
    production: bool = False
    """Protect and retain the release."""
    channel: str | None = None
    flux_namespace: str = "flux-system"
    flux_ready: tuple[pulumi.Resource, ...] = ()
    secrets_ready: tuple[pulumi.Resource, ...] = ()
    gateway_ready: tuple[pulumi.Resource, ...] = ()
    """What ships the Gateway API CRDs."""


class Harbor(pulumi.ComponentResource):
    """Harbor as a Flux HelmRelease: admin password from a Pulumi secret, S3 keys through an
    ExternalSecret, images on the bucket (no image data in the cluster), published on the
    internal gateway through an HTTPRoute (TLS by the gateway's certificate)."""

    release: FluxHelmRelease
    hostname: str
    route: k8s.apiextensions.CustomResource

    def __init__(self, name: str, args: HarborArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("pdpkit:onprem:Harbor", name, None, opts)
        child = pulumi.ResourceOptions(parent=self, provider=args.provider)
        ns = namespace(f"{name}-namespace", NAMESPACE, namespace_level(chart("harbor")), child)
        in_ns = pulumi.ResourceOptions.merge(child, pulumi.ResourceOptions(depends_on=[ns]))
        admin = k8s.core.v1.Secret(
            f"{name}-admin",
            metadata=k8s.meta.v1.ObjectMetaArgs(
                name=ADMIN_SECRET, namespace=NAMESPACE, labels=MANAGED_BY
            ),
            type="Opaque",
            string_data={"HARBOR_ADMIN_PASSWORD": pulumi.Output.secret(args.admin_password)},
            opts=pulumi.ResourceOptions.merge(
                in_ns, pulumi.ResourceOptions(additional_secret_outputs=["data", "stringData"])
            ),
        )
        storage = external_secret(
            f"{name}-storage",
            STORAGE_SECRET,
            NAMESPACE,
            args.secret_store,
            {
                "REGISTRY_STORAGE_S3_ACCESSKEY": (args.storage.credentials_key, "accessKeyId"),
                "REGISTRY_STORAGE_S3_SECRETKEY": (args.storage.credentials_key, "secretAccessKey"),
            },
            pulumi.ResourceOptions.merge(
                in_ns, pulumi.ResourceOptions(depends_on=list(args.secrets_ready))
            ),
        )
        gateway, gateway_namespace = args.gateway
        # TLS ends at the internal gateway (no LoadBalancer Service of Harbor's own);
        # no request timeout: image layers are large
        route = custom_resource(
            f"{name}-route",
            "gateway.networking.k8s.io/v1",
            "HTTPRoute",
            "harbor",
            NAMESPACE,
            {
                "parentRefs": [
                    {"name": gateway, "namespace": gateway_namespace, "kind": "Gateway"}
                ],
                "hostnames": [args.hostname],
                "rules": [
                    {
                        "matches": [{"path": {"type": "PathPrefix", "value": "/"}}],
                        "backendRefs": [{"name": SERVICE, "port": 80}],
                        "timeouts": {"request": "0s"},
                    }
                ],
            },
            pulumi.ResourceOptions.merge(
                in_ns, pulumi.ResourceOptions(depends_on=list(args.gateway_ready))
            ),
        )
        bucket = args.storage
        values = {
            "externalURL": f"https://{args.hostname}",
            "expose": {
                "type": "clusterIP",
                "tls": {"enabled": False},
                "clusterIP": {"name": SERVICE, "ports": {"httpPort": 80}},
            },
            "existingSecretAdminPassword": ADMIN_SECRET,
            "existingSecretAdminPasswordKey": "HARBOR_ADMIN_PASSWORD",
            "persistence": {
                "enabled": True,
                "resourcePolicy": "keep",
                "imageChartStorage": {
                    "type": "s3",
                    "disableredirect": True,
                    "s3": {
                        "region": bucket.region,
                        "bucket": bucket.bucket,
                        "regionendpoint": bucket.endpoint,
                        "existingSecret": STORAGE_SECRET,
                        "secure": bucket.secure,
                        "v4auth": True,
                    },
                },
            },
            "trivy": {"enabled": True},
            "metrics": {"enabled": False},
        }
        self.release = FluxHelmRelease(
            f"{name}-release",
            FluxHelmReleaseArgs(
                provider=args.provider,
                chart=chart("harbor"),
                release_name="harbor",
                target_namespace=NAMESPACE,
                values=values,
                channel=args.channel,
                flux_namespace=args.flux_namespace,
                depends_on=(ns, admin, storage, *args.flux_ready),
                holds_data=args.production,
            ),
            pulumi.ResourceOptions(parent=self),
        )
        self.hostname = args.hostname
        self.route = route
        self.register_outputs(
            {
                "release": self.release,
                "hostname": self.hostname,
                "route": self.route,
            }
        )
