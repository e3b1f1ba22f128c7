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


GATEWAY = "kubernetes:gateway.networking.k8s.io/v1:Gateway"
EXTENSION_POLICY = "kubernetes:gateway.envoyproxy.io/v1alpha1:EnvoyExtensionPolicy"
NS = "envoy-gateway-system"


def gateway(name: str = "external") -> PolicyResource:
    meta = {"name": name, "namespace": NS, "labels": {"pdpkit.io/gateway": name}}
    return res(GATEWAY, f"{name}-gateway", {"metadata": meta, "spec": {}})


def waf(*directives: str, target: str = "external", namespace: str = NS) -> PolicyResource:
    inputs = {
        "metadata": {"name": f"{target}-waf", "namespace": namespace},
        "spec": {
            "targetRefs": [
                {"group": "gateway.networking.k8s.io", "kind": "Gateway", "name": target}
            ],
            "wasm": [
                {
                    "name": "coraza-waf",
                    "config": {
                        "directives_map": {"default": list(directives)},
                        "default_directives": "default",
                    },
                }
            ],
        },
    }
    return res(EXTENSION_POLICY, f"{target}-waf", inputs)


CRS = ("Include @recommended-conf", "Include @crs-setup-conf", "Include @owasp_crs/*.conf")
PRODUCTION = PolicyContext(production=True)


def test_the_external_gateway_needs_a_blocking_waf_in_production() -> None:
    blocking = waf(CRS[0], "SecRuleEngine On", *CRS[1:])
    assert flagged("K8S-GW-WAF", [gateway(), blocking], PRODUCTION) == []
    # the internal gateway needs none
    assert flagged("K8S-GW-WAF", [gateway(), blocking, gateway("internal")], PRODUCTION) == []
    assert flagged("K8S-GW-WAF", [gateway()], PRODUCTION) == [
        "external-gateway: Gateway external has no web application firewall with the OWASP CRS"
    ]
    detecting = waf(CRS[0], "SecRuleEngine DetectionOnly", *CRS[1:])
    assert flagged("K8S-GW-WAF", [gateway(), detecting], PRODUCTION) == [
        "external-gateway: Gateway external's web application firewall only detects "
        "(SecRuleEngine DetectionOnly): attacks reach the integrations"
    ]
    # the last engine line wins, as in Coraza
    undone = waf("SecRuleEngine On", *CRS, "SecRuleEngine Off")
    assert len(flagged("K8S-GW-WAF", [gateway(), undone], PRODUCTION)) == 1
    # a module without the Core Rule Set, or one attached elsewhere, is no WAF for the gateway
    bare = waf("SecRuleEngine On", "SecRule ARGS '@rx x' 'id:1,deny'")
    assert len(flagged("K8S-GW-WAF", [gateway(), bare], PRODUCTION)) == 1
    elsewhere = waf("SecRuleEngine On", *CRS, namespace="default")
    assert len(flagged("K8S-GW-WAF", [gateway(), elsewhere], PRODUCTION)) == 1
    # outside production detection (or none) is the stack's choice
    assert flagged("K8S-GW-WAF", [gateway(), detecting]) == []
    assert flagged("K8S-GW-WAF", [gateway()]) == []


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


# --- routes into the data plane (issue 18) --------------------------------------------------

ROUTE = "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute"
SP = "kubernetes:gateway.envoyproxy.io/v1alpha1:SecurityPolicy"
BTP = "kubernetes:gateway.envoyproxy.io/v1alpha1:BackendTrafficPolicy"


def route(name: str, gateway: str, visibility: str, **annotations: str) -> PolicyResource:
    metadata: dict[str, Any] = {
        "name": name,
        "namespace": "orders-prod",
        "labels": {"pdpkit.io/visibility": visibility},
    }
    if annotations:
        metadata["annotations"] = {k.replace("_", "-"): v for k, v in annotations.items()}
    return res(
        ROUTE,
        name,
        {
            "kind": "HTTPRoute",
            "metadata": metadata,
            "spec": {"parentRefs": [{"kind": "Gateway", "name": gateway, "namespace": "gw"}]},
        },
    )


def policy(type_: str, target: str, spec: dict[str, Any], namespace: str = "orders-prod") -> Any:
    return res(
        type_,
        f"{target}-policy",
        {
            "metadata": {"name": target, "namespace": namespace},
            "spec": {
                "targetRefs": [
                    {"group": "gateway.networking.k8s.io", "kind": "HTTPRoute", "name": target}
                ],
                **spec,
            },
        },
    )


JWT_SPEC = {"jwt": {"providers": [{"name": "p", "remoteJWKS": {"uri": "https://idp/keys"}}]}}


