"""The example stacks planned with object storage for the observability stores.

The targets provide `DataPlane.observability_storage` once the storage work (issue 17) is
wired in; until then these plans hand each target a storage built here by hand, shaped like
what that target provides (workload identity annotations, buckets, on-prem access key).
"""

from __future__ import annotations

from dataclasses import replace
from functools import cache
from unittest.mock import patch

from pdpkit.dataplane.contract import DataPlane, ObservabilityStorage, Signal
from pdpkit.plan.document import Plan
from pdpkit.spec.enums import Target
from tests.examples import ROOT

BUCKETS = {signal: f"obs-{signal.value}" for signal in Signal}


def storage_for(target: Target, region: str) -> ObservabilityStorage:
    """A storage as the target would provide it (values made up, shapes real)."""
    if target is Target.AZURE:
        return ObservabilityStorage(
            backend="azure",
            buckets=BUCKETS,
            service_account_annotations={
                "azure.workload.identity/client-id": "11111111-2222-3333-4444-555555555555"
            },
            pod_labels={"azure.workload.identity/use": "true"},
            account_name="acmeobservability",
        )
    if target is Target.AWS:
        return ObservabilityStorage(
            backend="s3",
            buckets=BUCKETS,
            service_account_annotations={
                "eks.amazonaws.com/role-arn": "arn:aws:iam::123456789012:role/obs-stores"
            },
            pod_labels={},
            endpoint=f"s3.{region}.amazonaws.com",
            region=region,
        )
    if target is Target.GCP:
        return ObservabilityStorage(
            backend="gcs",
            buckets=BUCKETS,
            service_account_annotations={
                "iam.gke.io/gcp-service-account": "obs-stores@acme.iam.gserviceaccount.com"
            },
            pod_labels={},
        )
    return ObservabilityStorage(
        backend="s3",
        buckets=BUCKETS,
        service_account_annotations={},
        pod_labels={},
        endpoint="minio.lab.example:9000",
        region=region,
        credentials_secret="observability/s3",
    )


@cache
def plan_with_storage(stack: str) -> Plan:
    """The example stack's plan, its target providing observability storage."""
    import pdpkit.program
    from pdpkit.plan.run import plan_stack

    original = pdpkit.program.build_dataplane

    def with_storage(spec):  # type: ignore[no-untyped-def]
        dataplane: DataPlane = original(spec)
        return replace(dataplane, observability_storage=storage_for(spec.target, spec.region))

    with patch.object(pdpkit.program, "build_dataplane", with_storage):
        return plan_stack(ROOT, stack)


@cache
def plan_without_storage(stack: str) -> Plan:
    """The example stack's plan, its target providing no observability storage."""
    import pdpkit.program
    from pdpkit.plan.run import plan_stack

    original = pdpkit.program.build_dataplane

    def without_storage(spec):  # type: ignore[no-untyped-def]
        return replace(original(spec), observability_storage=None)

    with patch.object(pdpkit.program, "build_dataplane", without_storage):
        return plan_stack(ROOT, stack)
