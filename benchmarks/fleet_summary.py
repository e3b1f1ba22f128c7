"""How the pull-request summary scales with the fleet: N stacks' preview artifacts.

Writes N artifact directories (a run record and a ``pulumi preview --json`` digest each, in
the format of tests/unit/fleet/fixtures/ci/README.md, with `--resources` steps per stack of
which a tenth change), then times what the summary job does: read every artifact and
render the comment (``pdp fleet summary DIR``). Prints figures, asserts nothing; the last
line of stdout is one JSON object ``{"stacks": [...], "seconds": [...], "comment_chars":
[...], "per_stack_ms": [...]}``.

    python benchmarks/fleet_summary.py --stacks 10 100 1000 --format json
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pdpkit.fleet.summary import collect, render_markdown  # noqa: E402

TYPES = (
    "kubernetes:apps/v1:Deployment",
    "kubernetes:core/v1:ConfigMap",
    "aws:s3/bucketV2:BucketV2",
)


def write_artifacts(root: Path, stacks: int, resources: int) -> None:
    """`stacks` artifact directories like the preview jobs upload."""
    for i in range(stacks):
        stack = f"customer{i:04d}-aws-prod"
        directory = root / f"pdp-fleet-preview-{stack}"
        directory.mkdir()
        steps = []
        changed = max(1, resources // 10)
        for r in range(changed):
            kind = TYPES[r % len(TYPES)]
            urn = f"urn:pulumi:{stack}::pdp::{kind}::{stack}-r{r}"
            state = {"urn": urn, "custom": True, "type": kind, "protect": r % 7 == 0}
            op = ("update", "create", "replace")[r % 3]
            steps.append(  # the step of pkg/display/json.go's PreviewStep
                {
                    "op": op,
                    "urn": urn,
                    "oldState": state if op != "create" else None,
                    "newState": state,
                    "diffReasons": ["spec"],
                    "replaceReasons": ["name"] if op == "replace" else None,
                    "detailedDiff": None,
                }
            )
        counts: dict[str, int] = {"same": resources - changed}
        for r in range(changed):
            op = ("update", "create", "replace")[r % 3]
            counts[op] = counts.get(op, 0) + 1
        digest = {"steps": steps, "duration": 1, "changeSummary": counts}
        (directory / "preview.json").write_text(json.dumps(digest), encoding="utf-8")
        record = {
            "format": "pdpkit.fleet.run/v1",
            "kind": "preview",
            "stack": stack,
            "customer": f"customer{i:04d}",
            "outcome": "succeeded",
            "exitCode": 0,
            "output": "preview.json",
            "time": "2026-11-25T16:30:00Z",
        }
        (directory / "run.json").write_text(json.dumps(record), encoding="utf-8")


def measure(stacks: int, resources: int) -> tuple[float, int]:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        write_artifacts(root, stacks, resources)
        start = time.perf_counter()
        text = render_markdown(collect(root))
        return time.perf_counter() - start, len(text)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stacks", type=int, nargs="+", default=[10, 100, 1000])
    parser.add_argument("--resources", type=int, default=200, help="resources per stack")
    parser.add_argument("--format", choices=["table", "json"], default="table")
    args = parser.parse_args()
    figures: dict[str, list[float]] = {
        "stacks": [],
        "seconds": [],
        "comment_chars": [],
        "per_stack_ms": [],
    }
    for n in args.stacks:
        seconds, chars = measure(n, args.resources)
        figures["stacks"].append(n)
        figures["seconds"].append(round(seconds, 3))
        figures["comment_chars"].append(chars)
        figures["per_stack_ms"].append(round(1000 * seconds / n, 2))
        print(f"{n:>6} stacks  {seconds:8.3f} s  {1000 * seconds / n:6.2f} ms/stack  {chars} chars")
    if args.format == "json":
        print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
