"""Every secret key a data plane reads, checked against its store's naming rule (`secret_keys`).

Keys come from the data plane (the agent token, Flux credentials, on-prem storage and registry
credentials) and from the platform: environment secrets and integration secrets of the
environments bound to this data plane (after their per-environment overrides).
"""

from __future__ import annotations

from collections.abc import Iterator

from pdpkit.spec.findings import Finding
from pdpkit.spec.integration import IntegrationSpec
from pdpkit.spec.secret_keys import key_problem, prefix_problem
from pdpkit.spec.stack import StackSpec


def secret_key_problems(stack: StackSpec) -> Iterator[Finding]:
    """The prefix, then every key of the stack, by the rule of the target's secret store."""
    dp = stack.dataplane
    prefix = dp.secret_store.secret_prefix
    problem = prefix_problem(dp.target, prefix)
    if problem is not None:
        yield "dataplane.secretStore.secretPrefix", problem
        return  # every key would repeat the prefix's problem
    for path, key in _keys(stack):
        problem = key_problem(dp.target, prefix, key)
        if problem is not None:
            yield path, f"{problem} (secretStore.secretPrefix is {prefix!r})"


def _keys(stack: StackSpec) -> Iterator[tuple[str, str]]:
    dp = stack.dataplane
    yield "dataplane.agent.tokenSecret", dp.agent.token_secret
    if dp.agent.image_pull_secret is not None:
        yield "dataplane.agent.imagePullSecret", dp.agent.image_pull_secret
    if dp.flux.credentials_secret is not None:
        yield "dataplane.flux.credentialsSecret", dp.flux.credentials_secret
    if dp.gateways.external.mtls is not None:
        yield "dataplane.gateways.external.mtls.caSecret", dp.gateways.external.mtls.ca_secret
    if dp.onprem is not None:
        yield (
            "dataplane.onprem.storage.credentialsSecretKey",
            dp.onprem.storage.credentials_secret_key,
        )
        if dp.onprem.existing_registry is not None:
            yield (
                "dataplane.onprem.existingRegistry.pullSecretKey",
                dp.onprem.existing_registry.pull_secret_key,
            )
    platform = stack.platform
    if platform is None:
        return
    here = [e.name for e in platform.environments if dp.name in e.data_planes]
    for i, env in enumerate(platform.environments):
        if env.name in here:
            for name, ref in env.secrets.items():
                yield f"platform.environments[{i}].secrets.{name}.key", ref.key
    for i, integration in enumerate(platform.integrations):
        yield from _integration_keys(f"platform.integrations[{i}]", integration, here)


def _integration_keys(
    path: str, integration: IntegrationSpec, environments: list[str]
) -> Iterator[tuple[str, str]]:
    if not environments:
        return
    if integration.image_pull_secret is not None:
        yield f"{path}.imagePullSecret.key", integration.image_pull_secret.key
    for j, ref in enumerate(integration.env_from_secrets):
        yield f"{path}.envFromSecrets[{j}].key", ref.key
    overridden_everywhere = set.intersection(
        *(
            {v.name for v in integration.overrides[env].env}
            if env in integration.overrides
            else set()
            for env in environments
        )
    )
    for j, var in enumerate(integration.env):
        if var.secret is not None and var.name not in overridden_everywhere:
            yield f"{path}.env[{j}].secret.key", var.secret.key
    for env in environments:
        override = integration.overrides.get(env)
        for j, var in enumerate(override.env if override else ()):
            if var.secret is not None:
                yield f"{path}.overrides.{env}.env[{j}].secret.key", var.secret.key
