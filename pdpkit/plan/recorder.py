"""Run a Pulumi program on the SDK's mock monitor and record every registration.

`PlanMonitor` extends the SDK's `MockMonitor`: besides answering like the engine
would, it keeps, per resource, the type, name, parent, dependencies, protect and
retainOnDelete flags, and the inputs with every secret masked as ``"[secret]"``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import pulumi
from google.protobuf import json_format
from pulumi.runtime import mocks as sdk_mocks
from pulumi.runtime import rpc, settings

from pdpkit.plan.fakes import fake_call, fake_outputs

SECRET_MASK = "[secret]"  # noqa: S105 (a mask, not a password)
UNKNOWN_MASK = "[unknown]"
_SIG = "4dabf18193072939515e22adb298388d"
_SECRET = "1b47061264138c4ac30d75fd1eb44270"  # noqa: S105 (the SDK's secret signature)
_RESOURCE = "5cf8f73096256a8f31e491e813e4eb8e"
_ASSET = "c44067f5952c0a294b673a41bacd8c17"
_ARCHIVE = "0def7320c3a5731c473e5ecbe6d01bc7"


@dataclass
class RecordedResource:
    """One resource registration, as the engine would have received it."""

    urn: str
    type: str
    name: str
    parent: str
    custom: bool
    dependencies: list[str]
    protect: bool
    retain_on_delete: bool
    inputs: dict[str, Any]
    provider: str = ""


@dataclass
class Recording:
    """Everything a program registered, in registration order."""

    project: str
    stack: str
    resources: list[RecordedResource] = field(default_factory=list)
    outputs: dict[str, Any] = field(default_factory=dict)


def mask(value: Any) -> Any:
    """A JSON-able copy of a wire value: secrets masked, unknowns marked, references by URN."""
    if isinstance(value, dict):
        sig = value.get(_SIG)
        if sig == _SECRET:
            return _mask_secret(value.get("value"))
        if sig == _RESOURCE:
            return value.get("urn", "")
        if sig in (_ASSET, _ARCHIVE):
            return {k: v for k, v in value.items() if k != _SIG}
        return {k: mask(v) for k, v in value.items()}
    if isinstance(value, list):
        return [mask(v) for v in value]
    if value == rpc.UNKNOWN:
        return UNKNOWN_MASK
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _mask_secret(value: Any) -> Any:
    """A secret's shape without its content: keys of a secret mapping stay (a Secret's
    ``stringData`` keeps its key names, so manifests stay valid), every leaf is masked."""
    if isinstance(value, dict) and _SIG not in value:
        return {k: _mask_secret(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_mask_secret(v) for v in value]
    return SECRET_MASK


class RealisticMocks(pulumi.runtime.Mocks):
    """Answers registrations with the outputs the real provider would return."""

    def new_resource(
        self, args: pulumi.runtime.MockResourceArgs
    ) -> tuple[str | None, dict[str, Any]]:
        resource_id, outputs = fake_outputs(args.typ, args.name, args.inputs)
        return resource_id, {**args.inputs, **outputs}

    def call(
        self, args: pulumi.runtime.MockCallArgs
    ) -> tuple[dict[str, Any], list[tuple[str, str]] | None]:
        return fake_call(args.token, args.args), []


class PlanMonitor(sdk_mocks.MockMonitor):
    """The SDK's mock monitor, recording what it is asked to register."""

    def __init__(self, recording: Recording) -> None:
        super().__init__(RealisticMocks())
        self.recording = recording

    def RegisterResource(self, request: Any) -> Any:  # noqa: N802 (gRPC method name)
        response = super().RegisterResource(request)  # type: ignore[no-untyped-call]
        if request.type != "pulumi:pulumi:Stack":
            raw = json_format.MessageToDict(request.object, preserving_proto_field_name=True)
            self.recording.resources.append(
                RecordedResource(
                    urn=response.urn,
                    type=request.type,
                    name=request.name,
                    parent=request.parent,
                    custom=bool(request.custom),
                    dependencies=sorted(set(request.dependencies)),
                    protect=bool(request.protect),
                    retain_on_delete=bool(request.retainOnDelete),
                    inputs=mask(raw),
                    provider=request.provider.split("::")[-1] if request.provider else "",
                )
            )
        return response


def record(program: Callable[[], Mapping[str, Any] | None], project: str, stack: str) -> Recording:
    """Run `program` on the mock monitor, as `pulumi up` would (not a preview), and record it.

    The stack's exports (what the program passed to `pulumi.export`, or what `program`
    returns) are recorded with secrets masked.
    """
    recording = Recording(project=project, stack=stack)
    monitor = PlanMonitor(recording)
    settings.reset_options()
    pulumi.runtime.set_mocks(
        monitor.mocks, project=project, stack=stack, preview=False, monitor=monitor
    )

    def run() -> pulumi.Output[None]:
        returned = program()
        root = settings.get_root_resource()
        exports = dict(returned or getattr(root, "outputs", None) or {})

        async def collect() -> None:
            collected: dict[str, Any] = {}
            for key in sorted(exports):
                output = pulumi.Output.from_input(exports[key])
                secret = await output.is_secret()
                value = await output.future()
                collected[key] = SECRET_MASK if secret else value
            recording.outputs = mask(collected)

        return pulumi.Output.from_input(collect())

    sdk_mocks.test(run)()  # type: ignore[no-untyped-call] # runs the program and waits for every registration
    return recording
