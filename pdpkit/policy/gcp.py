"""GCP rules: GKE, Artifact Registry, Cloud Storage, Cloud Logging, KMS, IAM, firewalls.

Input names are those of pulumi-gcp 10.2.0 (the pinned SDK), cited per rule.
"""

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
FIREWALL = "gcp:compute/firewall:Firewall"
OBSERVABILITY_SIGNAL_LABEL = "pdp-signal"
"""Label of an observability store's bucket naming its signal (components/gcp/
observability_buckets.py)."""
IAM_MEMBERS = (
    "gcp:projects/iAMMember:IAMMember",
    "gcp:serviceaccount/iAMMember:IAMMember",
    "gcp:artifactregistry/repositoryIamMember:RepositoryIamMember",
    "gcp:storage/bucketIAMMember:BucketIAMMember",
    "gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember",
    "gcp:kms/keyRingIAMMember:KeyRingIAMMember",
    "gcp:secretmanager/secretIamMember:SecretIamMember",
    "gcp:dns/dnsManagedZoneIamMember:DnsManagedZoneIamMember",
)
"""The IAM member resources a data plane may declare (one principal each)."""
BASIC_ROLES = frozenset({"roles/owner", "roles/editor", "roles/viewer"})
"""Google's basic (formerly primitive) roles, spanning every service of the project
(firebase.google.com/docs/projects/iam/roles-basic, after cloud.google.com/iam/docs/
roles-overview#basic)."""
PUBLIC_PRINCIPALS = frozenset({"allUsers", "allAuthenticatedUsers"})
"""Anyone on the internet, and anyone with any Google account (pulumi-gcp 10.2.0,
artifactregistry/repository_iam_member.py, the `member` documentation)."""


def public_endpoint(inputs: Mapping[str, Any]) -> bool:
    """Whether the control plane can be reached from the internet.

    In pulumi-gcp 10.2.0 (container/_inputs.py) the IP endpoint is public unless
    privateClusterConfig.enablePrivateEndpoint is true or controlPlaneEndpointsConfig.
    ipEndpointsConfig.enabled is false (its only field); the DNS endpoint accepts internet
    traffic when controlPlaneEndpointsConfig.dnsEndpointConfig.allowExternalTraffic is true.
    """
    endpoints = dig(inputs, "controlPlaneEndpointsConfig")
    if is_true(dig(endpoints, "dnsEndpointConfig", "allowExternalTraffic")):
        return True
    if is_false(dig(endpoints, "ipEndpointsConfig", "enabled")):
        return False
    return not is_true(dig(inputs, "privateClusterConfig", "enablePrivateEndpoint"))


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
    waivable=False,
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
    "GCP-GKE-GLOBAL-ACCESS",
    MANDATORY,
    [GKE],
    "The control plane's private endpoint is reachable from the cluster's own region only: "
    "global access would open it to every region of the VPC and to every network peered or "
    "connected to it.",
    "Set privateClusterConfig.masterGlobalAccessConfig.enabled: false, or waive "
    "GCP-GKE-GLOBAL-ACCESS with a justification.",
)
def gke_global_access(_type: str, inputs: Mapping[str, Any], _ctx: PolicyContext) -> Iterator[str]:
    # ClusterPrivateClusterConfigMasterGlobalAccessConfig.enabled, "Whether the cluster master
    # is accessible globally or not" (pulumi-gcp 10.2.0, container/_inputs.py). The newer
    # controlPlaneEndpointsConfig.ipEndpointsConfig has no global-access field in 10.2.0.
    if is_true(dig(inputs, "privateClusterConfig", "masterGlobalAccessConfig", "enabled")):
        yield "the control plane endpoint is reachable from every region (masterGlobalAccessConfig)"


