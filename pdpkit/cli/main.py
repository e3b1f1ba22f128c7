"""`pdp`: argument parsing and dispatch. Imports nothing heavy: `pdp --help` stays instant."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

EXIT_OK = 0
EXIT_INVALID = 1
EXIT_USAGE = 2
EXIT_POLICY = 3
EXIT_PROGRAM = 4


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="pdp",
        description="Private data planes as code: validate and plan stacks offline, "
        "import WSO2 Integration resources, release and promote integrations.",
    )
    parser.add_argument("--version", action="version", version=f"pdp {_version()}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    validate = sub.add_parser("validate", help="check a stack file or a named stack")
    validate.add_argument(
        "file", nargs="*", help="stack config file(s) (stacks/Pulumi.<stack>.yaml)"
    )
    validate.add_argument(
        "--stack", "-s", action="append", default=[], help="stack name (repeatable)"
    )
    validate.add_argument(
        "--format", choices=["text", "json"], default="text", help="output format (default: text)"
    )
    validate.set_defaults(handler="validate")

    plan = sub.add_parser(
        "plan", help="run a stack's program offline and show what it would create"
    )
    plan.add_argument("--stack", "-s", required=True, help="stack name")
    plan.add_argument("--out", help="write plan.json, manifests/ and helm-releases.yaml here")
    plan.add_argument(
        "--format",
        choices=["table", "json"],
        default="table",
        help="table: resource tree, counts, Helm releases, verdicts; json: the plan document",
    )
    plan.add_argument(
        "--summary",
        action="store_true",
        help="counts per component and type and the verdicts, without the resource tree",
    )
    plan.add_argument(
        "--preview",
        action="store_true",
        help="plan as `pulumi preview` sees the stack: outputs of new resources unknown",
    )
    plan.set_defaults(handler="plan")

    imp = sub.add_parser("import-cr", help="convert WSO2 Integration custom resources")
    imp.add_argument("files", nargs="+", metavar="FILE", help="integration_cr.yaml file(s)")
    imp.add_argument("--out", help="write pdpkit integration definitions here")
    imp.add_argument("--render", help="write the Kubernetes manifests they produce here")
    imp.add_argument("--project", default="default", help="project of the imported integrations")
    imp.set_defaults(handler="import_cr")

    release = sub.add_parser(
        "release", help="record a new build in the pipeline's first environment"
    )
    release.add_argument("integration", help="integration name")
    release.add_argument("--stack", "-s", required=True, help="stack whose platform it belongs to")
    release.add_argument("--image", required=True, help="digest-pinned image: repo@sha256:…")
    release.add_argument("--by", help="who records it (default: $GITHUB_ACTOR or $USER)")
    release.set_defaults(handler="releases")

    promote = sub.add_parser("promote", help="promote the previous environment's build into ENV")
    promote.add_argument("integration", help="integration name")
    promote.add_argument("--stack", "-s", required=True, help="stack whose platform it belongs to")
    promote.add_argument("--to", required=True, metavar="ENV", help="target environment")
    promote.add_argument(
        "--approved-by",
        action="append",
        default=[],
        metavar="NAME",
        help="an approver of this promotion (repeatable; the gate says how many)",
    )
    promote.add_argument("--by", help="who promotes (default: $GITHUB_ACTOR or $USER)")
    promote.set_defaults(handler="releases")

    rollback = sub.add_parser("rollback", help="restore the release ENV had before")
    rollback.add_argument("integration", help="integration name")
    rollback.add_argument("--stack", "-s", required=True, help="stack whose platform it belongs to")
    rollback.add_argument("--env", required=True, metavar="ENV", help="environment to roll back")
    rollback.add_argument("--by", help="who rolls back (default: $GITHUB_ACTOR or $USER)")
    rollback.set_defaults(handler="releases")

    approvals = sub.add_parser(
        "approvals",
        help="check that a pull request's ledger approvals are its approving reviews (CI)",
    )
    approvals.add_argument(
        "--stack", "-s", required=True, help="stack whose platform's ledger to check"
    )
    approvals.add_argument("--pr", type=int, metavar="NUMBER", help="pull request number")
    approvals.add_argument("--repo", metavar="OWNER/NAME", help="default: $GITHUB_REPOSITORY")
    approvals.add_argument(
        "--codeowners", action="store_true", help="print the ledger's CODEOWNERS line instead"
    )
    approvals.set_defaults(handler="approvals")

    releases = sub.add_parser("releases", help="show the pipeline and what runs where")
    releases.add_argument("--stack", "-s", required=True, help="stack whose platform to show")
    releases.add_argument(
        "--format", choices=["table", "json"], default="table", help="output format"
    )
    releases.set_defaults(handler="releases")

    ci = sub.add_parser("ci", help="CI workflows for this repository")
    ci_sub = ci.add_subparsers(dest="ci_command", metavar="ACTION", required=True)
    generate = ci_sub.add_parser("generate", help="write the GitHub workflows")
    generate.add_argument(
        "--out",
        default=".github/workflows",
        help="directory to write the workflows to (default: .github/workflows)",
    )
    generate.add_argument(
        "--check",
        action="store_true",
        help="write nothing; exit 1 when a workflow or the CODEOWNERS block is out of date",
    )
    generate.set_defaults(handler="ci")

    fleet = sub.add_parser("fleet", help="the customers' data planes: fleet.yaml and its engines")
    fleet_sub = fleet.add_subparsers(dest="fleet_command", metavar="ACTION", required=True)
    fleet_validate = fleet_sub.add_parser(
        "validate", help="check fleet.yaml with every stack: names, identities, isolation"
    )
    fleet_validate.add_argument(
        "--format", choices=["text", "json"], default="text", help="output format (default: text)"
    )
    fleet_validate.set_defaults(handler="fleet")
    render = fleet_sub.add_parser(
        "render", help="write the Pulumi Kubernetes Operator objects of a management cluster"
    )
    render.add_argument("--out", required=True, help="directory to write the manifests to")
    render.add_argument(
        "--revision", required=True, metavar="SHA", help="full commit SHA the program runs at"
    )
    render.add_argument("--wave", help="only this wave's customers (roll out wave by wave)")
    render.set_defaults(handler="fleet", format="text")
    status = fleet_sub.add_parser("status", help="per customer and stack: applied, failed, drift")
    sources = status.add_mutually_exclusive_group(required=True)
    sources.add_argument(
        "--from-operator",
        metavar="FILE",
        help="output of `kubectl get stacks.pulumi.com -A -o json`",
    )
    sources.add_argument(
        "--from-ci", metavar="DIR", help="the fleet workflows' downloaded artifacts"
    )
    status.add_argument(
        "--format", choices=["table", "json"], default="table", help="output format"
    )
    status.set_defaults(handler="fleet_ci")  # --from-operator: pdpkit.cli.fleet
    onboard = fleet_sub.add_parser(
        "add-customer", help="scaffold a customer's stack and print the customer's steps"
    )
    onboard.add_argument("name", help="customer name (a DNS label)")
    onboard.add_argument(
        "--target", required=True, choices=["azure", "aws", "gcp"], help="the cloud of the stack"
    )
    onboard.add_argument("--env", default="prod", help="environment suffix of the stack name")
    onboard.add_argument("--account", help="AWS account id (12 digits)")
    onboard.add_argument("--subscription", help="Azure subscription id")
    onboard.add_argument("--tenant", help="Azure tenant id")
    onboard.add_argument("--project", help="GCP project id")
    onboard.add_argument(
        "--management",
        required=True,
        choices=["customerSubscription", "vendorSubscription"],
        help="whose account the data plane lives in",
    )
    onboard.add_argument("--region", help="cloud region (default per target)")
    onboard.add_argument("--wave", help="rollout wave (default: the last)")
    onboard.set_defaults(handler="fleet", format="text")
    _fleet_ci_parsers(fleet_sub)

    policy = sub.add_parser("policy", help="the policy rules")
    policy_sub = policy.add_subparsers(dest="policy_command", metavar="ACTION", required=True)
    listing = policy_sub.add_parser("list", help="list the rules")
    listing.add_argument(
        "--format", choices=["table", "json"], default="table", help="output format"
    )
    listing.set_defaults(handler="policy")
    return parser


def _fleet_ci_parsers(fleet_sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """``pdp fleet`` actions of the GitHub Actions engine (`pdpkit.cli.fleet_ci`)."""
    summary = fleet_sub.add_parser(
        "summary", help="one pull-request comment from the preview artifacts"
    )
    summary.add_argument("dir", metavar="DIR", help="the downloaded preview artifacts")
    summary.add_argument(
        "--format",
        choices=["markdown", "json"],
        default="markdown",
        help="markdown: the comment; json: every stack's figures (the summary artifact)",
    )
    summary.add_argument("--out", metavar="FILE", help="write here instead of stdout")
    summary.set_defaults(handler="fleet_ci")

    record = fleet_sub.add_parser(
        "record", help="write a CI job's run record next to Pulumi's output (CI)"
    )
    record.add_argument(
        "--kind", required=True, choices=["preview", "refresh", "up"], help="what the job ran"
    )
    record.add_argument("--stack", "-s", required=True, help="stack name")
    record.add_argument("--customer", help="the stack's customer (fleet.yaml)")
    record.add_argument("--exit-code", type=int, help="the Pulumi command's exit code")
    record.add_argument("--output", metavar="FILE", help="Pulumi's JSON output, next to it")
    record.add_argument(
        "--deferred",
        metavar="REASON",
        help="the command did not run (outside the maintenance window): why",
    )
    record.add_argument("--dir", required=True, help="directory of the record (the artifact)")
    record.set_defaults(handler="fleet_ci")

    window = fleet_sub.add_parser(
        "window", help="exit 0 inside the customer's maintenance window, 5 outside (CI)"
    )
    window.add_argument("--customer", required=True, help="customer name (fleet.yaml)")
    window.add_argument("--at", metavar="TIME", help="ISO 8601 time with offset (default: now)")
    window.set_defaults(handler="fleet_ci")

    affected = fleet_sub.add_parser(
        "affected", help="the stacks a change affects and their preview matrices (CI)"
    )
    affected.add_argument(
        "--changes",
        required=True,
        metavar="FILE",
        help="`git diff --name-status --no-renames BASE HEAD` output",
    )
    affected.add_argument(
        "--base-fleet",
        metavar="FILE",
        help="fleet.yaml as it was before the change: a change to it then previews only the "
        "stacks of the customers whose entry changed (default: every stack)",
    )
    affected.add_argument(
        "--github-output",
        metavar="FILE",
        help="append count=N and shard<i>=<matrix JSON> here ($GITHUB_OUTPUT)",
    )
    affected.set_defaults(handler="fleet_ci")

    fleet_ci = fleet_sub.add_parser("ci", help="the fleet's GitHub workflows")
    fleet_ci_sub = fleet_ci.add_subparsers(dest="fleet_ci_command", metavar="ACTION", required=True)
    fleet_generate = fleet_ci_sub.add_parser(
        "generate",
        help="write fleet-preview.yml (and, with engine githubActions, fleet-up/drift.yml)",
    )
    fleet_generate.add_argument(
        "--out",
        default=".github/workflows",
        help="directory to write the workflows to (default: .github/workflows)",
    )
    fleet_generate.add_argument(
        "--check",
        action="store_true",
        help="write nothing; exit 1 when a fleet workflow is out of date or no longer generated",
    )
    fleet_generate.set_defaults(handler="fleet_ci")


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("pdpkit")
    except PackageNotFoundError:  # a checkout on PYTHONPATH, not installed
        return "unknown (not installed)"


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    module = importlib.import_module(f"pdpkit.cli.{args.handler}")
    try:
        code: int = module.run(args)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    return code


if __name__ == "__main__":
    sys.exit(main())
