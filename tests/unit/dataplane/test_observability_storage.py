"""The observability stores' object storage on every target: private, encrypted, kept for the
spec's retention, and reached by exactly the three stores' service accounts (issue 17)."""

from __future__ import annotations

import json
from functools import cache
from typing import Any

import pytest

from pdpkit.dataplane import build_dataplane
from pdpkit.dataplane.contract import (
    OBSERVABILITY_NAMESPACE,
    OBSERVABILITY_STORE_SERVICE_ACCOUNTS,
    Signal,
)
from pdpkit.dataplane.observability_storage import LIFECYCLE_MARGIN_DAYS
from pdpkit.plan.recorder import RecordedResource, Recording, record
from pdpkit.spec.dataplane import DataPlaneSpec
from pdpkit.spec.loader import load_stack
from tests.examples import ROOT, plan_of

pytestmark = pytest.mark.slow

AZURE, AWS, GCP, ONPREM = "acme-azure-dev", "acme-aws-prod", "acme-gcp-staging", "acme-onprem-local"
SUBJECTS = sorted(
    f"system:serviceaccount:{OBSERVABILITY_NAMESPACE}:{sa}" for sa in ("loki", "cortex", "tempo")
)


def resources(stack: str) -> list[RecordedResource]:
    return plan_of(stack).recording.resources


def of_type(stack: str, type_: str, containing: str = "observability") -> list[RecordedResource]:
    return [r for r in resources(stack) if r.type == type_ and containing in r.name]


def spec_of(stack: str, **changes: Any) -> DataPlaneSpec:
    data = load_stack(ROOT, stack).dataplane.model_dump(by_alias=True, mode="json")
    data.update(changes)
    return DataPlaneSpec.model_validate(data)


@cache
def contract(stack: str, enabled: bool = True) -> Recording:
    """The `ObservabilityStorage` the target hands over, exported as the program's outputs."""
    spec = spec_of(stack, observability={"enabled": enabled})

    def program() -> dict[str, Any]:
        storage = build_dataplane(spec).observability_storage
        if storage is None:
            return {"storage": None}
        return {
            "backend": storage.backend,
            "buckets": {s.value: b for s, b in storage.buckets.items()},
            "annotations": dict(storage.service_account_annotations),
            "labels": dict(storage.pod_labels),
            "endpoint": storage.endpoint,
            "region": storage.region,
            "account": storage.account_name,
            "credentials": storage.credentials_secret,
        }

    return record(program, "pdp", f"{stack}-observability")


def test_the_service_accounts_are_loki_cortex_and_tempo() -> None:
    assert sorted(OBSERVABILITY_STORE_SERVICE_ACCOUNTS) == ["cortex", "loki", "tempo"]


# --- Azure ---------------------------------------------------------------------------------


def test_azure_account_is_private_keyless_and_double_encrypted() -> None:
    (account,) = of_type(AZURE, "azure-native:storage:StorageAccount")
    inputs = account.inputs
    assert inputs["allowSharedKeyAccess"] is False
    assert inputs["publicNetworkAccess"] == "Disabled"
    assert inputs["allowBlobPublicAccess"] is False
    assert inputs["minimumTlsVersion"] == "TLS1_2" and inputs["enableHttpsTrafficOnly"] is True
    assert inputs["encryption"]["requireInfrastructureEncryption"] is True
    assert inputs["encryption"]["services"]["blob"]["enabled"] is True
    assert inputs["tags"]["pdp-purpose"] == "observability"
    containers = of_type(AZURE, "azure-native:storage:BlobContainer")
    assert sorted(c.inputs["containerName"] for c in containers) == ["logs", "metrics", "traces"]
    assert {c.inputs["publicAccess"] for c in containers} == {"None"}
    assert {c.inputs["accountName"] for c in containers} == {account.outputs["name"]}
    (endpoint,) = of_type(AZURE, "azure-native:network:PrivateEndpoint")
    (link,) = endpoint.inputs["privateLinkServiceConnections"]
    assert link["privateLinkServiceId"] == account.outputs["id"] and link["groupIds"] == ["blob"]
    (zone,) = of_type(AZURE, "azure-native:privatedns:PrivateZone")
    assert zone.inputs["privateZoneName"] == "privatelink.blob.core.windows.net"


def test_azure_identity_is_federated_to_exactly_the_stores_and_scoped_to_the_account() -> None:
    (identity,) = of_type(AZURE, "azure-native:managedidentity:UserAssignedIdentity")
    credentials = of_type(AZURE, "azure-native:managedidentity:FederatedIdentityCredential")
    assert sorted(c.inputs["subject"] for c in credentials) == SUBJECTS
    assert {c.inputs["resourceName"] for c in credentials} == {identity.outputs["name"]}
    # created one after the other: Entra refuses concurrent writes under one identity
    by_urn = {c.urn for c in credentials}
    assert sorted(len(by_urn & set(c.dependencies)) for c in credentials) == [0, 1, 1]
    (account,) = of_type(AZURE, "azure-native:storage:StorageAccount")
    (grant,) = of_type(AZURE, "azure-native:authorization:RoleAssignment")
    assert grant.inputs["roleDefinitionId"].endswith("/ba92f5b4-2d11-453d-a403-e96b0029c9fe")
    assert grant.inputs["scope"] == account.outputs["id"]
    assert grant.inputs["principalId"] == identity.outputs["principalId"]


