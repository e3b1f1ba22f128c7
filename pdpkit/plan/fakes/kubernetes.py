"""Realistic outputs of Kubernetes resources under the mock monitor."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable
from typing import Any

from pdpkit.plan.fakes.run import FakeRun, made

# Fixed, so that two plans are byte-identical; what matters is the shape the API server returns.
CREATED = "2026-01-01T00:00:00Z"


def _uid(*parts: str) -> str:
    return str(uuid.UUID(hashlib.sha256("/".join(parts).encode()).hexdigest()[:32]))


def _object(run: FakeRun, name: str, inputs: dict[str, Any]) -> dict[str, Any]:
    """An object as the API server returns it: uid, resourceVersion, generation, timestamps."""
    metadata = dict(inputs.get("metadata") or {})
    metadata.setdefault("name", name)
    namespace = metadata.get("namespace")
    kind = str(inputs.get("kind", ""))
    metadata |= {
        "uid": made(_uid(kind, namespace or "", metadata["name"])),
        "resourceVersion": made("1"),
        "generation": 1,
        "creationTimestamp": made(CREATED),
    }
    outputs: dict[str, Any] = {
        "id": f"{namespace}/{metadata['name']}" if namespace else metadata["name"],
        "metadata": metadata,
    }
    status = _STATUS.get(kind)
    if status is not None:
        outputs["status"] = status(metadata["name"], inputs)
    return outputs


def _ready(reason: str) -> dict[str, Any]:
    return {"conditions": [{"type": "Ready", "status": "True", "reason": reason}]}


def _deployment_status(name: str, inputs: dict[str, Any]) -> dict[str, Any]:
    replicas = (inputs.get("spec") or {}).get("replicas", 1)
    return {
        "observedGeneration": 1,
        "replicas": replicas,
        "readyReplicas": replicas,
        "availableReplicas": replicas,
        "updatedReplicas": replicas,
    }


def _gateway_status(name: str, inputs: dict[str, Any]) -> dict[str, Any]:
    # a stable private address per gateway, as a load balancer would assign
    octet = int(hashlib.sha256(name.encode()).hexdigest()[:2], 16)
    return {
        "addresses": [{"type": "IPAddress", "value": made(f"10.250.0.{octet}")}],
        "conditions": [
            {"type": "Accepted", "status": "True", "reason": "Accepted"},
            {"type": "Programmed", "status": "True", "reason": "Programmed"},
        ],
    }


_STATUS: dict[str, Callable[[str, dict[str, Any]], dict[str, Any]]] = {
    "Namespace": lambda name, inputs: {"phase": "Active"},
    "Deployment": _deployment_status,
    "Gateway": _gateway_status,
    "Certificate": lambda name, inputs: _ready("Ready"),
    "ClusterIssuer": lambda name, inputs: _ready("KeyPairVerified"),
    "ClusterSecretStore": lambda name, inputs: _ready("Valid"),
    "ExternalSecret": lambda name, inputs: _ready("SecretSynced"),
    "HelmRelease": lambda name, inputs: _ready("InstallSucceeded"),
    "Kustomization": lambda name, inputs: _ready("ReconciliationSucceeded"),
    "GitRepository": lambda name, inputs: _ready("Succeeded"),
}


def _release(run: FakeRun, name: str, inputs: dict[str, Any]) -> dict[str, Any]:
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


OUTPUTS: dict[str, Callable[[FakeRun, str, dict[str, Any]], dict[str, Any]]] = {
    "kubernetes:helm.sh/v3:Release": _release,
    "pulumi:providers:kubernetes": lambda run, name, inputs: {"id": made(f"provider-{name}")},
    # a remote component: the provider renders and applies its children at run time, so
    # offline there is nothing to answer (no `resources`), and no children are recorded
    "kubernetes:helm.sh/v4:Chart": lambda run, name, inputs: {},
}
# every other kubernetes:<group>/<version>:<Kind> echoes its metadata with a namespaced id
OUTPUTS["kubernetes:"] = _object

CALLS: dict[str, Callable[[FakeRun, dict[str, Any]], dict[str, Any]]] = {}
