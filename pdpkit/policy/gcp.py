"""GCP rules: GKE, Artifact Registry, Cloud Storage, Cloud Logging, KMS, IAM (pulumi-gcp v10)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from pdpkit.policy.model import ADVISORY, MANDATORY, PolicyContext, resource_rule
from pdpkit.policy.wire import (
    as_int,
    dig,
    is_false,
    is_true,
    items,
    open_ranges,
    retention_shortfall,
)

GKE = "gcp:container/cluster:Cluster"
NODE_POOL = "gcp:container/nodePool:NodePool"
ARTIFACT_REGISTRY = "gcp:artifactregistry/repository:Repository"
GCS_BUCKET = "gcp:storage/bucket:Bucket"
LOG_BUCKET = "gcp:logging/projectBucketConfig:ProjectBucketConfig"
CRYPTO_KEY = "gcp:kms/cryptoKey:CryptoKey"
SA_KEY = "gcp:serviceaccount/key:Key"


def public_endpoint(inputs: Mapping[str, Any]) -> bool:
    """Whether the control plane has a public endpoint (old and new GKE endpoint settings)."""
    if is_true(dig(inputs, "privateClusterConfig", "enablePrivateEndpoint")):
        return False
    return not is_false(
        dig(inputs, "controlPlaneEndpointsConfig", "ipEndpointsConfig", "enablePublicEndpoint")
    )


@resource_rule(
    "GCP-GKE-PRIVATE-ENDPOINT",
    MANDATORY,
    [GKE],
    "The GKE control plane is reached through its private endpoint only; a public endpoint is "
    "flagged even when limited by master authorized networks, so that the exception is "
    "visible and justified.",
    "Set privateClusterConfig.enablePrivateEndpoint: true (cluster.privateApiEndpoint: true), "
    "or waive GCP-GKE-PRIVATE-ENDPOINT for the cluster with a justification.",
)
def gke_private_endpoint(
    _type: str, inputs: Mapping[str, Any], _ctx: PolicyContext
) -> Iterator[str]:
    if public_endpoint(inputs):
        cidrs = [
            dig(b, "cidrBlock")
            for b in items(inputs, "masterAuthorizedNetworksConfig", "cidrBlocks")
        ]
        restricted = f" (restricted to {', '.join(map(str, cidrs))})" if cidrs else ""
        yield f"the control plane endpoint is public{restricted}"


@resource_rule(
    "GCP-GKE-API-RANGES",
    MANDATORY,
    [GKE],
    "A public GKE endpoint accepts only master authorized networks, not Google Cloud's public "
    "ranges nor the internet.",
    "Set masterAuthorizedNetworksConfig.cidrBlocks to cluster.authorizedRanges and "
    "gcpPublicCidrsAccessEnabled: false.",
)
def gke_api_ranges(_type: str, inputs: Mapping[str, Any], _ctx: PolicyContext) -> Iterator[str]:
    if not public_endpoint(inputs):
        return
    config = dig(inputs, "masterAuthorizedNetworksConfig")
    cidrs = {str(dig(b, "cidrBlock")) for b in items(config, "cidrBlocks")}
    if not cidrs:
        yield "the public endpoint has no master authorized networks: reachable from anywhere"
    elif open_ := open_ranges(cidrs):
        yield f"master authorized networks include {', '.join(open_)}"
    if is_true(dig(config, "gcpPublicCidrsAccessEnabled")):
        yield "Google Cloud public IP ranges may reach the endpoint (gcpPublicCidrsAccessEnabled)"


@resource_rule(
    "GCP-GKE-PRIVATE-NODES",
    MANDATORY,
    [GKE, NODE_POOL],
    "Nodes have internal IP addresses only and reach the internet through Cloud NAT.",
    "Set privateClusterConfig.enablePrivateNodes: true (and do not override it per node pool).",
)
def gke_private_nodes(type_: str, inputs: Mapping[str, Any], _ctx: PolicyContext) -> Iterator[str]:
    if type_ == NODE_POOL:
        if is_false(dig(inputs, "networkConfig", "enablePrivateNodes")):
            yield "the node pool gives its nodes public IPs"
    elif not is_true(dig(inputs, "privateClusterConfig", "enablePrivateNodes")):
        yield "nodes get public IPs (privateClusterConfig.enablePrivateNodes is not true)"


@resource_rule(
    "GCP-GKE-SECRETS-CMEK",
    MANDATORY,
    [GKE],
    "Kubernetes secrets are encrypted at the application layer with a Cloud KMS key (CMEK).",
    "Set databaseEncryption: {state: ENCRYPTED, keyName: <crypto key id>}.",
)
def gke_secrets_cmek(_type: str, inputs: Mapping[str, Any], _ctx: PolicyContext) -> Iterator[str]:
    encryption = dig(inputs, "databaseEncryption")
    if dig(encryption, "state") != "ENCRYPTED" or not dig(encryption, "keyName"):
        yield "secrets are not encrypted with a Cloud KMS key (databaseEncryption)"


@resource_rule(
    "GCP-GKE-WORKLOAD-IDENTITY",
    MANDATORY,
    [GKE],
    "Pods reach Google APIs with Workload Identity, never with service account keys or the node's "
    "service account.",
    "Set workloadIdentityConfig.workloadPool: <project>.svc.id.goog.",
)
def gke_workload_identity(
    _type: str, inputs: Mapping[str, Any], _ctx: PolicyContext
) -> Iterator[str]:
    if not dig(inputs, "workloadIdentityConfig", "workloadPool"):
        yield "Workload Identity is not enabled (workloadIdentityConfig.workloadPool)"


@resource_rule(
    "GCP-GKE-METADATA-SERVER",
    MANDATORY,
    [GKE, NODE_POOL],
    "Nodes run the GKE metadata server, which hides the node's credentials from pods.",
    "Set nodeConfig.workloadMetadataConfig.mode: GKE_METADATA (or leave it unset with Workload "
    "Identity on).",
)
def gke_metadata_server(
    _type: str, inputs: Mapping[str, Any], _ctx: PolicyContext
) -> Iterator[str]:
    mode = dig(inputs, "nodeConfig", "workloadMetadataConfig", "mode")
    if mode is not None and mode != "GKE_METADATA":
        yield f"nodes expose the instance metadata to pods (workloadMetadataConfig.mode {mode})"


@resource_rule(
    "GCP-GKE-LEGACY-AUTH",
    MANDATORY,
    [GKE],
    "No legacy authorization: neither ABAC nor client certificates nor basic auth.",
    "Leave enableLegacyAbac false and "
    "masterAuth.clientCertificateConfig.issueClientCertificate false.",
)
def gke_legacy_auth(_type: str, inputs: Mapping[str, Any], _ctx: PolicyContext) -> Iterator[str]:
    if is_true(dig(inputs, "enableLegacyAbac")):
        yield "legacy ABAC is enabled"
    if is_true(dig(inputs, "masterAuth", "clientCertificateConfig", "issueClientCertificate")):
        yield "a client certificate is issued"


@resource_rule(
    "GCP-GKE-NETWORK-POLICY",
    MANDATORY,
    [GKE],
    "Network policies are enforced (Dataplane V2 / Cilium), so default-deny means deny.",
    "Set datapathProvider: ADVANCED_DATAPATH (or networkPolicy.enabled: true).",
)
def gke_network_policy(_type: str, inputs: Mapping[str, Any], _ctx: PolicyContext) -> Iterator[str]:
    if dig(inputs, "datapathProvider") != "ADVANCED_DATAPATH" and not is_true(
        dig(inputs, "networkPolicy", "enabled")
    ):
        yield "network policies are not enforced (no Dataplane V2, no network policy)"


@resource_rule(
    "GCP-GKE-SHIELDED-NODES",
    ADVISORY,
    [GKE],
    "Shielded GKE nodes (secure boot, integrity monitoring) are on.",
    "Leave enableShieldedNodes unset or true.",
)
def gke_shielded_nodes(_type: str, inputs: Mapping[str, Any], _ctx: PolicyContext) -> Iterator[str]:
    if is_false(dig(inputs, "enableShieldedNodes")):
        yield "shielded nodes are disabled"


@resource_rule(
    "GCP-AR-IMMUTABLE-TAGS",
    ADVISORY,
    [ARTIFACT_REGISTRY],
    "Docker tags in the repository cannot be moved to another image.",
    "Set dockerConfig.immutableTags: true.",
)
def ar_immutable_tags(_type: str, inputs: Mapping[str, Any], _ctx: PolicyContext) -> Iterator[str]:
    if dig(inputs, "format") in (None, "DOCKER") and not is_true(
        dig(inputs, "dockerConfig", "immutableTags")
    ):
        yield "docker tags are mutable"


@resource_rule(
    "GCP-AR-CMEK",
    ADVISORY,
    [ARTIFACT_REGISTRY],
    "Images are encrypted with a customer-managed Cloud KMS key.",
    "Set kmsKeyName.",
)
def ar_cmek(_type: str, inputs: Mapping[str, Any], _ctx: PolicyContext) -> Iterator[str]:
    if not dig(inputs, "kmsKeyName"):
        yield "the repository uses Google-managed encryption"


@resource_rule(
    "GCP-GCS-PUBLIC-ACCESS",
    MANDATORY,
    [GCS_BUCKET],
    "Buckets enforce public access prevention and uniform bucket-level access (IAM only, no ACLs).",
    "Set publicAccessPrevention: enforced and uniformBucketLevelAccess: true.",
)
def gcs_public_access(_type: str, inputs: Mapping[str, Any], _ctx: PolicyContext) -> Iterator[str]:
    if dig(inputs, "publicAccessPrevention") != "enforced":
        yield "public access prevention is not enforced"
    if not is_true(dig(inputs, "uniformBucketLevelAccess")):
        yield "uniform bucket-level access is off (object ACLs allowed)"


@resource_rule(
    "GCP-LOG-RETENTION",
    MANDATORY,
    [LOG_BUCKET, GCS_BUCKET],
    "The Cloud Logging bucket keeps logs at least logStorage.retentionDays (and the 30-day "
    "floor); an archive bucket does not delete objects before that either.",
    "Set retentionDays on the log bucket; keep lifecycle Delete ages at or above the minimum.",
)
def log_retention(type_: str, inputs: Mapping[str, Any], ctx: PolicyContext) -> Iterator[str]:
    if type_ == LOG_BUCKET:
        yield from retention_shortfall(inputs, "retentionDays", ctx.min_log_retention_days)
        return
    for rule in items(inputs, "lifecycleRules"):
        age = as_int(dig(rule, "condition", "age"))
        deletes = dig(rule, "action", "type") == "Delete"
        if deletes and age is not None and age < ctx.min_log_retention_days:
            minimum = ctx.min_log_retention_days
            yield f"objects are deleted after {age} days, needs at least {minimum}"


@resource_rule(
    "GCP-KMS-ROTATION",
    MANDATORY,
    [CRYPTO_KEY],
    "Cloud KMS keys rotate at least every 90 days.",
    "Set rotationPeriod (e.g. 7776000s).",
)
def kms_rotation(_type: str, inputs: Mapping[str, Any], _ctx: PolicyContext) -> Iterator[str]:
    period = str(dig(inputs, "rotationPeriod") or "")
    seconds = as_int(period.removesuffix("s"))
    if seconds is None or seconds > 90 * 86400:
        yield f"rotationPeriod is {period or 'not set'}, needs at most 7776000s"


@resource_rule(
    "GCP-IAM-NO-SA-KEYS",
    MANDATORY,
    [SA_KEY],
    "No service account keys (static credentials): workloads use Workload Identity.",
    "Remove the key; bind the Kubernetes service account to the Google service account.",
)
def iam_no_sa_keys(_type: str, inputs: Mapping[str, Any], _ctx: PolicyContext) -> Iterator[str]:
    yield f"a key is created for service account {dig(inputs, 'serviceAccountId') or '?'}"
