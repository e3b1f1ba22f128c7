"""The hardened pod template every integration kind shares (Deployment, CronJob, Job).

Pure: builds the Kubernetes pod template from an `EffectiveIntegration` and the names
of the objects it reads, so the security defaults are testable without Pulumi.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pdpkit.platform.effective import EffectiveIntegration
from pdpkit.platform.names import API_ACCESS_LABEL, TENANT_LABEL, file_key, namespace_name
from pdpkit.spec.platform import ProbeSpec

ZONE_KEY = "topology.kubernetes.io/zone"
TMP_SIZE = "64Mi"


@dataclass(frozen=True)
class PodObjects:
    """Names of the objects a pod reads; ``None`` where there is nothing to read."""

    service_account: str
    config: str | None
    files: str | None
    secrets: str | None
    pull_secret: str | None
    env_from_secrets: tuple[str, ...] = ()
    registry_pull_secret: str | None = None
    """The data plane's pull secret for its own registry (on-prem existing registry)."""
    otlp_endpoint: str | None = None
    """The plane's OTLP/HTTP collector, given to the container as the OpenTelemetry SDKs'
    ``OTEL_EXPORTER_OTLP_*`` variables; None: no collector, no variables."""


def selector_labels(integration: EffectiveIntegration) -> dict[str, str]:
    """Labels selecting the integration's pods (stable across revisions)."""
    return {
        "app.kubernetes.io/name": integration.name,
        "app.kubernetes.io/part-of": integration.project,
    }


def pod_template(
    integration: EffectiveIntegration, objects: PodObjects, annotations: Mapping[str, str]
) -> dict[str, Any]:
    """The pod template: non-root, read-only root, no privilege, seccomp RuntimeDefault."""
    volumes: list[dict[str, Any]] = [{"name": "tmp", "emptyDir": {"sizeLimit": TMP_SIZE}}]
    mounts: list[dict[str, Any]] = [{"name": "tmp", "mountPath": "/tmp"}]  # noqa: S108 (a private emptyDir)
    if objects.files is not None:
        volumes.append({"name": "config-files", "configMap": {"name": objects.files}})
        mounts += [
            {
                "name": "config-files",
                "mountPath": f.mount_path,
                "subPath": file_key(i, f.mount_path),
                "readOnly": True,
            }
            for i, f in enumerate(integration.config_files)
        ]
    container: dict[str, Any] = {
        "name": integration.name,
        "image": integration.image,
        # Always: the kubelet re-checks the pull credentials, so a node's cache never
        # serves a private image to a pod without them; with a digest it pulls nothing new.
        "imagePullPolicy": "Always",
        "resources": {
            "requests": {
                "cpu": integration.resources.requests.cpu,
                "memory": integration.resources.requests.memory,
            },
            "limits": {
                "cpu": integration.resources.limits.cpu,
                "memory": integration.resources.limits.memory,
            },
        },
        "securityContext": {
            "runAsNonRoot": True,
            "runAsUser": integration.run_as_user,
            "runAsGroup": integration.run_as_user,
            "readOnlyRootFilesystem": True,
            "allowPrivilegeEscalation": False,
            "privileged": False,
            "capabilities": {"drop": ["ALL"]},
            "seccompProfile": {"type": "RuntimeDefault"},
        },
        "volumeMounts": mounts,
    }
    if ports := sorted({e.port for e in integration.endpoints}):
        container["ports"] = [
            {"containerPort": p, "name": f"p{p}", "protocol": "TCP"} for p in ports
        ]
    if env := _env(integration, objects) + _telemetry_env(integration, objects):
        container["env"] = env
    if env_from := _env_from(integration, objects):
        container["envFrom"] = env_from
    if integration.probes is not None:
        container["livenessProbe"] = _probe(integration.probes.liveness)
        container["readinessProbe"] = _probe(integration.probes.readiness)
    spec: dict[str, Any] = {
        "serviceAccountName": objects.service_account,
        "automountServiceAccountToken": integration.service_account_token,
        "enableServiceLinks": False,
        "securityContext": {
            "runAsNonRoot": True,
            "runAsUser": integration.run_as_user,
            "runAsGroup": integration.run_as_user,
            "fsGroup": integration.run_as_user,
            "seccompProfile": {"type": "RuntimeDefault"},
        },
        "containers": [container],
        "volumes": volumes,
    }
    pulls = [s for s in (objects.pull_secret, objects.registry_pull_secret) if s is not None]
    if pulls:
        spec["imagePullSecrets"] = [{"name": secret} for secret in pulls]
    if integration.is_service:
        spec["topologySpreadConstraints"] = [
            {
                "maxSkew": 1,
                "topologyKey": ZONE_KEY,
                # ScheduleAnyway: a zone outage must not leave replicas unschedulable.
                "whenUnsatisfiable": "ScheduleAnyway",
                "labelSelector": {"matchLabels": selector_labels(integration)},
            }
        ]
    else:
        spec["restartPolicy"] = "Never"
    labels = {
        **selector_labels(integration),
        "pdpkit.io/environment": integration.environment,
        # the observability tenant its logs, traces and metrics are kept in
        TENANT_LABEL: namespace_name(integration.project, integration.environment),
    }
    if integration.service_account_token:
        labels[API_ACCESS_LABEL] = "true"  # the namespace's allow-api-server policy selects it
    return {"metadata": {"labels": labels, "annotations": dict(annotations)}, "spec": spec}


