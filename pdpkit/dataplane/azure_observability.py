"""The Azure target's observability storage: one storage account with a container per signal,
reached through a private endpoint by an identity federated to the stores' service accounts."""

from __future__ import annotations

import pulumi

from pdpkit.components.azure.observability_storage import (
    ObservabilityStorage as AzureObservabilityStorage,
)
from pdpkit.components.azure.observability_storage import ObservabilityStorageArgs
from pdpkit.components.azure.private_endpoint import PrivateAccess
from pdpkit.dataplane.azure_layout import azure_section, observability_account_name
from pdpkit.dataplane.azure_system import workload_identity
from pdpkit.dataplane.contract import (
    OBSERVABILITY_NAMESPACE,
    OBSERVABILITY_STORE_SERVICE_ACCOUNTS,
    ObservabilityStorage,
    Signal,
)
from pdpkit.dataplane.observability_storage import lifecycle_days
from pdpkit.spec.dataplane import DataPlaneSpec


def observability_storage(
    spec: DataPlaneSpec,
    *,
    resource_group_name: pulumi.Input[str],
    issuer_url: pulumi.Input[str],
    private_access: PrivateAccess,
    tags: dict[str, str],
    opts: pulumi.ResourceOptions,
) -> ObservabilityStorage | None:
    """Declare the stores' storage account and identity; None when observability is off."""
    if not spec.observability.enabled:
        return None
    azure = azure_section(spec)
    storage = AzureObservabilityStorage(
        f"{spec.name}-observability",
        ObservabilityStorageArgs(
            account_name=observability_account_name(spec),
            resource_group_name=resource_group_name,
            location=spec.region,
            subscription_id=azure.subscription_id,
            issuer_url=issuer_url,
            namespace=OBSERVABILITY_NAMESPACE,
            service_accounts=OBSERVABILITY_STORE_SERVICE_ACCOUNTS,
            containers={
                signal.value: days for signal, days in lifecycle_days(spec.observability).items()
            },
            private_access=private_access,
            production=spec.production,
            tags=tags,
        ),
        opts,
    )
    # the same annotations (client and tenant id) and pod label as every workload identity
    # of the plane (azure_system.workload_identity)
    identity = workload_identity(storage.client_id, azure.tenant_id)
    return ObservabilityStorage(
        backend="azure",
        buckets={signal: storage.containers[signal.value] for signal in Signal},
        service_account_annotations={
            "azure.workload.identity/client-id": storage.client_id,
            "azure.workload.identity/tenant-id": azure.tenant_id,
        },
        pod_labels=dict(identity.pod_labels),
        account_name=storage.account_name,
    )
