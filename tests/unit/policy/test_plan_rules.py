"""Rules over the whole plan: S3 companions, IRSA, namespaces, the agent, data protection."""

from __future__ import annotations

import json
from typing import Any

from pdpkit.policy import RULES_BY_ID, PlanRule, PolicyContext, PolicyResource
from tests.unit.policy.policy_cases import container, deployment, pod

BUCKET = "aws:s3/bucket:Bucket"


def res(type_: str, name: str, inputs: dict[str, Any], **options: Any) -> PolicyResource:
    return PolicyResource(f"urn:pulumi:s::p::{type_}::{name}", type_, name, inputs, **options)


def flagged(
    rule_id: str, resources: list[PolicyResource], context: PolicyContext | None = None
) -> list[str]:
    rule = RULES_BY_ID[rule_id]
    assert isinstance(rule, PlanRule)
    return [f"{r.name}: {m}" for r, m in rule.violations(resources, context or PolicyContext())]


def bucket_with(*companions: str, policy: Any = None) -> list[PolicyResource]:
    bucket = res(BUCKET, "logs", {"bucket": "acme-logs"})
    deps = (bucket.urn,)
    made = [bucket]
    if "block" in companions:
        made.append(
            res(
                "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
                "logs-block",
                {
                    "bucket": "acme-logs",
                    "blockPublicAcls": True,
                    "blockPublicPolicy": True,
                    "ignorePublicAcls": True,
                    "restrictPublicBuckets": True,
                },
                dependencies=deps,
            )
        )
    if "sse" in companions:
        made.append(
            res(
                "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
                "logs-sse",
                {
                    "bucket": "[unknown]",
                    "rules": [{"applyServerSideEncryptionByDefault": {"sseAlgorithm": "aws:kms"}}],
                },
                dependencies=deps,
            )
        )
    if "versioning" in companions:
        made.append(
            res(
                "aws:s3/bucketVersioning:BucketVersioning",
                "logs-versioning",
                {"bucket": "acme-logs", "versioningConfiguration": {"status": "Enabled"}},
            )
        )
    if policy is not None:
        made.append(
            res(
                "aws:s3/bucketPolicy:BucketPolicy",
                "logs-policy",
                {"bucket": "acme-logs", "policy": policy},
            )
        )
    return made


TLS_ONLY = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Deny",
                "Principal": "*",
                "Action": "s3:*",
                "Resource": ["arn:aws:s3:::acme-logs/*"],
                "Condition": {"Bool": {"aws:SecureTransport": "false"}},
            }
        ],
    }
)


def test_s3_bucket_with_its_companions_passes() -> None:
    resources = bucket_with("block", "sse", "versioning", policy=TLS_ONLY)
    for rule in (
        "AWS-S3-PUBLIC-ACCESS",
        "AWS-S3-ENCRYPTION",
        "AWS-S3-TLS-ONLY",
        "AWS-S3-VERSIONING",
    ):
        assert flagged(rule, resources) == [], rule


def test_s3_bucket_alone_is_flagged() -> None:
    resources = bucket_with()
    assert flagged("AWS-S3-PUBLIC-ACCESS", resources) == ["logs: no public access block"]
    assert flagged("AWS-S3-ENCRYPTION", resources) == ["logs: no default encryption configuration"]
    assert flagged("AWS-S3-TLS-ONLY", resources) == [
        "logs: no bucket policy denies non-TLS requests"
    ]
    assert flagged("AWS-S3-VERSIONING", resources) == ["logs: versioning is not enabled"]


def test_s3_policy_without_secure_transport_and_partial_block() -> None:
    allow = json.dumps({"Statement": [{"Effect": "Allow", "Action": "s3:GetObject"}]})
    resources = bucket_with(policy=allow)
    resources.append(
        res(
            "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
            "b",
            {"bucket": "acme-logs", "blockPublicAcls": True},
        )
    )
    assert flagged("AWS-S3-TLS-ONLY", resources)
    assert "blockPublicPolicy" in flagged("AWS-S3-PUBLIC-ACCESS", resources)[0]
    assert flagged("AWS-S3-TLS-ONLY", bucket_with(policy="[unknown]")) == []  # cannot judge


