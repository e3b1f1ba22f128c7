"""How `pdp fleet render` scales with the fleet: 10, 100 and 1,000 generated stacks.

Each generated customer is one `pdp fleet add-customer` scaffold (AWS, Azure and GCP in
turn), with ids made unique so the fleet passes the isolation check. Prints figures, asserts
nothing; the last line of stdout is one JSON object per size:
``[{"stacks", "load_seconds", "render_seconds", "objects"}, …]``. Loading (reading and
validating every stack and the fleet) is measured apart from rendering.

    python benchmarks/fleet_render.py --stacks 10 100 1000
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pdpkit.fleet import load_fleet  # noqa: E402
from pdpkit.fleet.onboarding import ZERO_UUID, Onboarding, fleet_entry, stack_file  # noqa: E402
from pdpkit.fleet.operator import render_operator  # noqa: E402
from pdpkit.spec.enums import ManagementModel, Target  # noqa: E402

REVISION = "0123456789abcdef0123456789abcdef01234567"
TARGETS = (Target.AWS, Target.AZURE, Target.GCP)


def generate_fleet(target: Path, stacks: int) -> None:
    """A project of `stacks` generated customers, one stack each, and its fleet.yaml."""
    for name in ("Pulumi.yaml", "requirements.txt", "requirements-ci.txt"):
        shutil.copy(ROOT / name, target)  # what each workspace's `pulumi install` reads
    (target / "stacks").mkdir()
    entries = []
    for i in range(stacks):
        cloud = TARGETS[i % 3]
        onboarding = Onboarding(
            customer=f"c{i:04d}",
            target=cloud,
            env="prod",
            # vendorSubscription on AWS: the external id (a secret) is not required there
            management=ManagementModel.VENDOR_SUBSCRIPTION
            if cloud is Target.AWS
            else ManagementModel.CUSTOMER_SUBSCRIPTION,
            region={"aws": "eu-west-1", "azure": "westeurope", "gcp": "europe-west1"}[cloud],
            account=f"{100000000000 + i}",
            subscription=str(uuid.UUID(int=i + 1)),
            tenant=str(uuid.UUID(int=10**9)),
            project=f"cust-{i:04d}-pdp",
        )
        client = str(uuid.UUID(int=2 * 10**9 + i))
        text = stack_file(onboarding).replace(ZERO_UUID, client)
        (target / "stacks" / f"Pulumi.{onboarding.stack}.yaml").write_text(text, encoding="utf-8")
        entries.append(fleet_entry(onboarding).replace(ZERO_UUID, client))
    (target / "fleet.yaml").write_text(
        "customers:\n"
        + "".join(entries)
        + "engine: operator\n"
        + "operator:\n  repositoryUrl: https://github.com/vendor/pdp-fleet.git\n",
        encoding="utf-8",
    )


def measure(stacks: int) -> dict[str, float | int]:
    with tempfile.TemporaryDirectory(prefix="pdp-fleet-bench-") as scratch:
        root = Path(scratch)
        generate_fleet(root, stacks)
        started = time.perf_counter()
        fleet = load_fleet(root)
        loaded = time.perf_counter()
        files = render_operator(fleet, REVISION)
        rendered = time.perf_counter()
    return {
        "stacks": stacks,
        "load_seconds": round(loaded - started, 3),
        "render_seconds": round(rendered - loaded, 3),
        "objects": sum(len(objects) for objects in files.values()),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stacks", type=int, nargs="+", default=[10, 100, 1000])
    args = parser.parse_args()
    figures = []
    for size in args.stacks:
        row = measure(size)
        figures.append(row)
        print(
            f"{row['stacks']:>6} stacks: load {row['load_seconds']:.2f}s, "
            f"render {row['render_seconds']:.3f}s, {row['objects']} objects"
        )
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
