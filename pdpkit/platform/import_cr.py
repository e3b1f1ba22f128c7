"""Conversion of WSO2 `Integration` custom resources into pdpkit integration definitions.

Pure: a parsed CR (a mapping) in, a definition (the shape of
``platform/<name>/integrations/*.yaml``) plus warnings out; `IntegrationCrError`
names the key that is wrong. Every field keeps its meaning:

=================================  =====================================================
Integration CR                     pdpkit integration
=================================  =====================================================
metadata.name                      name
spec.image                         image (digest) / track.registryRepository (tag only)
spec.imagePullSecret               imagePullSecret.key
spec.deploySpec.minReplicas        replicas (and the HPA's minReplicas)
spec.deploySpec.requestCPU …       resources.requests / resources.limits
spec.deploySpec.livenessProbe …    probes.liveness / probes.readiness
spec.autoScale.enabled/maxReplicas autoscaling.enabled / maxReplicas (CPU target 50 %)
spec.expose.passthroPort           endpoint ``passthrough`` at ``/<name>``
spec.expose.inboundPorts[]         endpoint ``inbound-<port>`` at ``/<name>-inbound/<port>``
(nothing: the CR has no auth)      endpoints[].auth / limits: a warning says to declare them
spec.env[].value                   env[].value
spec.env[].valueFrom.secretKeyRef  env[].secret {key: <secret name>, property: <key>}
spec.env[].valueFrom.configMapRef  env[].config <key> (the value becomes configuration)
spec.envFrom[].configMapRef        envFromConfig: true
spec.envFrom[].secretRef           envFromSecrets[] {key: <secret name>}
=================================  =====================================================
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from pdpkit.platform.cr_env import convert_env, convert_env_from
from pdpkit.platform.cr_values import (
    IntegrationCrError,
    boolean,
    known,
    mapping,
    name_of,
    whole,
)
from pdpkit.spec.platform import DIGEST_PATTERN, IntegrationSpec

API_VERSIONS = ("wso2.com/v1alpha2", "integration.wso2.com/v1alpha2")
KIND = "Integration"
OPERATOR_RESOURCES = {
    "requestCPU": "500m",
    "reqMemory": "512Mi",
    "cpuLimit": "2000m",
    "memoryLimit": "2048Mi",
}
"""The operator's documented defaults (integration_controller_conf.yaml) for a CR without them."""
OPERATOR_HPA_CPU = 50
"""The operator's default HPA target (hpaMetrics: cpu averageUtilization 50)."""
PROBE_DEFAULTS = {
    "initialDelaySeconds": 0,
    "periodSeconds": 10,
    "timeoutSeconds": 1,
    "failureThreshold": 3,
}
"""Kubernetes' own probe defaults: what an Integration CR's probe without them meant."""
OPERATOR_PROBES: dict[str, dict[str, Any]] = {
    "liveness": {"tcpSocket": {"port": 8290}, "initialDelaySeconds": 10, "periodSeconds": 5},
    "readiness": {
        "httpGet": {"path": "/healthz", "port": 9201},
        "initialDelaySeconds": 10,
        "periodSeconds": 5,
    },
}
"""The operator's documented default probes (passthrough port 8290, /healthz on 9201)."""
_TOP = {"apiVersion", "kind", "metadata", "spec", "status"}
_SPEC = {"image", "imagePullSecret", "deploySpec", "autoScale", "expose", "env", "envFrom"}
_DEPLOY = {"minReplicas", *OPERATOR_RESOURCES, "livenessProbe", "readinessProbe"}
_PROBE = {"httpGet", "tcpSocket", *PROBE_DEFAULTS, "successThreshold"}


@dataclass(frozen=True)
class ImportedIntegration:
    """One converted CR."""

    definition: dict[str, Any]
    """The pdpkit integration definition (camelCase, as written to YAML)."""
    warnings: list[str] = field(default_factory=list)
    preview_image: str = ""
    """The image to render with (the CR's own, even if tag-only)."""
    config_keys: list[str] = field(default_factory=list)
    """Configuration keys the integration reads that an environment must provide."""


