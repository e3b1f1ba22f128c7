"""The recorder: what the mock monitor receives is kept, with every secret masked."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import asdict
from typing import Any

import pulumi
import pulumi_kubernetes as k8s

from pdpkit.plan.recorder import SECRET_MASK, Recording, mask, record


class Pair(pulumi.ComponentResource):
    def __init__(self, name: str, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("pdpkit:test:Pair", name, None, opts)
        self.namespace = k8s.core.v1.Namespace(
            f"{name}-namespace",
            metadata={"name": name},
            opts=pulumi.ResourceOptions(parent=self, protect=True, retain_on_delete=True),
        )
        self.secret = k8s.core.v1.Secret(
            f"{name}-secret",
            metadata={"name": "creds", "namespace": self.namespace.metadata.name},
            string_data={"password": pulumi.Output.secret("hunter2")},
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.register_outputs({"namespace": self.namespace.metadata.name})


def program() -> Mapping[str, Any]:
    pair = Pair("demo")
    return {"namespace": pair.namespace.metadata.name, "token": pulumi.Output.secret("s3cr3t")}


def test_records_types_parents_dependencies_and_flags() -> None:
    recording = record(program, "pdp", "unit")
    by_name = {r.name: r for r in recording.resources}
    component, namespace, secret = (
        by_name["demo"],
        by_name["demo-namespace"],
        by_name["demo-secret"],
    )
    assert component.type == "pdpkit:test:Pair" and not component.custom
    assert namespace.parent == component.urn and secret.parent == component.urn
    assert namespace.protect and namespace.retain_on_delete and not secret.protect
    assert secret.dependencies == [namespace.urn]
    assert (
        namespace.urn
        == "urn:pulumi:unit::pdp::pdpkit:test:Pair$kubernetes:core/v1:Namespace::demo-namespace"
    )
    assert namespace.inputs == {
        "apiVersion": "v1",
        "kind": "Namespace",
        "metadata": {"name": "demo"},
    }


def test_secrets_never_appear_in_the_clear() -> None:
    recording = record(program, "pdp", "unit")
    dumped = json.dumps([asdict(r) for r in recording.resources]) + json.dumps(recording.outputs)
    assert "hunter2" not in dumped and "s3cr3t" not in dumped
    assert recording.outputs == {"namespace": "demo", "token": SECRET_MASK}
    secret = next(r for r in recording.resources if r.name == "demo-secret")
    # a secret mapping keeps its key names (manifests stay valid), never its values
    assert secret.inputs["stringData"] == {"password": SECRET_MASK}


def test_two_recordings_are_identical() -> None:
    first = record(program, "pdp", "unit")
    second = record(program, "pdp", "unit")
    assert [asdict(r) for r in first.resources] == [asdict(r) for r in second.resources]


def test_a_second_stack_in_the_same_process_gets_its_own_urns() -> None:
    record(program, "pdp", "one")
    recording = record(program, "pdp", "two")
    assert all(r.urn.startswith("urn:pulumi:two::pdp::") for r in recording.resources)
    assert all("one" not in r.parent for r in recording.resources)


def test_mask_handles_the_wire_markers() -> None:
    sig = "4dabf18193072939515e22adb298388d"
    wire = {
        "a": {sig: "1b47061264138c4ac30d75fd1eb44270", "value": "x"},
        "b": {sig: "5cf8f73096256a8f31e491e813e4eb8e", "urn": "urn:x"},
        "c": "04da6b54-80e4-46f7-96ec-b56ff0331ba9",
        "d": [1.0, 2.5],
    }
    assert mask(wire) == {"a": SECRET_MASK, "b": "urn:x", "c": "[unknown]", "d": [1, 2.5]}


def _probe(values: Mapping[str, Any]) -> None:
    """A ConfigMap whose data shows what the program saw (unknowns are recorded as such)."""
    k8s.core.v1.ConfigMap("probe", metadata={"name": "probe"}, data=values)


def test_preview_answers_creates_with_an_unknown_id_and_the_inputs_only() -> None:
    def program() -> None:
        namespace = k8s.core.v1.Namespace("ns", metadata={"name": "demo"})
        _probe(
            {
                "id": namespace.id,
                "uid": namespace.metadata.apply(lambda m: m.get("uid") or "none"),
                "kind": namespace.kind,
            }
        )

    def probe(recording: Recording) -> Any:
        return next(r for r in recording.resources if r.name == "probe").inputs["data"]

    up = record(program, "pdp", "unit")
    preview = record(program, "pdp", "unit", preview=True)
    assert probe(up)["id"] == "demo" and probe(up)["uid"] not in ("none", "[unknown]")
    # the id and every output not among the inputs are unknown; the inputs are echoed
    assert probe(preview) == {"id": "[unknown]", "uid": "[unknown]", "kind": "Namespace"}
    namespace = next(r for r in preview.resources if r.name == "ns")
    assert namespace.outputs == {} and namespace.fabricated == []
    namespace = next(r for r in up.resources if r.name == "ns")
    assert namespace.outputs["id"] == "demo" and "metadata.uid" in namespace.fabricated


def test_a_lookup_only_the_cloud_could_answer_is_unknown_and_listed() -> None:
    import pulumi_gcp as gcp

    def program() -> None:
        project = gcp.organizations.get_project_output(project_id="p")
        _probe({"number": project.number, "sa": project.number.apply(lambda n: f"sa-{n}")})

    recording = record(program, "pdp", "unit")
    assert recording.unknown_lookups == ["gcp:organizations/getProject:getProject"]
    (probe,) = recording.resources
    assert probe.inputs["data"] == {"number": "[unknown]", "sa": "[unknown]"}


def test_two_plans_in_one_process_keep_their_own_fake_state() -> None:
    import pulumi_azure_native as azure

    def in_subscription(subscription: str) -> Callable[[], None]:
        def program() -> None:
            provider = azure.Provider("p", subscription_id=subscription)
            azure.resources.ResourceGroup(
                "rg",
                resource_group_name="g",
                opts=pulumi.ResourceOptions(provider=provider),
            )

        return program

    first = "11111111-1111-1111-1111-111111111111"
    second = "22222222-2222-2222-2222-222222222222"
    record(in_subscription(first), "pdp", "one")
    # the second plan declares no subscription: it must not inherit the first one's
    recording = record(
        lambda: azure.resources.ResourceGroup("rg", resource_group_name="g") and None, "pdp", "two"
    )
    (group,) = recording.resources
    assert first not in group.outputs["id"]
    recording = record(in_subscription(second), "pdp", "three")
    group = next(r for r in recording.resources if r.type.endswith("ResourceGroup"))
    assert group.outputs["id"] == f"/subscriptions/{second}/resourceGroups/g"
