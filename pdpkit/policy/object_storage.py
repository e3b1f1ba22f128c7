"""Object storage that workloads read and write (the observability stores' buckets): private,
and reached by workload identity, never with a static key.

The AWS side is covered by the S3 rules (`aws_s3`: public access block, encryption, TLS) and
AWS-IAM-NO-ACCESS-KEYS; GCS buckets by GCP-GCS-PUBLIC-ACCESS and GCP-IAM-NO-SA-KEYS. These add
what those do not see: Azure's shared account keys on an account that Entra identities use,
anonymous access to a blob container, and GCS HMAC keys (the static credentials of GCS's
S3-compatible API). Input names are those of pulumi-azure-native 3.29.0 and pulumi-gcp 10.2.0.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from pdpkit.policy.model import MANDATORY, PolicyContext, plan_rule, resource_rule
from pdpkit.policy.model import PolicyResource as Resource
from pdpkit.policy.wire import dig, is_false, is_unknown

STORAGE_ACCOUNT = "azure-native:storage:StorageAccount"
BLOB_CONTAINER = "azure-native:storage:BlobContainer"
ROLE_ASSIGNMENT = "azure-native:authorization:RoleAssignment"
HMAC_KEY = "gcp:storage/hmacKey:HmacKey"
BLOB_DATA_ROLES = {
    # learn.microsoft.com/azure/role-based-access-control/built-in-roles/storage
    "ba92f5b4-2d11-453d-a403-e96b0029c9fe": "Storage Blob Data Contributor",
    "b7e6dc6d-f1e8-4753-8033-0f276bb0955b": "Storage Blob Data Owner",
    "2a2b9908-6ea1-4ae2-8e65-a410df84e7d1": "Storage Blob Data Reader",
}
"""Built-in roles granting access to blob data through Entra ID."""


def _granted(account: Resource, assignment: Resource) -> bool:
    """Whether `assignment` is scoped to `account` (or below it, a container): by the account's
    id where the plan knows it, else by the assignment depending on the account (CrossGuard
    sees no outputs; a scope is the account's id, so the assignment depends on it)."""
    scope = dig(assignment.inputs, "scope")
    account_id = account.outputs.get("id")
    if isinstance(scope, str) and isinstance(account_id, str) and not is_unknown(scope):
        return scope == account_id or scope.startswith(account_id + "/")
    return account.urn in assignment.dependencies


@plan_rule(
    "AZ-STORAGE-WORKLOAD-KEYLESS",
    MANDATORY,
    "A storage account that identities reach through a Storage Blob Data role (the "
    "observability stores' account) accepts Entra ID only: shared key access is off, so no "
    "account key or SAS token, static credentials that outlive any identity, opens it.",
    "Set allowSharedKeyAccess: false on the account.",
)
def storage_workload_keyless(
    resources: Sequence[Resource], _ctx: PolicyContext
) -> Iterator[tuple[Resource, str]]:
    assignments = [
        r
        for r in resources
        if r.type == ROLE_ASSIGNMENT
        and str(dig(r.inputs, "roleDefinitionId") or "").rsplit("/", 1)[-1].lower()
        in BLOB_DATA_ROLES
    ]
    for account in (r for r in resources if r.type == STORAGE_ACCOUNT):
        if not any(_granted(account, a) for a in assignments):
            continue
        if not is_false(dig(account.inputs, "allowSharedKeyAccess")):
            yield account, "workloads use this account, and its shared keys are allowed"


@resource_rule(
    "AZ-BLOB-CONTAINER-PRIVATE",
    MANDATORY,
    [BLOB_CONTAINER],
    "No blob container allows anonymous reads (publicAccess Blob or Container).",
    "Set publicAccess: None (or leave it out).",
)
def blob_container_private(
    _type: str, inputs: Mapping[str, Any], _ctx: PolicyContext
) -> Iterator[str]:
    # BlobContainer.public_access: PublicAccess Container | Blob | None
    # (pulumi-azure-native 3.29.0, storage/blob_container.py, storage/_enums.py)
    access = str(dig(inputs, "publicAccess") or "None")
    if access != "None":
        yield f"anonymous read access is allowed (publicAccess {access})"


@resource_rule(
    "GCP-GCS-NO-HMAC-KEYS",
    MANDATORY,
    [HMAC_KEY],
    "No HMAC keys (the static credentials of Cloud Storage's S3-compatible XML API): workloads "
    "reach buckets as a Google service account through Workload Identity.",
    "Remove the HMAC key; use the GCS client with Workload Identity instead.",
)
def gcs_no_hmac_keys(_type: str, inputs: Mapping[str, Any], _ctx: PolicyContext) -> Iterator[str]:
    # HmacKey.service_account_email (pulumi-gcp 10.2.0, storage/hmac_key.py)
    yield f"an HMAC key is created for {dig(inputs, 'serviceAccountEmail') or '?'}"