def test_an_external_route_without_authentication_is_flagged() -> None:
    api = route("api", "external", "external")
    assert flagged("K8S-ROUTE-AUTHN", [api]) == [
        "api: external route orders-prod/api lets anyone call it: no SecurityPolicy "
        "authenticates its callers"
    ]
    assert flagged("K8S-ROUTE-AUTHN", [api, policy(SP, "api", JWT_SPEC)]) == []
    api_keys = {"apiKeyAuth": {"credentialRefs": [{"name": "k"}], "extractFrom": []}}
    assert flagged("K8S-ROUTE-AUTHN", [api, policy(SP, "api", api_keys)]) == []


def test_a_policy_elsewhere_or_without_authentication_does_not_count() -> None:
    api = route("api", "external", "external")
    cors_only = policy(SP, "api", {"cors": {"allowOrigins": ["*"]}})
    other_namespace = policy(SP, "api", JWT_SPEC, namespace="orders-dev")
    other_route = policy(SP, "web", JWT_SPEC)
    for wrong in (cors_only, other_namespace, other_route):
        assert flagged("K8S-ROUTE-AUTHN", [api, wrong]), wrong.inputs


def test_a_public_route_with_a_reason_and_internal_routes_pass() -> None:
    webhook = route("hook", "external", "external", **{"pdpkit.io/public_reason": "signed"})
    blank = route("blank", "external", "external", **{"pdpkit.io/public_reason": " "})
    internal = route("admin", "internal", "internal")
    assert flagged("K8S-ROUTE-AUTHN", [webhook, blank, internal]) == [
        "blank: external route orders-prod/blank lets anyone call it: no SecurityPolicy "
        "authenticates its callers"
    ]


def test_an_external_route_without_a_rate_limit_is_flagged() -> None:
    api = route("api", "external", "external")
    limits_only = policy(BTP, "api", {"timeout": {"http": {"requestTimeout": "30s"}}})
    assert flagged("K8S-ROUTE-RATE-LIMIT", [api, limits_only]) == [
        "api: external route orders-prod/api has no rate limit"
    ]
    limited = policy(BTP, "api", {"rateLimit": {"local": {"rules": []}}})
    assert flagged("K8S-ROUTE-RATE-LIMIT", [api, limited]) == []
    assert flagged("K8S-ROUTE-RATE-LIMIT", [route("admin", "internal", "internal")]) == []


def test_an_internal_route_on_the_external_gateway_is_flagged() -> None:
    leaked = route("admin", "external", "internal")
    assert flagged("K8S-ROUTE-INTERNAL-STAYS-INTERNAL", [leaked]) == [
        "admin: internal route orders-prod/admin is attached to the external gateway"
    ]
    assert flagged("K8S-ROUTE-INTERNAL-STAYS-INTERNAL", [route("a", "internal", "internal")]) == []


def gateway_route(name: str, parent: str = "external") -> PolicyResource:
    spec = {"parentRefs": [{"name": parent, "namespace": NS}]}
    inputs = {"metadata": {"name": name, "namespace": "acme-prod"}, "spec": spec}
    return res(ROUTE, name, inputs)


def route_extension(route_name: str, merge: str | None = None) -> PolicyResource:
    spec: dict[str, Any] = {
        "targetRefs": [
            {"group": "gateway.networking.k8s.io", "kind": "HTTPRoute", "name": route_name}
        ],
        "wasm": [{"name": "other", "code": {"type": "Image"}}],
    }
    if merge:
        spec["mergeType"] = merge
    inputs = {"metadata": {"name": f"{route_name}-ext", "namespace": "acme-prod"}, "spec": spec}
    return res(EXTENSION_POLICY, f"{route_name}-ext", inputs)


def test_a_route_level_extension_policy_may_not_replace_the_gateway_waf() -> None:
    blocking = waf(CRS[0], "SecRuleEngine On", *CRS[1:])
    base = [gateway(), blocking, gateway_route("orders")]
    assert flagged("K8S-GW-WAF", base, PRODUCTION) == []
    assert flagged("K8S-GW-WAF", [*base, route_extension("orders")], PRODUCTION) == [
        "orders-ext: EnvoyExtensionPolicy orders-ext replaces Gateway external's web "
        "application firewall on route(s) orders: it has no mergeType, so only it applies"
    ]
    # merged into the gateway's policy, or on a route of the internal gateway: the WAF stays
    merged = route_extension("orders", merge="StrategicMerge")
    assert flagged("K8S-GW-WAF", [*base, merged], PRODUCTION) == []
    internal = [gateway(), blocking, gateway_route("orders", parent="internal")]
    assert flagged("K8S-GW-WAF", [*internal, route_extension("orders")], PRODUCTION) == []

    # more variants (the generated API and each weakening): test_observability_api_rule.py
