"""`pdp fleet summary`: preview digests (format: fixtures/ci/README.md, pulumi/pulumi v3.259.0
``pkg/display/json.go``) summed up in one comment, protected replacements/deletions first."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from pdpkit.fleet.previews import PreviewFormatError, parse_preview, read_preview
from pdpkit.fleet.summary import BUDGET, MARKER, as_json, collect, ordered, render_markdown

FIXTURES = Path(__file__).parent / "fixtures" / "ci" / "previews"


def test_a_digest_gives_counts_changes_and_protected_steps() -> None:
    preview = read_preview(FIXTURES / "pdp-fleet-preview-acme-aws-prod" / "preview.json")
    assert preview.stack == "acme-aws-prod"  # from the URNs when no record names it
    assert dict(preview.counts) == {"delete": 1, "replace": 1, "same": 211, "update": 1}
    assert [(c.op, c.name, c.protected) for c in preview.protected_changes] == [
        ("replace", "acme-aws-prod-cluster", True),
        ("delete", "acme-aws-prod-archive", True),
    ]
    assert preview.protected_changes[0].reasons == ("vpcConfig",)
    assert preview.protected_changes[1].retained
    assert preview.failed and "marked for protection" in preview.errors[0]


def test_changes_are_counted_from_the_steps_when_the_summary_is_missing() -> None:
    steps = [
        {"op": "create", "urn": "urn:pulumi:s1::p::t::a"},
        {"op": "create", "urn": "urn:pulumi:s1::p::t::b"},
        {"op": "delete", "urn": "urn:pulumi:s1::p::t::c", "oldState": {"type": "t"}},
    ]
    preview = parse_preview({"steps": steps})
    assert dict(preview.counts) == {"create": 2, "delete": 1}
    assert preview.stack == "s1" and not preview.failed and preview.protected_changes == ()


@pytest.mark.parametrize(
    "document",
    [[], {"steps": {}}, {"steps": [{"urn": "x"}]}, {"changeSummary": [1]}],
)
def test_what_is_not_a_digest_is_refused(document: object) -> None:
    with pytest.raises(PreviewFormatError):
        parse_preview(document)


def test_an_empty_or_truncated_output_is_a_failed_preview(tmp_path: Path) -> None:
    (tmp_path / "empty.json").write_text("")
    (tmp_path / "cut.json").write_text('{"steps": [')
    empty = read_preview(tmp_path / "empty.json", {"stack": "s1", "exitCode": 255})
    cut = read_preview(tmp_path / "cut.json", {"stack": "s2"})
    assert (empty.stack, empty.failed) == ("s1", True)
    assert (cut.stack, cut.failed) == ("s2", True) and "not JSON" in cut.errors[0]


def test_collect_reads_every_artifact_with_its_record() -> None:
    previews = collect(FIXTURES)
    assert [p.stack for p in previews] == [
        "acme-aws-prod",
        "acme-azure-dev",
        "acme-gcp-staging",
        "acme-onprem-local",
    ]
    assert {p.stack: p.customer for p in previews}["acme-gcp-staging"] == "globex"
    onprem = next(p for p in previews if p.stack == "acme-onprem-local")
    assert onprem.failed and onprem.metadata["commit"].startswith("3f0c2a9d")


def test_protected_first_then_failures_then_the_most_destructive() -> None:
    assert [p.stack for p in ordered(collect(FIXTURES))] == [
        "acme-aws-prod",  # protected replace + delete
        "acme-onprem-local",  # failed
        "acme-azure-dev",  # 2 creates, 1 update
        "acme-gcp-staging",  # nothing
    ]


def test_the_comment_calls_out_protected_changes_before_anything_else() -> None:
    text = render_markdown(collect(FIXTURES))
    assert text.startswith(MARKER + "\n")
    protected = text.index("Protected resources replaced or deleted")
    assert protected < text.index("Failed previews") < text.index("Changes per stack")
    assert "| acme | acme-aws-prod | **replace** | acme-aws-prod-cluster |" in text
    assert "| acme | acme-aws-prod | **delete** | acme-aws-prod-archive |" in text
    assert "| acme | acme-azure-dev | 2 | 1 | 0 | 0 | 187 |" in text
    assert "initech / **acme-onprem-local**: error: Program failed" in text
    assert "1 stack(s) without changes" in text and "acme-gcp-staging" in text
    assert "4 stack(s)" in text and "2 to create, 2 to update, 1 to replace, 1 to delete" in text


def test_text_from_the_digest_cannot_break_the_table_or_inject_html(tmp_path: Path) -> None:
    hostile = "x|<img src=x onerror=alert(1)>\n| injected |"
    doc = {
        "steps": [],
        "diagnostics": [{"severity": "error", "message": hostile}],
    }
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "d.json").write_text(json.dumps(doc))
    text = render_markdown([parse_preview(doc, stack="s1", metadata={"customer": hostile})])
    assert "<img" not in text and "\n| injected" not in text
    assert "x\\|&lt;img" in text


def _fleet_of(n: int, tmp_path: Path) -> Path:
    source = FIXTURES / "pdp-fleet-preview-acme-azure-dev"
    for i in range(n):
        target = tmp_path / f"pdp-fleet-preview-c{i:04d}"
        shutil.copytree(source, target)
        record = json.loads((target / "run.json").read_text())
        record.update(stack=f"c{i:04d}-azure-prod", customer=f"c{i:04d}")
        (target / "run.json").write_text(json.dumps(record))
    return tmp_path


def test_a_thousand_stacks_fit_one_comment_and_say_what_was_left_out(tmp_path: Path) -> None:
    previews = collect(_fleet_of(1000, tmp_path))
    assert len(previews) == 1000
    whole = render_markdown(previews)
    assert len(whole) <= BUDGET and whole.count("-azure-prod | 2 | 1 |") == 1000
    text = render_markdown(previews, budget=20_000)  # longer names, more customers
    assert len(text) <= 20_000
    assert "more row(s) did not fit in one comment" in text
    listed = text.count("-azure-prod | 2 | 1 |")
    omitted = int(text.split("_")[-2].split()[0])
    assert listed + omitted == 1000
    assert len(as_json(previews)["stacks"]) == 1000  # the artifact has them all


def test_no_affected_stack_says_so_instead_of_leaving_an_old_comment_stale(
    tmp_path: Path,
) -> None:
    text = render_markdown(collect(tmp_path))
    assert text.startswith(MARKER + "\n") and "no stack affected" in text
