"""Run a Pulumi program on the SDK's mock monitor and record every registration.

`PlanMonitor` extends the SDK's `MockMonitor`: besides answering like the engine
would, it keeps, per resource, the type, name, parent, dependencies, protect and
retainOnDelete flags, the inputs with every secret masked as ``"[secret]"``, the
outputs the fakes answered and which of those were fabricated (made up by a fake,
never seen from a real provider).

In preview (``record(..., preview=True)``, what ``pulumi preview`` does), a new resource
answers as the engine answers a create it has not run: an empty id and its inputs, every
other output unknown. The SDK turns that into unknowns: an empty id is unknown
(pulumi 3.272.0 ``pulumi/runtime/resource.py:1385``, ``is_known = bool(resp.id)``); under
dry run the inputs are not merged into the outputs (``pulumi/runtime/rpc.py:1534``), a
returned ``None`` or a missing output resolves unknown (``rpc.py:1610-1621``) and the wire's
unknown deserializes to ``Unknown`` (``rpc.py:1140-1141``), on which ``apply`` does not run.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import pulumi
from google.protobuf import json_format
from pulumi.output import Unknown
from pulumi.runtime import mocks as sdk_mocks
from pulumi.runtime import proto, rpc, settings

from pdpkit.plan.fakes import Answer, FakeRun, fake_call, fake_outputs, unknown_beyond

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
    outputs: dict[str, Any] = field(default_factory=dict)
    """What the provider (a fake) answered beyond the inputs, ``id`` included; secrets masked.
    Empty in preview for a new resource (unknown until created)."""
    fabricated: list[str] = field(default_factory=list)
    """Paths in `outputs` of values a fake made up (``id``, ``identity.principalId``…)."""


@dataclass
class Recording:
    """Everything a program registered, in registration order."""

    project: str
    stack: str
    resources: list[RecordedResource] = field(default_factory=list)
    outputs: dict[str, Any] = field(default_factory=dict)
    unknown_lookups: list[str] = field(default_factory=list)
    """Provider functions (invokes) only the cloud could answer: unknown in this plan."""

    def counts(self) -> str:
        """``"160 resources, 33 components"``: the figures `pdp plan`'s summary line shows."""
        custom = sum(1 for r in self.resources if r.custom)
        components = len(self.resources) - custom
        return (
            f"{custom} resource{'' if custom == 1 else 's'}, "
            f"{components} component{'' if components == 1 else 's'}"
        )


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
    """Answers registrations with the outputs the real provider would return (up), or with the
    inputs and unknowns (preview). Owns the plan's `FakeRun`: nothing leaks between plans."""

    def __init__(self, preview: bool = False) -> None:
        self.preview = preview
        self.run = FakeRun()
        self._last = threading.local()  # the answer to the registration on this thread

    def new_resource(
        self, args: pulumi.runtime.MockResourceArgs
    ) -> tuple[str | None, dict[str, Any]]:
        if not args.custom:  # a component: no provider answers it, it has no id
            self._last.answer = Answer("", {}, ())
            return "", dict(args.inputs)
        answer = fake_outputs(args.typ, args.name, _wire_unknowns(args.inputs), self.run)
        # (providers keep their answer: the offline plan runs no provider plugin, and their
        # ids only name them in references)
        if self.preview and not args.typ.startswith("pulumi:providers:"):
            # a create the engine has not run: no id, the inputs, every other output unknown
            self._last.answer = Answer("", {}, ())
            return "", {**args.inputs, **unknown_beyond(answer.outputs, args.inputs)}
        self._last.answer = answer
        return answer.id, {**args.inputs, **answer.outputs}

    def last_answer(self) -> Answer:
        """The answer to the latest registration made on the calling thread."""
        answer: Answer = self._last.answer
        return answer

    def call(
        self, args: pulumi.runtime.MockCallArgs
    ) -> tuple[dict[str, Any], list[tuple[str, str]] | None]:
        return fake_call(args.token, args.args, self.run), []


class PlanMonitor(sdk_mocks.MockMonitor):
    """The SDK's mock monitor, recording what it is asked to register."""

    def __init__(
        self,
        recording: Recording,
        preview: bool = False,
        on_register: Callable[[Recording], None] | None = None,
    ) -> None:
        self.realistic = RealisticMocks(preview)
        super().__init__(self.realistic)
        self.recording = recording
        self.on_register = on_register
        """Called after each registration (progress display)."""

    def Invoke(self, request: Any) -> Any:  # noqa: N802 (gRPC method name)
        """An invoke only the cloud could answer comes back unknown, as the engine answers one
        it cannot serve (the SDK then resolves the whole result unknown,
        pulumi/runtime/invoke.py:366-369), and the plan lists it."""
        response = super().Invoke(request)  # type: ignore[no-untyped-call]
        if _has_unknown(json_format.MessageToDict(getattr(response, "return"))):
            self.recording.unknown_lookups.append(request.tok)
            return proto.resource_pb2.ResourceInvokeResponse(unknown=True)
        return response

    def RegisterResource(self, request: Any) -> Any:  # noqa: N802 (gRPC method name)
        response = super().RegisterResource(request)  # type: ignore[no-untyped-call]
        if request.type != "pulumi:pulumi:Stack":
            answer = self.realistic.last_answer()
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
                    outputs=mask({"id": answer.id, **answer.outputs}) if answer.id else {},
                    fabricated=sorted(answer.fabricated),
                )
            )
            if self.on_register is not None:
                self.on_register(self.recording)
        return response


def _wire_unknowns(value: Any) -> Any:
    """`value` with the SDK's `Unknown` (what a dry run deserializes unknowns to) as the wire's
    unknown string, which the fakes treat as any other opaque value."""
    if isinstance(value, dict):
        return {k: _wire_unknowns(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_wire_unknowns(v) for v in value]
    return rpc.UNKNOWN if isinstance(value, Unknown) else value


def _has_unknown(value: Any) -> bool:
    if isinstance(value, dict):
        return any(_has_unknown(v) for v in value.values())
    if isinstance(value, list):
        return any(_has_unknown(v) for v in value)
    return bool(value == rpc.UNKNOWN)


def record(
    program: Callable[[], Mapping[str, Any] | None],
    project: str,
    stack: str,
    *,
    preview: bool = False,
    on_register: Callable[[Recording], None] | None = None,
) -> Recording:
    """Run `program` on the mock monitor, as `pulumi up` would (``preview=True``: as
    `pulumi preview` would, new resources' outputs unknown), and record it.

    The stack's exports (what the program passed to `pulumi.export`, or what `program`
    returns) are recorded with secrets masked.
    """
    recording = Recording(project=project, stack=stack)
    monitor = PlanMonitor(recording, preview=preview, on_register=on_register)
    settings.reset_options()
    pulumi.runtime.set_mocks(
        monitor.mocks, project=project, stack=stack, preview=preview, monitor=monitor
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
