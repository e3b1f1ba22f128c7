"""`pdp plan` prints every verdict: blocking ones with their fix, waived ones with their justification."""

from __future__ import annotations

from rich.console import Console

from pdpkit.cli.plan import render_table
from pdpkit.plan.document import Plan
from pdpkit.plan.recorder import Recording
from pdpkit.policy import Verdict
from pdpkit.spec.enums import Severity

URN = "urn:pulumi:dev::pdp::azure-native:containerservice:ManagedCluster::dev-cluster"


def test_verdicts_are_printed_with_fix_and_waiver() -> None:
    verdicts = [
        Verdict(
            "AZ-AKS-KMS",
            Severity.MANDATORY,
            URN,
            "secrets are not encrypted [kms]",
            resource="dev-cluster",
            remediation="Set cluster.secretsEncryption: true.",
        ),
        Verdict(
            "AZ-AKS-PRIVATE-API",
            Severity.MANDATORY,
            URN,
            "the API server endpoint is public",
            waiver="Development cluster reached by CI runners.",
            resource="dev-cluster",
        ),
        Verdict(
            "PDP-WAIVER-USED", Severity.ADVISORY, "pdp:policy.waivers[0]", "waiver matches nothing"
        ),
    ]
    plan = Plan(Recording(project="pdp", stack="dev"), verdicts)
    console = Console(record=True, width=200)
    render_table(plan, console)
    text = console.export_text()
    assert "fix: Set cluster.secretsEncryption: true." in text
    assert "secrets are not encrypted [kms]" in text  # brackets are not taken for markup
    assert "waiver: Development cluster reached by CI runners." in text
    assert "pdp:policy.waivers[0]" in text
    assert "policy: 1 mandatory violation, 1 advisory, 1 waived" in text
    assert plan.mandatory_violations() == verdicts[:1]


def test_mandatory_verdicts_come_first() -> None:
    verdicts = [
        Verdict("AA-ADVISORY", Severity.ADVISORY, URN, "advice"),
        Verdict("ZZ-MANDATORY", Severity.MANDATORY, URN, "must fix"),
    ]
    console = Console(record=True, width=200)
    render_table(Plan(Recording(project="pdp", stack="dev"), verdicts), console)
    text = console.export_text()
    assert text.index("ZZ-MANDATORY") < text.index("AA-ADVISORY")
