"""A data plane to render the platform without a target (``pdp import-cr --render``, tests)."""

from __future__ import annotations

import pulumi
import pulumi_kubernetes as k8s

from pdpkit.dataplane.contract import DataPlane, GatewayRef
from pdpkit.spec.enums import Target

PREVIEW_GATEWAY_NAMESPACE = "pdp-gateways"


def preview_dataplane(name: str = "preview") -> DataPlane:
    """A stand-in `DataPlane`: a Kubernetes provider and two gateways; call inside a Pulumi program.

    It declares nothing but the provider, so what is recorded is the platform's own output.
    """
    provider = k8s.Provider(f"{name}-kubernetes", context=name)
    return DataPlane(
        name=name,
        target=Target.ONPREM,
        kubernetes=provider,
        secret_store="pdp-secret-store",  # noqa: S106 (a store name)
        secret_prefix=f"pdp/{name}/",
        external_gateway=GatewayRef(
            "external",
            PREVIEW_GATEWAY_NAMESPACE,
            (f"*.apps.{name}.example",),
            mtls_listeners=("mtls-0",),
            mtls_hostnames=(f"mtls.apps.{name}.example",),
        ),
        internal_gateway=GatewayRef(
            "internal", PREVIEW_GATEWAY_NAMESPACE, (f"*.internal.{name}.example",)
        ),
        registry=pulumi.Output.from_input(f"registry.{name}.example"),
        zones=("zone-a", "zone-b"),
        ready=(provider,),
    )
