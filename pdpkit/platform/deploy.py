"""`deploy_platform`: the platform layer's resources on one data plane.

`deploy_platform` declares, on one data plane, the environments bound to it: a
namespace per project (`EnvironmentNamespace`) and each integration that has an
image for that environment (`IntegrationWorkload`). Environments bound to other
data planes belong to the stacks of those data planes.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pulumi

from pdpkit.dataplane.contract import DataPlane, QueryBackend, Signal
from pdpkit.platform.effective import effective_integration
from pdpkit.platform.environment_namespace import EnvironmentNamespace, EnvironmentNamespaceArgs
from pdpkit.platform.integration_endpoints import versioned_path
from pdpkit.platform.integration_workload import IntegrationWorkload, IntegrationWorkloadArgs
from pdpkit.platform.names import namespace_name
from pdpkit.platform.observability_api import ObservabilityApi, ObservabilityApiArgs
from pdpkit.platform.tenancy import project_tenants
from pdpkit.spec.observability import ObservabilityApiSpec
from pdpkit.spec.platform import EnvironmentSpec, IntegrationSpec, PlatformSpec


def deploy_platform(
    platform: PlatformSpec,
    dataplane: DataPlane,
    images: Mapping[tuple[str, str], str],
    unverified: Mapping[tuple[str, str], str] | None = None,
    observability_api: ObservabilityApiSpec | None = None,
) -> Mapping[str, Any]:
    """Declare the platform's resources on `dataplane`; return stack outputs to export.

    `images` maps (integration, environment) to the image the release ledger says is
    deployed there; without an entry the integration's bootstrap `image` is used, and
    without that the integration is left out of the environment (the outputs say why).
    `unverified` says why a release fails the ledger's verification (`verify_ledger`);
    such a workload is marked, and the policy refuses it (K8S-RELEASE-VERIFIED).
    `observability_api` (``dataplane.observability.api``) exposes the stores' query APIs to
    the console, one tenant per project and environment here (`ObservabilityApi`).
    """
    environments = [e for e in platform.environments if dataplane.name in e.data_planes]
    gateways = (dataplane.external_gateway.namespace, dataplane.internal_gateway.namespace)
    namespaces: dict[str, dict[str, str]] = {}
    deployments: dict[str, dict[str, Any]] = {}
    for environment in environments:
        created: dict[str, EnvironmentNamespace] = {}
        for project in platform.projects:
            ns = namespace_name(project.name, environment.name)
            created[project.name] = EnvironmentNamespace(
                f"{platform.name}-{environment.name}-{project.name}",
                EnvironmentNamespaceArgs(
                    namespace=ns,
                    project=project.name,
                    environment=environment.name,
                    production=environment.production,
                    gateway_namespaces=gateways,
                    egress=environment.egress,
                    quota=environment.quota,
                    config=dict(environment.config),
                    secrets=dict(environment.secrets),
                    secret_store=dataplane.secret_store,
                    secret_prefix=dataplane.secret_prefix,
                    provider=dataplane.kubernetes,
                    ready=dataplane.ready,
                    api_server_cidrs=dataplane.api_server_cidrs,
                    api_server_entity=dataplane.api_server_entity,
                    telemetry=dataplane.telemetry,
                ),
            )
            namespaces.setdefault(environment.name, {})[project.name] = ns
        for integration in platform.integrations:
            deployments.setdefault(integration.name, {})[environment.name] = _deploy_integration(
                platform=platform,
                dataplane=dataplane,
                environment=environment,
                integration=integration,
                images=images,
                namespace=created[integration.project],
                problem=(unverified or {}).get((integration.name, environment.name)),
            )
    outputs: dict[str, Any] = {
        "platform": platform.name,
        "environments": [e.name for e in environments],
        "namespaces": namespaces,
        "integrations": deployments,
    }
    query = dataplane.observability_query
    backends = query.by_signal() if query is not None else {}
    if observability_api is not None and query is not None and backends:
        api = _observability_api(platform, dataplane, observability_api, backends, query.ready)
        outputs["observabilityApi"] = {"url": api.url, "tenants": api.tenants}
    return outputs


def _observability_api(
    platform: PlatformSpec,
    dataplane: DataPlane,
    spec: ObservabilityApiSpec,
    backends: Mapping[Signal, QueryBackend],
    stores: tuple[pulumi.Resource, ...],
) -> ObservabilityApi:
    """The query API over every tenant here: the tenants the collectors file records under
    (`project_tenants`: each project's namespace in each environment on this data plane)."""
    gateway = (
        dataplane.external_gateway if spec.gateway == "external" else dataplane.internal_gateway
    )
    tenants = tuple(sorted(set(project_tenants(platform, dataplane.name).values())))
    return ObservabilityApi(
        f"{platform.name}-observability-api",
        ObservabilityApiArgs(
            tenants=tenants,
            namespace=next(iter(backends.values())).namespace,
            gateway=gateway,
            api=spec,
            backends=backends,
            provider=dataplane.kubernetes,
            ready=(*dataplane.ready, *stores),
        ),
    )


def _deploy_integration(
    *,
    platform: PlatformSpec,
    dataplane: DataPlane,
    environment: EnvironmentSpec,
    integration: IntegrationSpec,
    images: Mapping[tuple[str, str], str],
    namespace: EnvironmentNamespace,
    problem: str | None,
) -> dict[str, Any]:
    image = images.get((integration.name, environment.name)) or integration.image
    if image is None:
        return {
            "deployed": False,
            "reason": f"no release of {integration.name} in {environment.name} and no bootstrap "
            f"image; record one with `pdp release {integration.name} --image REPO@sha256:…`",
        }
    effective = effective_integration(integration, environment, image)
    workload = IntegrationWorkload(
        f"{platform.name}-{environment.name}-{integration.name}",
        IntegrationWorkloadArgs(
            integration=effective,
            secret_store=dataplane.secret_store,
            secret_prefix=dataplane.secret_prefix,
            external_gateway=dataplane.external_gateway,
            internal_gateway=dataplane.internal_gateway,
            provider=dataplane.kubernetes,
            namespace=namespace,
            ready=dataplane.ready,
            registry_pull_secret=dataplane.registry_pull_secret,
            otlp_endpoint=None
            if dataplane.telemetry is None
            else dataplane.telemetry.otlp_endpoint,
            release_problem=problem,
        ),
        opts=pulumi.ResourceOptions(depends_on=[namespace]),
    )
    return {
        "deployed": True,
        "namespace": effective.namespace,
        "kind": effective.kind.value,
        "image": image,
        "revision": workload.revision,
        "paths": [versioned_path(e.base_path, effective.api_version) for e in effective.endpoints],
    }
