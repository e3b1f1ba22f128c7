"""The fleet: every data-plane stack in `stacks/` grouped by customer in `fleet.yaml`.

`model` is the pure, validated shape of `fleet.yaml`; `loader.load_fleet` reads it with the
stacks and refuses, with located errors, a fleet that does not hold together or that breaks
customer isolation (`checks`, `isolation`). The engines build on a loaded `Fleet`: the Pulumi
Kubernetes Operator objects (`operator`), the status report (`status`), onboarding
(`onboarding`) and the GitHub Actions workflows (`pdpkit.workflows`).
"""

from pdpkit.fleet.loader import FLEET_FILE, Fleet, load_fleet

__all__ = ["FLEET_FILE", "Fleet", "load_fleet"]
