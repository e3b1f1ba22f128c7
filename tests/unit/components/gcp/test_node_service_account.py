"""NodeServiceAccount: a dedicated node identity with Google's minimal node role only."""

from __future__ import annotations

from pdpkit.components.gcp.node_service_account import (
    NODE_ROLE,
    NodeServiceAccount,
    NodeServiceAccountArgs,
)
from tests.unit.components.gcp.recording import record_program


def test_nodes_get_a_dedicated_account_with_the_minimal_role_only() -> None:
    def program() -> dict[str, object]:
        nodes = NodeServiceAccount(
            "dp-nodes", NodeServiceAccountArgs(project="acme-pdp-test", account_id="dp-nodes")
        )
        return {"email": nodes.email, "member": nodes.member}

    recorded = record_program(program)
    assert recorded.outputs["email"] == "dp-nodes@acme-pdp-test.iam.gserviceaccount.com"
    grants = recorded.of_type("gcp:projects/iAMMember:IAMMember")
    assert [g.inputs["role"] for g in grants] == [NODE_ROLE]
    assert grants[0].inputs["member"] == recorded.outputs["member"]
