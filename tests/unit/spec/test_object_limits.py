"""What the objects a spec value becomes accept, rule by rule: cron schedules as robfig/cron
v3.0.1 parses them for the API server, quantities as apimachinery stores them, and the
workload, label and text rules on a valid stack changed one value at a time."""

from __future__ import annotations

from typing import Any

import pytest

from pdpkit.spec.checks import cross_field_problems
from pdpkit.spec.cron import cron_problem
from pdpkit.spec.loader import load_stack
from pdpkit.spec.platform import EndpointSpec, IntegrationOverride, ResourcesSpec, SecretRef
from pdpkit.spec.quantity import bound_problem, value
from pdpkit.spec.stack import StackSpec
from tests.examples import ROOT


@pytest.mark.parametrize(
    "schedule",
    [
        "*/15 * * * *",
        "0 2 * * mon-fri",
        "0 0 1 jan,JUL ?",
        "5-55/10 0-23/2 1-31 1-12 0-6",
        "0 3 1,,15 * *",
        "@daily",
        "@midnight",
        "@every 1h30m",
        "30 */1 * * SUN",
    ],
)
def test_schedules_kubernetes_accepts(schedule: str) -> None:
    assert cron_problem(schedule) is None


@pytest.mark.parametrize(
    ("schedule", "why"),
    [
        ("60 * * * *", "ends above the minute maximum 59"),
        ("* 24 * * *", "ends above the hour maximum 23"),
        ("* * 0 * *", "starts below the day-of-month minimum 1"),
        ("* * * 13 *", "ends above the month maximum 12"),
        ("* * * * 7", "ends above the day-of-week maximum 6"),
        ("* * * * mon-sun", "starts after it ends"),
        ("*/0 * * * *", "must be a positive number"),
        ("1-2-3 * * * *", "too many hyphens"),
        ("1/2/3 * * * *", "too many slashes"),
        ("x * * * *", "'x' is not a number in the minute field"),
        ("* * * jan-foo *", "'foo' is not a number in the month field"),
        ("0 0 * * * *", "has 6 fields"),
        ("@fortnightly", "unknown descriptor"),
        ("@every 1d", "@every takes a duration"),
        ("TZ=UTC 0 3 * * *", "sets a time zone"),
    ],
)
def test_schedules_kubernetes_refuses(schedule: str, why: str) -> None:
    problem = cron_problem(schedule)
    assert problem is not None and why in problem, problem


def test_quantities() -> None:
    assert value("500m") == value("0.5")
    assert value("2Ki") == 2048
    assert value("1.5Gi") == 1.5 * 2**30
    assert bound_problem("8Gi") is None
    assert bound_problem("0.5m") is not None  # rounded up to 1m
    assert bound_problem("9000000Ti") is not None  # capped at 2^63-1
    assert bound_problem("8000000T") is None


def _stack() -> StackSpec:
    return load_stack(ROOT, "acme-onprem-local")


def _with_order_api(**update: Any) -> list[tuple[str, str]]:
    stack = _stack()
    assert stack.platform is not None
    integrations = tuple(
        i.model_copy(update=update) if i.name == "order-api" else i
        for i in stack.platform.integrations
    )
    platform = stack.platform.model_copy(update={"integrations": integrations})
    return cross_field_problems(stack.model_copy(update={"platform": platform}))


def test_the_example_has_no_problem() -> None:
    assert cross_field_problems(_stack()) == []


def test_an_override_resources_replace_requests_too() -> None:
    stack = _stack()
    assert stack.platform is not None
    order_api = stack.platform.integrations[0]
    # limits alone: the requests fall back to their defaults (250m, 512Mi), above the limits
    override = IntegrationOverride.model_validate(
        {"resources": {"limits": {"cpu": "200m", "memory": "256Mi"}}}
    )
    problems = _with_order_api(overrides={**order_api.overrides, "test": override})
    paths = [p for p, _ in problems]
    assert "platform.integrations[0].overrides.test.resources.requests.cpu" in paths
    assert "platform.integrations[0].overrides.test.resources.requests.memory" in paths


