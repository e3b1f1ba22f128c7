"""`pdp fleet add-customer`: write the stack file and the fleet entry, print the steps."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from pdpkit.fleet.loader import FLEET_FILE, load_fleet
from pdpkit.fleet.onboarding import (
    DEFAULT_REGIONS,
    Onboarding,
    customer_steps,
    fleet_entry,
    insert_customer,
    stack_file,
)
from pdpkit.spec.base import DNS_LABEL
from pdpkit.spec.enums import ManagementModel, Target
from pdpkit.spec.errors import Problem, SpecError
from pdpkit.spec.loader import stack_path
from pdpkit.spec.yamlmap import read_yaml


def add_customer(root: Path, args: argparse.Namespace) -> int:
    target = Target(args.target)
    onboarding = Onboarding(
        customer=args.name,
        target=target,
        env=args.env,
        management=ManagementModel(args.management),
        region=args.region or DEFAULT_REGIONS[target],
        account=args.account,
        subscription=args.subscription,
        tenant=args.tenant,
        project=args.project,
        wave=args.wave,
    )
    refused = _refusal(root, onboarding)
    if refused:
        raise SpecError([Problem(FLEET_FILE, None, "", refused)])
    path = stack_path(root, onboarding.stack)
    path.write_text(stack_file(onboarding), encoding="utf-8")
    fleet_file = root / FLEET_FILE
    text = fleet_file.read_text(encoding="utf-8") if fleet_file.is_file() else "customers:\n"
    fleet_file.write_text(
        insert_customer(text, fleet_entry(onboarding), _next_key_line(fleet_file)),
        encoding="utf-8",
    )
    print(f"wrote stacks/{path.name} and added {onboarding.customer!r} to {FLEET_FILE}")
    print(
        "replace every `# PLACEHOLDER` value, then run `pdp fleet validate` "
        "(it fails until the customer's secrets and identities are set)\n"
    )
    print(customer_steps(onboarding))
    try:
        load_fleet(root)
    except SpecError as error:
        print("still to do before the fleet validates:", file=sys.stderr)
        for problem in error.problems:
            print(f"  {problem.render()}", file=sys.stderr)
    return 0


def _refusal(root: Path, ob: Onboarding) -> str | None:
    if not DNS_LABEL.match(ob.customer) or not DNS_LABEL.match(ob.stack):
        return f"{ob.customer!r} is not a DNS label (lowercase letters, digits, '-')"
    if ob.missing():
        return f"--target {ob.target.value} needs {ob.missing()}"
    if stack_path(root, ob.stack).exists():
        return f"stacks/Pulumi.{ob.stack}.yaml exists; never overwritten: choose another --env"
    fleet_file = root / FLEET_FILE
    if fleet_file.is_file():
        data = read_yaml(fleet_file, FLEET_FILE).data
        names = [c.get("name") for c in (data or {}).get("customers") or [] if isinstance(c, dict)]
        if ob.customer in names:
            return (
                f"customer {ob.customer!r} is already in {FLEET_FILE}; add the new stack to "
                "its `stacks` by hand (add-customer onboards a new customer)"
            )
    return None


def _next_key_line(fleet_file: Path) -> int | None:
    """Line of the top-level key after ``customers:`` (None: customers is last or absent)."""
    if not fleet_file.is_file():
        return None
    located = read_yaml(fleet_file, FLEET_FILE)
    tops = sorted(
        (line, key[0])
        for key, (_, line) in located.locations.items()
        if len(key) == 1 and isinstance(key[0], str)
    )
    after = [line for line, key in tops if line > located.locations[("customers",)][1]]
    return after[0] if after else None
