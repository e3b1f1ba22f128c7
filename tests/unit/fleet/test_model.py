"""fleet.yaml: the example loads; every broken rule is refused with a located message."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from pdpkit.fleet import load_fleet
from pdpkit.fleet.model import Engine, MaintenanceWindow
from pdpkit.spec.errors import SpecError
from tests.examples import EXAMPLE_STACKS, ROOT


def _problems(root: Path) -> list[str]:
    with pytest.raises(SpecError) as caught:
        load_fleet(root)
    return [p.render() for p in caught.value.problems]


def _edit(root: Path, old: str, new: str) -> None:
    path = root / "fleet.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_the_example_fleet_holds_every_example_stack() -> None:
    fleet = load_fleet(ROOT)
    assert sorted(fleet.owner) == EXAMPLE_STACKS
    assert fleet.customer_of("acme-aws-prod").name == "acme"
    assert [(w.name, [c.name for c in cs]) for w, cs in fleet.waves()] == [
        ("canary", ["acme"]),
        ("general", ["acme-lab"]),
    ]


def test_the_engine_defaults_to_the_workflows(project: Path) -> None:
    assert load_fleet(ROOT).spec.engine is Engine.GITHUB_ACTIONS  # declared
    _edit(project, "engine: githubActions\n", "")
    assert load_fleet(project).spec.engine is Engine.GITHUB_ACTIONS  # left out


def test_operator_settings_without_the_operator_engine_are_refused(project: Path) -> None:
    _edit(
        project, "engine: githubActions\n", "operator: {repositoryUrl: https://x.example/a.git}\n"
    )
    (problem,) = _problems(project)
    assert problem.startswith("fleet.yaml:") and " operator: the `operator:` settings" in problem
    assert "engine is 'githubActions'" in problem


def test_an_unknown_stack_is_named_with_its_line_and_the_closest_stack(project: Path) -> None:
    _edit(project, "acme-aws-prod]", "acme-aws-prd]")
    problems = _problems(project)
    assert any(
        p.startswith("fleet.yaml:9 customers[0].stacks[2]: no stack 'acme-aws-prd'")
        and "did you mean 'acme-aws-prod'?" in p
        for p in problems
    ), problems


def test_a_stack_in_two_customers_is_refused(project: Path) -> None:
    _edit(project, "stacks: [acme-onprem-local]", "stacks: [acme-onprem-local, acme-aws-prod]")
    problems = _problems(project)
    assert any(
        "customers[1].stacks[1]: stack 'acme-aws-prod' already belongs to customer 'acme'" in p
        for p in problems
    ), problems


def test_a_stack_of_no_customer_is_refused(project: Path) -> None:
    _edit(
        project,
        "stacks: [acme-azure-dev, acme-gcp-staging, acme-aws-prod]",
        "stacks: [acme-azure-dev, acme-gcp-staging]",
    )
    _edit(
        project,
        "      aws:\n        roleArn: arn:aws:iam::210987654321:role/pdpkit-deployer\n        sourceRoleArn: arn:aws:iam::109876543210:role/pdp-fleet-acme\n",
        "",
    )
    problems = _problems(project)
    assert problems == [
        "fleet.yaml:4 customers: stack 'acme-aws-prod' (stacks/Pulumi.acme-aws-prod.yaml) "
        "belongs to no customer; add it to the `stacks` of its customer (every stack "
        "operated is some customer's)"
    ]


def test_an_undeclared_wave_is_refused_with_the_declared_ones(project: Path) -> None:
    _edit(project, "wave: canary", "wave: canray")
    problems = _problems(project)
    assert any(
        "customers[0].wave: wave 'canray' is not declared; did you mean 'canary'?" in p
        for p in problems
    ), problems


def test_an_identity_for_another_account_is_refused(project: Path) -> None:
    _edit(project, "roleArn: arn:aws:iam::210987654321:", "roleArn: arn:aws:iam::333333333333:")
    problems = _problems(project)
    assert any(
        "customers[0].identity.aws.roleArn: arn:aws:iam::333333333333:role/pdpkit-deployer is "
        "in account 333333333333 but stack 'acme-aws-prod' deploys into 210987654321" in p
        for p in problems
    ), problems


def test_a_ci_role_other_than_the_customers_source_role_is_refused(project: Path) -> None:
    """The customer's deployer trusts only its source role: a stack whose workflows start from
    another vendor role (a shared one) could not hop, and would reach every customer."""
    stack = project / "stacks" / "Pulumi.acme-aws-prod.yaml"
    text = stack.read_text(encoding="utf-8")
    mine = "roleArn: arn:aws:iam::109876543210:role/pdp-fleet-acme"
    assert mine in text
    shared = "arn:aws:iam::109876543210:role/pdpkit-operator"
    stack.write_text(text.replace(mine, f"roleArn: {shared}"), encoding="utf-8")
    problems = _problems(project)
    assert any(
        "customers[0].identity.aws.sourceRoleArn: stack 'acme-aws-prod' runs CI as "
        f"{shared} (ci.identity.roleArn), but arn:aws:iam::210987654321:role/pdpkit-deployer "
        "trusts only the customer's source role arn:aws:iam::109876543210:role/pdp-fleet-acme" in p
        for p in problems
    ), problems


def test_a_missing_and_an_unused_identity_are_refused(project: Path) -> None:
    _edit(
        project,
        "      onprem:\n        kubeconfigSecret: acme-lab-kubeconfig\n",
        "      gcp:\n        workloadIdentityProvider: projects/482917365104/locations/global/workloadIdentityPools/pdp-fleet/providers/management\n        serviceAccount: pdp-lab@acme-pdp-staging.iam.gserviceaccount.com\n",
    )
    problems = _problems(project)
    assert any(
        "stacks acme-onprem-local run on onprem but identity has no `onprem:`" in p
        for p in problems
    ), problems
    assert any(
        "customers[1].identity.gcp: none of the customer's stacks runs on gcp" in p
        for p in problems
    ), problems


def test_a_management_model_the_stack_disagrees_with_is_refused(project: Path) -> None:
    _edit(project, "management: customerSelfManaged", "management: vendorSubscription")
    problems = _problems(project)
    assert any(
        "customers[1].management: stack 'acme-onprem-local' declares management "
        "customerSelfManaged but the customer is vendorSubscription" in p
        for p in problems
    ), problems


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            "backend: s3://acme-pdp-state",
            "backend: file:///tmp/state",
            "is not a state backend URL",
        ),
        (
            "backend: s3://acme-pdp-state?region=eu-west-1",
            "backend: https://api.pulumi.com",
            "expected https://api.pulumi.com/<org>",
        ),
        (
            "secretsProvider: hashivault://acme-lab-pdp",
            "secretsProvider: passphrase",
            "'passphrase' is refused",
        ),
        (
            "secretsProvider: hashivault://acme-lab-pdp",
            "secretsProvider: gcpkms://acme/key",
            "is not a Cloud KMS key name",
        ),
        (
            "timezone: Europe/Amsterdam",
            "timezone: Europe/Amsterdom",
            "is not a time zone of the IANA database",
        ),
        ('start: "02:00"', 'start: "25:00"', "customers[0].maintenanceWindow.start"),
        ("maxParallel: 2", "maxParallel: 0", "waves[0].maxParallel"),
        ("  - name: acme-lab", "  - name: Acme-Lab", "must be a DNS label"),
    ],
)
def test_bad_values_are_refused_where_they_are(
    project: Path, old: str, new: str, expected: str
) -> None:
    _edit(project, old, new)
    problems = _problems(project)
    assert len(problems) == 1 and expected in problems[0], problems
    assert problems[0].startswith("fleet.yaml:"), problems


def test_unknown_keys_get_a_suggestion(project: Path) -> None:
    _edit(project, "secretsProvider: hashivault", "secretProvider: hashivault")
    problems = _problems(project)
    assert any(
        "customers[1].secretProvider: unknown key; did you mean 'secretsProvider'?" in p
        for p in problems
    ), problems


def test_a_window_past_midnight_stays_open_into_the_next_day() -> None:
    window = MaintenanceWindow.model_validate(
        {"days": ["sat"], "start": "22:00", "hours": 4, "timezone": "Europe/Amsterdam"}
    )
    # Saturday 2026-11-28 22:30 and Sunday 01:30 in Amsterdam (UTC+1); Sunday 02:30 is past.
    assert window.contains(datetime(2026, 11, 28, 21, 30, tzinfo=UTC))
    assert window.contains(datetime(2026, 11, 29, 0, 30, tzinfo=UTC))
    assert not window.contains(datetime(2026, 11, 29, 1, 30, tzinfo=UTC))
    assert not window.contains(datetime(2026, 11, 27, 21, 30, tzinfo=UTC))  # a Friday


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            "secretsProvider: hashivault://acme-lab-pdp",
            "secretsProvider: awskms:///arn:aws:kms:eu-west-1:210987654321:key/5c8e2a41-7d3b-4f96-a0e2-9b1c4d7e8f20?region=eu-west-1",
            "customers[1].secretsProvider: the secrets key",
        ),
        (
            "      onprem:\n        kubeconfigSecret: acme-lab-kubeconfig\n",
            "      onprem:\n        kubeconfigSecret: acme-lab-kubeconfig\n      aws:\n        roleArn: arn:aws:iam::109876543210:role/pdp-fleet-acme\n",
            "customers[1].identity.aws.roleArn: the AWS role arn:aws:iam::109876543210:role/pdp-fleet-acme is also used by customer 'acme'",
        ),
        (
            "backend: s3://acme-lab-pdp-state?endpoint",
            "backend: s3://acme-lab-pdp-state?access_key=x&endpoint",
            "carries a static credential (the query parameter 'access_key')",
        ),
    ],
)
def test_isolation_violations_are_refused(project: Path, old: str, new: str, expected: str) -> None:
    _edit(project, old, new)
    problems = _problems(project)
    assert any(expected in p for p in problems), problems


def test_an_access_key_in_fleet_yaml_or_a_provider_key_in_a_stack_is_refused(project: Path) -> None:
    _edit(
        project,
        "kubeconfigSecret: acme-lab-kubeconfig",
        "kubeconfigSecret: acme-lab-kubeconfig\n        # AKIA in a comment is fine",
    )
    stack = project / "stacks" / "Pulumi.acme-gcp-staging.yaml"
    stack.write_text(
        stack.read_text(encoding="utf-8").replace(
            "config:\n", "config:\n  gcp:credentials: '{}'\n", 1
        ),
        encoding="utf-8",
    )
    problems = _problems(project)
    assert problems == [
        "stacks/Pulumi.acme-gcp-staging.yaml: `gcp:credentials` sets a GCP service account key: a fleet stack runs only as its customer's identity (fleet.yaml `identity`); remove the key from the stack and revoke it"
    ]
