"""`pdp import-cr`: WSO2 `Integration` custom resources -> pdpkit integration definitions.

Reads every document of every FILE, converts all of them first (nothing is written
if any is invalid), then writes one definition per CR to ``--out`` and, with
``--render``, the Kubernetes manifests they produce in a default environment.
"""

from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

import yaml

from pdpkit.cli.wording import plural
from pdpkit.platform.cr_values import IntegrationCrError
from pdpkit.platform.import_cr import ImportedIntegration, convert
from pdpkit.spec.base import DNS_LABEL
from pdpkit.spec.errors import SpecError
from pdpkit.spec.yamlmap import read_yaml_documents

RENDER_ENVIRONMENT = "dev"
"""The environment `--render` deploys the imported integrations to."""
HEADER = "# Imported from {source} by `pdp import-cr`; pdpkit integration definition.\n"


def run(args: argparse.Namespace) -> int:
    if not DNS_LABEL.match(args.project):
        print(f"pdp import-cr: --project {args.project!r} must be a DNS label", file=sys.stderr)
        return 1
    imported: list[tuple[str, ImportedIntegration]] = []
    errors: list[str] = []
    for file in args.files:
        try:
            documents = read_yaml_documents(Path(file), file)
        except SpecError as error:
            errors += [problem.render() for problem in error.problems]
            continue
        for index, document in enumerate(documents):
            if document is None:
                continue
            label = _label(file, index, len(documents), document)
            try:
                imported.append((label, convert(document, args.project)))
            except IntegrationCrError as error:
                errors.append(f"{label}: {error}")
    errors += _duplicates(imported)
    if not errors and not imported:
        errors.append(f"{', '.join(args.files)}: no Integration custom resource found")
    if errors:
        for line in errors:
            print(f"error: {line}", file=sys.stderr)
        print(f"pdp import-cr: {plural(len(errors), 'problem')}; nothing written", file=sys.stderr)
        return 1
    for label, result in imported:
        for warning in result.warnings:
            print(f"warning: {label}: {warning}", file=sys.stderr)
    if args.out:
        _write_definitions(Path(args.out), imported)
    if args.render:
        _render(Path(args.render), [r for _, r in imported], args.project)
    if not args.out and not args.render:
        for label, result in imported:
            sys.stdout.write(HEADER.format(source=label) + _yaml(result.definition) + "---\n")
    return 0


def _label(file: str, index: int, count: int, document: Any) -> str:
    metadata = document.get("metadata") if isinstance(document, dict) else None
    name = metadata.get("name") if isinstance(metadata, dict) else None
    where = f"{file}#{index + 1}" if count > 1 else file
    return f"{where} ({name})" if isinstance(name, str) else where


def _duplicates(imported: list[tuple[str, ImportedIntegration]]) -> list[str]:
    seen: dict[str, str] = {}
    errors = []
    for label, result in imported:
        name = result.definition["name"]
        if name in seen:
            errors.append(f"{label}: metadata.name: {name!r} is also the name of {seen[name]}")
        seen.setdefault(name, label)
    return errors


def _yaml(value: Any) -> str:
    return yaml.safe_dump(
        value, sort_keys=False, default_flow_style=False, allow_unicode=True, width=100
    )


def _write_definitions(out: Path, imported: list[tuple[str, ImportedIntegration]]) -> None:
    out.mkdir(parents=True, exist_ok=True)
    for label, result in imported:
        path = out / f"{result.definition['name']}.yaml"
        path.write_text(HEADER.format(source=label) + _yaml(result.definition), encoding="utf-8")
        print(f"wrote {path}")


def _render(out: Path, results: list[ImportedIntegration], project: str) -> None:
    from pdpkit.plan.document import Plan, to_yaml_documents
    from pdpkit.plan.recorder import record
    from pdpkit.platform.deploy import deploy_platform
    from pdpkit.platform.preview import preview_dataplane
    from pdpkit.spec.platform import PlatformSpec

    dataplane_name = "import-preview"
    keys = sorted({k for r in results for k in r.config_keys})
    platform = PlatformSpec.model_validate(
        {
            "name": "imported",
            "environments": [
                {
                    "name": RENDER_ENVIRONMENT,
                    "dataPlanes": [dataplane_name],
                    # Placeholders for the ConfigMap keys the CRs read (environments give them).
                    "config": {k: f"<set {k} in environments[].config>" for k in keys},
                }
            ],
            "projects": [{"name": project}],
            "integrations": [{**r.definition, "image": None} for r in results],
            "pipelines": [
                {
                    "name": "default",
                    "paths": [{"from": RENDER_ENVIRONMENT, "to": [RENDER_ENVIRONMENT]}],
                }
            ],
        }
    )
    images = {(r.definition["name"], RENDER_ENVIRONMENT): r.preview_image for r in results}
    recording = record(
        lambda: deploy_platform(platform, preview_dataplane(dataplane_name), images),
        "pdp",
        "import-cr",
    )
    by_namespace: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for manifest in Plan(recording, []).manifests():
        by_namespace[(manifest.get("metadata") or {}).get("namespace") or "_cluster"].append(
            manifest
        )
    out.mkdir(parents=True, exist_ok=True)
    for namespace, objects in sorted(by_namespace.items()):
        objects.sort(key=lambda o: (o.get("kind", ""), (o.get("metadata") or {}).get("name", "")))
        path = out / f"{namespace}.yaml"
        path.write_text(to_yaml_documents(objects), encoding="utf-8")
        print(f"wrote {path} ({len(objects)} objects)")
