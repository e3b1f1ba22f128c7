"""`pdp plan`: the stack's program on the mock monitor; a tree, counts, verdicts; or JSON."""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections import Counter
from pathlib import Path

from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.tree import Tree

from pdpkit.cli.console import console, plural
from pdpkit.cli.main import EXIT_INVALID, EXIT_OK, EXIT_POLICY, EXIT_PROGRAM, EXIT_USAGE
from pdpkit.plan.document import Plan, to_json
from pdpkit.plan.recorder import RecordedResource
from pdpkit.spec.errors import SpecError
from pdpkit.spec.loader import find_project_root


def out_problem(out: Path) -> str | None:
    """Why `--out` cannot receive the plan's files, checked before planning; None when it can."""
    if out.exists() and not out.is_dir():
        return "is a file; name a directory (it is created if missing)"
    existing = out
    while not existing.exists():
        existing = existing.parent
    if not existing.is_dir():
        return f"{existing} is a file, so the directory cannot be created there"
    try:  # a real write, not os.access: root passes access checks on read-only mounts
        with tempfile.TemporaryFile(dir=existing):
            pass
    except OSError as error:
        return f"cannot write in {existing} ({error.strerror}); choose a directory you can write to"
    return None


def run(args: argparse.Namespace) -> int:
    if args.out and (refused := out_problem(Path(args.out).absolute())):
        print(f"pdp plan: --out {args.out}: {refused}; nothing planned", file=sys.stderr)
        return EXIT_USAGE
    err = console(stderr=True)
    try:
        root = find_project_root()
        from pdpkit.plan.engine import ProgramError
        from pdpkit.plan.run import plan_stack

        with err.status(f"planning {args.stack}…") as status:
            plan = plan_stack(
                root,
                args.stack,
                progress=lambda m: status.update(f"{args.stack}: {m}…"),
                preview=args.preview,
            )
    except SpecError as error:
        for problem in error.problems:
            print(problem.render(), file=sys.stderr)
        return EXIT_INVALID
    except ProgramError as error:
        print(
            f"error: the program failed, as `pulumi {'preview' if args.preview else 'up'} "
            f"-s {args.stack}` would: {error}",
            file=sys.stderr,
        )
        return EXIT_PROGRAM
    if args.out:
        try:
            plan.write(Path(args.out))
        except OSError as error:
            print(f"pdp plan: cannot write {args.out}: {error.strerror}", file=sys.stderr)
            return EXIT_USAGE
        err.print(
            f"wrote {args.out}/plan.json, {args.out}/manifests/, {args.out}/helm-releases.yaml"
        )
    if args.format == "json":
        print(to_json(plan.document()))
    else:
        render_table(plan, console(), tree=not args.summary)
    return EXIT_POLICY if plan.mandatory_violations() else EXIT_OK


def render_table(plan: Plan, console: Console, tree: bool = True) -> None:
    resources = plan.resources
    children: dict[str, list[str]] = {}
    by_urn = {r.urn: r for r in resources}
    for r in resources:
        children.setdefault(r.parent if r.parent in by_urn else "", []).append(r.urn)
    root = Tree(f"[bold]{plan.recording.project}/{plan.recording.stack}[/]")

    def add(node: Tree, urn: str) -> None:
        r = by_urn[urn]
        flags = " [red]protected[/]" if r.protect else ""
        flags += " [yellow]retained[/]" if r.retain_on_delete else ""
        flags += f" [magenta]{FABRICATED_MARK}{len(r.fabricated)}[/]" if r.fabricated else ""
        style = "bold cyan" if not r.custom else ""
        branch = node.add(
            f"[{style}]{r.name}[/] [dim]{r.type}[/]{flags}"
            if style
            else f"{r.name} [dim]{r.type}[/]{flags}"
        )
        for child in children.get(urn, []):
            add(branch, child)

    if tree:
        for urn in children.get("", []):
            add(root, urn)
        console.print(root)
    else:
        console.print(per_component(resources, children, by_urn))

    counts = Table(title="Resources by type")
    counts.add_column("type")
    counts.add_column("count", justify="right")
    for type_, n in sorted(Counter(r.type for r in resources if r.custom).items()):
        counts.add_row(type_, str(n))
    console.print(counts)
    render_helm_releases(plan, console)
    protected = sum(1 for r in resources if r.protect or r.retain_on_delete)
    console.print(f"{plan.recording.counts()}, {protected} protected/retained")
    render_fabricated(plan, console)

    verdicts = Table(title="Policy")
    for column in ("rule", "severity", "resource", "message"):
        verdicts.add_column(column)
    # Blocking verdicts first, then advisories, then waivers (each with its justification).
    for v in sorted(
        plan.verdicts,
        key=lambda v: (bool(v.waiver), v.severity.value != "mandatory", v.rule, v.urn),
    ):
        message = escape(v.message)
        if v.waiver:
            severity = f"{v.severity.value}, waived"
            message += f"\n[dim]waiver: {escape(v.waiver)}[/]"
        elif v.severity.value == "mandatory":
            severity = "[bold red]mandatory[/]"
            message += f"\n[dim]fix: {escape(v.remediation)}[/]" if v.remediation else ""
        else:
            severity = "[yellow]advisory[/]"
        verdicts.add_row(v.rule, severity, escape(v.urn.split("::")[-1]), message)
    if plan.verdicts:
        console.print(verdicts)
    mandatory = len(plan.mandatory_violations())
    advisory = sum(1 for v in plan.verdicts if v.severity.value == "advisory" and not v.waiver)
    waived = sum(1 for v in plan.verdicts if v.waiver)
    console.print(
        f"policy: {plural(mandatory, 'mandatory violation')}, {advisory} advisory, {waived} waived"
    )


def per_component(
    resources: list[RecordedResource],
    children: dict[str, list[str]],
    by_urn: dict[str, RecordedResource],
) -> Table:
    """Resources under each top-level component: the shape of a large stack at a glance."""
    table = Table(title="Resources per component")
    for column in ("component", "type", "resources"):
        table.add_column(column)

    def count(urn: str) -> int:
        return sum(by_urn[c].custom + count(c) for c in children.get(urn, []))

    for urn in children.get("", []):
        r = by_urn[urn]
        table.add_row(escape(r.name), r.type, str(count(urn) + r.custom))
    return table


FABRICATED_MARK = "\N{DAGGER}"


def render_fabricated(plan: Plan, console: Console) -> None:
    """The legend of the fabricated mark, and the lookups only a cloud could have answered."""
    made = [r for r in plan.resources if r.fabricated]
    if made:
        console.print(
            f"[magenta]{FABRICATED_MARK}N[/]: N output values made up by the offline fakes "
            f"(ids, GUIDs, host names a real provider decides; never seen from one): "
            f"{sum(len(r.fabricated) for r in made)} in {len(made)} resources; "
            "plan.json lists their paths per resource (`fabricated`)"
        )
    for token in sorted(set(plan.recording.unknown_lookups)):
        console.print(f"[yellow]unknown[/]: {token} (only the cloud can answer; not declared)")


def render_helm_releases(plan: Plan, console: Console) -> None:
    """Every chart the stack installs: who installs it, from where, which version."""
    releases = plan.helm_releases()
    if not releases:
        return
    table = Table(title="Helm releases")
    for column in ("namespace/name", "chart", "version", "repository", "installed by"):
        table.add_column(column)
    for release in releases:
        table.add_row(
            f"{release['namespace']}/{release['name']}",
            str(release["chart"]),
            str(release["version"]),
            str(release["repository"]),
            str(release["installedBy"]),
        )
    console.print(table)
