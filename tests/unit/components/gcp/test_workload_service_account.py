"""WorkloadServiceAccount: one KSA, listed roles only, the GKE annotation."""

from __future__ import annotations

from pdpkit.components.gcp.workload_service_account import (
    WorkloadServiceAccount,
    WorkloadServiceAccountArgs,
)
from tests.unit.components.gcp.recording import record_program


def test_log_agent_identity() -> None:
    def program() -> dict[str, object]:
        account = WorkloadServiceAccount(
            "dp-log-agent",
            WorkloadServiceAccountArgs(
                project="acme-pdp-test",
                account_id="dp-logs",
                display_name="Log agent",
                workload_pool="acme-pdp-test.svc.id.goog",
                namespace="logging",
                service_account="fluent-bit",
                project_roles=("roles/logging.logWriter",),
            ),
        )
        return {"annotations": account.annotations}

    recorded = record_program(program)
    binding = recorded.one("gcp:serviceaccount/iAMMember:IAMMember").inputs
    assert binding["member"] == "serviceAccount:acme-pdp-test.svc.id.goog[logging/fluent-bit]"
    roles = [g.inputs["role"] for g in recorded.of_type("gcp:projects/iAMMember:IAMMember")]
    assert roles == ["roles/logging.logWriter"]
    assert recorded.outputs["annotations"] == {
        "iam.gke.io/gcp-service-account": "dp-logs@acme-pdp-test.iam.gserviceaccount.com"
    }