@resource_rule(
    "GCP-GKE-NODE-SERVICE-ACCOUNT",
    MANDATORY,
    [GKE, NODE_POOL],
    "Nodes run as a dedicated, least-privileged service account, never the Compute Engine "
    "default service account (Editor on the project).",
    "Set nodeConfig.serviceAccount to the data plane's node service account.",
)
def gke_node_service_account(
    type_: str, inputs: Mapping[str, Any], _ctx: PolicyContext
) -> Iterator[str]:
    # nodeConfig.service_account: "The service account to be used by the Node VMs"; unset, GKE
    # uses the Compute Engine default account (pulumi-gcp 10.2.0, container/_inputs.py)
    # (for a cluster: the nodes of its default pool, created even when removed right after;
    # Autopilot clusters configure node accounts elsewhere and are not judged here)
    if type_ == GKE and is_true(dig(inputs, "enableAutopilot")):
        return
    account = str(dig(inputs, "nodeConfig", "serviceAccount") or "default")
    if account == "default" or account.endswith("-compute@developer.gserviceaccount.com"):
        yield f"nodes run as the Compute Engine default service account ({account})"


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
    [GKE, NODE_POOL],
    "Shielded GKE nodes (secure boot, integrity monitoring) are on, for the cluster and in "
    "every node pool's shielded instance config.",
    "Leave enableShieldedNodes unset or true, and nodeConfig.shieldedInstanceConfig."
    "enableSecureBoot / enableIntegrityMonitoring true.",
)
def gke_shielded_nodes(type_: str, inputs: Mapping[str, Any], _ctx: PolicyContext) -> Iterator[str]:
    if type_ == GKE and is_false(dig(inputs, "enableShieldedNodes")):
        yield "shielded nodes are disabled"
    # nodeConfig.shieldedInstanceConfig.enable_secure_boot / enable_integrity_monitoring
    # (pulumi-gcp 10.2.0, container/_inputs.py)
    shielded = dig(inputs, "nodeConfig", "shieldedInstanceConfig")
    for key in ("enableSecureBoot", "enableIntegrityMonitoring"):
        if is_false(dig(shielded, key)):
            yield f"nodes run with {key} off"


@resource_rule(
    "GCP-GKE-AUTO-UPGRADE",
    ADVISORY,
    [GKE, NODE_POOL],
    "The cluster follows a release channel and node pools upgrade and repair themselves, so "
    "security patches reach the control plane and the nodes without a manual step.",
    "Set releaseChannel.channel (REGULAR, STABLE, RAPID or EXTENDED) and leave "
    "management.autoUpgrade / autoRepair on.",
)
def gke_auto_upgrade(type_: str, inputs: Mapping[str, Any], _ctx: PolicyContext) -> Iterator[str]:
    # releaseChannel.channel UNSPECIFIED|RAPID|REGULAR|STABLE|EXTENDED; NodePoolManagement
    # auto_upgrade / auto_repair, "Enabled by default" (pulumi-gcp 10.2.0, container/_inputs.py)
    if type_ == GKE:
        if dig(inputs, "releaseChannel", "channel") == "UNSPECIFIED":
            yield "the cluster follows no release channel (releaseChannel UNSPECIFIED)"
        return
    for key in ("autoUpgrade", "autoRepair"):
        if is_false(dig(inputs, "management", key)):
            yield f"the node pool has management.{key} off"


@resource_rule(
    "GCP-GKE-SECURITY-POSTURE",
    ADVISORY,
    [GKE],
    "The security posture dashboard audits workloads' configuration.",
    "Leave securityPostureConfig.mode BASIC (or ENTERPRISE).",
)
def gke_security_posture(
    _type: str, inputs: Mapping[str, Any], _ctx: PolicyContext
) -> Iterator[str]:
    # securityPostureConfig.mode DISABLED|BASIC|ENTERPRISE, vulnerabilityMode
    # VULNERABILITY_DISABLED|_BASIC|_ENTERPRISE (pulumi-gcp 10.2.0, container/_inputs.py)
    posture = dig(inputs, "securityPostureConfig")
    if dig(posture, "mode") == "DISABLED":
        yield "the security posture is disabled"
    # vulnerabilityMode is not judged: GKE retired the standard scanning tier on Standard
    # clusters (cloud.google.com/kubernetes-engine/docs/deprecations/vulnerability-scanning-gkee,
    # shut down 2025-07-31); images are scanned on push by Artifact Registry instead
    # (GCP-AR-VULNERABILITY-SCANNING).