def test_azure_lifecycle_deletes_after_retention_and_margin() -> None:
    (policy,) = of_type(AZURE, "azure-native:storage:ManagementPolicy")
    retention = load_stack(ROOT, AZURE).dataplane.observability.retention
    expected = {
        "logs": retention.logs_days,
        "metrics": retention.metrics_days,
        "traces": retention.traces_days,
    }
    rules = policy.inputs["policy"]["rules"]
    found = {
        r["definition"]["filters"]["prefixMatch"][0].rstrip("/"): r["definition"]["actions"][
            "baseBlob"
        ]["delete"]["daysAfterModificationGreaterThan"]
        for r in rules
    }
    assert found == {k: v + LIFECYCLE_MARGIN_DAYS for k, v in expected.items()}


def test_azure_contract() -> None:
    outputs = contract(AZURE).outputs
    (account,) = of_type(AZURE, "azure-native:storage:StorageAccount")
    (identity,) = of_type(AZURE, "azure-native:managedidentity:UserAssignedIdentity")
    assert outputs["backend"] == "azure"
    assert outputs["buckets"] == {"logs": "logs", "metrics": "metrics", "traces": "traces"}
    assert outputs["account"] == account.inputs["accountName"]
    assert (
        outputs["annotations"]["azure.workload.identity/client-id"] == identity.outputs["clientId"]
    )
    assert outputs["labels"] == {"azure.workload.identity/use": "true"}
    assert outputs["credentials"] is None


# --- AWS -----------------------------------------------------------------------------------


def test_aws_buckets_are_private_encrypted_tls_only_and_expire() -> None:
    buckets = of_type(AWS, "aws:s3/bucket:Bucket")
    assert sorted(b.inputs["bucket"] for b in buckets) == [
        f"acme-aws-prod-obs-{s}-210987654321" for s in ("logs", "metrics", "traces")
    ]
    assert all(b.protect and b.retain_on_delete for b in buckets)  # a production stack
    (key,) = of_type(AWS, "aws:kms/key:Key")
    for bucket in buckets:
        name = bucket.inputs["bucket"]
        companions = {
            r.type.rsplit(":", 1)[-1]: r.inputs
            for r in resources(AWS)
            if r.inputs.get("bucket") == name and r.type != "aws:s3/bucket:Bucket"
        }
        block = companions["BucketPublicAccessBlock"]
        assert all(
            block[f] is True
            for f in (
                "blockPublicAcls",
                "blockPublicPolicy",
                "ignorePublicAcls",
                "restrictPublicBuckets",
            )
        )
        (rule,) = companions["BucketServerSideEncryptionConfiguration"]["rules"]
        default = rule["applyServerSideEncryptionByDefault"]
        assert default == {"sseAlgorithm": "aws:kms", "kmsMasterKeyId": key.outputs["arn"]}
        assert '"aws:SecureTransport": "false"' in companions["BucketPolicy"]["policy"]
        (lifecycle,) = companions["BucketLifecycleConfiguration"]["rules"]
        assert lifecycle["transitions"] == []
        signal = bucket.inputs["tags"]["pdp-signal"]
        retention = getattr(
            load_stack(ROOT, AWS).dataplane.observability.retention, f"{signal}_days"
        )
        assert lifecycle["expiration"]["days"] == retention + LIFECYCLE_MARGIN_DAYS


def test_aws_role_is_assumed_by_exactly_the_stores_and_reaches_only_their_buckets() -> None:
    (role,) = of_type(AWS, "aws:iam/role:Role")
    (statement,) = json.loads(role.inputs["assumeRolePolicy"])["Statement"]
    conditions = statement["Condition"]["StringEquals"]
    (subjects,) = [v for k, v in conditions.items() if k.endswith(":sub")]
    assert sorted(subjects) == SUBJECTS
    assert [v for k, v in conditions.items() if k.endswith(":aud")] == ["sts.amazonaws.com"]
    (policy,) = of_type(AWS, "aws:iam/rolePolicy:RolePolicy")
    statements = json.loads(policy.inputs["policy"])["Statement"]
    arns = sorted(
        f"arn:aws:s3:::acme-aws-prod-obs-{s}-210987654321" for s in ("logs", "metrics", "traces")
    )
    resources_ = {r for s in statements for r in s["Resource"]}
    (key,) = of_type(AWS, "aws:kms/key:Key")
    assert resources_ == {*arns, *(f"{a}/*" for a in arns), key.outputs["arn"]}
    actions = {a for s in statements for a in s["Action"]}
    assert not any("*" in a for a in actions) and "s3:DeleteBucket" not in actions
    # no static key anywhere
    assert not [r for r in resources(AWS) if r.type == "aws:iam/accessKey:AccessKey"]


