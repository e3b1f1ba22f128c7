"""The production example with its firewall weakened: `pdp validate` refuses undeclared source
ranges (exit 1, located), `pdp plan` refuses an open gateway or a WAF that does not block
(exit 3, the rule named)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from pdpkit.cli.main import EXIT_INVALID, EXIT_OK, EXIT_POLICY, main
from tests.examples import scratch_project

STACK = "acme-aws-prod"
DECLARED = """        sourceRanges: [198.51.100.0/24, 203.0.113.0/24]
        waf: {mode: blocking}
"""


def run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: str, external: str
) -> tuple[int, str]:
    """`pdp <command>` on the production example with its external gateway's firewall lines
    replaced by `external`."""
    scratch_project(tmp_path)
    path = tmp_path / "stacks" / f"Pulumi.{STACK}.yaml"
    text = path.read_text(encoding="utf-8")
    assert DECLARED in text, "fixture drifted: the example no longer declares its firewall"
    path.write_text(text.replace(DECLARED, external, 1), encoding="utf-8")
    cwd = Path.cwd()
    os.chdir(tmp_path)
    try:
        code = main([command, "--stack", STACK])
    finally:
        os.chdir(cwd)
    captured = capsys.readouterr()
    output = captured.out + captured.err
    assert "Traceback" not in output
    return code, output


def test_production_must_declare_its_source_ranges(tmp_path, capsys):
    code, output = run(tmp_path, capsys, "validate", "        waf: {mode: blocking}\n")
    assert code == EXIT_INVALID
    assert f"Pulumi.{STACK}.yaml" in output
    assert "pdp:dataplane.gateways.external.sourceRanges" in output
    assert "must say who may reach its external gateway" in output


def test_an_open_source_range_in_production_validates_but_fails_the_plan(tmp_path, capsys):
    external = "        sourceRanges: [0.0.0.0/0, '::/0']\n        waf: {mode: blocking}\n"
    code, _ = run(tmp_path, capsys, "validate", external)
    assert code == EXIT_OK  # written on purpose: a policy decision, waivable with a reason
    (tmp_path / "plan").mkdir()
    code, output = run(tmp_path / "plan", capsys, "plan", external)
    assert code == EXIT_POLICY, output[-3000:]
    assert "K8S-GW-SOURCE-RANGES" in output
    assert "source range 0.0.0.0/0 opens the external load balancer" in output


@pytest.mark.slow
@pytest.mark.parametrize("mode", ["detection", "off"])
def test_a_waf_that_does_not_block_in_production_fails_the_plan(tmp_path, capsys, mode):
    external = f"        sourceRanges: [203.0.113.0/24]\n        waf: {{mode: {mode}}}\n"
    code, output = run(tmp_path, capsys, "plan", external)
    assert code == EXIT_POLICY, output[-3000:]
    assert "K8S-GW-WAF" in output
    assert "K8S-GW-SOURCE-RANGES" not in output
