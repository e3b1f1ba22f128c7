"""What an integration is in one environment: shared definition + environment + override.

Precedence, lowest first: the integration's own configuration, the environment's
configuration, the integration's override for that environment. Variables of an
override replace the shared ones by name. Pure: no Pulumi here, so the rules are
testable on their own.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import TYPE_CHECKING

from pdpkit.platform.names import namespace_name
from pdpkit.spec.enums import IntegrationKind

if TYPE_CHECKING:
    from collections.abc import Mapping

    from pdpkit.spec.platform import (
        AutoscalingSpec,
        ConfigFileSpec,
        EndpointDefaults,
        EndpointSpec,
        EnvironmentSpec,
        EnvVarSpec,
        IntegrationSpec,
        ProbesSpec,
        ResourcesSpec,
        SecretRef,
    )


class UnresolvedConfigKeyError(ValueError):
    """An ``env[].config`` key that neither configuration nor environment secrets hold."""


@dataclass(frozen=True)
class EffectiveIntegration:
    """One integration as deployed to one environment (the input of `IntegrationWorkload`)."""

    name: str
    project: str
    environment: str
    namespace: str
    kind: IntegrationKind
    image: str
    api_version: str
    replicas: int
    autoscaling: AutoscalingSpec
    resources: ResourcesSpec
    probes: ProbesSpec | None
    endpoints: tuple[EndpointSpec, ...]
    schedule: str | None
    env: tuple[EnvVarSpec, ...]
    """Variables in definition order; override variables replace shared ones in place."""
    config: Mapping[str, str]
    """Effective configuration (integration < environment < override)."""
    secrets: Mapping[str, SecretRef]
    """Secret per variable: its ``env[].secret``, or the environment secret its ``config`` names."""
    env_from_config: bool
    env_from_secrets: tuple[SecretRef, ...]
    config_files: tuple[ConfigFileSpec, ...]
    image_pull_secret: SecretRef | None
    service_account_token: bool
    run_as_user: int
    production: bool
    endpoint_defaults: EndpointDefaults
    """The environment's identity provider and rate limit, which endpoints inherit."""

    @property
    def is_service(self) -> bool:
        return self.kind is IntegrationKind.SERVICE


def effective_integration(
    integration: IntegrationSpec, environment: EnvironmentSpec, image: str
) -> EffectiveIntegration:
    """Merge `integration` with `environment` and its override there, running `image`."""
    override = integration.overrides.get(environment.name)
    config = {**integration.config, **environment.config, **(override.config if override else {})}
    env = list(integration.env)
    for variable in override.env if override else ():
        names = [v.name for v in env]
        if variable.name in names:
            env[names.index(variable.name)] = variable
        else:
            env.append(variable)
    secrets: dict[str, SecretRef] = {}
    for variable in env:
        if variable.secret is not None:
            secrets[variable.name] = variable.secret
        elif variable.config is not None and variable.config not in config:
            if variable.config not in environment.secrets:
                raise UnresolvedConfigKeyError(
                    f"integration {integration.name}: env {variable.name} reads key "
                    f"{variable.config!r}, which environment {environment.name} does not define"
                )
            secrets[variable.name] = environment.secrets[variable.config]
    return EffectiveIntegration(
        name=integration.name,
        project=integration.project,
        environment=environment.name,
        namespace=namespace_name(integration.project, environment.name),
        kind=integration.kind,
        image=image,
        api_version=integration.track.api_version,
        replicas=override.replicas
        if override and override.replicas is not None
        else integration.replicas,
        autoscaling=(
            override.autoscaling if override and override.autoscaling else integration.autoscaling
        ),
        resources=(
            override.resources if override and override.resources else integration.resources
        ),
        probes=integration.probes,
        endpoints=integration.endpoints,
        schedule=integration.schedule,
        env=tuple(env),
        config=MappingProxyType(dict(sorted(config.items()))),
        secrets=MappingProxyType(dict(sorted(secrets.items()))),
        env_from_config=integration.env_from_config,
        env_from_secrets=integration.env_from_secrets,
        config_files=integration.config_files,
        image_pull_secret=integration.image_pull_secret,
        service_account_token=integration.service_account_token,
        run_as_user=integration.run_as_user,
        production=environment.production,
        endpoint_defaults=environment.endpoint_defaults,
    )
