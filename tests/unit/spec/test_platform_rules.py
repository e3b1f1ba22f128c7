"""Cross-field platform rules: config keys resolve everywhere; quotas hold a rollout."""

from __future__ import annotations

from pdpkit.spec.checks import cross_field_problems
from pdpkit.spec.loader import load_stack
from pdpkit.spec.platform import EnvVarSpec
from tests.examples import ROOT


def _with_env(*variables: EnvVarSpec, override: bool = False) -> list[tuple[str, str]]:
    stack = load_stack(ROOT, "acme-onprem-local")
    assert stack.platform is not None
    integrations = []
    for original in stack.platform.integrations:
        integration = original
        if integration.name == "order-api":
            if override:
                prod = integration.overrides["prod"].model_copy(update={"env": variables})
                integration = integration.model_copy(
                    update={"overrides": {**integration.overrides, "prod": prod}}
                )
            else:
                integration = integration.model_copy(update={"env": variables})
        integrations.append(integration)
    platform = stack.platform.model_copy(update={"integrations": tuple(integrations)})
    return cross_field_problems(stack.model_copy(update={"platform": platform}))


def test_example_keys_resolve() -> None:
    assert (
        _with_env(
            EnvVarSpec(name="A", config="LOG_LEVEL"),
            EnvVarSpec(name="B", config="ORDERS_DB_PASSWORD"),
        )
        == []
    )


def test_unknown_key_is_named_with_choices() -> None:
    problems = _with_env(EnvVarSpec(name="A", config="LOG_LEVL"))
    assert len(problems) == 3  # dev, test and prod
    path, message = problems[0]
    assert path == "platform.integrations[0].env[0].config"
    assert "'LOG_LEVL'" in message and "LOG_LEVEL" in message


def test_unknown_key_in_an_override() -> None:
    problems = _with_env(EnvVarSpec(name="A", config="NOPE"), override=True)
    assert [p for p, _ in problems] == ["platform.integrations[0].overrides.prod.env[0].config"]


def test_quota_must_hold_a_rollout() -> None:
    stack = load_stack(ROOT, "acme-onprem-local")
    assert stack.platform is not None
    envs = tuple(
        e.model_copy(update={"quota": e.quota.model_copy(update={"cpu": "2"})})
        if e.name == "dev"
        else e
        for e in stack.platform.environments
    )
    platform = stack.platform.model_copy(update={"environments": envs})
    problems = cross_field_problems(stack.model_copy(update={"platform": platform}))
    # order-api: 2 replicas + 1 surge pod at 1 CPU each = 3 CPU > 2
    assert [(p, "order-api x3" in m) for p, m in problems] == [
        ("platform.environments[0].quota", True)
    ]
