"""Harbor in the cluster, storing images on S3-compatible storage."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_kubernetes as k8s

from pdpkit.components.k8s.flux_helm_release import FluxHelmRelease, FluxHelmReleaseArgs
from pdpkit.components.k8s.objects import (
    MANAGED_BY,
    PodSecurity,
    custom_resource,
    external_secret,
    namespace,
)
from pdpkit.components.onprem.s3 import S3Bucket
from pdpkit.versions import chart

NAMESPACE = "harbor"
ADMIN_SECRET = "harbor-admin"  # noqa: S105 (Secret names)
STORAGE_SECRET = "harbor-s3"  # noqa: S105
TLS_SECRET = "harbor-tls"  # noqa: S105


@dataclass(frozen=True)
class HarborArgs:
    """Inputs of `Harbor`."""

    provider: k8s.Provider
    hostname: str
    admin_password: pulumi.Input[str]
    """Initial admin password; stored only as a Pulumi secret and a Kubernetes Secret."""
    storage: S3Bucket
    secret_store: str
    cluster_issuer: str
    """Signs Harbor's TLS certificate."""
    production: bool = False
    """Protect and retain the release."""
    channel: str | None = None
    flux_namespace: str = "flux-system"
    flux_ready: tuple[pulumi.Resource, ...] = ()
    secrets_ready: tuple[pulumi.Resource, ...] = ()
    certificates_ready: tuple[pulumi.Resource, ...] = ()


class Harbor(pulumi.ComponentResource):
    """Harbor as a Flux HelmRelease: admin password from a Pulumi secret, S3 keys through an
    ExternalSecret, TLS from cert-manager, images on the bucket (no image data in the cluster)."""

    release: FluxHelmRelease
    hostname: str

    def __init__(self, name: str, args: HarborArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("pdpkit:onprem:Harbor", name, None, opts)
        child = pulumi.ResourceOptions(parent=self, provider=args.provider)
        ns = namespace(f"{name}-namespace", NAMESPACE, PodSecurity.BASELINE, child)
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
        certificate = custom_resource(
            f"{name}-certificate",
            "cert-manager.io/v1",
            "Certificate",
            TLS_SECRET,
            NAMESPACE,
            {
                "secretName": TLS_SECRET,
                "dnsNames": [args.hostname],
                "issuerRef": {
                    "kind": "ClusterIssuer",
                    "name": args.cluster_issuer,
                    "group": "cert-manager.io",
                },
                "privateKey": {"algorithm": "ECDSA", "size": 256, "rotationPolicy": "Always"},
            },
            pulumi.ResourceOptions.merge(
                in_ns, pulumi.ResourceOptions(depends_on=list(args.certificates_ready))
            ),
        )
        bucket = args.storage
        values = {
            "externalURL": f"https://{args.hostname}",
            "expose": {
                "type": "loadBalancer",
                "tls": {
                    "enabled": True,
                    "certSource": "secret",
                    "secret": {"secretName": TLS_SECRET},
                },
                "loadBalancer": {"name": "harbor"},
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
                depends_on=(ns, admin, storage, certificate, *args.flux_ready),
                holds_data=args.production,
            ),
            pulumi.ResourceOptions(parent=self),
        )
        self.hostname = args.hostname
        self.register_outputs({"release": self.release, "hostname": self.hostname})
