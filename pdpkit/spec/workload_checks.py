"""What the Kubernetes objects an integration becomes accept: resources, replicas, keys, paths.

An integration becomes a Deployment, CronJob or Job, a HorizontalPodAutoscaler, ConfigMaps,
Secrets (through ExternalSecrets), a Service and HTTPRoutes in each environment's namespace
(`pdpkit.platform`); each environment gets a ResourceQuota, a LimitRange and NetworkPolicies.
A value those objects refuse fails only at `pulumi up`, half-applied; here it is a located
error naming the spec value to change. Each rule cites the upstream check it mirrors.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable, Iterator, Mapping

from pdpkit.spec.findings import Finding
from pdpkit.spec.platform import (
    AutoscalingSpec,
    EnvironmentSpec,
    IntegrationSpec,
    PlatformSpec,
    ResourcesSpec,
)
from pdpkit.spec.quantity import INT64_MAX, bound_problem, split, value

CONFIG_KEY = re.compile(r"^[-._a-zA-Z0-9]+$")
"""A ConfigMap or Secret key: kubernetes/apimachinery v0.34.1
pkg/util/validation/validation.go:435-452 (`IsConfigMapKey`: ``[-._a-zA-Z0-9]+``, at most
253 characters, not ``.`` or ``..`` and not starting with ``..``)."""
CONFIG_KEY_MAX = 253
ROUTE_NAME_MAX = 63
"""HTTPRoute names are cut to 63 characters (`platform/integration_endpoints.py`)."""
LIMIT_RANGE_DEFAULT_REQUEST = {"cpu": "100m", "memory": "128Mi"}
"""The `defaultRequest` of each environment's LimitRange (`platform/environment_namespace.py`)."""
LIMIT_RANGE_DEFAULT = {"cpu": "500m", "memory": "512Mi"}
"""The `default` (limit) of each environment's LimitRange; its `max` is the quota."""
CONFIG_MAP_MAX_BYTES = 1024 * 1024
"""A ConfigMap's values together: kubernetes/kubernetes pkg/apis/core/validation/validation.go
`ValidateConfigMap` refuses ``totalSize > core.MaxSecretSize`` (pkg/apis/core/types.go
``MaxSecretSize = 1 * 1024 * 1024``); keys are not counted."""
TMP_MOUNT = "/tmp"  # noqa: S108 (the pod's private emptyDir, `platform/pod_template.py`)
_BINARY = ("Ki", "Mi", "Gi", "Ti")


def workload_problems(platform: PlatformSpec) -> Iterator[Finding]:
    """Every value of the platform that its Kubernetes object would refuse or silently alter."""
    for i, env in enumerate(platform.environments):
        yield from _environment(f"platform.environments[{i}]", env)
    for i, integration in enumerate(platform.integrations):
        where = f"platform.integrations[{i}]"
        yield from _resources(f"{where}.resources", integration.resources)
        yield from _config_keys(f"{where}.config", integration.config)
        yield from _mount_paths(where, integration)
        yield from _route_names(where, integration)
        yield from _route_paths(where, integration)
        yield from _env_from_secret_names(where, integration)
        for name, override in integration.overrides.items():
            at = f"{where}.overrides.{name}"
            if override.resources is not None:
                yield from _resources(f"{at}.resources", override.resources)
            yield from _config_keys(f"{at}.config", override.config)
        yield from _scaling(where, integration, platform.environments)
        yield from _config_sizes(where, integration, platform.environments)


def _environment(where: str, env: EnvironmentSpec) -> Iterator[Finding]:
    yield from _config_keys(f"{where}.config", env.config)
    yield from _too_big(f"{where}.config", "the environment-config ConfigMap", env.config.values())
    yield from _config_keys(f"{where}.secrets", env.secrets)
    for j, rule in enumerate(env.egress):
        if not rule.ports:
            yield (
                f"{where}.egress[{j}].ports",
                # kubernetes/api networking/v1/types.go NetworkPolicyEgressRule.ports: "If
                # this field is empty or missing, this rule matches all ports"
                "an empty port list opens every port of the range (a NetworkPolicy rule "
                "without ports matches all ports); list the ports, e.g. [443]",
            )
        for k, port in enumerate(rule.ports):
            if not 1 <= port <= 65535:
                # apimachinery v0.34.1 pkg/util/validation/validation.go:301 IsValidPortNum
                yield (
                    f"{where}.egress[{j}].ports[{k}]",
                    f"{port} is not a port; a NetworkPolicy port is 1-65535",
                )
    quota = env.quota
    for kind in ("cpu", "memory"):
        amount = getattr(quota, kind)
        problem = bound_problem(amount) or _absurd(kind, amount)
        if problem is not None:
            yield f"{where}.quota.{kind}", f"{problem}; {_EXAMPLE[kind]}"
            continue
        # kubernetes/kubernetes pkg/apis/core/validation/validation.go ValidateLimitRange:
        # "default value %s is greater than max value %s" (and the same for defaultRequest);
        # the LimitRange's max is the quota, its default the constants above.
        floor = LIMIT_RANGE_DEFAULT[kind]
        if value(amount) < value(floor):
            yield (
                f"{where}.quota.{kind}",
                f"{amount} is below {floor}, the default {kind} limit of the environment's "
                f"LimitRange, whose max is the quota: the API server refuses a LimitRange whose "
                f"default exceeds its max; set quota.{kind} to {floor} or more",
            )
    if quota.pods > INT64_MAX:
        yield f"{where}.quota.pods", f"{quota.pods} is more than 2^63-1; use a sane pod count"


