"""The GCP target's observability storage: a GCS bucket per signal (CMEK with the data plane's
key) and a Google service account the stores impersonate through Workload Identity."""

from __future__ import annotations

import pulumi

from pdpkit.components.gcp import names
from pdpkit.components.gcp.observability_buckets import (
    ObservabilityBuckets,
    ObservabilityBucketsArgs,
)
from pdpkit.dataplane.contract import (
    OBSERVABILITY_NAMESPACE,
    OBSERVABILITY_STORE_SERVICE_ACCOUNTS,
    ObservabilityStorage,
    Signal,
)
from pdpkit.dataplane.gcp_system import gcp_section
from pdpkit.dataplane.observability_storage import lifecycle_days
from pdpkit.spec.dataplane import DataPlaneSpec

GSA_ANNOTATION = "iam.gke.io/gcp-service-account"
"""The service account annotation naming the Google service account (as `gke_annotations`)."""


def observability_storage(
    spec: DataPlaneSpec,
    *,
    workload_pool: pulumi.Input[str],
    kms_key: pulumi.Input[str] | None,
    labels: dict[str, str],
    depends_on: tuple[pulumi.Resource, ...],
) -> ObservabilityStorage | None:
    """Declare the stores' buckets and service account; None when observability is off."""
    if not spec.observability.enabled:
        return None
    gcp = gcp_section(spec)
    buckets = ObservabilityBuckets(
        f"{spec.name}-observability",
        ObservabilityBucketsArgs(
            project=gcp.project,
            region=spec.region,
            buckets={
                s.value: names.observability_bucket_name(gcp.project, spec.name, s.value)
                for s in Signal
            },
            expiration_days={s.value: d for s, d in lifecycle_days(spec.observability).items()},
            account_id=names.account_id(spec.name, "obs"),
            workload_pool=workload_pool,
            namespace=OBSERVABILITY_NAMESPACE,
            service_accounts=OBSERVABILITY_STORE_SERVICE_ACCOUNTS,
            kms_key=kms_key,
            protect=spec.production,
            labels=labels,
            depends_on=depends_on,
        ),
    )
    return ObservabilityStorage(
        backend="gcs",
        buckets={s: buckets.bucket_names[s.value] for s in Signal},
        service_account_annotations={GSA_ANNOTATION: buckets.email},
        pod_labels={},
    )
