"""Reading `fleet.yaml` with the stacks it groups: one `Fleet`, or every problem, located."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from pdpkit.fleet.checks import consistency_findings
from pdpkit.fleet.isolation import isolation_findings, static_key_findings
from pdpkit.fleet.model import CustomerSpec, FleetFinding, FleetSpec, WaveSpec
from pdpkit.spec.errors import Problem, SpecError
from pdpkit.spec.loader import by_line, load_stack, stack_names, stack_path
from pdpkit.spec.stack import StackSpec
from pdpkit.spec.validation_errors import validation_problems
from pdpkit.spec.yamlmap import KeyPath, Location, read_yaml

FLEET_FILE = "fleet.yaml"
"""The fleet definition, at the project root next to ``Pulumi.yaml``."""


@dataclass(frozen=True)
class Fleet:
    """A validated fleet: its definition and every stack it groups, each stack loaded."""

    root: Path
    """The project directory."""
    spec: FleetSpec
    """The contents of `fleet.yaml`."""
    stacks: Mapping[str, StackSpec]
    """Every stack of the fleet by name (all of ``stacks/``)."""
    owner: Mapping[str, str] = field(default_factory=dict)
    """Customer name of each stack."""

    def customer(self, name: str) -> CustomerSpec:
        """The customer called `name` (KeyError when there is none)."""
        for customer in self.spec.customers:
            if customer.name == name:
                return customer
        raise KeyError(name)

    def customer_of(self, stack: str) -> CustomerSpec:
        """The customer a stack belongs to."""
        return self.customer(self.owner[stack])

    def stacks_of(self, customer: CustomerSpec) -> list[tuple[str, StackSpec]]:
        """A customer's stacks in the order `fleet.yaml` lists them."""
        return [(name, self.stacks[name]) for name in customer.stacks]

    def waves(self) -> list[tuple[WaveSpec, list[CustomerSpec]]]:
        """Each wave, first to last, with its customers in file order."""
        return [
            (wave, [c for c in self.spec.customers if self.spec.wave_of(c).name == wave.name])
            for wave in self.spec.waves
        ]


def fleet_path(root: Path) -> Path:
    """Where the fleet definition lives."""
    return root / FLEET_FILE


def load_fleet(root: Path) -> Fleet:
    """Load `fleet.yaml` and every stack in ``stacks/``; raise `SpecError` listing every
    problem: the fleet file's own, the stacks', and the fleet's consistency and isolation."""
    path = fleet_path(root)
    if not path.is_file():
        raise SpecError(
            [
                Problem(
                    FLEET_FILE,
                    None,
                    "",
                    "no fleet definition; create fleet.yaml at the project root (docs/fleet.md) "
                    "or run `pdp fleet add-customer` to start one",
                )
            ]
        )
    located = read_yaml(path, FLEET_FILE)
    if not isinstance(located.data, dict):
        raise SpecError(
            [Problem(FLEET_FILE, 1, "", "expected a mapping with `customers:` (and `waves:`)")]
        )
    try:
        spec = FleetSpec.model_validate(located.data)
    except ValidationError as error:
        raise SpecError(
            by_line(validation_problems(error, located.locations, FLEET_FILE, "", FleetSpec))
        ) from None
    stacks, problems = _load_stacks(root)
    findings = consistency_findings(spec, stacks, stack_names(root))
    findings += isolation_findings(spec, stacks)
    findings += static_key_findings(located.data, root, list(stacks))
    problems += [_locate(f, located.locations) for f in findings]
    if problems:
        raise SpecError(by_line(problems))
    owner = {stack: c.name for c in spec.customers for stack in c.stacks}
    return Fleet(root=root, spec=spec, stacks=stacks, owner=owner)


def _load_stacks(root: Path) -> tuple[dict[str, StackSpec], list[Problem]]:
    stacks: dict[str, StackSpec] = {}
    problems: list[Problem] = []
    for name in stack_names(root):
        try:
            stacks[name] = load_stack(root, name)
        except SpecError as error:
            problems += error.problems
    return stacks, problems


def _locate(finding: FleetFinding, locations: Mapping[KeyPath, Location]) -> Problem:
    path, message = finding
    if path and isinstance(path[0], str) and path[0].startswith("stacks/"):
        return Problem(path[0], None, "", message)  # about a stack file, not fleet.yaml
    for cut in range(len(path), -1, -1):
        if path[:cut] in locations:
            file, line = locations[path[:cut]]
            return Problem(file, line, _dotted(path), message)
    return Problem(FLEET_FILE, None, _dotted(path), message)


def _dotted(path: KeyPath) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text


__all__ = ["FLEET_FILE", "Fleet", "fleet_path", "load_fleet", "stack_path"]
