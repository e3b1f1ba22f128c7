"""The plan document: resources, manifests, Helm releases and policy verdicts, deterministic."""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from pdpkit.plan.recorder import UNKNOWN_MASK, RecordedResource, Recording
from pdpkit.policy import Verdict

HELM_RELEASE = "kubernetes:helm.sh/v3:Release"
RENDERED_CHART = "kubernetes:helm.sh/v4:Chart"
"""Rendered client-side, objects applied server-side; its objects are not visible offline."""
NOT_MANIFESTS = (HELM_RELEASE, "pulumi:providers:kubernetes")


@dataclass(frozen=True)
class Plan:
    """What a stack would create, and what the policy says of it."""

    recording: Recording
    verdicts: list[Verdict]

    @property
    def resources(self) -> list[RecordedResource]:
        return sorted(self.recording.resources, key=lambda r: r.urn)

    def document(self) -> dict[str, Any]:
        """The `plan.json` document."""
        return {
            "stack": self.recording.stack,
            "project": self.recording.project,
            "resources": [
                {
                    "urn": r.urn,
                    "type": r.type,
                    "name": r.name,
                    "parent": r.parent,
                    "dependencies": r.dependencies,
                    "protect": r.protect,
                    "retainOnDelete": r.retain_on_delete,
                    "inputs": r.inputs,
                    "outputs": r.outputs,
                    "fabricated": r.fabricated,
                }
                for r in self.resources
            ],
            "outputs": self.recording.outputs,
            "unknownLookups": sorted(set(self.recording.unknown_lookups)),
            "policy": [
                {
                    "rule": v.rule,
                    "severity": v.severity.value,
                    "urn": v.urn,
                    "message": v.message,
                    **({"waiver": v.waiver} if v.waiver else {}),
                }
                for v in sorted(self.verdicts, key=lambda v: (v.rule, v.urn))
            ],
        }

    def manifests(self) -> list[dict[str, Any]]:
        """Every Kubernetes object the stack declares directly, custom resources included."""
        return [
            r.inputs
            for r in self.resources
            if r.type.startswith("kubernetes:") and r.type not in NOT_MANIFESTS and r.custom
        ]

    def helm_releases(self) -> list[dict[str, Any]]:
        """Helm charts: releases installed by Pulumi (helm.v3.Release), charts Pulumi renders
        and applies server-side (helm.v4.Chart, ``pulumi-rendered``: its objects are created
        by the provider at run time and are not in the plan), and Flux HelmReleases."""
        sources = {
            (
                (r.inputs.get("metadata") or {}).get("namespace"),
                (r.inputs.get("metadata") or {}).get("name"),
            ): (r.inputs.get("spec") or {}).get("url")
            for r in self.resources
            if r.type == "kubernetes:source.toolkit.fluxcd.io/v1:HelmRepository"
        }
        releases = []
        for r in self.resources:
            if r.type in (HELM_RELEASE, RENDERED_CHART):
                chart_ref = str(r.inputs.get("chart", ""))
                oci = chart_ref.startswith("oci://")
                releases.append(
                    {
                        "installedBy": "pulumi" if r.type == HELM_RELEASE else "pulumi-rendered",
                        "name": r.inputs.get("name", r.name),
                        "namespace": r.inputs.get("namespace", "default"),
                        "chart": chart_ref.rsplit("/", 1)[-1] if oci else chart_ref,
                        "repository": chart_ref
                        if oci
                        else (r.inputs.get("repositoryOpts") or {}).get("repo"),
                        "version": r.inputs.get("version"),
                        "values": r.inputs.get("values", {}),
                    }
                )
            elif r.type.endswith(":HelmRelease") and r.type.startswith(
                "kubernetes:helm.toolkit.fluxcd.io"
            ):
                # in a preview, any of these may be UNKNOWN_MASK (decided by an output)
                meta = _mapping(r.inputs.get("metadata"))
                spec = _mapping(r.inputs.get("spec"))
                chart = _mapping(_mapping(spec.get("chart")).get("spec"))
                source = _mapping(chart.get("sourceRef"))
                source_key = (source.get("namespace", meta.get("namespace")), source.get("name"))
                releases.append(
                    {
                        "installedBy": "flux",
                        "name": spec.get("releaseName", meta.get("name", r.name)),
                        "namespace": spec.get("targetNamespace", meta.get("namespace", "default")),
                        "chart": chart.get("chart", UNKNOWN_MASK),
                        "repository": sources.get(source_key, source.get("name", UNKNOWN_MASK)),
                        "version": chart.get("version", UNKNOWN_MASK),
                        "values": spec.get("values", {} if spec else UNKNOWN_MASK),
                    }
                )
        return sorted(releases, key=lambda release: (release["namespace"], release["name"]))

    def mandatory_violations(self) -> list[Verdict]:
        return [v for v in self.verdicts if v.severity.value == "mandatory" and not v.waiver]

    def write(self, out: Path) -> None:
        """Write ``plan.json``, ``manifests/<namespace>.yaml`` and ``helm-releases.yaml``."""
        out.mkdir(parents=True, exist_ok=True)
        (out / "plan.json").write_text(to_json(self.document()) + "\n", encoding="utf-8")
        manifests = out / "manifests"
        manifests.mkdir(exist_ok=True)
        for stale in manifests.glob("*.yaml"):
            stale.unlink()
        by_file: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for obj in self.manifests():
            namespace = (obj.get("metadata") or {}).get("namespace") or "_cluster"
            by_file[namespace].append(obj)
        for namespace, objects in sorted(by_file.items()):
            objects.sort(
                key=lambda o: (o.get("kind", ""), (o.get("metadata") or {}).get("name", ""))
            )
            (manifests / f"{namespace}.yaml").write_text(
                to_yaml_documents(objects), encoding="utf-8"
            )
        (out / "helm-releases.yaml").write_text(
            to_yaml_documents(self.helm_releases()), encoding="utf-8"
        )


def _mapping(value: Any) -> dict[str, Any]:
    """`value` if it is a mapping; an unknown (or absent) value reads as an empty one."""
    return value if isinstance(value, dict) else {}


def to_json(value: Any) -> str:
    return json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False)


def to_yaml_documents(objects: list[dict[str, Any]]) -> str:
    return "".join(
        "---\n"
        + yaml.safe_dump(o, sort_keys=True, default_flow_style=False, allow_unicode=True, width=120)
        for o in objects
    )