def test_eks_needs_an_oidc_provider() -> None:
    eks = res("aws:eks/cluster:Cluster", "c", {})
    assert flagged("AWS-EKS-OIDC-PROVIDER", [eks])
    oidc = res("aws:iam/openIdConnectProvider:OpenIdConnectProvider", "oidc", {})
    assert flagged("AWS-EKS-OIDC-PROVIDER", [eks, oidc]) == []


AKS = "azure-native:containerservice:ManagedCluster"
VAULT = "azure-native:keyvault:Vault"
DIAGNOSTICS = "azure-native:monitor:DiagnosticSetting"


def diagnostics(
    name: str, categories: list[str], target: PolicyResource | None = None, uri: str = ""
) -> PolicyResource:
    logs = [{"category": c, "enabled": True} for c in categories]
    return res(
        DIAGNOSTICS,
        name,
        {"resourceUri": uri, "logs": logs},
        dependencies=(target.urn,) if target else (),
    )


def test_aks_sends_its_audit_and_authorization_logs() -> None:
    cluster = res(AKS, "aks", {"resourceName": "acme-aks"})
    assert flagged("AZ-AKS-AUDIT-LOGS", [cluster]) == [
        "aks: no diagnostic setting collects kube-audit-admin and guard"
    ]
    audit_only = diagnostics("d", ["kube-audit-admin", "kube-apiserver"], cluster)
    assert flagged("AZ-AKS-AUDIT-LOGS", [cluster, audit_only]) == [
        "aks: no diagnostic setting collects guard"
    ]
    both = diagnostics("d", ["kube-audit", "guard"], cluster)
    assert flagged("AZ-AKS-AUDIT-LOGS", [cluster, both]) == []
    by_uri = diagnostics("d", ["kube-audit-admin", "guard"], uri="/x/managedClusters/acme-aks")
    assert flagged("AZ-AKS-AUDIT-LOGS", [cluster, by_uri]) == []
    disabled = res(
        DIAGNOSTICS,
        "d",
        {"logs": [{"category": "kube-audit-admin", "enabled": False}, {"category": "guard"}]},
        dependencies=(cluster.urn,),
    )
    assert flagged("AZ-AKS-AUDIT-LOGS", [cluster, disabled])
    group = res(
        DIAGNOSTICS, "d", {"logs": [{"categoryGroup": "audit"}]}, dependencies=(cluster.urn,)
    )
    assert flagged("AZ-AKS-AUDIT-LOGS", [cluster, group]) == []


def test_key_vault_sends_its_audit_events() -> None:
    vault = res(VAULT, "kv", {"vaultName": "acme-kv"})
    assert flagged("AZ-KV-AUDIT-LOGS", [vault]) == ["kv: no diagnostic setting collects AuditEvent"]
    elsewhere = diagnostics("d", ["AuditEvent"], uri="/x/vaults/other-kv")
    assert flagged("AZ-KV-AUDIT-LOGS", [vault, elsewhere])
    assert flagged("AZ-KV-AUDIT-LOGS", [vault, diagnostics("d", ["AuditEvent"], vault)]) == []


def namespace(name: str, enforce: str | None = "restricted") -> PolicyResource:
    labels = {"pdpkit.io/environment": "dev"}
    if enforce:
        labels["pod-security.kubernetes.io/enforce"] = enforce
    return res(
        "kubernetes:core/v1:Namespace",
        name,
        {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name, "labels": labels}},
    )


def netpol(name: str, namespace_: str, spec: dict[str, Any]) -> PolicyResource:
    return res(
        "kubernetes:networking.k8s.io/v1:NetworkPolicy",
        f"{namespace_}-{name}",
        {
            "apiVersion": "networking.k8s.io/v1",
            "kind": "NetworkPolicy",
            "metadata": {"name": name, "namespace": namespace_},
            "spec": spec,
        },
    )


DENY_ALL = {"podSelector": {}, "policyTypes": ["Ingress", "Egress"]}


def test_environment_namespaces_need_default_deny() -> None:
    ns = namespace("orders-dev")
    assert flagged("K8S-NS-DEFAULT-DENY", [ns]) == [
        "orders-dev: namespace orders-dev has no default-deny NetworkPolicy"
    ]
    allow = netpol("allow-dns", "orders-dev", {**DENY_ALL, "egress": [{"ports": [{"port": 53}]}]})
    assert flagged("K8S-NS-DEFAULT-DENY", [ns, allow])
    elsewhere = netpol("default-deny", "orders-prod", DENY_ALL)
    assert flagged("K8S-NS-DEFAULT-DENY", [ns, elsewhere])
    assert (
        flagged("K8S-NS-DEFAULT-DENY", [ns, allow, netpol("default-deny", "orders-dev", DENY_ALL)])
        == []
    )
    system = res("kubernetes:core/v1:Namespace", "kube", {"metadata": {"name": "cert-manager"}})
    assert flagged("K8S-NS-DEFAULT-DENY", [system]) == []  # not an environment namespace


