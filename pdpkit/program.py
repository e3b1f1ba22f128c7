"""The Pulumi program: data plane, then the platform on top. `__main__.py` and `pdp plan` run it."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pulumi

from pdpkit.dataplane import build_dataplane
from pdpkit.dataplane.observability import with_observability
from pdpkit.spec.errors import SpecError
from pdpkit.spec.loader import (
    build_stack,
    find_project_root,
    project_name,
    section_locations,
    section_secrets,
    stack_path,
)
from pdpkit.spec.stack import StackSpec
from pdpkit.spec.yamlmap import read_yaml


def deploy(
    spec: StackSpec, root: Path | None = None, now: datetime | None = None
) -> Mapping[str, Any]:
    """Declare every resource of the stack; return (and export) the stack outputs.

    `now` (default: the system clock) is the time the ledger's releases are verified at.
    """
    dataplane = build_dataplane(spec.dataplane)
    from pdpkit.platform.tenancy import project_tenants

    dataplane = with_observability(
        spec.dataplane, dataplane, project_tenants(spec.platform, spec.dataplane.name)
    )
    exports: dict[str, Any] = {
        "dataPlane": dataplane.name,
        "target": dataplane.target.value,
        "registry": dataplane.registry,
        "secretStore": dataplane.secret_store,
    }
    if spec.platform is not None:
        from pdpkit.platform.deploy import deploy_platform
        from pdpkit.platform.ledger_verify import deployed_releases

        releases = deployed_releases(
            spec.platform, root or find_project_root(), now=now or datetime.now(UTC)
        )
        observability = spec.dataplane.observability
        exports.update(
            deploy_platform(
                spec.platform,
                dataplane,
                releases.images,
                releases.problems,
                observability_api=observability.api if observability.enabled else None,
            )
        )
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
    located = read_yaml(path, str(path.relative_to(root))) if path.is_file() else None
    locations = section_locations(located) if located is not None else {}
    # The file's `secure:` leaves, and the sections the engine passes as secrets (it marks a
    # whole structured key: `secret_fields` judges a value the file holds by the file).
    secret_paths = section_secrets(located) if located is not None else set()
    secret_paths |= {(key,) for key in sections if _engine_secret(f"{project}:{key}")}
    try:
        return build_stack(
            sections,
            locations,
            str(path.relative_to(root)),
            project_name(root),
            root,
            secret_paths=secret_paths,
        )
    except SpecError as error:
        raise pulumi.RunError(f"the stack is not valid:\n{error}") from None


def _engine_secret(key: str) -> bool:
    """Whether the engine passed config `key` as a secret (``PULUMI_CONFIG_SECRET_KEYS``)."""
    return pulumi.runtime.config.is_config_secret(key) or (
        key in pulumi.runtime.config.get_config_secret_keys_env()
    )
