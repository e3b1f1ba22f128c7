"""How planning scales with the platform: N integrations over M environments, on-prem target.

Prints figures, asserts nothing. The last line of stdout is one JSON object:
``{"integrations", "environments", "resources", "seconds", "peak_rss_mb", "baseline_seconds",
"baseline_resources", "overhead"}``. `baseline_seconds` is the time the Pulumi SDKs alone take
to register the same resources (same typed classes, names, parents and resolved inputs) under
the same mock monitor,
measured in the same run, so `overhead` = seconds / baseline_seconds is pdpkit's own cost
(loading and validating the stack, deriving every object, Outputs between resources, policy).

    python benchmarks/plan_scaling.py --integrations 400 --environments 3 --format json
"""

from __future__ import annotations

import argparse
import copy
import itertools
import json
import pickle
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
BASE_STACK = "acme-onprem-local"
DIGEST = "sha256:" + "ab" * 32


def generate_project(target: Path, integrations: int, environments: int) -> None:
    """A scratch project whose `bench` stack carries the generated platform."""
    shutil.copy(ROOT / "Pulumi.yaml", target)
    shutil.copy(ROOT / "__main__.py", target)  # pdp plan runs the entry point pulumi up runs
    (target / "stacks").mkdir()
    base = yaml.safe_load((ROOT / "stacks" / f"Pulumi.{BASE_STACK}.yaml").read_text())
    config = base["config"]
    dataplane = config["pdp:dataplane"]
    platform = config["pdp:platform"]
    sample = {i["kind"]: i for i in platform["integrations"]}
    envs = [f"env{e}" for e in range(environments)]
    projects = [f"project{p}" for p in range(max(1, integrations // 25))]
    generated: dict[str, Any] = {
        "name": "bench",
        "environments": [
            {
                "name": env,
                "dataPlanes": [dataplane["name"]],
                # like the lab's prod: the base data plane is not production, so no
                # environment on it may be (pdpkit.spec.production_checks)
                "production": False,
                "config": {"LOG_LEVEL": "info", "ORDERS_DB_HOST": f"db.{env}.example"},
                "secrets": {"ORDERS_DB_PASSWORD": {"key": f"{env}/db", "property": "password"}},
                "egress": [{"cidr": f"10.20.{e}.0/24", "ports": [5432]}],
                "quota": {"cpu": "512", "memory": "1024Gi", "pods": 2000},
                # the lab's identity provider and rate limit, which its endpoints rely on
                "endpointDefaults": platform["environments"][0]["endpointDefaults"],
            }
            for e, env in enumerate(envs)
        ],
        "projects": [{"name": p, "pipeline": "default"} for p in projects],
        "integrations": [],
        "pipelines": [
            {
                "name": "default",
                "paths": [{"from": a, "to": [b]} for a, b in itertools.pairwise(envs)],
                "gates": [{"environment": envs[-1], "requiredApprovals": 1}],
            }
        ],
    }
    kinds = ["service", "service", "service", "scheduledTask", "manualTask"]
    for i in range(integrations):
        item = copy.deepcopy(sample[kinds[i % len(kinds)]])
        item["name"] = f"integration{i}"
        item["project"] = projects[i % len(projects)]
        item["image"] = f"registry.example/bench/integration{i}@{DIGEST}"
        item.pop("overrides", None)
        if "track" in item and "registryRepository" in item["track"]:
            item["track"]["registryRepository"] = f"registry.example/bench/integration{i}"
        for env_var in item.get("env", []):
            if "secret" in env_var:
                env_var["secret"] = {"key": "shared/db", "property": "password"}
        generated["integrations"].append(item)
    if not generated["pipelines"][0]["paths"]:
        raise SystemExit("--environments must be at least 2 (a pipeline needs a promotion path)")
    config["pdp:platform"] = generated
    config.pop("pdp:policy", None)
    (target / "stacks" / "Pulumi.bench.yaml").write_text(yaml.safe_dump(base, sort_keys=False))


def run_plan(project: Path, dump: Path) -> None:
    """Child process: plan the stack with pdpkit, dump what was registered and the figures."""
    from pdpkit.plan.run import plan_stack

    started = time.perf_counter()
    plan = plan_stack(project, "bench")
    seconds = time.perf_counter() - started
    registered = [(r.type, r.name, r.parent, r.custom, r.inputs) for r in plan.recording.resources]
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    dump.write_bytes(
        pickle.dumps({"seconds": seconds, "peak_rss_mb": peak, "registered": registered})
    )


def run_baseline(dump: Path, out: Path) -> None:
    """Child process: the Pulumi SDKs alone register the same resources under the same mock
    monitor: the same typed classes (``pulumi_kubernetes.apps.v1.Deployment``…), names,
    parents and (already resolved) inputs, with none of pdpkit's logic in between."""
    import pulumi

    from pdpkit.plan.recorder import record

    registered = pickle.loads(dump.read_bytes())["registered"]
    classes = {type_: sdk_class(type_) for type_, _, _, custom, _ in registered if custom}

    def program() -> dict[str, Any]:
        created: dict[str, pulumi.Resource] = {}
        for type_, name, parent, custom, inputs in registered:
            opts = pulumi.ResourceOptions(parent=created.get(parent))
            if custom:
                new = classes[type_](name, opts=opts, **sdk_kwargs(type_, inputs))
            else:
                new = pulumi.ComponentResource(type_, name, None, opts)
            created[resource_urn(parent, type_, name)] = new
        return {}

    started = time.perf_counter()
    recording = record(program, "pdp", "bench")
    seconds = time.perf_counter() - started
    out.write_text(json.dumps({"baseline_seconds": seconds, "resources": len(recording.resources)}))


def sdk_class(type_: str) -> Any:
    """The pulumi_kubernetes class registering `type_` (CustomResource for CRD kinds)."""
    import importlib

    import pulumi_kubernetes as k8s

    if type_ == "pulumi:providers:kubernetes":
        return k8s.Provider
    _, module, kind = type_.split(":")
    group, version = module.rsplit("/", 1)
    package = {"core": "core", "helm.sh": "helm"}.get(group, group.split(".")[0])
    try:
        return getattr(importlib.import_module(f"pulumi_kubernetes.{package}.{version}"), kind)
    except (ModuleNotFoundError, AttributeError):
        return k8s.apiextensions.CustomResource


def sdk_kwargs(type_: str, inputs: dict[str, Any]) -> dict[str, Any]:
    """Recorded (camelCase) top-level inputs as the class's keyword arguments."""
    import re

    if type_ == "pulumi:providers:kubernetes":
        return {"kubeconfig": "{}", "context": "bench"}
    return {re.sub(r"(?<!^)(?=[A-Z])", "_", key).lower(): value for key, value in inputs.items()}


def resource_urn(parent: str, type_: str, name: str) -> str:
    """The URN the mock monitor gives a resource (as pulumi.runtime.mocks.MockMonitor.make_urn)."""
    if parent:
        type_ = parent.split("::")[2].rsplit("$", 1)[-1] + "$" + type_
    return f"urn:pulumi:bench::pdp::{type_}::{name}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--integrations", type=int, default=100)
    parser.add_argument("--environments", type=int, default=3)
    parser.add_argument("--format", choices=["text", "json"], default="text")
    parser.add_argument("--child", choices=["plan", "baseline"], help=argparse.SUPPRESS)
    parser.add_argument("--project", help=argparse.SUPPRESS)
    parser.add_argument("--dump", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child == "plan":
        run_plan(Path(args.project), Path(args.dump))
        return 0
    if args.child == "baseline":
        run_baseline(Path(args.dump), Path(args.out))
        return 0

    with tempfile.TemporaryDirectory(prefix="pdp-bench-") as scratch:
        work = Path(scratch)
        project = work / "project"
        project.mkdir()
        generate_project(project, args.integrations, args.environments)
        dump, out = work / "registered.pickle", work / "baseline.json"
        me = [sys.executable, __file__]
        for child in (
            [*me, "--child", "plan", "--project", str(project), "--dump", str(dump)],
            [*me, "--child", "baseline", "--dump", str(dump), "--out", str(out)],
        ):
            if subprocess.run(child, check=False).returncode != 0:
                print(f"benchmark step {child[3]} failed (see above)", file=sys.stderr)
                return 1
        planned = pickle.loads(dump.read_bytes())
        baseline = json.loads(out.read_text())
    figures = {
        "integrations": args.integrations,
        "environments": args.environments,
        "resources": len(planned["registered"]),
        "seconds": round(planned["seconds"], 3),
        "peak_rss_mb": round(planned["peak_rss_mb"], 1),
        "baseline_seconds": round(baseline["baseline_seconds"], 3),
        "baseline_resources": baseline["resources"],
        "overhead": round(planned["seconds"] / baseline["baseline_seconds"], 2),
    }
    if figures["baseline_resources"] != figures["resources"]:
        print("the baseline registered a different number of resources", file=sys.stderr)
        return 1
    if args.format == "text":
        for key, value in figures.items():
            print(f"{key:>18}: {value}")
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
