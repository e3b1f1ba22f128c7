"""Observability tenants: each project x environment is one, named like its namespace.

A record's tenant is decided by the namespace it comes from (`pdpkit.components.k8s.
telemetry_routing`); the query API lets a token read the tenants its claim lists. Everything
outside the project namespaces is the system tenant (`SYSTEM_TENANT`).
"""

from __future__ import annotations

from pdpkit.platform.names import namespace_name
from pdpkit.spec.observability import SYSTEM_TENANT
from pdpkit.spec.platform import PlatformSpec

__all__ = ["SYSTEM_TENANT", "project_tenants", "tenant_id"]


def tenant_id(project: str, environment: str) -> str:
    """``<project>-<environment>``: the project's namespace name in that environment (cut
    and hashed like the namespace when longer than 63 characters)."""
    return namespace_name(project, environment)


def project_tenants(platform: PlatformSpec | None, dataplane: str) -> dict[str, str]:
    """Namespace -> tenant of every project namespace the platform creates on `dataplane`."""
    if platform is None:
        return {}
    return {
        namespace_name(project.name, environment.name): tenant_id(project.name, environment.name)
        for environment in platform.environments
        if dataplane in environment.data_planes
        for project in platform.projects
    }