def convert(cr: Any, project: str) -> ImportedIntegration:
    """Convert one parsed `Integration` CR; raise `IntegrationCrError` naming the bad key."""
    cr = mapping(cr, "(document)")
    known(cr, _TOP, "")
    if cr.get("apiVersion") not in API_VERSIONS:
        raise IntegrationCrError(
            "apiVersion", f"got {cr.get('apiVersion')!r}; expected one of {', '.join(API_VERSIONS)}"
        )
    if cr.get("kind") != KIND:
        raise IntegrationCrError("kind", f"got {cr.get('kind')!r}; expected {KIND!r}")
    name = mapping(cr.get("metadata"), "metadata").get("name")
    if not isinstance(name, str) or not re.fullmatch(r"[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?", name):
        raise IntegrationCrError(
            "metadata.name", f"got {name!r}; expected a DNS label (e.g. hello-world)"
        )
    spec = mapping(cr.get("spec"), "spec")
    known(spec, _SPEC, "spec")
    warnings: list[str] = []
    out: dict[str, Any] = {"name": name, "project": project, "kind": "service"}
    image, repository = _image(spec, name, out, warnings)
    if (pull := spec.get("imagePullSecret")) is not None:
        out["imagePullSecret"] = {"key": name_of(pull, "spec.imagePullSecret")}
        warnings.append(
            f"spec.imagePullSecret: store the docker config JSON of {pull!r} under key {pull!r} "
            "of the data plane's secret store (it becomes an ExternalSecret)"
        )
    _deploy_spec(spec.get("deploySpec", {}), out, warnings)
    auto = mapping(spec.get("autoScale", {}), "spec.autoScale")
    known(auto, {"enabled", "maxReplicas"}, "spec.autoScale")
    if boolean(auto.get("enabled", False), "spec.autoScale.enabled"):
        replicas = out["replicas"]
        maximum = whole(
            auto.get("maxReplicas", max(replicas, 1)), "spec.autoScale.maxReplicas", 1, 100
        )
        if maximum < replicas:
            raise IntegrationCrError(
                "spec.autoScale.maxReplicas",
                f"got {maximum}; must be at least minReplicas ({replicas})",
            )
        out["autoscaling"] = {
            "enabled": True,
            "maxReplicas": maximum,
            "targetCpuUtilization": OPERATOR_HPA_CPU,
        }
    out["endpoints"] = _endpoints(spec.get("expose", {}), name)
    if out["endpoints"]:
        names = ", ".join(e["name"] for e in out["endpoints"])
        warnings.append(
            "spec.expose: the Integration CR says nothing of authentication or limits (the "
            f"operator's NGINX ingress served its ports to anyone); endpoints {names} are "
            "external without auth: they take the environment's endpointDefaults.jwt, and a "
            "production environment without one refuses them. Declare endpoints[].auth (jwt, "
            "apiKey, or public with a reason) and endpoints[].limits.rateLimit "
            "(docs/ingress-security.md)"
        )
    env, config_keys, env_warnings = convert_env(spec.get("env", []))
    warnings += env_warnings
    if env:
        out["env"] = env
    env_from, env_from_warnings = convert_env_from(spec.get("envFrom", []))
    warnings += env_from_warnings
    out.update(env_from)
    try:
        checked = IntegrationSpec.model_validate(
            {**out, "image": out.get("image") or f"{repository}@sha256:{'0' * 64}"}
        )
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise IntegrationCrError(f"spec ({where})", first["msg"]) from None
    del checked
    return ImportedIntegration(out, warnings, image, config_keys)


def _image(
    spec: Mapping[str, Any], name: str, out: dict[str, Any], warnings: list[str]
) -> tuple[str, str]:
    image = spec.get("image")
    if not isinstance(image, str) or not image.strip() or " " in image.strip():
        raise IntegrationCrError("spec.image", f"got {image!r}; expected an image reference")
    image = image.strip()
    repository = image.split("@", 1)[0]
    last = repository.rsplit("/", 1)[-1]
    if ":" in last:  # a tag (a registry port sits before the last "/")
        repository = repository.rsplit(":", 1)[0]
    out["track"] = {"registryRepository": repository, "apiVersion": "v1.0"}
    if re.fullmatch(DIGEST_PATTERN, image):
        out["image"] = image
    else:
        warnings.append(
            f"spec.image {image!r} is pinned by tag only; pdpkit deploys images by digest "
            "(repo@sha256:…), so the definition records the repository and leaves `image` out: "
            f"pin it with `image: {repository}@sha256:<digest>` or `pdp release {name} --image …`"
        )
    return image, repository