def test_max_replicas_below_an_override_replicas() -> None:
    stack = _stack()
    assert stack.platform is not None
    order_api = stack.platform.integrations[0]
    prod = order_api.overrides["prod"].model_copy(update={"replicas": 9})
    problems = _with_order_api(overrides={**order_api.overrides, "prod": prod})
    assert problems == [
        (
            "platform.integrations[0].overrides.prod.autoscaling.maxReplicas",
            "maxReplicas 8 is below replicas 9 (the autoscaler's minimum, "
            "platform.integrations[0].overrides.prod.replicas) in environment prod; raise "
            "maxReplicas or lower replicas",
        )
    ]


def test_replicas_zero_with_autoscaling() -> None:
    problems = _with_order_api(replicas=0)
    assert [p for p, _ in problems] == ["platform.integrations[0].replicas"]


def test_route_names_cut_to_the_same_name() -> None:
    long = "a" * 60
    endpoints = (
        EndpointSpec(name="orders-one", port=8290, base_path="/one"),
        EndpointSpec(name="orders-two", port=8291, base_path="/two"),
    )
    problems = _with_order_api(name=long, endpoints=endpoints)
    assert ("platform.integrations[0].endpoints[1].name") in [p for p, _ in problems]


def test_limits_of_zero_cpu_with_zero_request() -> None:
    resources = ResourcesSpec.model_validate(
        {"requests": {"cpu": "0", "memory": "128Mi"}, "limits": {"cpu": "0", "memory": "1Gi"}}
    )
    problems = _with_order_api(resources=resources)
    assert [p for p, _ in problems] == ["platform.integrations[0].resources.limits.cpu"]


def test_taints_unique_by_key_and_effect() -> None:
    stack = _stack()
    pool = stack.dataplane.cluster.node_pools[0].model_validate(
        {
            "name": "workers",
            "taints": [
                {"key": "dedicated", "value": "a"},
                {"key": "dedicated", "value": "b"},
                {"key": "dedicated", "value": "b", "effect": "NoExecute"},
            ],
        }
    )
    cluster = stack.dataplane.cluster.model_copy(update={"node_pools": (pool,)})
    dataplane = stack.dataplane.model_copy(update={"cluster": cluster})
    problems = cross_field_problems(stack.model_copy(update={"dataplane": dataplane}))
    assert [p for p, _ in problems] == ["dataplane.cluster.nodePools[0].taints[1]"]


def test_control_characters_anywhere() -> None:
    stack = _stack()
    agent = stack.dataplane.agent.model_copy(update={"data_plane_id": "dp\x1b[31m"})
    dataplane = stack.dataplane.model_copy(update={"agent": agent})
    problems = cross_field_problems(stack.model_copy(update={"dataplane": dataplane}))
    assert problems == [
        (
            "dataplane.agent.dataPlaneId",
            "contains the control character U+001B at position 2; remove it (only tab, line "
            "feed and carriage return may appear in a value)",
        )
    ]


def test_a_config_map_over_one_mebibyte() -> None:
    problems = _with_order_api(config={"BIG": "x" * (1024 * 1024 + 1)})
    assert [p for p, _ in problems] == ["platform.integrations[0].config"]
    assert "bytes; Kubernetes allows 1048576 (1 MiB) per ConfigMap" in problems[0][1]


def test_env_from_secrets_that_would_share_a_resource_name() -> None:
    refs = (SecretRef(key="orders/db", property="user"), SecretRef(key="orders-db"))
    problems = _with_order_api(env_from_secrets=refs)
    assert [p for p, _ in problems] == ["platform.integrations[0].envFromSecrets[1].key"]


def test_a_key_with_brackets_stays_a_key() -> None:
    from pdpkit.spec.validation_errors import split_path

    assert split_path("platform.integrations[0].config.x[y") == (
        "platform",
        "integrations",
        0,
        "config",
        "x",
        "[y",
    )
    assert split_path("dataplane.tags.a[]") == ("dataplane", "tags", "a", "[]")
