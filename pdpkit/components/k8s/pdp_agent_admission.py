"""The PDP agent may ask Flux to reconcile, and nothing more: an admission policy.

Why a ValidatingAdmissionPolicy rather than a notification-controller `Receiver`: a Receiver
would need the notification controller running, a webhook Service the agent reaches inside
flux-system (a new network path into Flux's namespace) and one more shared token; the policy
needs no controller, no port and no secret, and it is enforced by the API server itself
(admissionregistration.k8s.io/v1, GA in Kubernetes 1.30, kubernetes/enhancements KEP-3488;
every supported `kubernetesVersion` is newer). The agent keeps RBAC `patch` on the Flux
objects (its request is the metadata merge patch `flux reconcile` sends: fluxcd/flux2 v2.8.5
cmd/flux/reconcile.go:159-190 sets `reconcile.fluxcd.io/requestedAt`, the constant
`meta.ReconcileRequestAnnotation` of fluxcd/pkg apis/meta), and the policy denies any update
by the agent that changes anything else: ``spec``, labels, other annotations, finalizers,
owner references. `failurePolicy: Fail`: if the policy cannot be evaluated (including a CEL
runtime cost over budget, kubernetes/kubernetes#115747; the expressions walk only the
object's annotations), the patch is refused.
"""

from __future__ import annotations

import pulumi
import pulumi_kubernetes as k8s

from pdpkit.components.k8s.objects import MANAGED_BY

REQUESTED_AT = "reconcile.fluxcd.io/requestedAt"
POLICY = "pdp-agent-reconcile-only"

FLUX_KINDS = {
    "source.toolkit.fluxcd.io": ["gitrepositories", "helmrepositories"],
    "kustomize.toolkit.fluxcd.io": ["kustomizations"],
    "helm.toolkit.fluxcd.io": ["helmreleases"],
}
"""The Flux objects the agent may request a reconcile of (and only that)."""


def _unchanged(field: str) -> str:
    """CEL: an optional metadata field is present in both or neither, and equal."""
    new, old = f"object.metadata.{field}", f"oldObject.metadata.{field}"
    return f"has({new}) == has({old}) && (!has({new}) || {new} == {old})"


VALIDATIONS: tuple[tuple[str, str], ...] = (
    ("object.spec == oldObject.spec", "the PDP agent may not change spec"),
    (_unchanged("labels"), "the PDP agent may not change labels"),
    (_unchanged("finalizers"), "the PDP agent may not change finalizers"),
    (_unchanged("ownerReferences"), "the PDP agent may not change owner references"),
    (
        # every annotation the agent sends, other than the request, was there with that value
        "!has(object.metadata.annotations) || object.metadata.annotations.all(k, "
        f"k == '{REQUESTED_AT}' || (has(oldObject.metadata.annotations) && "
        "k in oldObject.metadata.annotations && "
        "oldObject.metadata.annotations[k] == object.metadata.annotations[k]))",
        f"the PDP agent may only set the {REQUESTED_AT} annotation",
    ),
    (
        # and it removed none
        "!has(oldObject.metadata.annotations) || oldObject.metadata.annotations.all(k, "
        f"k == '{REQUESTED_AT}' || (has(object.metadata.annotations) && "
        "k in object.metadata.annotations))",
        "the PDP agent may not remove annotations",
    ),
)
"""(CEL expression, message): each must hold for an update by the agent to be admitted."""


def agent_username(namespace: str, service_account: str) -> str:
    """The user name the API server gives a service account's requests."""
    return f"system:serviceaccount:{namespace}:{service_account}"


def reconcile_only_policy(
    name: str, username: str, opts: pulumi.ResourceOptions
) -> tuple[pulumi.Resource, pulumi.Resource]:
    """The policy (updates of Flux objects by `username` may only touch the reconcile
    annotation) and its binding (deny). The agent's RBAC should depend on both."""
    policy = k8s.admissionregistration.v1.ValidatingAdmissionPolicy(
        f"{name}-reconcile-only-policy",
        metadata=k8s.meta.v1.ObjectMetaArgs(name=POLICY, labels=MANAGED_BY),
        spec=k8s.admissionregistration.v1.ValidatingAdmissionPolicySpecArgs(
            failure_policy="Fail",
            match_constraints=k8s.admissionregistration.v1.MatchResourcesArgs(
                resource_rules=[
                    k8s.admissionregistration.v1.NamedRuleWithOperationsArgs(
                        api_groups=[group],
                        api_versions=["*"],
                        operations=["UPDATE"],
                        resources=resources,
                    )
                    for group, resources in FLUX_KINDS.items()
                ]
            ),
            match_conditions=[
                k8s.admissionregistration.v1.MatchConditionArgs(
                    name="is-pdp-agent", expression=f"request.userInfo.username == '{username}'"
                )
            ],
            validations=[
                k8s.admissionregistration.v1.ValidationArgs(expression=expression, message=message)
                for expression, message in VALIDATIONS
            ],
        ),
        opts=opts,
    )
    binding = k8s.admissionregistration.v1.ValidatingAdmissionPolicyBinding(
        f"{name}-reconcile-only-binding",
        metadata=k8s.meta.v1.ObjectMetaArgs(name=POLICY, labels=MANAGED_BY),
        spec=k8s.admissionregistration.v1.ValidatingAdmissionPolicyBindingSpecArgs(
            policy_name=POLICY, validation_actions=["Deny"]
        ),
        opts=pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(depends_on=[policy])),
    )
    return policy, binding
