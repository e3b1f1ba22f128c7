"""What the observability chain cannot do yet, refused with a located message instead of a
stack that plans something it does not deliver (docs/observability.md, "Metrics": a managed
Prometheus is not wired on any target yet)."""

from __future__ import annotations

from collections.abc import Iterator

from pdpkit.spec.findings import Finding
from pdpkit.spec.observability import SYSTEM_TENANT, MetricsStore
from pdpkit.spec.stack import StackSpec


def telemetry_problems(stack: StackSpec) -> Iterator[Finding]:
    """``metricsStore: managed`` while no target wires a managed Prometheus yet; a project
    and environment whose tenant would be the system tenant."""
    if stack.platform is not None:
        for i, project in enumerate(stack.platform.projects):
            for environment in stack.platform.environments:
                if f"{project.name}-{environment.name}" == SYSTEM_TENANT:
                    yield (
                        f"platform.projects[{i}].name",
                        f"{project.name} in environment {environment.name} would be "
                        f"observability tenant {SYSTEM_TENANT}, the system's own tenant; "
                        "rename the project",
                    )
    observability = stack.dataplane.observability
    if observability.enabled and observability.metrics_store is MetricsStore.MANAGED:
        yield (
            "dataplane.observability.metricsStore",
            "managed is not yet supported: no target provisions its cloud's managed "
            "Prometheus (Azure Monitor, Amazon Managed Service for Prometheus, Google Cloud "
            "Managed Service for Prometheus) yet; remove the key (default inCluster)",
        )