@resource_rule(
    "GCP-AR-VULNERABILITY-SCANNING",
    MANDATORY,
    [ARTIFACT_REGISTRY],
    "Images pushed to the repository are scanned for vulnerabilities (as the project's "
    "Artifact Analysis setting says), never opted out per repository.",
    "Leave vulnerabilityScanningConfig.enablementConfig unset or INHERITED.",
)
def ar_vulnerability_scanning(
    _type: str, inputs: Mapping[str, Any], _ctx: PolicyContext
) -> Iterator[str]:
    # vulnerability_scanning_config.enablement_config: INHERITED | DISABLED
    # (pulumi-gcp 10.2.0, artifactregistry/_inputs.py)
    if dig(inputs, "vulnerabilityScanningConfig", "enablementConfig") == "DISABLED":
        yield "vulnerability scanning is disabled for the repository"


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
    "GCP-GCS-CMEK",
    ADVISORY,
    [GCS_BUCKET],
    "Objects (the log archive) are encrypted with a customer-managed Cloud KMS key.",
    "Set encryption.defaultKmsKeyName.",
)
def gcs_cmek(_type: str, inputs: Mapping[str, Any], _ctx: PolicyContext) -> Iterator[str]:
    if not dig(inputs, "encryption", "defaultKmsKeyName"):
        yield "the bucket uses Google-managed encryption"


@resource_rule(
    "GCP-LOG-RETENTION",
    MANDATORY,
    [LOG_BUCKET, GCS_BUCKET],
    "The Cloud Logging bucket keeps logs at least logStorage.retentionDays (and the 30-day "
    "floor); an archive bucket does not delete objects before that either, nor does an "
    "observability store's bucket (label pdp-signal) before observability.retention of its "
    "signal.",
    "Set retentionDays on the log bucket; keep lifecycle Delete ages at or above the minimum.",
)
def log_retention(type_: str, inputs: Mapping[str, Any], ctx: PolicyContext) -> Iterator[str]:
    if type_ == LOG_BUCKET:
        yield from retention_shortfall(inputs, "retentionDays", ctx.min_log_retention_days)
        return
    signal = dig(inputs, "labels", OBSERVABILITY_SIGNAL_LABEL)
    if signal is not None:
        minimum = ctx.observability_retention_days.get(str(signal))
        if minimum is None:
            return  # the stack's retention of this signal is not known here
    else:
        minimum = ctx.min_log_retention_days
    for rule in items(inputs, "lifecycleRules"):
        age = as_int(dig(rule, "condition", "age"))
        deletes = dig(rule, "action", "type") == "Delete"
        if deletes and age is not None and age < minimum:
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


@resource_rule(
    "GCP-IAM-NO-PUBLIC-MEMBERS",
    MANDATORY,
    IAM_MEMBERS,
    "No IAM grant names allUsers or allAuthenticatedUsers: images, logs, keys and secrets of the "
    "data plane are never readable by anyone on the internet or any Google account.",
    "Grant the role to a named service account or group instead.",
)
def iam_no_public_members(
    _type: str, inputs: Mapping[str, Any], _ctx: PolicyContext
) -> Iterator[str]:
    member = str(dig(inputs, "member") or "")
    if member in PUBLIC_PRINCIPALS:
        yield f"{dig(inputs, 'role') or 'a role'} is granted to {member}"


@resource_rule(
    "GCP-IAM-NO-BASIC-ROLES",
    MANDATORY,
    IAM_MEMBERS,
    "No IAM grant uses a basic role (Owner, Editor, Viewer): each identity gets the predefined "
    "role it needs on the resource it needs.",
    "Grant a predefined role (roles/artifactregistry.reader, roles/logging.logWriter…).",
)
def iam_no_basic_roles(_type: str, inputs: Mapping[str, Any], _ctx: PolicyContext) -> Iterator[str]:
    role = str(dig(inputs, "role") or "")
    if role in BASIC_ROLES:
        yield f"{dig(inputs, 'member') or '?'} is granted the basic role {role}"


@resource_rule(
    "GCP-FIREWALL-INTERNET-INGRESS",
    MANDATORY,
    [FIREWALL],
    "No firewall rule the program declares allows ingress from the whole internet; GKE itself "
    "opens what the gateway's load balancer needs.",
    "Narrow sourceRanges to known ranges (a deny rule from 0.0.0.0/0 is fine).",
)
def firewall_internet_ingress(
    _type: str, inputs: Mapping[str, Any], _ctx: PolicyContext
) -> Iterator[str]:
    # Firewall: direction (INGRESS when unset), allows[], source_ranges; an ingress rule needs
    # source_ranges, source_tags or source_service_accounts (pulumi-gcp 10.2.0,
    # compute/firewall.py)
    if str(dig(inputs, "direction") or "INGRESS") != "INGRESS" or not items(inputs, "allows"):
        return
    if open_ := open_ranges(items(inputs, "sourceRanges")):
        yield f"ingress allowed from {', '.join(open_)}"
