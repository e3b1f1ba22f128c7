"""EnvironmentNamespace: isolation, quota, Pod Security and environment configuration."""

from __future__ import annotations

from tests.unit.platform.recorded import GATEWAYS, cloud, manifests, objects, one, onprem


def test_every_project_gets_a_namespace_per_environment_of_this_data_plane() -> None:
    names = sorted(m["metadata"]["name"] for m in objects(onprem(), "Namespace"))
    assert names == sorted(
        f"{p}-{e}" for p in ("orders", "finance") for e in ("dev", "test", "prod")
    )


def test_only_environments_bound_to_the_data_plane_are_deployed() -> None:
    names = {m["metadata"]["name"] for m in objects(cloud("acme-gcp-staging"), "Namespace")}
    assert names == {"orders-staging", "partners-staging", "reporting-staging"}
    assert cloud("acme-gcp-staging").outputs["environments"] == ["staging"]


def test_namespaces_are_restricted_and_labelled() -> None:
    for ns in objects(onprem(), "Namespace"):
        labels = ns["metadata"]["labels"]
        for mode in ("enforce", "audit", "warn"):
            assert labels[f"pod-security.kubernetes.io/{mode}"] == "restricted"
        project, _, env = ns["metadata"]["name"].partition("-")
        assert labels["pdpkit.io/project"] == project
        assert labels["pdpkit.io/environment"] == env
    # the lab's prod rehearses production on a non-production data plane
    prod = one(onprem(), "Namespace", None, "orders-prod")  # type: ignore[arg-type]
    assert prod["metadata"]["labels"]["pdpkit.io/production"] == "false"
    aws_prod = one(cloud("acme-aws-prod"), "Namespace", None, "orders-prod")  # type: ignore[arg-type]
    assert aws_prod["metadata"]["labels"]["pdpkit.io/production"] == "true"


def test_default_deny_and_explicit_allows_only() -> None:
    policies = {
        p["metadata"]["name"]: p["spec"] for p in objects(onprem(), "NetworkPolicy", "orders-dev")
    }
    assert set(policies) == {
        "default-deny",
        "allow-same-namespace",
        "allow-dns",
        "allow-from-gateways",
        "allow-declared-egress",
    }
    deny = policies["default-deny"]
    assert deny == {"podSelector": {}, "policyTypes": ["Ingress", "Egress"]}
    same = policies["allow-same-namespace"]
    assert same["ingress"] == [
        {"from": [{"podSelector": {}}]}
    ]  # no namespaceSelector: own namespace only
    assert same["egress"] == [{"to": [{"podSelector": {}}]}]
    gateways = policies["allow-from-gateways"]["ingress"][0]["from"][0]["namespaceSelector"]
    assert gateways["matchExpressions"][0]["values"] == sorted([GATEWAYS, "gateway-internal"])
    dns = policies["allow-dns"]["egress"][0]
    assert {(p["protocol"], p["port"]) for p in dns["ports"]} == {("UDP", 53), ("TCP", 53)}
    assert dns["to"][0]["namespaceSelector"]["matchLabels"] == {
        "kubernetes.io/metadata.name": "kube-system"
    }
    egress = policies["allow-declared-egress"]["egress"]
    assert egress == [
        {
            "to": [{"ipBlock": {"cidr": "10.20.0.0/24"}}],
            "ports": [{"protocol": "TCP", "port": 5432}],
        }
    ]


def test_no_policy_admits_another_environment() -> None:
    """Every peer is the own namespace, a gateway namespace, kube-dns or a declared CIDR."""
    allowed_namespaces = {GATEWAYS, "gateway-internal", "kube-system"}
    for policy in objects(onprem(), "NetworkPolicy"):
        for rule in policy["spec"].get("ingress", []) + policy["spec"].get("egress", []):
            for peer in rule.get("from", []) + rule.get("to", []):
                selector = peer.get("namespaceSelector")
                if selector is None:
                    assert "podSelector" in peer or "ipBlock" in peer
                    continue
                values = set(selector.get("matchLabels", {}).values())
                for expression in selector.get("matchExpressions", []):
                    values |= set(expression["values"])
                assert values and values <= allowed_namespaces, policy["metadata"]


def test_quota_and_limits_follow_the_environment() -> None:
    quota = one(onprem(), "ResourceQuota", "orders-prod", "environment-quota")["spec"]["hard"]
    assert (
        quota["requests.cpu"] == "16"
        and quota["limits.memory"] == "32Gi"
        and quota["pods"] == "100"
    )
    assert quota["services.loadbalancers"] == "0" and quota["services.nodeports"] == "0"
    test_quota = one(onprem(), "ResourceQuota", "orders-test", "environment-quota")["spec"]["hard"]
    assert test_quota["requests.cpu"] == "8"  # the spec's default
    limits = one(onprem(), "LimitRange", "orders-dev", "environment-limits")["spec"]["limits"][0]
    assert limits["type"] == "Container" and limits["default"] and limits["defaultRequest"]


def test_environment_configuration_and_secret_references() -> None:
    config = one(onprem(), "ConfigMap", "orders-dev", "environment-config")
    assert config["data"]["LOG_LEVEL"] == "debug"
    secret = one(onprem(), "ExternalSecret", "orders-dev", "environment-secrets")["spec"]
    assert secret["secretStoreRef"] == {"kind": "ClusterSecretStore", "name": "vault-backend"}
    assert secret["data"] == [
        {
            "secretKey": "ORDERS_DB_PASSWORD",
            "remoteRef": {"key": "pdp/acme-onprem-local/dev/orders-db", "property": "password"},
        }
    ]


def test_every_kubernetes_object_uses_the_data_plane_provider_and_crs_wait_for_ready() -> None:
    recording = onprem()
    for resource in recording.resources:
        if resource.type.startswith("kubernetes:") and resource.custom:
            assert (
                resource.provider.startswith("provider-acme-onprem-local-k8s")
                or "acme-onprem-local-k8s" in resource.provider
            ), resource.name
        if resource.type.endswith((":ExternalSecret", ":HTTPRoute")):
            assert any(
                d.endswith("test:index:Crds::acme-onprem-local-crds") for d in resource.dependencies
            ), resource.name
    assert manifests(recording)
