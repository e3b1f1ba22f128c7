"""Reading Kubernetes workload objects as the policy sees them: the pod spec of each kind
and its containers, with the pod's security settings as their defaults."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from pdpkit.policy.wire import dig, items

POD = "kubernetes:core/v1:Pod"
DEPLOYMENT = "kubernetes:apps/v1:Deployment"
STATEFUL_SET = "kubernetes:apps/v1:StatefulSet"
DAEMON_SET = "kubernetes:apps/v1:DaemonSet"
REPLICA_SET = "kubernetes:apps/v1:ReplicaSet"
JOB = "kubernetes:batch/v1:Job"
CRON_JOB = "kubernetes:batch/v1:CronJob"
WORKLOADS = (POD, DEPLOYMENT, STATEFUL_SET, DAEMON_SET, REPLICA_SET, JOB, CRON_JOB)
LONG_RUNNING = (DEPLOYMENT, STATEFUL_SET, DAEMON_SET, REPLICA_SET)


def pod_spec(type_: str, inputs: Mapping[str, Any]) -> Mapping[str, Any]:
    """The pod spec of a workload object."""
    if type_ == POD:
        found = dig(inputs, "spec")
    elif type_ == CRON_JOB:
        found = dig(inputs, "spec", "jobTemplate", "spec", "template", "spec")
    else:
        found = dig(inputs, "spec", "template", "spec")
    return found if isinstance(found, Mapping) else {}


def containers(spec: Mapping[str, Any], init: bool = True) -> list[Mapping[str, Any]]:
    """The containers of a pod spec (and its init containers unless `init` is false)."""
    found = items(spec, "containers") + (items(spec, "initContainers") if init else [])
    return [c for c in found if isinstance(c, Mapping)]


def security(container: Mapping[str, Any], spec: Mapping[str, Any], key: str) -> Any:
    """A security setting, the container's overriding the pod's."""
    value = dig(container, "securityContext", key)
    return dig(spec, "securityContext", key) if value is None else value


def each_container(
    type_: str, inputs: Mapping[str, Any], init: bool = True
) -> Iterator[tuple[str, Mapping[str, Any], Mapping[str, Any]]]:
    """(name, container, pod spec) of every container of a workload object."""
    spec = pod_spec(type_, inputs)
    for container in containers(spec, init):
        yield str(dig(container, "name") or "?"), container, spec
