"""Realistic outputs of Kubernetes resources under the mock monitor."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable
from typing import Any

# Fixed, so that two plans are byte-identical; what matters is the shape the API server returns.
CREATED = "2026-01-01T00:00:00Z"


def _uid(*parts: str) -> str:
    return str(uuid.UUID(hashlib.sha256("/".join(parts).encode()).hexdigest()[:32]))


def _object(name: str, inputs: dict[str, Any]) -> dict[str, Any]:
    """An object as the API server returns it: uid, resourceVersion, generation, timestamps."""
    metadata = dict(inputs.get("metadata") or {})
    metadata.setdefault("name", name)
    namespace = metadata.get("namespace")
    kind = str(inputs.get("kind", ""))
    metadata |= {
        "uid": _uid(kind, namespace or "", metadata["name"]),
        "resourceVersion": "1",
        "generation": 1,
        "creationTimestamp": CREATED,
    }
    outputs: dict[str, Any] = {
        "id": f"{namespace}/{metadata['name']}" if namespace else metadata["name"],
        "metadata": metadata,
    }
    if kind == "Namespace":
        outputs["status"] = {"phase": "Active"}
    return outputs


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
            "appVersion": "",
        },
        "createNamespace": inputs.get("createNamespace", False),
    }


OUTPUTS: dict[str, Callable[[str, dict[str, Any]], dict[str, Any]]] = {
    "kubernetes:helm.sh/v3:Release": _release,
    "pulumi:providers:kubernetes": lambda name, inputs: {"id": f"provider-{name}"},
}
# every other kubernetes:<group>/<version>:<Kind> echoes its metadata with a namespaced id
OUTPUTS["kubernetes:"] = _object

CALLS: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {}
