"""Realistic outputs of Kubernetes resources under the mock monitor."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def _object(name: str, inputs: dict[str, Any]) -> dict[str, Any]:
    metadata = dict(inputs.get("metadata") or {})
    metadata.setdefault("name", name)
    namespace = metadata.get("namespace")
    return {
        "id": f"{namespace}/{metadata['name']}" if namespace else metadata["name"],
        "metadata": metadata,
    }


def _release(name: str, inputs: dict[str, Any]) -> dict[str, Any]:
    release = inputs.get("name") or name
    namespace = inputs.get("namespace") or "default"
    return {
        "id": f"{namespace}/{release}",
        "status": {
            "name": release,
            "namespace": namespace,
            "chart": inputs.get("chart", ""),
            "version": inputs.get("version", ""),
            "revision": 1,
            "status": "deployed",
        },
    }


OUTPUTS: dict[str, Callable[[str, dict[str, Any]], dict[str, Any]]] = {
    "kubernetes:helm.sh/v3:Release": _release,
    "pulumi:providers:kubernetes": lambda name, inputs: {"id": f"provider-{name}"},
}
# every other kubernetes:<group>/<version>:<Kind> echoes its metadata with a namespaced id
OUTPUTS["kubernetes:"] = _object

CALLS: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {}
