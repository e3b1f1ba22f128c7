"""Small platforms for promotion tests, built from plain data (validated like a stack)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from pdpkit.spec.platform import PlatformSpec

T0 = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
A = "reg.example/orders/api@sha256:" + "a" * 64
B = "reg.example/orders/api@sha256:" + "b" * 64
C = "reg.example/orders/api@sha256:" + "c" * 64


def platform(
    paths: list[dict[str, Any]] | None = None,
    gates: list[dict[str, Any]] | None = None,
    groups: dict[str, list[str]] | None = None,
    envs: tuple[str, ...] = ("dev", "staging", "prod"),
) -> PlatformSpec:
    """A platform with one integration (`api`) on pipeline `default` over `envs`."""
    return PlatformSpec.model_validate(
        {
            "name": "test",
            "environments": [
                {"name": e, "dataPlanes": ["dp"], "config": {"LEVEL": e}} for e in envs
            ],
            "projects": [{"name": "orders"}, {"name": "other", "pipeline": "other"}],
            "integrations": [
                {
                    "name": "api",
                    "project": "orders",
                    "kind": "manualTask",
                    "config": {"A": "1"},
                    "overrides": {"prod": {"replicas": 3}},
                },
                {"name": "job", "project": "other", "kind": "manualTask"},
            ],
            "pipelines": [
                {
                    "name": "default",
                    "paths": paths
                    or [{"from": "dev", "to": ["staging"]}, {"from": "staging", "to": ["prod"]}],
                    "gates": gates or [],
                },
                {"name": "other", "paths": [{"from": "dev", "to": ["staging"]}]},
            ],
            "groups": groups or {},
        }
    )
