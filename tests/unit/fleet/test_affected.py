"""Which stacks a pull request previews: only those whose inputs changed."""

from __future__ import annotations

import copy

import pytest
import yaml

from pdpkit.cli.ci import discover
from pdpkit.fleet.affected import affected, changed_customers, platform_dirs, stack_inputs
from tests.examples import ROOT


@pytest.fixture(scope="module")
def inputs():  # type: ignore[no-untyped-def]
    stacks = discover(ROOT)
    raw = {
        name: yaml.safe_load((ROOT / "stacks" / f"Pulumi.{name}.yaml").read_text())
        for name, _ in stacks
    }
    dirs = platform_dirs(raw)
    return [stack_inputs(name, spec, dirs[name]) for name, spec in stacks]


def test_a_stack_file_affects_its_stack_only(inputs) -> None:  # type: ignore[no-untyped-def]
    result = affected(["stacks/Pulumi.acme-aws-prod.yaml"], inputs)
    assert result.stacks == {"acme-aws-prod": ["stacks/Pulumi.acme-aws-prod.yaml"]}


def test_a_platform_file_affects_the_stacks_that_deploy_that_platform(inputs) -> None:  # type: ignore[no-untyped-def]
    result = affected(["platform/acme/integrations/order-api.yaml"], inputs)
    users = sorted(one.stack for one in inputs if "platform/acme" in one.directories)
    assert users and sorted(result.stacks) == users
    assert len(users) < len(inputs)  # not the whole fleet


def test_a_ledger_affects_the_stacks_of_its_platform(inputs) -> None:  # type: ignore[no-untyped-def]
    ledgers = {f for one in inputs for f in one.files if f.startswith("releases/")}
    assert ledgers
    for ledger in ledgers:
        expected = sorted(one.stack for one in inputs if ledger in one.files)
        assert sorted(affected([ledger], inputs).stacks) == expected


@pytest.mark.parametrize(
    "path",
    [
        "pdpkit/components/aws/cluster.py",
        "__main__.py",
        "pyproject.toml",
        "requirements-ci.txt",
        "Pulumi.yaml",
        "policy/PulumiPolicy.yaml",
        "fleet.yaml",
    ],
)
def test_shared_code_and_pins_affect_every_stack(inputs, path: str) -> None:  # type: ignore[no-untyped-def]
    assert sorted(affected([path], inputs).stacks) == sorted(one.stack for one in inputs)


@pytest.mark.parametrize(
    "path",
    [
        "docs/fleet.md",
        "README.md",
        "tests/unit/fleet/test_affected.py",
        ".github/workflows/pdp-up.yml",
        "platformx/acme/platform.yaml",
        "pdpkitx.py",
    ],
)
def test_other_files_affect_no_stack(inputs, path: str) -> None:  # type: ignore[no-untyped-def]
    assert affected([path], inputs).stacks == {}


def test_a_deleted_stack_file_is_reported_as_removed(inputs) -> None:  # type: ignore[no-untyped-def]
    gone = [one for one in inputs if one.stack != "acme-gcp-staging"]
    result = affected([], gone, deleted=["stacks/Pulumi.acme-gcp-staging.yaml"])
    assert result.removed == ["acme-gcp-staging"] and result.stacks == {}


FLEET = {
    "customers": [
        {"name": "acme", "stacks": ["acme-aws-prod"], "backend": "s3://a"},
        {"name": "globex", "stacks": ["acme-gcp-staging"], "backend": "s3://g"},
    ],
    "waves": [{"name": "all", "maxParallel": 2}],
}


def test_a_fleet_yaml_change_previews_the_customers_whose_entry_changed(inputs) -> None:  # type: ignore[no-untyped-def]
    after = copy.deepcopy(FLEET)
    after["customers"][1]["backend"] = "s3://g2"
    after["customers"].append({"name": "new", "stacks": ["acme-azure-dev"]})
    after["waves"][0]["maxParallel"] = 5  # not a stack's input
    changed = changed_customers(FLEET, after)
    assert changed == {"globex", "new"}
    owners = {"acme-aws-prod": "acme", "acme-gcp-staging": "globex", "acme-azure-dev": "new"}
    result = affected(["fleet.yaml"], inputs, fleet_customers=owners, customers_changed=changed)
    assert sorted(result.stacks) == ["acme-azure-dev", "acme-gcp-staging"]
    waves_only = copy.deepcopy(FLEET)
    waves_only["waves"][0]["maxParallel"] = 9
    assert changed_customers(FLEET, waves_only) == set()
    assert changed_customers(None, after) is None  # no base: every stack
    assert sorted(affected(["fleet.yaml"], inputs).stacks) == sorted(o.stack for o in inputs)