_EXAMPLE = {"cpu": "write CPU as cores or millicores, e.g. 500m or 2", "memory": "e.g. 512Mi"}


def _absurd(kind: str, amount: str) -> str | None:
    """Quantities Kubernetes takes but nobody means: millibytes, kibi-cores."""
    _, suffix = split(amount)
    if kind == "memory" and suffix == "m":
        return f"{amount} is {value(amount)} bytes (m means milli); did you mean {amount[:-1]}Mi?"
    if kind == "cpu" and suffix in _BINARY:
        return f"{amount} is {value(amount)} CPU cores ({suffix} is a byte unit)"
    if kind == "cpu" and value(amount) * 1000 > INT64_MAX:
        return f"{amount} CPU overflows the millicores Kubernetes counts CPU in"
    return None


def _resources(where: str, resources: ResourcesSpec) -> Iterator[Finding]:
    valid: dict[str, bool] = {}
    for side in ("requests", "limits"):
        for kind in ("cpu", "memory"):
            amount = getattr(getattr(resources, side), kind)
            problem = bound_problem(amount) or _absurd(kind, amount)
            valid[f"{side}.{kind}"] = problem is None
            if problem is not None:
                yield f"{where}.{side}.{kind}", f"{problem}; {_EXAMPLE[kind]}"
            elif side == "limits" and value(amount) == 0:
                yield (
                    f"{where}.limits.{kind}",
                    f"a {kind} limit of {amount} leaves the container no {kind}; set a limit "
                    f"above 0, e.g. {LIMIT_RANGE_DEFAULT[kind]}",
                )
    for kind in ("cpu", "memory"):
        if not (valid[f"requests.{kind}"] and valid[f"limits.{kind}"]):
            continue
        request = getattr(resources.requests, kind)
        limit = getattr(resources.limits, kind)
        # kubernetes/kubernetes pkg/apis/core/validation/validation.go
        # ValidateResourceRequirements: "must be less than or equal to %s limit"
        if value(request) > value(limit):
            yield (
                f"{where}.requests.{kind}",
                f"request {request} is above the {kind} limit {limit}; Kubernetes requires "
                f"requests <= limits: lower the request or raise the limit (an override's "
                "resources replace both requests and limits)",
            )


def _config_keys(where: str, mapping: Mapping[str, object]) -> Iterator[Finding]:
    for key in mapping:
        if len(key) > CONFIG_KEY_MAX or not CONFIG_KEY.match(key) or key.startswith(".."):
            yield (
                f"{where}.{key}",
                f"{key!r} cannot be a ConfigMap or Secret key: Kubernetes allows letters, "
                f"digits, '-', '_' and '.' (at most {CONFIG_KEY_MAX}, not '.', not starting "
                "with '..'); rename it, e.g. "
                + repr(re.sub(r"[^-._a-zA-Z0-9]", "_", key).lstrip(".") or "KEY"),
            )
        elif key == ".":
            yield f"{where}.{key}", "'.' cannot be a ConfigMap or Secret key; rename it"


def _mount_paths(where: str, integration: IntegrationSpec) -> Iterator[Finding]:
    for j, file in enumerate(integration.config_files):
        path = file.mount_path
        at = f"{where}.configFiles[{j}].mountPath"
        if ".." in path.split("/") or "." in path.split("/")[1:]:
            yield (
                at,
                f"{path!r} has a '.' or '..' segment; write the absolute path without them, "
                f"e.g. {posixpath.normpath(path)!r}",
            )
        elif posixpath.normpath(path) in (TMP_MOUNT, "/"):
            yield (
                at,
                f"{path!r} is a directory every integration mounts (or the root); Kubernetes "
                "refuses two mounts at one path (ValidateVolumeMounts: 'must be unique'): "
                "mount the file at its own path, e.g. /etc/app/config.yaml",
            )


def _route_names(where: str, integration: IntegrationSpec) -> Iterator[Finding]:
    """HTTPRoute names are cut to 63 characters; two cut to the same name would collide."""
    seen: dict[str, int] = {}
    for j, endpoint in enumerate(integration.endpoints):
        name = f"{integration.name}-{endpoint.name}"[:ROUTE_NAME_MAX].rstrip("-")
        if name in seen:
            yield (
                f"{where}.endpoints[{j}].name",
                f"the HTTPRoute of this endpoint and of endpoints[{seen[name]}] are both named "
                f"{name!r} (names are cut to {ROUTE_NAME_MAX} characters); shorten the "
                "integration's name or make the endpoint names differ earlier",
            )
        seen.setdefault(name, j)


