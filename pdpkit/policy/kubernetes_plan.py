"""Kubernetes rules over the whole plan: namespaces and their network policies, Services,
and the PDP agent (which dials out and is never reached)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from pdpkit.policy.kubernetes_workloads import WORKLOADS, each_container
from pdpkit.policy.model import ADVISORY, MANDATORY, PolicyContext, plan_rule, resource_rule
from pdpkit.policy.model import PolicyResource as Resource
from pdpkit.policy.wire import dig, items

NAMESPACE = "kubernetes:core/v1:Namespace"
SERVICE = "kubernetes:core/v1:Service"
NETWORK_POLICY = "kubernetes:networking.k8s.io/v1:NetworkPolicy"
CILIUM_POLICY = "kubernetes:cilium.io/v2:CiliumNetworkPolicy"
RESOURCE_QUOTA = "kubernetes:core/v1:ResourceQuota"
LIMIT_RANGE = "kubernetes:core/v1:LimitRange"
ENVIRONMENT_LABEL = "pdpkit.io/environment"
"""The label the platform layer puts on every environment namespace."""
GATEWAY_LABELS = ("gateway.networking.k8s.io/gateway-name", "pdpkit.io/gateway")
"""Labels that mark a Service as a Gateway's (the only ones behind a load balancer)."""
AGENT_NAMES = frozenset({"pdp-agent", "agent"})


def name_of(obj: Mapping[str, Any]) -> str:
    return str(dig(obj, "metadata", "name") or "")


def namespace_of(obj: Mapping[str, Any]) -> str:
    return str(dig(obj, "metadata", "namespace") or "default")


def labels_of(obj: Mapping[str, Any]) -> Mapping[str, Any]:
    found = dig(obj, "metadata", "labels")
    return found if isinstance(found, Mapping) else {}


def environment_namespaces(resources: Sequence[Resource]) -> list[Resource]:
    return [
        r for r in resources if r.type == NAMESPACE and ENVIRONMENT_LABEL in labels_of(r.inputs)
    ]


def in_namespace(
    resources: Sequence[Resource], types: Sequence[str], namespace: str
) -> list[Resource]:
    return [r for r in resources if r.type in types and namespace_of(r.inputs) == namespace]


def is_default_deny(policy: Mapping[str, Any]) -> bool:
    """Selects every pod, covers ingress and egress, and allows nothing."""
    spec = dig(policy, "spec")
    selector = dig(spec, "podSelector")
    selects_all = (
        isinstance(selector, Mapping)
        and not dig(selector, "matchLabels")
        and not dig(selector, "matchExpressions")
    )
    types = set(items(spec, "policyTypes"))
    return (
        selects_all
        and {"Ingress", "Egress"} <= types
        and not items(spec, "ingress")
        and not items(spec, "egress")
    )


@plan_rule(
    "K8S-NS-DEFAULT-DENY",
    MANDATORY,
    "Every environment namespace has a default-deny NetworkPolicy (all pods, ingress and "
    "egress, nothing allowed); traffic is then allowed explicitly (same namespace, gateways, "
    "DNS, declared egress).",
    "Add a NetworkPolicy with podSelector: {} and policyTypes [Ingress, Egress] and no rules.",
)
def ns_default_deny(
    resources: Sequence[Resource], _ctx: PolicyContext
) -> Iterator[tuple[Resource, str]]:
    for ns in environment_namespaces(resources):
        policies = in_namespace(resources, (NETWORK_POLICY,), name_of(ns.inputs))
        if not any(is_default_deny(p.inputs) for p in policies):
            yield ns, f"namespace {name_of(ns.inputs)} has no default-deny NetworkPolicy"


@plan_rule(
    "K8S-NS-POD-SECURITY",
    MANDATORY,
    "Every environment namespace enforces the Pod Security `restricted` standard.",
    "Label the namespace pod-security.kubernetes.io/enforce: restricted.",
)
def ns_pod_security(
    resources: Sequence[Resource], _ctx: PolicyContext
) -> Iterator[tuple[Resource, str]]:
    for ns in environment_namespaces(resources):
        level = labels_of(ns.inputs).get("pod-security.kubernetes.io/enforce")
        if level != "restricted":
            yield ns, f"namespace {name_of(ns.inputs)} enforces Pod Security {level or 'nothing'}"


@plan_rule(
    "K8S-NS-QUOTA",
    ADVISORY,
    "Every environment namespace has a ResourceQuota and a LimitRange.",
    "Add a ResourceQuota and a LimitRange to the namespace (the environment's quota).",
)
def ns_quota(resources: Sequence[Resource], _ctx: PolicyContext) -> Iterator[tuple[Resource, str]]:
    for ns in environment_namespaces(resources):
        name = name_of(ns.inputs)
        for kind, type_ in (("ResourceQuota", RESOURCE_QUOTA), ("LimitRange", LIMIT_RANGE)):
            if not in_namespace(resources, (type_,), name):
                yield ns, f"namespace {name} has no {kind}"