def test_environment_namespaces_enforce_restricted_and_have_quotas() -> None:
    assert flagged("K8S-NS-POD-SECURITY", [namespace("a")]) == []
    assert flagged("K8S-NS-POD-SECURITY", [namespace("a", "baseline")])
    assert len(flagged("K8S-NS-QUOTA", [namespace("a")])) == 2
    quota = res(
        "kubernetes:core/v1:ResourceQuota", "q", {"metadata": {"name": "q", "namespace": "a"}}
    )
    limits = res(
        "kubernetes:core/v1:LimitRange", "l", {"metadata": {"name": "l", "namespace": "a"}}
    )
    assert flagged("K8S-NS-QUOTA", [namespace("a"), quota, limits]) == []


def agent(**container_changes: Any) -> PolicyResource:
    inputs = deployment(pod(containers=[container(**container_changes)]), name="pdp-agent")
    inputs["metadata"]["namespace"] = "pdp-system"
    return res("kubernetes:apps/v1:Deployment", "pdp-agent", inputs)


AGENT_POLICY = netpol(
    "agent",
    "pdp-system",
    {
        "podSelector": {"matchLabels": {"app": "pdp-agent"}},
        "policyTypes": ["Ingress", "Egress"],
        "egress": [{"to": [{"ipBlock": {"cidr": "203.0.113.0/24"}}], "ports": [{"port": 443}]}],
    },
)


def test_the_agent_is_never_reached() -> None:
    assert flagged("K8S-AGENT-NO-INBOUND", [agent(), AGENT_POLICY]) == []
    assert flagged("K8S-AGENT-EGRESS", [agent(), AGENT_POLICY]) == []
    with_port = flagged(
        "K8S-AGENT-NO-INBOUND", [agent(ports=[{"containerPort": 8080}]), AGENT_POLICY]
    )
    assert with_port == ["pdp-agent: agent container app declares ports"]
    service = res(
        "kubernetes:core/v1:Service",
        "svc",
        {
            "metadata": {"name": "agent", "namespace": "pdp-system"},
            "spec": {"selector": {"app": "pdp-agent"}},
        },
    )
    assert flagged("K8S-AGENT-NO-INBOUND", [agent(), AGENT_POLICY, service]) == [
        "pdp-agent: Service agent routes traffic to the agent"
    ]
    assert flagged("K8S-AGENT-NO-INBOUND", [agent()]) == [
        "pdp-agent: no NetworkPolicy denies ingress to the agent"
    ]
    assert flagged("K8S-AGENT-EGRESS", [agent()]) == [
        "pdp-agent: no NetworkPolicy limits the agent's egress"
    ]


def test_production_data_is_protected_and_retained() -> None:
    vault = res("azure-native:keyvault:Vault", "kv", {}, protect=True, retain_on_delete=True)
    registry = res("azure-native:containerregistry:Registry", "acr", {}, protect=True)
    vnet = res("azure-native:network:VirtualNetwork", "vnet", {})
    harbor = res("kubernetes:helm.sh/v3:Release", "harbor", {"chart": "harbor"})
    loki = res(
        "kubernetes:helm.toolkit.fluxcd.io/v2:HelmRelease",
        "loki",
        {"spec": {"chart": {"spec": {"chart": "loki"}}}},
        protect=True,
        retain_on_delete=True,
    )
    bit = res(
        "kubernetes:helm.toolkit.fluxcd.io/v2:HelmRelease",
        "bit",
        {"spec": {"chart": {"spec": {"chart": "fluent-bit"}}}},
    )
    production = PolicyContext(production=True)
    assert flagged(
        "PDP-DATA-PROTECTED", [vault, registry, vnet, harbor, loki, bit], production
    ) == [
        "acr: Registry holds data but lacks retainOnDelete",
        "harbor: Release holds data but lacks protect and retainOnDelete",
    ]
    assert flagged("PDP-DATA-PROTECTED", [registry], PolicyContext(production=False)) == []
    unknown_retain = res("aws:kms/key:Key", "k", {}, protect=True, retain_on_delete=None)
    assert flagged("PDP-DATA-PROTECTED", [unknown_retain], production) == []