def _scaling(
    where: str, integration: IntegrationSpec, environments: tuple[EnvironmentSpec, ...]
) -> Iterator[Finding]:
    """Per environment (overrides applied), an autoscaler Kubernetes would accept as meant."""
    reported: set[str] = set()
    for env in environments:
        override = integration.overrides.get(env.name)
        replicas, replicas_at = integration.replicas, f"{where}.replicas"
        if override is not None and override.replicas is not None:
            replicas, replicas_at = override.replicas, f"{where}.overrides.{env.name}.replicas"
        scaling: AutoscalingSpec = integration.autoscaling
        scaling_at = f"{where}.autoscaling"
        if override is not None and override.autoscaling is not None:
            scaling, scaling_at = override.autoscaling, f"{where}.overrides.{env.name}.autoscaling"
        if not scaling.enabled:
            continue
        problems: list[Finding] = []
        if integration.kind.value != "service":
            problems.append(
                (
                    f"{scaling_at}.enabled",
                    f"a {integration.kind.value} has no Deployment to autoscale; remove "
                    "autoscaling (tasks run one pod per run)",
                )
            )
        elif scaling.max_replicas < replicas:
            # kubernetes/kubernetes pkg/apis/autoscaling/validation/validation.go
            # ValidateHorizontalPodAutoscalerSpec: "must be greater than or equal to
            # `minReplicas`"; pdpkit's minReplicas is `replicas`.
            problems.append(
                (
                    f"{scaling_at}.maxReplicas",
                    f"maxReplicas {scaling.max_replicas} is below replicas {replicas} "
                    f"(the autoscaler's minimum, {replicas_at}) in environment {env.name}; "
                    "raise maxReplicas or lower replicas",
                )
            )
        elif replicas == 0:
            problems.append(
                (
                    replicas_at,
                    f"replicas 0 with autoscaling in environment {env.name}: an autoscaler's "
                    "minReplicas is at least 1 (scale to zero is an alpha feature gate), so "
                    "it would run a pod anyway; disable autoscaling or set replicas >= 1",
                )
            )
        for problem in problems:
            if problem[0] not in reported:
                reported.add(problem[0])
                yield problem


def _too_big(where: str, what: str, values: Iterable[str]) -> Iterator[Finding]:
    size = sum(len(v.encode()) for v in values)
    if size > CONFIG_MAP_MAX_BYTES:
        yield (
            where,
            f"{what} would hold {size} bytes; Kubernetes allows {CONFIG_MAP_MAX_BYTES} (1 MiB) "
            "per ConfigMap: move large content into the image or an object store",
        )


def _config_sizes(
    where: str, integration: IntegrationSpec, environments: tuple[EnvironmentSpec, ...]
) -> Iterator[Finding]:
    yield from _too_big(
        f"{where}.configFiles",
        "the configuration files' ConfigMap",
        (f.content for f in integration.config_files),
    )
    for env in environments:
        override = integration.overrides.get(env.name)
        config = {**integration.config, **env.config, **(override.config if override else {})}
        found = list(
            _too_big(
                f"{where}.config", f"the configuration ConfigMap in {env.name}", config.values()
            )
        )
        yield from found
        if found:
            return  # one environment says it; the others repeat it


def _env_from_secret_names(where: str, integration: IntegrationSpec) -> Iterator[Finding]:
    """Each ``envFromSecrets`` entry is an ExternalSecret whose logical (state) name carries its
    key with '/' as '-' (`platform/integration_workload.py`); two entries with one such name
    would be one resource declared twice, which the engine refuses."""
    seen: dict[str, int] = {}
    for j, ref in enumerate(integration.env_from_secrets):
        name = ref.key.replace("/", "-")
        if name in seen:
            yield (
                f"{where}.envFromSecrets[{j}].key",
                f"{ref.key!r} reads the same secret as envFromSecrets[{seen[name]}] "
                f"({integration.env_from_secrets[seen[name]].key!r}); read it once (without "
                "property, every property becomes a variable) or use separate secrets",
            )
        seen.setdefault(name, j)


def _route_paths(where: str, integration: IntegrationSpec) -> Iterator[Finding]:
    """The HTTPRoute path ``<basePath>/<apiVersion>`` (`platform/integration_endpoints.py`) as
    Gateway API's HTTPPathMatch validates a PathPrefix (kubernetes-sigs/gateway-api
    apis/v1/httproute_types.go XValidations: must not contain '//', '/./' or '/../', must
    not end with '/..' or '/.')."""
    api_version = integration.track.api_version
    for j, endpoint in enumerate(integration.endpoints):
        path = f"{endpoint.base_path.rstrip('/')}/{api_version}"
        segments = endpoint.base_path.split("/")
        if "//" in path or "." in segments or ".." in segments:
            yield (
                f"{where}.endpoints[{j}].basePath",
                f"{endpoint.base_path!r} makes the route path {path!r}, which Gateway API "
                "refuses (no empty, '.' or '..' segment); write the path plainly, e.g. "
                f"{'/' + '/'.join(s for s in segments if s not in ('', '.', '..'))!r}",
            )
