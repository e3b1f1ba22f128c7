"""Recording AWS components on the mock monitor, and looking at what they registered."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from pulumi_aws import provider as aws_provider

from pdpkit.components.aws.arn import Account
from pdpkit.plan import recorder
from pdpkit.plan.recorder import RecordedResource, Recording, record

ACCOUNT = Account("210987654321", "eu-west-1")
KEY_ARN = "arn:aws:kms:eu-west-1:210987654321:key/0b7c2d9e-1111-4a2b-9c3d-5e6f7a8b9c0d"
OIDC_ARN = "arn:aws:iam::210987654321:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/ABC123"
ISSUER = "https://oidc.eks.eu-west-1.amazonaws.com/id/ABC123"


def run(program: Callable[[], Mapping[str, Any] | None]) -> Recording:
    """Record `program` after an aws provider for `ACCOUNT` (the fakes answer in its region)."""

    def with_provider() -> Mapping[str, Any] | None:
        aws_provider.Provider(
            "test-aws", region=ACCOUNT.region, allowed_account_ids=[ACCOUNT.account_id]
        )
        return program()

    return record(with_provider, "pdp", "test")


def of_type(recording: Recording, type_: str) -> list[RecordedResource]:
    return [r for r in recording.resources if r.type == type_]


def one(recording: Recording, type_: str, name: str | None = None) -> RecordedResource:
    found = [r for r in of_type(recording, type_) if name is None or r.name == name]
    assert len(found) == 1, (
        f"{len(found)} {type_} named {name}: {[r.name for r in of_type(recording, type_)]}"
    )
    return found[0]


def policy(resource: RecordedResource, key: str = "policy") -> dict[str, Any]:
    """A JSON policy document among the inputs."""
    value = resource.inputs[key]
    parsed: dict[str, Any] = json.loads(value) if isinstance(value, str) else value
    return parsed


@contextmanager
def ignore_changes() -> Iterator[dict[str, list[str]]]:
    """The ``ignoreChanges`` of every registration (the recorder does not keep them)."""
    seen: dict[str, list[str]] = {}
    original = recorder.PlanMonitor.RegisterResource

    def register(self: Any, request: Any) -> Any:
        seen[request.name] = list(request.ignoreChanges)
        return original(self, request)

    recorder.PlanMonitor.RegisterResource = register  # type: ignore[method-assign]
    try:
        yield seen
    finally:
        recorder.PlanMonitor.RegisterResource = original  # type: ignore[method-assign]
