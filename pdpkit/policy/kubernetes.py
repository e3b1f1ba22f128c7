"""Kubernetes workload rules: the pods of Pods, Deployments, StatefulSets, DaemonSets, Jobs and
CronJobs declared directly (objects inside Helm releases are not visible and are skipped)."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from pdpkit.policy.kubernetes_workloads import (
    LONG_RUNNING,
    WORKLOADS,
    each_container,
    pod_spec,
    security,
)
from pdpkit.policy.model import ADVISORY, MANDATORY, PolicyContext, resource_rule
from pdpkit.policy.wire import SECRET, dig, is_false, is_true, is_unknown, items
from pdpkit.versions import CHARTS

SECRET_TYPE = "kubernetes:core/v1:Secret"  # noqa: S105 (a type token)
RBAC_ROLES = (
    "kubernetes:rbac.authorization.k8s.io/v1:Role",
    "kubernetes:rbac.authorization.k8s.io/v1:ClusterRole",
)
DIGEST = re.compile(r"@sha256:[0-9a-f]{64}$")


@resource_rule(
    "K8S-POD-NON-ROOT",
    MANDATORY,
    WORKLOADS,
    "Containers run as a non-root user (runAsNonRoot, and no runAsUser 0).",
    "Set securityContext.runAsNonRoot: true and a non-zero runAsUser on the pod or container.",
)
def pod_non_root(type_: str, inputs: Mapping[str, Any], _ctx: PolicyContext) -> Iterator[str]:
    for name, container, spec in each_container(type_, inputs):
        if security(container, spec, "runAsUser") == 0:
            yield f"container {name} runs as user 0"
        elif not is_true(security(container, spec, "runAsNonRoot")):
            yield f"container {name} may run as root (runAsNonRoot is not true)"


@resource_rule(
    "K8S-POD-READ-ONLY-ROOT-FS",
    MANDATORY,
    WORKLOADS,
    "Containers have a read-only root filesystem; writable paths are explicit emptyDir volumes.",
    "Set securityContext.readOnlyRootFilesystem: true; mount an emptyDir where writes are needed.",
)
def pod_read_only_root(type_: str, inputs: Mapping[str, Any], _ctx: PolicyContext) -> Iterator[str]:
    for name, container, _spec in each_container(type_, inputs):
        if not is_true(dig(container, "securityContext", "readOnlyRootFilesystem")):
            yield f"container {name} has a writable root filesystem"


@resource_rule(
    "K8S-POD-NO-PRIVILEGE-ESCALATION",
    MANDATORY,
    WORKLOADS,
    "Containers are not privileged and cannot gain privileges (setuid binaries, etc.).",
    "Set securityContext.allowPrivilegeEscalation: false and leave privileged unset.",
)
def pod_no_privilege_escalation(
    type_: str, inputs: Mapping[str, Any], _ctx: PolicyContext
) -> Iterator[str]:
    for name, container, _spec in each_container(type_, inputs):
        if is_true(dig(container, "securityContext", "privileged")):
            yield f"container {name} is privileged"
        if not is_false(dig(container, "securityContext", "allowPrivilegeEscalation")):
            yield f"container {name} allows privilege escalation"


@resource_rule(
    "K8S-POD-DROP-CAPABILITIES",
    MANDATORY,
    WORKLOADS,
    "Containers drop every Linux capability (and add back only NET_BIND_SERVICE if needed).",
    "Set securityContext.capabilities.drop: [ALL].",
)
def pod_drop_capabilities(
    type_: str, inputs: Mapping[str, Any], _ctx: PolicyContext
) -> Iterator[str]:
    for name, container, _spec in each_container(type_, inputs):
        caps = dig(container, "securityContext", "capabilities")
        if "ALL" not in items(caps, "drop"):
            yield f"container {name} does not drop ALL capabilities"
        added = sorted(set(items(caps, "add")) - {"NET_BIND_SERVICE"})
        if added:
            yield f"container {name} adds capabilities {', '.join(added)}"


@resource_rule(
    "K8S-POD-SECCOMP",
    MANDATORY,
    WORKLOADS,
    "Containers run under the RuntimeDefault (or a Localhost) seccomp profile.",
    "Set securityContext.seccompProfile.type: RuntimeDefault on the pod.",
)
def pod_seccomp(type_: str, inputs: Mapping[str, Any], _ctx: PolicyContext) -> Iterator[str]:
    for name, container, spec in each_container(type_, inputs):
        profile = dig(security(container, spec, "seccompProfile"), "type")
        if profile not in ("RuntimeDefault", "Localhost"):
            yield f"container {name} has seccomp profile {profile or 'unset (Unconfined)'}"


@resource_rule(
    "K8S-POD-HOST-ISOLATION",
    MANDATORY,
    WORKLOADS,
    "Pods share no host namespace (network, PID, IPC), mount no hostPath and bind no host port.",
    "Remove hostNetwork/hostPID/hostIPC, hostPath volumes and hostPort.",
)
def pod_host_isolation(type_: str, inputs: Mapping[str, Any], _ctx: PolicyContext) -> Iterator[str]:
    spec = pod_spec(type_, inputs)
    for key in ("hostNetwork", "hostPID", "hostIPC"):
        if is_true(dig(spec, key)):
            yield f"the pod sets {key}"
    for volume in items(spec, "volumes"):
        if dig(volume, "hostPath") is not None:
            yield f"volume {dig(volume, 'name')} mounts a host path"
    for name, container, _spec in each_container(type_, inputs):
        if any(dig(p, "hostPort") for p in items(container, "ports")):
            yield f"container {name} binds a host port"


@resource_rule(
    "K8S-POD-RESOURCES",
    MANDATORY,
    WORKLOADS,
    "Every container requests and limits CPU and memory (scheduling, quotas, no noisy neighbour).",
    "Set resources.requests and resources.limits (cpu and memory) on every container.",
)
def pod_resources(type_: str, inputs: Mapping[str, Any], _ctx: PolicyContext) -> Iterator[str]:
    for name, container, _spec in each_container(type_, inputs):
        missing = [
            f"{kind}.{resource}"
            for kind in ("requests", "limits")
            for resource in ("cpu", "memory")
            if dig(container, "resources", kind, resource) in (None, "")
        ]
        if missing:
            yield f"container {name} has no {', '.join(missing)}"


@resource_rule(
    "K8S-POD-PROBES",
    MANDATORY,
    LONG_RUNNING,
    "Long-running containers have liveness and readiness probes (zero-downtime rollouts are "
    "readiness-gated).",
    "Add livenessProbe and readinessProbe to every container of the Deployment, StatefulSet "
    "or DaemonSet.",
)
def pod_probes(type_: str, inputs: Mapping[str, Any], _ctx: PolicyContext) -> Iterator[str]:
    for name, container, _spec in each_container(type_, inputs, init=False):
        missing = [p for p in ("livenessProbe", "readinessProbe") if not dig(container, p)]
        if missing:
            yield f"container {name} has no {' and '.join(missing)}"


@resource_rule(
    "K8S-POD-IMAGE-DIGEST",
    MANDATORY,
    WORKLOADS,
    "Images are pinned by digest (repo@sha256:…): what was tested and promoted is what runs.",
    "Reference every image as <repository>@sha256:<digest>.",
)
def pod_image_digest(type_: str, inputs: Mapping[str, Any], _ctx: PolicyContext) -> Iterator[str]:
    for name, container, _spec in each_container(type_, inputs):
        image = str(dig(container, "image") or "")
        if not is_unknown(image) and not DIGEST.search(image):
            yield f"container {name} image {image or '(none)'} is not pinned by digest"


def image_tag(image: str) -> str | None:
    """The tag of an image reference (None when it has none)."""
    reference = image.split("@", 1)[0]
    last = reference.rsplit("/", 1)[-1]
    return last.split(":", 1)[1] if ":" in last else None


@resource_rule(
    "K8S-POD-NO-LATEST-TAG",
    MANDATORY,
    WORKLOADS,
    "No image uses the `latest` tag, explicitly or by having neither tag nor digest.",
    "Pin the image by digest (and, if you keep a tag, a version tag).",
)
def pod_no_latest(type_: str, inputs: Mapping[str, Any], _ctx: PolicyContext) -> Iterator[str]:
    for name, container, _spec in each_container(type_, inputs):
        image = str(dig(container, "image") or "")
        if is_unknown(image):
            continue
        tag = image_tag(image)
        if tag == "latest" or (tag is None and "@" not in image):
            yield f"container {name} image {image} resolves to latest"


@resource_rule(
    "K8S-POD-SA-TOKEN",
    ADVISORY,
    WORKLOADS,
    "Pods on the default service account do not mount an API token they do not need.",
    "Set automountServiceAccountToken: false, or give the pod its own service account.",
)
def pod_sa_token(type_: str, inputs: Mapping[str, Any], _ctx: PolicyContext) -> Iterator[str]:
    spec = pod_spec(type_, inputs)
    account = dig(spec, "serviceAccountName") or "default"
    if account == "default" and not is_false(dig(spec, "automountServiceAccountToken")):
        yield "the pod mounts the default service account's token"


@resource_rule(
    "K8S-RBAC-NO-WILDCARD",
    MANDATORY,
    RBAC_ROLES,
    "Roles name the verbs and resources they grant; no `*` (least privilege, e.g. the agent's "
    "RBAC is scoped to what it manages).",
    "Replace `*` in verbs and resources with the explicit list needed.",
)
def rbac_no_wildcard(_type: str, inputs: Mapping[str, Any], _ctx: PolicyContext) -> Iterator[str]:
    for i, rule in enumerate(items(inputs, "rules")):
        wild = [k for k in ("verbs", "resources") if "*" in items(rule, k)]
        if wild:
            yield f"rule {i} grants `*` {' and '.join(wild)}"


SECRET_NAME = re.compile(
    r"(password|passwd|secret|token|api_?key|private_?key|credentials?)$", re.IGNORECASE
)
SECRET_VALUE = re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----|\bAKIA[0-9A-Z]{16}\b")
CONFIG_MAP = "kubernetes:core/v1:ConfigMap"


def looks_secret(name: str, value: Any) -> bool:
    """A named value that reads like a credential, or a value shaped like a key."""
    if not isinstance(value, str) or not value or is_unknown(value):
        return False
    return bool(SECRET_NAME.search(name.replace("-", "_")) or SECRET_VALUE.search(value))


@resource_rule(
    "K8S-NO-PLAIN-SECRETS",
    MANDATORY,
    (*WORKLOADS, CONFIG_MAP, SECRET_TYPE),
    "No credential in the clear: no literal env var or ConfigMap key named like a password, "
    "token or key (or holding a private key or an AWS access key), and a Secret declared by "
    "the program carries Pulumi secrets only. Secrets come from the key vault through "
    "External Secrets.",
    "Reference the secret in the key vault (env `secret:` in the spec, an ExternalSecret), or "
    "wrap the value in pulumi.Output.secret.",
    crossguard=False,  # CrossGuard sees secrets unwrapped: only the offline plan can tell.
)
def no_plain_secrets(type_: str, inputs: Mapping[str, Any], _ctx: PolicyContext) -> Iterator[str]:
    if type_ == SECRET_TYPE:
        for field in ("data", "stringData"):
            value = dig(inputs, field)
            if value is None or value == SECRET:
                continue
            plain = (
                sorted(str(k) for k, v in value.items() if v != SECRET)
                if isinstance(value, Mapping)
                else [field]
            )
            if plain:
                yield f"{field} holds values in the clear: {', '.join(plain)}"
    elif type_ == CONFIG_MAP:
        data = dig(inputs, "data")
        for key, value in data.items() if isinstance(data, Mapping) else []:
            if looks_secret(str(key), value):
                yield f"ConfigMap key {key} holds a credential in the clear"
    else:
        for name, container, _spec in each_container(type_, inputs):
            for env in items(container, "env"):
                if looks_secret(str(dig(env, "name") or ""), dig(env, "value")):
                    yield f"container {name} env {dig(env, 'name')} is a literal credential"


HELM_RELEASE = "kubernetes:helm.sh/v3:Release"


@resource_rule(
    "K8S-HELM-RELEASE-SIZE",
    MANDATORY,
    (HELM_RELEASE,),
    "No chart whose Helm release record approaches the 1 MiB limit of the Secret Helm stores "
    "it in is installed as a Helm release: the install fails (helm/helm#12277). The charts "
    "are listed in pdpkit/versions.py (release_record_near_limit).",
    "Render the chart and apply it server-side (kubernetes.helm.v4.Chart), as its README says.",
)
def helm_release_size(type_: str, inputs: Mapping[str, Any], _ctx: PolicyContext) -> Iterator[str]:
    ref = str(inputs.get("chart") or "")
    for entry in CHARTS:
        if entry.release_record_near_limit and ref in {entry.chart, entry.chart_ref}:
            yield (
                f"{entry.chart} as a Helm release: its record approaches the 1 MiB Secret limit "
                f"({entry.release_record_near_limit})"
            )
