"""The Pulumi program: data plane, then the platform on top. `__main__.py` and `pdp plan` run it."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pulumi

from pdpkit.dataplane import build_dataplane
from pdpkit.spec.errors import SpecError
from pdpkit.spec.loader import (
    build_stack,
    find_project_root,
    project_name,
    section_locations,
    stack_path,
)
from pdpkit.spec.stack import StackSpec
from pdpkit.spec.yamlmap import read_yaml


def deploy(spec: StackSpec, root: Path | None = None) -> Mapping[str, Any]:
    """Declare every resource of the stack; return (and export) the stack outputs."""
    dataplane = build_dataplane(spec.dataplane)
    exports: dict[str, Any] = {
        "dataPlane": dataplane.name,
        "target": dataplane.target.value,
        "registry": dataplane.registry,
        "secretStore": dataplane.secret_store,
    }
    if spec.platform is not None:
        from pdpkit.platform.deploy import deploy_platform
        from pdpkit.platform.ledger import deployed_images

        images = deployed_images(spec.platform, root or find_project_root())
        exports.update(deploy_platform(spec.platform, dataplane, images))
    for key, value in exports.items():
        pulumi.export(key, value)
    return exports


def load_from_pulumi_config(root: Path | None = None) -> StackSpec:
    """The stack's spec from the Pulumi config the engine passed, located in its stack file.

    The only way configuration enters a program run, under `pulumi up` and under `pdp plan`.
    An invalid stack raises `pulumi.RunError` (the engine prints it without a traceback).
    """
    root = root or find_project_root()
    project = pulumi.get_project()
    config = pulumi.Config(project)
    sections = {
        key: value
        for key in ("dataplane", "platform", "policy")
        if (value := config.get_object(key)) is not None
    }
    path = stack_path(root, pulumi.get_stack())
    locations = (
        section_locations(read_yaml(path, str(path.relative_to(root)))) if path.is_file() else {}
    )
    try:
        return build_stack(
            sections, locations, str(path.relative_to(root)), project_name(root), root
        )
    except SpecError as error:
        raise pulumi.RunError(f"the stack is not valid:\n{error}") from None
