"""CloudDnsSolver: cert-manager administers one Cloud DNS zone, through Workload Identity."""

from __future__ import annotations

from pdpkit.components.gcp.cloud_dns_solver import DNS_ADMIN, CloudDnsSolver, CloudDnsSolverArgs
from tests.unit.components.gcp.recording import record_program


def test_zone_scoped_dns_admin_and_solver_block() -> None:
    solvers = []

    def program() -> dict[str, object]:
        solver = CloudDnsSolver(
            "dp-dns01",
            CloudDnsSolverArgs(
                project="acme-pdp-test",
                account_id="dp-dns01",
                workload_pool="acme-pdp-test.svc.id.goog",
                namespace="cert-manager",
                service_account="cert-manager",
                zone_project="acme-dns",
                managed_zone="apps-acme",
            ),
        )
        solvers.append(solver.solver)
        return {"annotations": solver.annotations}

    recorded = record_program(program)
    grant = recorded.one("gcp:dns/dnsManagedZoneIamMember:DnsManagedZoneIamMember").inputs
    assert grant == {
        "project": "acme-dns",
        "managedZone": "apps-acme",
        "role": DNS_ADMIN,
        "member": "serviceAccount:dp-dns01@acme-pdp-test.iam.gserviceaccount.com",
    }
    assert not recorded.of_type("gcp:projects/iAMMember:IAMMember")
    binding = recorded.one("gcp:serviceaccount/iAMMember:IAMMember").inputs
    assert (
        binding["member"] == "serviceAccount:acme-pdp-test.svc.id.goog[cert-manager/cert-manager]"
    )
    assert solvers == [{"cloudDNS": {"project": "acme-dns", "hostedZoneName": "apps-acme"}}]
    assert recorded.outputs["annotations"] == {
        "iam.gke.io/gcp-service-account": "dp-dns01@acme-pdp-test.iam.gserviceaccount.com"
    }
