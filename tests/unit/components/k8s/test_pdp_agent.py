import pytest

from pdpkit.components.k8s.pdp_agent import PdpAgent, PdpAgentArgs
from pdpkit.components.k8s.pdp_agent_admission import REQUESTED_AT, VALIDATIONS
from tests.unit.components.k8s.cel_subset import CelError, evaluate

IMAGE = "registry.example/pdp/agent@sha256:" + "a" * 64


def agent(run, **kwargs):
    args = {"api_server_cidrs": ("172.16.0.0/28",)} | kwargs
    return run(
        lambda p: PdpAgent(
            "agent",
            PdpAgentArgs(
                provider=p,
                image=IMAGE,
                control_plane_url="wss://cp.example/agent",
                data_plane_id="dp-1",
                token_key="pdp/dp/agent/token",
                secret_store="pdp-secret-store",
                control_plane_cidrs=("203.0.113.0/24",),
                **args,
            ),
        )
    )


def test_deployment_is_hardened_and_listens_on_nothing(run):
    recorded = agent(run)
    (deployment,) = recorded.kind("Deployment")
    pod = deployment["spec"]["template"]["spec"]
    (container,) = pod["containers"]
    assert container["image"] == IMAGE
    assert "ports" not in container
    security = container["securityContext"]
    assert security["runAsNonRoot"] is True
    assert security["readOnlyRootFilesystem"] is True
    assert security["allowPrivilegeEscalation"] is False
    assert security["capabilities"] == {"drop": ["ALL"]}
    assert security["seccompProfile"] == {"type": "RuntimeDefault"}
    assert pod["securityContext"]["seccompProfile"] == {"type": "RuntimeDefault"}
    assert container["livenessProbe"]["exec"] and container["readinessProbe"]["exec"]
    assert set(container["resources"]) == {"requests", "limits"}
    assert pod["serviceAccountName"] == "pdp-agent"
    # the API token is mounted explicitly and expires (checkov CKV_K8S_38)
    assert pod["automountServiceAccountToken"] is False
    (api_access,) = [v for v in pod["volumes"] if v["name"] == "kube-api-access"]
    token = api_access["projected"]["sources"][0]["serviceAccountToken"]
    assert token == {"path": "token", "expirationSeconds": 3600}
    assert not recorded.kind("Service")
    assert recorded.kind("PodDisruptionBudget")[0]["spec"]["minAvailable"] == 1


def test_token_comes_from_the_secret_store(run):
    recorded = agent(run)
    (token,) = recorded.kind("ExternalSecret")
    assert token["spec"]["secretStoreRef"] == {
        "kind": "ClusterSecretStore",
        "name": "pdp-secret-store",
    }
    assert token["spec"]["data"] == [
        {"secretKey": "token", "remoteRef": {"key": "pdp/dp/agent/token"}}
    ]
    (deployment,) = recorded.kind("Deployment")
    volumes = deployment["spec"]["template"]["spec"]["volumes"]
    assert {
        "name": "token",
        "secret": {"secretName": "pdp-agent-token", "defaultMode": 0o440},
    } in volumes
    assert recorded.named("agent-token").urn in recorded.named("agent-deployment").dependencies


def test_egress_only_dns_api_server_and_control_plane_and_no_ingress(run):
    (policy,) = agent(run).kind("NetworkPolicy")
    spec = policy["spec"]
    assert spec["policyTypes"] == ["Ingress", "Egress"]
    assert spec["ingress"] == []
    dns, api, control_plane = spec["egress"]
    assert {p["port"] for p in dns["ports"]} == {53}
    assert api["to"] == [{"ipBlock": {"cidr": "172.16.0.0/28"}}]
    assert {p["port"] for p in api["ports"]} == {443, 6443}
    assert not agent(run).kind("CiliumNetworkPolicy")
    assert control_plane == {
        "to": [{"ipBlock": {"cidr": "203.0.113.0/24"}}],
        "ports": [{"port": 443, "protocol": "TCP"}],
    }


def test_where_cilium_is_pdpkits_the_api_server_is_allowed_by_entity(run) -> None:
    # Cilium enforces policy after translating the kubernetes Service's ClusterIP to the API
    # server's endpoint (cilium/cilium#33525): an ipBlock of the ClusterIP never matches, the
    # kube-apiserver entity does.
    recorded = agent(run, api_server_cidrs=(), api_server_entity=True)
    (policy,) = recorded.kind("CiliumNetworkPolicy")
    assert policy["apiVersion"] == "cilium.io/v2"
    (deployment,) = recorded.kind("Deployment")
    pod_labels = deployment["spec"]["template"]["metadata"]["labels"]
    selector = policy["spec"]["endpointSelector"]["matchLabels"]
    assert selector.items() <= pod_labels.items()
    (rule,) = policy["spec"]["egress"]
    # one rule: the entity and its ports together (a ports-only rule would open them anywhere)
    assert rule["toEntities"] == ["kube-apiserver"]
    assert {p["port"] for p in rule["toPorts"][0]["ports"]} == {"443", "6443"}
    # no address-less NetworkPolicy rule (it would allow every destination)
    (network_policy,) = recorded.kind("NetworkPolicy")
    assert all(r.get("to") for r in network_policy["spec"]["egress"])
    assert len(network_policy["spec"]["egress"]) == 2


def test_rbac_is_least_privilege(run):
    recorded = agent(run)
    rules = [
        rule
        for role in recorded.kind("ClusterRole") + recorded.kind("Role")
        for rule in role["rules"]
    ]
    assert rules
    for rule in rules:
        assert "*" not in rule["verbs"] + rule["resources"] + rule["apiGroups"]
        assert "secrets" not in rule["resources"]
        assert not {"create", "delete", "deletecollection", "escalate", "bind"} & set(
            rule["verbs"]
        ) or (rule["resources"] == ["leases"])
    (cluster_role,) = recorded.kind("ClusterRole")
    assert all(set(r["verbs"]) == {"get", "list", "watch"} for r in cluster_role["rules"])