def test_aws_contract() -> None:
    outputs = contract(AWS).outputs
    (role,) = of_type(AWS, "aws:iam/role:Role")
    assert outputs["backend"] == "s3"
    assert outputs["buckets"] == {
        s: f"acme-aws-prod-obs-{s}-210987654321" for s in ("logs", "metrics", "traces")
    }
    assert outputs["annotations"] == {"eks.amazonaws.com/role-arn": role.outputs["arn"]}
    assert outputs["endpoint"] == "s3.eu-west-1.amazonaws.com"
    assert outputs["region"] == "eu-west-1"
    assert outputs["credentials"] is None


# --- GCP -----------------------------------------------------------------------------------


def test_gcp_buckets_are_private_cmek_and_expire() -> None:
    buckets = of_type(GCP, "gcp:storage/bucket:Bucket")
    assert len(buckets) == 3
    retention = load_stack(ROOT, GCP).dataplane.observability.retention
    for bucket in buckets:
        inputs = bucket.inputs
        assert inputs["publicAccessPrevention"] == "enforced"
        assert inputs["uniformBucketLevelAccess"] is True
        assert inputs["encryption"]["defaultKmsKeyName"].endswith("/cryptoKeys/observability")
        signal = inputs["labels"]["pdp-signal"]
        (rule,) = inputs["lifecycleRules"]
        days = getattr(retention, f"{signal}_days") + LIFECYCLE_MARGIN_DAYS
        assert rule == {"action": {"type": "Delete"}, "condition": {"age": days}}
    (grant,) = [
        r
        for r in resources(GCP)
        if r.type == "gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember" and "observability" in r.name
    ]
    assert grant.inputs["member"].endswith("@gs-project-accounts.iam.gserviceaccount.com")


def test_gcp_service_account_is_bound_to_exactly_the_stores_and_scoped_to_the_buckets() -> None:
    (account,) = of_type(GCP, "gcp:serviceaccount/account:Account")
    email = account.outputs["email"]
    bindings = of_type(GCP, "gcp:serviceaccount/iAMMember:IAMMember")
    assert {b.inputs["role"] for b in bindings} == {"roles/iam.workloadIdentityUser"}
    assert {b.inputs["serviceAccountId"] for b in bindings} == {account.outputs["name"]}
    pool = "acme-pdp-staging.svc.id.goog"
    assert sorted(b.inputs["member"] for b in bindings) == [
        f"serviceAccount:{pool}[{OBSERVABILITY_NAMESPACE}/{sa}]"
        for sa in ("cortex", "loki", "tempo")
    ]
    grants = of_type(GCP, "gcp:storage/bucketIAMMember:BucketIAMMember")
    buckets = {b.outputs["name"] for b in of_type(GCP, "gcp:storage/bucket:Bucket")}
    assert {g.inputs["bucket"] for g in grants} == buckets
    assert {(g.inputs["role"], g.inputs["member"]) for g in grants} == {
        ("roles/storage.objectAdmin", f"serviceAccount:{email}")
    }
    # the account has no project-wide role and no key
    everywhere = [r for r in resources(GCP) if r.inputs.get("member") == f"serviceAccount:{email}"]
    assert {r.type for r in everywhere} == {"gcp:storage/bucketIAMMember:BucketIAMMember"}
    static = ("gcp:serviceaccount/key:Key", "gcp:storage/hmacKey:HmacKey")
    assert not [r for r in resources(GCP) if r.type in static]


def test_gcp_contract() -> None:
    outputs = contract(GCP).outputs
    (account,) = of_type(GCP, "gcp:serviceaccount/account:Account")
    assert outputs["backend"] == "gcs"
    assert set(outputs["buckets"]) == {s.value for s in Signal}
    assert outputs["annotations"] == {"iam.gke.io/gcp-service-account": account.outputs["email"]}
    assert outputs["labels"] == {} and outputs["credentials"] is None


# --- on-prem and off -----------------------------------------------------------------------


def test_onprem_contract_names_the_spec_s_buckets_and_key() -> None:
    outputs = contract(ONPREM).outputs
    onprem = load_stack(ROOT, ONPREM).dataplane.onprem
    assert onprem is not None
    assert outputs["backend"] == "s3"
    assert outputs["buckets"] == {
        "logs": onprem.observability_buckets.logs,
        "metrics": onprem.observability_buckets.metrics,
        "traces": onprem.observability_buckets.traces,
    }
    assert outputs["endpoint"] == onprem.storage.endpoint
    assert outputs["credentials"] == onprem.storage.credentials_secret_key
    assert outputs["annotations"] == {} and outputs["labels"] == {}


@pytest.mark.parametrize("stack", [AZURE, AWS, GCP, ONPREM])
def test_observability_off_declares_no_storage(stack: str) -> None:
    recording = contract(stack, enabled=False)
    assert recording.outputs == {"storage": None}
    assert not [r for r in recording.resources if "observability" in r.name]


def test_the_spec_s_signal_names_are_the_contract_s() -> None:
    from pdpkit.spec.name_checks import OBSERVABILITY_SIGNALS

    assert tuple(s.value for s in Signal) == OBSERVABILITY_SIGNALS