def _env(integration: EffectiveIntegration, objects: PodObjects) -> list[dict[str, Any]]:
    env: list[dict[str, Any]] = []
    for variable in integration.env:
        if variable.value is not None:
            env.append({"name": variable.name, "value": variable.value})
        elif variable.name in integration.secrets:
            env.append(
                {
                    "name": variable.name,
                    "valueFrom": {"secretKeyRef": {"name": objects.secrets, "key": variable.name}},
                }
            )
        else:
            env.append(
                {
                    "name": variable.name,
                    "valueFrom": {
                        "configMapKeyRef": {"name": objects.config, "key": variable.config}
                    },
                }
            )
    return env


def _telemetry_env(integration: EffectiveIntegration, objects: PodObjects) -> list[dict[str, Any]]:
    """The OpenTelemetry SDKs' standard variables (opentelemetry-specification
    specification/configuration/sdk-environment-variables.md, protocol/exporter.md), unless
    the integration sets one itself: its own value wins."""
    if objects.otlp_endpoint is None:
        return []
    own = {variable.name for variable in integration.env}
    values = {
        "OTEL_EXPORTER_OTLP_ENDPOINT": objects.otlp_endpoint,
        "OTEL_EXPORTER_OTLP_PROTOCOL": "http/protobuf",
        "OTEL_SERVICE_NAME": integration.name,
        "OTEL_RESOURCE_ATTRIBUTES": (
            f"service.namespace={integration.project},"
            f"deployment.environment.name={integration.environment}"
        ),
    }
    return [{"name": name, "value": value} for name, value in values.items() if name not in own]


def _env_from(integration: EffectiveIntegration, objects: PodObjects) -> list[dict[str, Any]]:
    env_from: list[dict[str, Any]] = []
    if integration.env_from_config and objects.config is not None:
        env_from.append({"configMapRef": {"name": objects.config}})
    env_from += [{"secretRef": {"name": name}} for name in objects.env_from_secrets]
    return env_from


def _probe(probe: ProbeSpec) -> dict[str, Any]:
    handler: dict[str, Any]
    if probe.http_get is not None:
        handler = {"httpGet": {"path": probe.http_get.path, "port": probe.http_get.port}}
    else:
        assert probe.tcp_socket is not None  # the spec requires exactly one handler
        handler = {"tcpSocket": {"port": probe.tcp_socket.port}}
    return {
        **handler,
        "initialDelaySeconds": probe.initial_delay_seconds,
        "periodSeconds": probe.period_seconds,
        "timeoutSeconds": probe.timeout_seconds,
        "failureThreshold": probe.failure_threshold,
    }