def test_observability_route_without_security_policy() -> None:
    route = {
        "kind": "HTTPRoute",
        "metadata": {"name": "logs", "namespace": "pdp-observability"},
        "spec": {
            "rules": [
                {
                    "matches": [{"path": {"type": "PathPrefix", "value": "/loki/api/v1/query"}}],
                    "backendRefs": [{"name": "loki-read", "port": 3100}],
                }
            ]
        },
    }
    found = flagged(
        "K8S-OBSERVABILITY-API",
        [res("kubernetes:gateway.networking.k8s.io/v1:HTTPRoute", "logs", route)],
    )
    assert any("without a SecurityPolicy" in m for m in found)
    assert any("does not set X-Scope-OrgID" in m for m in found)
    # more variants (the generated API and each weakening): test_observability_api_rule.py


BLOB_DATA_CONTRIBUTOR = (
    "/subscriptions/s/providers/Microsoft.Authorization/roleDefinitions/"
    "ba92f5b4-2d11-453d-a403-e96b0029c9fe"
)
ACCOUNT_ID = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/obs"


def storage_account(shared_key: Any, name: str = "obs") -> PolicyResource:
    inputs = {} if shared_key is None else {"allowSharedKeyAccess": shared_key}
    return res(
        "azure-native:storage:StorageAccount",
        name,
        inputs,
        outputs={"id": ACCOUNT_ID.replace("/obs", f"/{name}")},
    )


def blob_grant(scope: str, depends_on: tuple[str, ...] = ()) -> PolicyResource:
    return res(
        "azure-native:authorization:RoleAssignment",
        "stores-blob-data",
        {"roleDefinitionId": BLOB_DATA_CONTRIBUTOR, "scope": scope, "principalId": "p"},
        dependencies=depends_on,
    )


def test_an_account_workloads_reach_by_identity_has_no_shared_keys() -> None:
    rule = "AZ-STORAGE-WORKLOAD-KEYLESS"
    keyless, keyed, unset = storage_account(False), storage_account(True), storage_account(None)
    assert flagged(rule, [keyless, blob_grant(ACCOUNT_ID)]) == []
    assert flagged(rule, [keyed, blob_grant(ACCOUNT_ID)]) == [
        "obs: workloads use this account, and its shared keys are allowed"
    ]
    # unset is allowed (Azure: "null, which is equivalent to true"); a container scope counts
    assert flagged(rule, [unset, blob_grant(ACCOUNT_ID + "/blobServices/default/containers/x")])
    # an account nobody is granted blob data on is left to the advisory AZ-STORAGE-SHARED-KEY
    archive = storage_account(True, "archive")
    assert flagged(rule, [archive, blob_grant(ACCOUNT_ID)]) == []
    # CrossGuard (no outputs, scope unknown): the assignment's dependency on the account
    blind = res("azure-native:storage:StorageAccount", "obs", {"allowSharedKeyAccess": True})
    assert flagged(rule, [blind, blob_grant("[unknown]", (blind.urn,))])
    assert flagged(rule, [blind, blob_grant("[unknown]")]) == []


def test_observability_buckets_keep_objects_for_their_signal_s_retention() -> None:
    from pdpkit.policy import RULES_BY_ID, ResourceRule

    rule = RULES_BY_ID["GCP-LOG-RETENTION"]
    assert isinstance(rule, ResourceRule)
    context = PolicyContext(min_log_retention_days=30, observability_retention_days={"traces": 7})

    def bucket(signal: str | None, age: int) -> dict[str, Any]:
        labels = {} if signal is None else {"pdp-signal": signal}
        return {
            "labels": labels,
            "lifecycleRules": [{"action": {"type": "Delete"}, "condition": {"age": age}}],
        }

    gcs = "gcp:storage/bucket:Bucket"
    assert rule.violations(gcs, bucket("traces", 14), context) == []
    assert rule.violations(gcs, bucket("traces", 5), context) == [
        "objects are deleted after 5 days, needs at least 7"
    ]
    assert rule.violations(gcs, bucket(None, 14), context)  # an archive: the log minimum
    assert rule.violations(gcs, bucket("metrics", 1), context) == []  # retention unknown here
