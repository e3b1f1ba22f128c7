"""The GCP data plane's customer-managed Cloud KMS keys and the Google service agents that
encrypt with them (GKE's etcd secrets, Artifact Registry, the log archive bucket, the
observability stores' buckets)."""

from __future__ import annotations

import pulumi

from pdpkit.components.gcp.kms_keys import KeyPurpose, KmsKeys, KmsKeysArgs
from pdpkit.spec.dataplane import DataPlaneSpec


def customer_managed_keys(
    spec: DataPlaneSpec, number: pulumi.Output[str], labels: dict[str, str]
) -> KmsKeys | None:
    """One key a purpose the spec turns on; none at all: no key ring."""
    gcp = spec.gcp
    if gcp is None:  # the spec guarantees it for target gcp
        raise ValueError(f"data plane {spec.name} has no gcp section")
    purposes: list[KeyPurpose] = []
    if spec.cluster.secrets_encryption:
        purposes.append(KeyPurpose("gke-secrets", (_agent(number, "container-engine-robot"),)))
    if gcp.customer_managed_keys:
        purposes.append(KeyPurpose("registry", (_agent(number, "gcp-sa-artifactregistry"),)))
        if spec.log_storage.archive:
            purposes.append(KeyPurpose("log-archive", (_agent(number, "gs-project-accounts"),)))
        if spec.observability.enabled:
            purposes.append(KeyPurpose("observability", (_agent(number, "gs-project-accounts"),)))
    if not purposes:
        return None
    return KmsKeys(
        f"{spec.name}-kms",
        KmsKeysArgs(
            project=gcp.project,
            region=spec.region,
            key_ring=f"{spec.name}-keys",
            keys=tuple(purposes),
            protect=spec.production,
            labels=labels,
        ),
    )


def _agent(number: pulumi.Output[str], domain: str) -> pulumi.Output[str]:
    """A Google service agent of the project (``service-<number>@<domain>...``)."""
    return number.apply(lambda n: f"serviceAccount:service-{n}@{domain}.iam.gserviceaccount.com")
