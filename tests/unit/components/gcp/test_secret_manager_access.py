"""SecretManagerAccess: ESO's Google identity via Workload Identity, prefix-scoped accessor."""

from __future__ import annotations

import pytest

from pdpkit.components.gcp.secret_manager_access import (
    ACCESSOR_ROLE,
    SecretManagerAccess,
    SecretManagerAccessArgs,
)
from pdpkit.components.gcp.workload_service_account import WORKLOAD_IDENTITY_USER
from tests.unit.components.gcp.recording import Recorded, record_program


@pytest.fixture(scope="module")
def recorded() -> Recorded:
    def program() -> dict[str, object]:
        access = SecretManagerAccess(
            "dp-secrets",
            SecretManagerAccessArgs(
                project="acme-pdp-test",
                project_number="123456789012",
                account_id="dp-eso",
                secret_prefix="pdp-",
                workload_pool="acme-pdp-test.svc.id.goog",
                namespace="external-secrets",
                service_account="external-secrets",
                cluster_name="dp",
                cluster_location="europe-west1",
            ),
        )
        return {"provider": access.provider, "email": access.email}

    return record_program(program)


def test_only_the_eso_kubernetes_service_account_may_impersonate(recorded: Recorded) -> None:
    binding = recorded.one("gcp:serviceaccount/iAMMember:IAMMember").inputs
    assert binding["role"] == WORKLOAD_IDENTITY_USER
    assert binding["member"] == (
        "serviceAccount:acme-pdp-test.svc.id.goog[external-secrets/external-secrets]"
    )
    assert binding["serviceAccountId"] == (
        "projects/acme-pdp-test/serviceAccounts/dp-eso@acme-pdp-test.iam.gserviceaccount.com"
    )


def test_accessor_is_limited_to_the_prefix(recorded: Recorded) -> None:
    grant = recorded.one("gcp:projects/iAMMember:IAMMember").inputs
    assert grant["role"] == ACCESSOR_ROLE == "roles/secretmanager.secretAccessor"
    assert grant["member"] == "serviceAccount:dp-eso@acme-pdp-test.iam.gserviceaccount.com"
    assert grant["condition"]["expression"] == (
        'resource.name.startsWith("projects/123456789012/secrets/pdp-")'
    )


def test_cluster_secret_store_provider_block(recorded: Recorded) -> None:
    assert recorded.outputs["provider"] == {
        "gcpsm": {
            "projectID": "acme-pdp-test",
            "auth": {
                "workloadIdentity": {
                    "clusterLocation": "europe-west1",
                    "clusterName": "dp",
                    "clusterProjectID": "acme-pdp-test",
                    "serviceAccountRef": {
                        "name": "external-secrets",
                        "namespace": "external-secrets",
                    },
                }
            },
        }
    }