def _deploy_spec(value: Any, out: dict[str, Any], warnings: list[str]) -> None:
    deploy = mapping(value, "spec.deploySpec")
    known(deploy, _DEPLOY, "spec.deploySpec")
    out["replicas"] = whole(deploy.get("minReplicas", 1), "spec.deploySpec.minReplicas", 0, 100)
    resources = {}
    for key, default in OPERATOR_RESOURCES.items():
        quantity = deploy.get(key, default)
        if not isinstance(quantity, str | int) or not re.fullmatch(
            r"\d+(\.\d+)?(m|Ki|Mi|Gi|Ti|k|M|G|T)?", str(quantity)
        ):
            raise IntegrationCrError(
                f"spec.deploySpec.{key}", f"got {quantity!r}; expected a quantity (500m, 512Mi)"
            )
        resources[key] = str(quantity)
    if missing := [k for k in OPERATOR_RESOURCES if k not in deploy]:
        warnings.append(
            f"spec.deploySpec: {', '.join(missing)} not set; using the operator's defaults"
        )
    out["resources"] = {
        "requests": {"cpu": resources["requestCPU"], "memory": resources["reqMemory"]},
        "limits": {"cpu": resources["cpuLimit"], "memory": resources["memoryLimit"]},
    }
    probes = {}
    for role in ("liveness", "readiness"):
        key = f"{role}Probe"
        if key in deploy:
            probes[role] = _probe(deploy[key], f"spec.deploySpec.{key}")
        else:
            probes[role] = _probe(OPERATOR_PROBES[role], f"(operator default {key})")
            warnings.append(
                f"spec.deploySpec.{key} not set; operator default {OPERATOR_PROBES[role]}"
            )
    out["probes"] = probes


def _endpoints(expose: Any, name: str) -> list[dict[str, Any]]:
    expose = mapping(expose, "spec.expose")
    known(expose, {"passthroPort", "inboundPorts"}, "spec.expose")
    endpoints = []
    if "passthroPort" in expose:
        port = whole(expose["passthroPort"], "spec.expose.passthroPort", 1, 65535)
        endpoints.append(
            {"name": "passthrough", "port": port, "visibility": "external", "basePath": f"/{name}"}
        )
    inbound = expose.get("inboundPorts", [])
    if not isinstance(inbound, list):
        raise IntegrationCrError(
            "spec.expose.inboundPorts", f"got {inbound!r}; expected a list of ports"
        )
    for i, value in enumerate(inbound):
        port = whole(value, f"spec.expose.inboundPorts[{i}]", 1, 65535)
        endpoints.append(
            {
                "name": f"inbound-{port}",
                "port": port,
                "visibility": "external",
                "basePath": f"/{name}-inbound/{port}",
            }
        )
    return endpoints


def _probe(value: Any, where: str) -> dict[str, Any]:
    probe = mapping(value, where)
    known(probe, _PROBE, where)
    handlers = [k for k in ("httpGet", "tcpSocket") if k in probe]
    if len(handlers) != 1:
        raise IntegrationCrError(
            where, "needs exactly one of httpGet or tcpSocket (exec is not supported)"
        )
    handler = mapping(probe[handlers[0]], f"{where}.{handlers[0]}")
    allowed = {"path", "port"} if handlers[0] == "httpGet" else {"port"}
    known(handler, allowed, f"{where}.{handlers[0]}")
    out: dict[str, Any] = {
        handlers[0]: {"port": whole(handler.get("port"), f"{where}.{handlers[0]}.port", 1, 65535)}
    }
    if handlers[0] == "httpGet":
        out["httpGet"]["path"] = str(handler.get("path", "/"))
    if probe.get("successThreshold", 1) not in (1, "1"):
        raise IntegrationCrError(
            f"{where}.successThreshold",
            f"got {probe['successThreshold']!r}; pdpkit probes succeed on the first success (1)",
        )
    for key, default in PROBE_DEFAULTS.items():
        out[key] = whole(
            probe.get(key, default),
            f"{where}.{key}",
            1 if key != "initialDelaySeconds" else 0,
            3600,
        )
    return out
