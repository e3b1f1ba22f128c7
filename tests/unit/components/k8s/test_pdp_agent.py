from pdpkit.components.k8s.pdp_agent import PdpAgent, PdpAgentArgs

IMAGE = "registry.example/pdp/agent@sha256:" + "a" * 64


def agent(run):
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
                api_server_cidrs=("10.43.0.1/32",),
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
    assert api["to"] == [{"ipBlock": {"cidr": "10.43.0.1/32"}}]
    assert control_plane == {
        "to": [{"ipBlock": {"cidr": "203.0.113.0/24"}}],
        "ports": [{"port": 443, "protocol": "TCP"}],
    }


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
