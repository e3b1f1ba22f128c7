"""The CLI's surface: a version, help on every option, output that survives CI logs."""

from __future__ import annotations

import argparse
import subprocess
import sys

import pytest

from pdpkit.cli.main import build_parser, main
from pdpkit.policy import RULES


def _actions(parser: argparse.ArgumentParser, path: str = "pdp"):  # type: ignore[no-untyped-def]
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield from _actions(sub, f"{path} {name}")
        else:
            yield path, action


def test_every_option_and_argument_has_help() -> None:
    missing = [
        f"{path} {'/'.join(a.option_strings) or a.dest}"
        for path, a in _actions(build_parser())
        if not a.help
    ]
    assert missing == []


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["--version"])
    assert exit_.value.code == 0
    assert capsys.readouterr().out.startswith("pdp 0.")


def test_rule_ids_and_texts_are_whole_in_a_ci_log() -> None:
    env = {"PATH": "", "PYTHONPATH": ":".join(sys.path)}  # no COLUMNS, not a terminal
    result = subprocess.run(
        [sys.executable, "-m", "pdpkit.cli.main", "policy", "list"],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    longest = max(RULES, key=lambda rule: len(rule.description))
    assert longest.description in result.stdout
    assert all(rule.id in result.stdout for rule in RULES)


@pytest.mark.slow
def test_summary_shows_components_not_the_tree(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "200")
    assert main(["plan", "--stack", "acme-onprem-local", "--summary"]) == 0
    out = capsys.readouterr().out
    assert "Resources per component" in out
    assert "pdp/acme-onprem-local" not in out  # the tree's root
    assert "policy: 0 mandatory violations" in out


@pytest.mark.slow
def test_progress_counts_during_the_run_match_the_summary() -> None:
    from pdpkit.cli.console import console
    from pdpkit.cli.plan import render_table
    from pdpkit.plan.run import plan_stack
    from tests.examples import ROOT

    messages: list[str] = []
    plan = plan_stack(ROOT, "acme-onprem-local", progress=messages.append)
    running = [m for m in messages if m.startswith("running __main__.py") and ": " in m]
    assert len(running) > 100, "the long phase shows counts as it goes"
    final = running[-1].rsplit(": ", 1)[1]
    assert messages[-1] == f"evaluating policy over {final}"
    out = console()
    with out.capture() as captured:
        render_table(plan, out, tree=False)
    assert f"{final}, " in captured.get()
