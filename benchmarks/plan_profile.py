"""Where planning time goes: profile one generated platform and group the time by owner.

Prints a table (own time per package) and the ten most expensive pdpkit functions. Run:

    python benchmarks/plan_profile.py --integrations 400 --environments 3
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from plan_scaling import generate_project

OWNERS = (
    ("/pdpkit/plan/", "pdpkit.plan (recorder)"),
    ("/pdpkit/policy/", "pdpkit.policy"),
    ("/pdpkit/spec/", "pdpkit.spec (load + validate)"),
    ("/pdpkit/", "pdpkit (program: data plane + platform)"),
    ("/pulumi_kubernetes/", "pulumi_kubernetes SDK"),
    ("/pulumi/", "pulumi SDK"),
    ("/asyncio/", "asyncio (the SDK's event loop)"),
    ("/traceback.py", "traceback (the SDK's per-resource source positions)"),
    ("/linecache.py", "traceback (the SDK's per-resource source positions)"),
    ("/pathlib.py", "pathlib (the SDK's per-resource source positions)"),
    ("/typing.py", "typing (the SDK's input type checks)"),
    ("/google/protobuf/", "protobuf"),
    ("/grpc/", "grpc"),
)


def owner(filename: str) -> str:
    return next((name for marker, name in OWNERS if marker in filename), "other (stdlib, builtins)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--integrations", type=int, default=400)
    parser.add_argument("--environments", type=int, default=3)
    args = parser.parse_args()
    from pdpkit.plan.run import plan_stack

    with tempfile.TemporaryDirectory(prefix="pdp-profile-") as scratch:
        project = Path(scratch)
        generate_project(project, args.integrations, args.environments)
        profiler = cProfile.Profile()
        profiler.enable()
        plan = plan_stack(project, "bench")
        profiler.disable()
    stats = pstats.Stats(profiler)
    by_owner: dict[str, float] = defaultdict(float)
    own: list[tuple[float, str]] = []
    for (filename, line, function), row in stats.stats.items():  # type: ignore[attr-defined]
        tottime = row[2]
        by_owner[owner(filename)] += tottime
        if "/pdpkit/" in filename:
            own.append((tottime, f"{filename.split('/pdpkit/')[-1]}:{line} {function}"))
    total = sum(by_owner.values())
    print(f"{len(plan.recording.resources)} resources, {total:.1f} s profiled (cProfile inflates)")
    for name, seconds in sorted(by_owner.items(), key=lambda kv: -kv[1]):
        print(f"  {seconds / total:6.1%}  {seconds:7.2f} s  {name}")
    print("most expensive pdpkit functions (own time):")
    for seconds, where in sorted(own, reverse=True)[:10]:
        print(f"  {seconds:7.3f} s  pdpkit/{where}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