@resource_rule(
    "K8S-SVC-NO-LOADBALANCER",
    MANDATORY,
    [SERVICE],
    "No Service of type LoadBalancer outside the gateways: traffic enters through the external "
    "or internal Gateway only (TLS, routes, policies in one place).",
    "Use type ClusterIP and expose the port through an HTTPRoute on a gateway.",
)
def svc_no_loadbalancer(
    _type: str, inputs: Mapping[str, Any], _ctx: PolicyContext
) -> Iterator[str]:
    if dig(inputs, "spec", "type") == "LoadBalancer" and not any(
        label in labels_of(inputs) for label in GATEWAY_LABELS
    ):
        yield f"Service {name_of(inputs)} is a LoadBalancer but not a gateway's"


@resource_rule(
    "K8S-SVC-NO-NODEPORT",
    ADVISORY,
    [SERVICE],
    "No Service opens a port on every node (NodePort) or claims external IPs.",
    "Use type ClusterIP behind a gateway.",
)
def svc_no_nodeport(_type: str, inputs: Mapping[str, Any], _ctx: PolicyContext) -> Iterator[str]:
    if dig(inputs, "spec", "type") == "NodePort":
        yield f"Service {name_of(inputs)} is a NodePort"
    if items(inputs, "spec", "externalIPs"):
        yield f"Service {name_of(inputs)} claims external IPs"


def is_agent(resource: Resource) -> bool:
    """The PDP agent's workload (by its recommended labels or its name)."""
    labels = labels_of(resource.inputs)
    names = {
        labels.get("app.kubernetes.io/name"),
        labels.get("app.kubernetes.io/component"),
        name_of(resource.inputs),
    }
    return resource.type in WORKLOADS and bool(names & AGENT_NAMES)


def pod_labels(resource: Resource) -> Mapping[str, Any]:
    found = dig(resource.inputs, "spec", "template", "metadata", "labels")
    return found if isinstance(found, Mapping) else labels_of(resource.inputs)


def selects(selector: Any, labels: Mapping[str, Any]) -> bool:
    """Whether a label selector (a plain map or matchLabels) matches `labels`."""
    if not isinstance(selector, Mapping):
        return False
    wanted = selector.get("matchLabels", selector)
    return bool(wanted) and all(labels.get(k) == v for k, v in wanted.items())


@plan_rule(
    "K8S-AGENT-NO-INBOUND",
    MANDATORY,
    "The PDP agent dials the control plane outbound and is never reached: its containers "
    "declare no port, no Service selects it, and a NetworkPolicy denies it all ingress.",
    "Remove the agent's ports and Services; select it in a NetworkPolicy with policyTypes "
    "[Ingress] and no ingress rules (or rely on the namespace's default-deny).",
)
def agent_no_inbound(
    resources: Sequence[Resource], _ctx: PolicyContext
) -> Iterator[tuple[Resource, str]]:
    for agent in (r for r in resources if is_agent(r)):
        for name, container, _spec in each_container(agent.type, agent.inputs):
            if items(container, "ports"):
                yield agent, f"agent container {name} declares ports"
        namespace, labels = namespace_of(agent.inputs), pod_labels(agent)
        for svc in in_namespace(resources, (SERVICE,), namespace):
            if selects(dig(svc.inputs, "spec", "selector"), labels):
                yield agent, f"Service {name_of(svc.inputs)} routes traffic to the agent"
        if not _ingress_denied(resources, namespace, labels):
            yield agent, "no NetworkPolicy denies ingress to the agent"


@plan_rule(
    "K8S-AGENT-EGRESS",
    MANDATORY,
    "The PDP agent's egress is limited by a NetworkPolicy (control plane, API server, DNS).",
    "Select the agent in a NetworkPolicy with policyTypes [Egress] and the allowed destinations.",
)
def agent_egress(
    resources: Sequence[Resource], _ctx: PolicyContext
) -> Iterator[tuple[Resource, str]]:
    for agent in (r for r in resources if is_agent(r)):
        namespace, labels = namespace_of(agent.inputs), pod_labels(agent)
        policies = [
            p
            for p in _policies_for(resources, namespace, labels)
            if "Egress" in items(p.inputs, "spec", "policyTypes")
        ]
        if not policies:
            yield agent, "no NetworkPolicy limits the agent's egress"


def _policies_for(
    resources: Sequence[Resource], namespace: str, labels: Mapping[str, Any]
) -> list[Resource]:
    found = []
    for policy in in_namespace(resources, (NETWORK_POLICY,), namespace):
        selector = dig(policy.inputs, "spec", "podSelector")
        if selector == {} or selects(selector, labels):
            found.append(policy)
    return found


def _ingress_denied(
    resources: Sequence[Resource], namespace: str, labels: Mapping[str, Any]
) -> bool:
    policies = _policies_for(resources, namespace, labels)
    covered = [p for p in policies if "Ingress" in items(p.inputs, "spec", "policyTypes")]
    return bool(covered) and not any(items(p.inputs, "spec", "ingress") for p in covered)
