"""`pdp validate`: one error-message test per kind of bad input (file, line, key path, hint)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from pdpkit.cli.main import main
from tests.examples import EXAMPLE_STACKS, scratch_project


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A scratch copy of the project's stacks and platform definitions."""
    scratch_project(tmp_path)
    return tmp_path


def validate(project: Path, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    import os

    cwd = Path.cwd()
    os.chdir(project)
    try:
        code = main(["validate", *args])
    finally:
        os.chdir(cwd)
    captured = capsys.readouterr()
    output = captured.out + captured.err
    assert "Traceback" not in output
    return code, output


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"fixture drifted: {old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1))


ONPREM = "stacks/Pulumi.acme-onprem-local.yaml"


def test_every_example_is_valid(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, output = validate(project, capsys)
    assert code == 0
    assert f"{len(EXAMPLE_STACKS)} stack files valid" in output


def test_a_named_stack(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, output = validate(project, capsys, "--stack", "acme-aws-prod")
    assert code == 0 and "Pulumi.acme-aws-prod.yaml: valid" in output


def test_unknown_stack_suggests_the_closest(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, output = validate(project, capsys, "--stack", "acme-aws-prd")
    assert code == 1 and "did you mean 'acme-aws-prod'?" in output


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        # an unknown key at the top of a section, deep in the spec, and in a list item
        (
            "    target: onprem",
            "    target: onprem\n    regoin: x",
            r":\d+ pdp:dataplane\.regoin: unknown key; did you mean 'region'\?",
        ),
        (
            "      hubble: true",
            "      hubble: true\n      hubbel: false",
            r":\d+ pdp:dataplane\.cilium\.hubbel: unknown key; did you mean 'hubble'\?",
        ),
        (
            "          vmSize: given",
            "          vmSize: given\n          minCuont: 1",
            r":\d+ pdp:dataplane\.cluster\.nodePools\[0\]\.minCuont: unknown key; did you mean 'minCount'\?",
        ),
        (
            "        kind: service",
            "        kind: service\n        replicass: 2",
            r":\d+ pdp:platform\.integrations\[0\]\.replicass: unknown key; did you mean 'replicas'\?",
        ),
    ],
)
def test_unknown_keys(
    project: Path, capsys: pytest.CaptureFixture[str], old: str, new: str, expected: str
) -> None:
    edit(project / ONPREM, old, new)
    code, output = validate(project, capsys, ONPREM)
    assert code == 1
    assert re.search(expected, output), output


def test_unknown_section(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    edit(project / ONPREM, "  pdp:platform:", "  pdp:platfrom:")
    code, output = validate(project, capsys, ONPREM)
    assert code == 1 and "pdp:platfrom: unknown key; did you mean 'pdp:platform'?" in output


def test_a_cidr_that_is_not_one(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    edit(project / ONPREM, "podCidr: 10.42.0.0/16", "podCidr: 10.42.0.300/16")
    code, output = validate(project, capsys, ONPREM)
    assert code == 1
    line = next(
        i for i, t in enumerate((project / ONPREM).read_text().splitlines(), 1) if "podCidr" in t
    )
    assert (
        f"Pulumi.acme-onprem-local.yaml:{line} pdp:dataplane.network.podCidr: is not a CIDR"
        in output
    )
    assert "got '10.42.0.300/16'; expected e.g. 10.0.0.0/16" in output


def test_a_mapping_replaced_by_a_number(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = (project / ONPREM).read_text()
    start = text.index("    cilium:\n")
    end = text.index("    gateways:\n")
    (project / ONPREM).write_text(text[:start] + "    cilium: 42\n" + text[end:])
    code, output = validate(project, capsys, ONPREM)
    assert code == 1
    assert "pdp:dataplane.cilium: wrong type: got 42; expected a mapping" in output


def test_a_wrong_type(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    edit(project / ONPREM, "minCount: 1", "minCount: many")
    code, output = validate(project, capsys, ONPREM)
    assert code == 1
    assert "nodePools[0].minCount: wrong type: got 'many'; expected a whole number" in output
    # the pool list's own rule does not also fire on what the bad item left behind
    assert output.count("pdp:dataplane.cluster.nodePools") == 1


def test_a_missing_required_key(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    edit(project / ONPREM, "      dataPlaneId: dp-acme-lab-01\n", "")
    code, output = validate(project, capsys, ONPREM)
    assert code == 1 and "pdp:dataplane.agent.dataPlaneId: required key missing" in output


def test_a_yaml_syntax_error(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    edit(project / ONPREM, "    region: lab", "    region: [lab")
    code, output = validate(project, capsys, ONPREM)
    assert code == 1 and re.search(
        r"Pulumi\.acme-onprem-local\.yaml:\d+: YAML syntax error", output
    )


@pytest.mark.parametrize("content", ["", "# only a comment\n", "config:\n", "config: {}\n"])
def test_an_empty_config(project: Path, capsys: pytest.CaptureFixture[str], content: str) -> None:
    (project / ONPREM).write_text(content)
    code, output = validate(project, capsys, ONPREM)
    assert code == 1
    assert "empty" in output or "pdp:dataplane" in output


def test_error_in_a_platform_definition_file_names_that_file(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    edit(project / "platform/acme/integrations/order-api.yaml", "replicas: 2", "replicas: -2")
    code, output = validate(project, capsys, "--stack", "acme-aws-prod")
    assert code == 1
    assert re.search(
        r"platform/acme/integrations/order-api\.yaml:\d+ pdp:platform\.integrations\[\d\]\.replicas",
        output,
    )


def test_json_format(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    edit(project / ONPREM, "podCidr: 10.42.0.0/16", "podCidr: nope")
    code, output = validate(project, capsys, "--format", "json", ONPREM)
    assert code == 1
    report = json.loads(output)
    assert report["valid"] is False
    problem = report["stacks"][0]["problems"][0]
    assert problem["path"] == "pdp:dataplane.network.podCidr" and problem["line"] > 1


def test_the_removed_api_server_cidr_says_why_and_what_to_do(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    edit(
        project / ONPREM,
        "      logBucket: pdp-logs",
        "      logBucket: pdp-logs\n      apiServerCidr: 10.43.0.1/32",
    )
    code, output = validate(project, capsys, ONPREM)
    assert code == 1
    assert re.search(r":\d+ pdp:dataplane\.onprem\.apiServerCidr: ", output), output
    assert "cilium/cilium#33525" in output and "Delete the key" in output


def test_kubernetes_1_31_is_refused_with_file_line_and_components(project, capsys):
    stack = project / "stacks" / "Pulumi.acme-azure-dev.yaml"
    edit(stack, 'kubernetesVersion: "1.35"', 'kubernetesVersion: "1.31"')
    code, output = validate(project, capsys, "--stack", "acme-azure-dev")
    assert code != 0
    line = next(
        i
        for i, text in enumerate(stack.read_text(encoding="utf-8").splitlines(), 1)
        if "kubernetesVersion" in text
    )
    assert f"Pulumi.acme-azure-dev.yaml:{line} pdp:dataplane.cluster.kubernetesVersion" in output
    assert "Flux 2.8 (flux2 chart 2.18.3) supports 1.33-1.35" in output
    assert "Envoy Gateway 1.9" in output and "External Secrets 2.8" in output
    assert "AKS offers" in output


def test_problems_are_sorted_by_line(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    edit(project / ONPREM, "      hubble: true", "      hubble: maybe")
    edit(project / ONPREM, "    region: lab", "    region: lab\n    regoin: x")
    code, output = validate(project, capsys, ONPREM)
    lines = [int(m) for m in re.findall(r"Pulumi\.acme-onprem-local\.yaml:(\d+) ", output)]
    assert code == 1 and len(lines) == 2 and lines == sorted(lines)


def test_an_enum_lists_its_values_once(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    edit(project / ONPREM, "target: onprem", "target: onprim")
    code, output = validate(project, capsys, ONPREM)
    assert code == 1 and output.count("'onprem'") == 1
    assert "pdp:dataplane.target: got 'onprim'; expected one of 'azure', 'aws'" in output


def test_the_missing_section_message_is_filled_in_and_located(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / ONPREM).write_text("# a comment\nconfig:\n  pdp:policy: {}\n")
    code, output = validate(project, capsys, ONPREM)
    assert code == 1
    assert (
        "Pulumi.acme-onprem-local.yaml:2 pdp:dataplane: required section missing; "
        "add `pdp:dataplane:` under config" in output
    )
    assert "{project}" not in output


def test_a_directory_named_like_a_stack_file(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / "stacks" / "Pulumi.d.yaml").mkdir()
    code, output = validate(project, capsys, "--stack", "d")
    assert code == 1
    assert "stacks/Pulumi.d.yaml: is a directory, not the config file of stack 'd'" in output
    assert "did you mean" not in output
    code, output = validate(project, capsys)
    assert code == 1 and "stacks/Pulumi.d.yaml: is a directory, not a YAML file" in output
    assert f"{len(EXAMPLE_STACKS)} of {len(EXAMPLE_STACKS) + 1} stack files valid" in output


def test_outside_a_project(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, output = validate(tmp_path, capsys)
    assert code == 1 and "no Pulumi.yaml here or in any parent directory" in output


def test_a_bad_file_does_not_hide_the_others(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / "stacks" / "Pulumi.bad.yaml").write_bytes(b"config:\n  x: caf\xe9\n")
    (project / "stacks" / "Pulumi.worse.yaml").write_text("a: &a [*a]\n")
    code, output = validate(project, capsys)
    assert code == 1
    assert "stacks/Pulumi.bad.yaml:2: not UTF-8: byte 0xe9" in output
    assert "stacks/Pulumi.worse.yaml:1 a[0]: recursive alias" in output
    for stack in EXAMPLE_STACKS:
        assert f"stacks/Pulumi.{stack}.yaml: valid" in output
    assert "2 problems in 2 files" in output


def test_integrations_that_are_not_a_list(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = project / "platform/acme/platform.yaml"
    path.write_text(path.read_text() + "integrations: 5\n")
    code, output = validate(project, capsys, "--stack", "acme-aws-prod")
    line = len(path.read_text().splitlines())
    assert code == 1
    assert (
        f"platform/acme/platform.yaml:{line} integrations: expected a list of integrations; "
        "got int 5" in output
    )


def test_a_ledger_path_that_does_not_exist(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    edit(project / ONPREM, "path: releases/acme-lab.yaml", "path: releases/acme-lab.yml")
    code, output = validate(project, capsys, ONPREM)
    assert code == 1
    assert re.search(
        r"Pulumi\.acme-onprem-local\.yaml:\d+ pdp:platform\.ledger\.path: releases/acme-lab\.yml "
        r"does not exist",
        output,
    ), output
    (project / "releases" / "acme-lab.yml").write_text("")
    assert validate(project, capsys, ONPREM)[0] == 0


def test_a_section_under_another_namespace(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    edit(project / ONPREM, "  pdp:dataplane:", "  pdpp:dataplane:")
    code, output = validate(project, capsys, ONPREM)
    assert code == 1
    assert ":4 pdpp:dataplane: unknown namespace 'pdpp'; did you mean 'pdp:dataplane'?" in output


def test_a_value_received_is_shown_as_the_file_spells_it(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    edit(project / ONPREM, "privateApiEndpoint: true", "privateApiEndpoint: 2026-01-01")
    edit(project / ONPREM, "      hubble: true", "      hubble: null")
    code, output = validate(project, capsys, ONPREM)
    assert code == 1
    assert "privateApiEndpoint: wrong type: got 2026-01-01; expected true or false" in output
    assert "hubble: wrong type: got null; expected true or false" in output


def test_an_observability_bucket_name_is_refused_with_file_and_line(project, capsys):
    edit(
        project / ONPREM,
        "      logBucket: pdp-logs",
        "      logBucket: pdp-logs\n"
        "      observabilityBuckets:\n"
        "        metrics: Mimir_Blocks\n"
        "        traces: pdp-logs",
    )
    code, output = validate(project, capsys, ONPREM)
    assert code == 1
    assert re.search(
        r":\d+ pdp:dataplane\.onprem\.observabilityBuckets\.metrics: 'Mimir_Blocks' is not an S3 "
        r"bucket name",
        output,
    ), output
    assert re.search(
        r":\d+ pdp:dataplane\.onprem\.observabilityBuckets\.traces: 'pdp-logs' is already the "
        r"bucket of dataplane\.onprem\.logBucket",
        output,
    ), output