def _admitted(old: dict, new: dict) -> bool:
    """Whether the recorded policy's validations all hold for an update old -> new."""
    return all(evaluate(v, object=new, oldObject=old) for v, _ in VALIDATIONS)


KUSTOMIZATION = {
    "metadata": {"name": "pdp-updates", "annotations": {"a": "1"}, "labels": {"l": "x"}},
    "spec": {"path": "./", "sourceRef": {"kind": "GitRepository", "name": "pdp-updates"}},
}


def _with(base: dict, path: str, value: object) -> dict:
    import copy

    changed = copy.deepcopy(base)
    *parents, last = path.split(".")
    node = changed
    for key in parents:
        node = node.setdefault(key, {})
    node[last] = value
    return changed


def test_the_agent_may_request_a_reconcile_and_change_nothing_else() -> None:
    requested = _with(KUSTOMIZATION, "metadata.annotations", {"a": "1", REQUESTED_AT: "t1"})
    assert _admitted(KUSTOMIZATION, requested)
    assert _admitted(
        requested, _with(requested, "metadata.annotations", {"a": "1", REQUESTED_AT: "t2"})
    )
    bare = {"metadata": {"name": "x"}, "spec": {"path": "./"}}
    assert _admitted(bare, _with(bare, "metadata.annotations", {REQUESTED_AT: "t"}))
    # re-pointing Flux, or anything besides the request, is denied
    assert not _admitted(KUSTOMIZATION, _with(KUSTOMIZATION, "spec.path", "./evil"))
    assert not _admitted(
        KUSTOMIZATION,
        _with(KUSTOMIZATION, "spec.sourceRef", {"kind": "GitRepository", "name": "x"}),
    )
    assert not _admitted(KUSTOMIZATION, _with(KUSTOMIZATION, "spec.suspend", True))
    assert not _admitted(KUSTOMIZATION, _with(KUSTOMIZATION, "metadata.labels", {"l": "y"}))
    assert not _admitted(bare, _with(bare, "metadata.labels", {"l": "y"}))
    assert not _admitted(
        KUSTOMIZATION,
        _with(
            KUSTOMIZATION, "metadata.annotations", {"a": "1", "reconcile.fluxcd.io/forceAt": "t"}
        ),
    )
    assert not _admitted(KUSTOMIZATION, _with(KUSTOMIZATION, "metadata.annotations", {"a": "2"}))
    assert not _admitted(KUSTOMIZATION, _with(KUSTOMIZATION, "metadata.annotations", {}))
    assert not _admitted(KUSTOMIZATION, _with(KUSTOMIZATION, "metadata.finalizers", ["x"]))


def test_the_policy_covers_every_flux_kind_the_agent_may_patch_and_only_the_agent(run) -> None:
    recorded = agent(run)
    (policy,) = recorded.kind("ValidatingAdmissionPolicy")
    (binding,) = recorded.kind("ValidatingAdmissionPolicyBinding")
    assert policy["apiVersion"] == binding["apiVersion"] == "admissionregistration.k8s.io/v1"
    spec = policy["spec"]
    assert spec["failurePolicy"] == "Fail"
    assert binding["spec"] == {
        "policyName": policy["metadata"]["name"],
        "validationActions": ["Deny"],
    }
    covered = {
        (group, resource)
        for rule in spec["matchConstraints"]["resourceRules"]
        if "UPDATE" in rule["operations"]
        for group in rule["apiGroups"]
        for resource in rule["resources"]
    }
    patchable = {
        (group, resource)
        for role in recorded.kind("Role")
        for rule in role["rules"]
        if {"patch", "update"} & set(rule["verbs"])
        for group in rule["apiGroups"]
        for resource in rule["resources"]
        if group.endswith("fluxcd.io")
    }
    assert patchable and patchable <= covered
    (condition,) = spec["matchConditions"]
    (deployment,) = recorded.kind("Deployment")
    account = deployment["spec"]["template"]["spec"]["serviceAccountName"]
    namespace = deployment["metadata"]["namespace"]
    user = f"system:serviceaccount:{namespace}:{account}"
    assert evaluate(condition["expression"], request={"userInfo": {"username": user}})
    assert not evaluate(
        condition["expression"],
        request={"userInfo": {"username": "system:serviceaccount:flux-system:helm-controller"}},
    )
    assert [v["expression"] for v in spec["validations"]] == [v for v, _ in VALIDATIONS]
    # the right to patch is granted only after the policy and its binding exist
    role_needs = recorded.named("agent-flux-role").dependencies
    assert recorded.named("agent-reconcile-only-binding").urn in role_needs
    assert recorded.named("agent-reconcile-only-policy").urn in role_needs


def test_the_agent_may_not_update_flux_objects_wholesale(run) -> None:
    for role in agent(run).kind("Role"):
        for rule in role["rules"]:
            if any(group.endswith("fluxcd.io") for group in rule["apiGroups"]):
                assert set(rule["verbs"]) == {"get", "list", "watch", "patch"}


def test_the_cel_subset_evaluator_is_strict() -> None:
    with pytest.raises(CelError):
        evaluate(
            "object.metadata.labels == {}", object={"metadata": {}}
        )  # map literal: unsupported
    with pytest.raises(CelError):
        evaluate("object.metadata.labels == object.metadata.labels", object={"metadata": {}})
    assert evaluate("!has(object.metadata.labels)", object={"metadata": {}})
