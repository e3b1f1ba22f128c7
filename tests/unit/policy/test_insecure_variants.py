"""Deliberately insecure variants of the example stacks are caught by the named rules.

Two kinds: the stack file made insecure (the program then declares insecure resources),
and the planned resources tampered with (what a careless change to a component would do:
each cloud mutation below is one line of a component away, and would show in the golden
files of tests/golden/resources; these tests prove a rule, not only a diff, catches it).
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from functools import cache
from typing import Any

import pytest

from pdpkit.plan.document import Plan
from pdpkit.plan.run import plan_spec
from pdpkit.policy import RULES_BY_ID, PolicyResource, Verdict, evaluate
from pdpkit.policy.data_protection import holds_data
from pdpkit.spec.dataplane import WafMode, WafSpec
from pdpkit.spec.endpoint_security import EndpointDefaults
from pdpkit.spec.loader import load_stack
from pdpkit.spec.stack import PolicySpec, StackSpec
from tests.examples import EXAMPLE_STACKS, ROOT, plan_of

pytestmark = pytest.mark.slow


def variant(
    stack: str, cluster: dict[str, Any] | None = None, keep_waivers: bool = True, **dataplane: Any
) -> StackSpec:
    spec = load_stack(ROOT, stack)
    changes = dict(dataplane)
    if cluster:
        changes["cluster"] = spec.dataplane.cluster.model_copy(update=cluster)
    policy = spec.policy if keep_waivers else PolicySpec()
    return spec.model_copy(
        update={"dataplane": spec.dataplane.model_copy(update=changes), "policy": policy}
    )


def unwaived(verdicts: list[Verdict], severity: str = "mandatory") -> set[str]:
    return {v.rule for v in verdicts if not v.waiver and v.severity.value == severity}


def anonymous_endpoints(stack: str) -> StackSpec:
    """The stack's platform with no endpoint auth, and no identity provider outside
    production (the production environment keeps its own, or validation refuses it)."""
    spec = load_stack(ROOT, stack)
    assert spec.platform is not None
    envs = tuple(
        e if e.production else e.model_copy(update={"endpoint_defaults": EndpointDefaults()})
        for e in spec.platform.environments
    )
    integrations = tuple(
        i.model_copy(
            update={"endpoints": tuple(e.model_copy(update={"auth": None}) for e in i.endpoints)}
        )
        for i in spec.platform.integrations
    )
    platform = spec.platform.model_copy(update={"environments": envs, "integrations": integrations})
    return spec.model_copy(update={"platform": platform})


PUBLIC_API = {"private_api_endpoint": False, "authorized_ranges": ("203.0.113.0/24",)}


def external_gateway(stack: str, **changes: Any) -> StackSpec:
    """`stack` with its external gateway changed (source ranges, WAF)."""
    gateways = load_stack(ROOT, stack).dataplane.gateways
    external = gateways.external.model_copy(update=changes)
    return variant(stack, gateways=gateways.model_copy(update={"external": external}))


SPEC_VARIANTS: list[tuple[str, str, Callable[[str], StackSpec], str]] = [
    (
        "acme-azure-dev",
        "waiver removed",
        lambda s: variant(s, keep_waivers=False),
        "AZ-AKS-PRIVATE-API",
    ),
    (
        "acme-azure-dev",
        "no KMS",
        lambda s: variant(s, cluster={"secrets_encryption": False}),
        "AZ-AKS-KMS",
    ),
    (
        "acme-aws-prod",
        "public API",
        lambda s: variant(s, cluster=PUBLIC_API),
        "AWS-EKS-PRIVATE-ENDPOINT",
    ),
    (
        "acme-aws-prod",
        "no KMS",
        lambda s: variant(s, cluster={"secrets_encryption": False}),
        "AWS-EKS-SECRETS-KMS",
    ),
    (
        "acme-gcp-staging",
        "waiver removed",
        lambda s: variant(s, keep_waivers=False),
        "GCP-GKE-PRIVATE-ENDPOINT",
    ),
    (
        "acme-gcp-staging",
        "no CMEK",
        lambda s: variant(s, cluster={"secrets_encryption": False}),
        "GCP-GKE-SECRETS-CMEK",
    ),
    (
        "acme-aws-prod",
        "gateway open to the internet",
        lambda s: external_gateway(s, source_ranges=("0.0.0.0/0", "::/0")),
        "K8S-GW-SOURCE-RANGES",
    ),
    (
        "acme-aws-prod",
        "WAF detection only",
        lambda s: external_gateway(s, waf=WafSpec(mode=WafMode.DETECTION)),
        "K8S-GW-WAF",
    ),
    (
        "acme-aws-prod",
        "WAF off",
        lambda s: external_gateway(s, waf=WafSpec(mode=WafMode.OFF)),
        "K8S-GW-WAF",
    ),
    # outside production `pdp validate` lets it through; the policy does not (exit 3)
    ("acme-azure-dev", "anonymous external endpoints", anonymous_endpoints, "K8S-ROUTE-AUTHN"),
]


@cache
def variant_verdicts(stack: str, label: str) -> list[Verdict]:
    make = next(m for s, lbl, m, _ in SPEC_VARIANTS if (s, lbl) == (stack, label))
    return plan_spec(make(stack), ROOT, stack).verdicts


@pytest.mark.parametrize(
    ("stack", "label", "rule"),
    [(s, lbl, r) for s, lbl, _, r in SPEC_VARIANTS],
    ids=[f"{s}-{lbl}" for s, lbl, _, _ in SPEC_VARIANTS],
)
def test_an_insecure_stack_file_is_caught(stack: str, label: str, rule: str) -> None:
    verdicts = variant_verdicts(stack, label)
    assert rule in unwaived(verdicts), f"{stack} with {label}: {sorted(unwaived(verdicts))}"


# --- tampered resources --------------------------------------------------------------------


def planned(stack: str) -> Plan:
    return plan_of(stack)


def views(plan: Plan) -> list[PolicyResource]:
    return [
        PolicyResource(
            r.urn,
            r.type,
            r.name,
            copy.deepcopy(r.inputs),
            r.protect,
            r.retain_on_delete,
            parent=r.parent,
            dependencies=tuple(r.dependencies),
        )
        for r in plan.resources
    ]


def kind_of(resource: PolicyResource) -> str:
    return str(resource.inputs.get("kind", "")) if resource.type.startswith("kubernetes:") else ""


def first(
    resources: list[PolicyResource], test: Callable[[PolicyResource], bool]
) -> PolicyResource:
    found = next((r for r in resources if test(r)), None)
    assert found is not None, "the plan has no resource to tamper with: did a component change?"
    return found


def is_agent(r: PolicyResource) -> bool:
    return (
        kind_of(r) == "Deployment"
        and r.inputs["metadata"].get("labels", {}).get("app.kubernetes.io/name") == "pdp-agent"
    )


def is_integration(r: PolicyResource) -> bool:
    return kind_of(r) == "Deployment" and "pdpkit.io/environment" in r.inputs["metadata"].get(
        "labels", {}
    )


def first_container(r: PolicyResource) -> dict[str, Any]:
    containers: list[dict[str, Any]] = r.inputs["spec"]["template"]["spec"]["containers"]
    return containers[0]


def drop_default_deny(resources: list[PolicyResource]) -> list[PolicyResource]:
    return [
        r
        for r in resources
        if not (
            kind_of(r) == "NetworkPolicy" and r.inputs["metadata"].get("name") == "default-deny"
        )
    ]


def agent_listens(resources: list[PolicyResource]) -> list[PolicyResource]:
    first_container(first(resources, is_agent))["ports"] = [{"containerPort": 8443}]
    return resources


def latest_image(resources: list[PolicyResource]) -> list[PolicyResource]:
    first_container(first(resources, is_integration))["image"] = "registry.example.com/app:latest"
    return resources


def root_container(resources: list[PolicyResource]) -> list[PolicyResource]:
    container = first_container(first(resources, is_integration))
    container["securityContext"] = {
        **container.get("securityContext", {}),
        "runAsUser": 0,
        "allowPrivilegeEscalation": True,
    }
    return resources


def load_balancer(resources: list[PolicyResource]) -> list[PolicyResource]:
    first(resources, lambda r: kind_of(r) == "Service").inputs["spec"]["type"] = "LoadBalancer"
    return resources


def no_limits(resources: list[PolicyResource]) -> list[PolicyResource]:
    first_container(first(resources, is_integration)).pop("resources", None)
    return resources


def is_security_policy(r: PolicyResource) -> bool:
    return kind_of(r) == "SecurityPolicy"


def drop_security_policies(resources: list[PolicyResource]) -> list[PolicyResource]:
    return [r for r in resources if not is_security_policy(r)]


def drop_rate_limits(resources: list[PolicyResource]) -> list[PolicyResource]:
    for r in resources:
        if kind_of(r) == "BackendTrafficPolicy":
            r.inputs["spec"].pop("rateLimit", None)
    return resources


def internal_route_on_external_gateway(resources: list[PolicyResource]) -> list[PolicyResource]:
    route = first(
        resources,
        lambda r: (
            kind_of(r) == "HTTPRoute"
            and r.inputs["metadata"].get("labels", {}).get("pdpkit.io/visibility") == "internal"
        ),
    )
    route.inputs["spec"]["parentRefs"][0]["name"] = "external"
    return resources


TAMPERING: list[tuple[str, Callable[[list[PolicyResource]], list[PolicyResource]], set[str]]] = [
    ("default-deny dropped", drop_default_deny, {"K8S-NS-DEFAULT-DENY"}),
    ("agent listens", agent_listens, {"K8S-AGENT-NO-INBOUND"}),
    ("image by latest tag", latest_image, {"K8S-POD-NO-LATEST-TAG", "K8S-POD-IMAGE-DIGEST"}),
    ("root container", root_container, {"K8S-POD-NON-ROOT", "K8S-POD-NO-PRIVILEGE-ESCALATION"}),
    ("LoadBalancer Service", load_balancer, {"K8S-SVC-NO-LOADBALANCER"}),
    ("no requests or limits", no_limits, {"K8S-POD-RESOURCES"}),
    ("SecurityPolicies dropped", drop_security_policies, {"K8S-ROUTE-AUTHN"}),
    (
        "internal route on the external gateway",
        internal_route_on_external_gateway,
        {"K8S-ROUTE-INTERNAL-STAYS-INTERNAL"},
    ),
]


@pytest.mark.parametrize("stack", EXAMPLE_STACKS)
@pytest.mark.parametrize(("label", "tamper", "rules"), TAMPERING, ids=[t[0] for t in TAMPERING])
def test_tampered_resources_are_caught(
    stack: str,
    label: str,
    tamper: Callable[[list[PolicyResource]], list[PolicyResource]],
    rules: set[str],
) -> None:
    plan = planned(stack)
    spec = load_stack(ROOT, stack)
    before = unwaived(evaluate(views(plan), spec))
    after = unwaived(evaluate(tamper(views(plan)), spec))
    assert rules <= after - before, f"{label}: {sorted(after - before)}"


def drop_client_validation(resources: list[PolicyResource]) -> list[PolicyResource]:
    return [r for r in resources if kind_of(r) != "ClientTrafficPolicy"]


def mtls_route_on_every_listener(resources: list[PolicyResource]) -> list[PolicyResource]:
    for r in resources:
        if kind_of(r) == "HTTPRoute":
            for parent in r.inputs["spec"]["parentRefs"]:
                parent.pop("sectionName", None)
    return resources


def optional_client_certificates(resources: list[PolicyResource]) -> list[PolicyResource]:
    for r in resources:
        if kind_of(r) == "ClientTrafficPolicy":
            r.inputs["spec"]["tls"]["clientValidation"]["mode"] = "VerifyIfGiven"
    return resources


@pytest.mark.parametrize(
    "tamper", [drop_client_validation, mtls_route_on_every_listener, optional_client_certificates]
)
def test_an_mtls_route_reachable_without_a_client_certificate_is_caught(
    tamper: Callable[[list[PolicyResource]], list[PolicyResource]],
) -> None:
    stack = "acme-onprem-local"  # the example with a mutual TLS listener and endpoint
    plan = planned(stack)
    spec = load_stack(ROOT, stack)
    assert "K8S-ROUTE-AUTHN" not in unwaived(evaluate(views(plan), spec))
    assert "K8S-ROUTE-AUTHN" in unwaived(evaluate(tamper(views(plan)), spec))


@pytest.mark.parametrize("stack", EXAMPLE_STACKS)
def test_an_external_endpoint_without_rate_limit_is_warned_about(stack: str) -> None:
    plan = planned(stack)
    spec = load_stack(ROOT, stack)
    before = unwaived(evaluate(views(plan), spec), "advisory")
    after = unwaived(evaluate(drop_rate_limits(views(plan)), spec), "advisory")
    assert "K8S-ROUTE-RATE-LIMIT" in after - before


@pytest.mark.parametrize("stack", EXAMPLE_STACKS)
def test_unprotected_data_in_production_is_caught(stack: str) -> None:
    plan = planned(stack)
    spec = variant(stack, production=True)
    stripped = [PolicyResource(r.urn, r.type, r.name, r.inputs, False, False) for r in views(plan)]
    # every example declares data: the clouds their registry, vault, logs; on-prem Harbor, Loki
    assert any(holds_data(r) for r in stripped), f"{stack} declares nothing that holds data"
    assert "PDP-DATA-PROTECTED" in unwaived(evaluate(stripped, spec))


# --- cloud resources tampered with -------------------------------------------------------

DROP = object()
"""Remove the input altogether (what leaving a setting out of a component does)."""


def set_input(
    type_: str, path: str, value: Any, name: str = ""
) -> Callable[[list[PolicyResource]], list[PolicyResource]]:
    """A tampering: dotted `path` (digits index lists) of the first `type_` resource whose
    logical name ends with `name` set to `value` (or removed, for DROP)."""

    def tamper(resources: list[PolicyResource]) -> list[PolicyResource]:
        target = first(resources, lambda r: r.type == type_ and r.name.endswith(name))
        *parents, last = path.split(".")
        node: Any = target.inputs
        for key in parents:
            node = node[int(key)] if key.isdigit() else node.setdefault(key, {})
        assert last.isdigit() or isinstance(node, dict), f"{path} does not lead to a mapping"
        if value is DROP:
            node.pop(last)
        elif last.isdigit():
            node[int(last)] = value
        else:
            node[last] = value
        return resources

    return tamper


AKS = "azure-native:containerservice:ManagedCluster"
VAULT = "azure-native:keyvault:Vault"
STORAGE = "azure-native:storage:StorageAccount"
WORKSPACE = "azure-native:operationalinsights:Workspace"
ACR = "azure-native:containerregistry:Registry"
NSG = "azure-native:network:NetworkSecurityGroup"
DIAGNOSTICS = "azure-native:monitor:DiagnosticSetting"
EKS = "aws:eks/cluster:Cluster"
LAUNCH_TEMPLATE = "aws:ec2/launchTemplate:LaunchTemplate"
SG_INGRESS = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
DEFAULT_SG = "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup"
ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"
ROLE_ASSIGNMENT = "azure-native:authorization:RoleAssignment"
PROJECT_MEMBER = "gcp:projects/iAMMember:IAMMember"
GCS = "gcp:storage/bucket:Bucket"
GKE = "gcp:container/cluster:Cluster"
GKE_POOL = "gcp:container/nodePool:NodePool"
AR = "gcp:artifactregistry/repository:Repository"
AR_MEMBER = "gcp:artifactregistry/repositoryIamMember:RepositoryIamMember"
FIREWALL = "gcp:compute/firewall:Firewall"

BLOB_CONTAINER = "azure-native:storage:BlobContainer"
S3_BLOCK = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"
S3_ENCRYPTION = (
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration"
)
GCS_MEMBER = "gcp:storage/bucketIAMMember:BucketIAMMember"


def both(
    *tampers: Callable[[list[PolicyResource]], list[PolicyResource]],
) -> Callable[[list[PolicyResource]], list[PolicyResource]]:
    """Several tamperings, one after the other."""

    def tamper(resources: list[PolicyResource]) -> list[PolicyResource]:
        for one in tampers:
            resources = one(resources)
        return resources

    return tamper


def dropped(type_: str, name: str) -> Callable[[list[PolicyResource]], list[PolicyResource]]:
    """The first `type_` resource whose logical name ends with `name` left out of the plan."""

    def tamper(resources: list[PolicyResource]) -> list[PolicyResource]:
        target = first(resources, lambda r: r.type == type_ and r.name.endswith(name))
        return [r for r in resources if r is not target]

    return tamper


def added(
    type_: str, name: str, inputs: dict[str, Any]
) -> Callable[[list[PolicyResource]], list[PolicyResource]]:
    """A resource the program never declared (a static key a careless change would add)."""

    def tamper(resources: list[PolicyResource]) -> list[PolicyResource]:
        return [
            *resources,
            PolicyResource(f"urn:pulumi:s::p::{type_}::{name}", type_, name, inputs),
        ]

    return tamper


AZURE, AWS, GCP = "acme-azure-dev", "acme-aws-prod", "acme-gcp-staging"
OBSERVABILITY_TAMPERING: list[
    tuple[str, str, Callable[[list[PolicyResource]], list[PolicyResource]], str]
] = [
    # issue 17: the observability stores' buckets stay private, encrypted and keyless
    (
        AZURE,
        "observability account with shared keys",
        set_input(STORAGE, "allowSharedKeyAccess", True, "observability-account"),
        "AZ-STORAGE-WORKLOAD-KEYLESS",
    ),
    (
        AZURE,
        "observability account open to every network",
        both(
            set_input(STORAGE, "publicNetworkAccess", "Enabled", "observability-account"),
            set_input(STORAGE, "networkRuleSet", DROP, "observability-account"),
        ),
        "AZ-STORAGE-NETWORK",
    ),
    (
        AZURE,
        "observability account allows public blobs",
        set_input(STORAGE, "allowBlobPublicAccess", True, "observability-account"),
        "AZ-STORAGE-PUBLIC-ACCESS",
    ),
    (
        AZURE,
        "traces container readable anonymously",
        set_input(BLOB_CONTAINER, "publicAccess", "Container", "observability-traces"),
        "AZ-BLOB-CONTAINER-PRIVATE",
    ),
    (
        AWS,
        "metrics bucket made public",
        set_input(S3_BLOCK, "restrictPublicBuckets", False, "observability-metrics-public-access"),
        "AWS-S3-PUBLIC-ACCESS",
    ),
    (
        AWS,
        "logs bucket unencrypted",
        dropped(S3_ENCRYPTION, "observability-logs-encryption"),
        "AWS-S3-ENCRYPTION",
    ),
    (
        AWS,
        "stores given a static access key",
        added("aws:iam/accessKey:AccessKey", "observability-key", {"user": "loki"}),
        "AWS-IAM-NO-ACCESS-KEYS",
    ),
    (
        GCP,
        "traces bucket without public access prevention",
        set_input(GCS, "publicAccessPrevention", "inherited", "observability-traces"),
        "GCP-GCS-PUBLIC-ACCESS",
    ),
    (
        GCP,
        "logs bucket readable by allUsers",
        set_input(GCS_MEMBER, "member", "allUsers", "observability-logs-stores"),
        "GCP-IAM-NO-PUBLIC-MEMBERS",
    ),
    (
        GCP,
        "stores given an HMAC key",
        added("gcp:storage/hmacKey:HmacKey", "observability-hmac", {"serviceAccountEmail": "obs"}),
        "GCP-GCS-NO-HMAC-KEYS",
    ),
    (
        GCP,
        "stores given a service account key",
        added("gcp:serviceaccount/key:Key", "observability-key", {"serviceAccountId": "obs"}),
        "GCP-IAM-NO-SA-KEYS",
    ),
    (
        GCP,
        "traces deleted before their retention",
        set_input(GCS, "lifecycleRules.0.condition.age", 3, "observability-traces"),
        "GCP-LOG-RETENTION",
    ),
]
CLOUD_TAMPERING: list[
    tuple[str, str, Callable[[list[PolicyResource]], list[PolicyResource]], str]
] = [
    # the four of issue 13
    (
        AZURE,
        "node resource group Unrestricted",
        set_input(AKS, "nodeResourceGroupProfile.restrictionLevel", "Unrestricted"),
        "AZ-AKS-NODE-RG-LOCKDOWN",
    ),
    (
        AZURE,
        "node resource group profile left out",
        set_input(AKS, "nodeResourceGroupProfile", DROP),
        "AZ-AKS-NODE-RG-LOCKDOWN",
    ),
    (
        AZURE,
        "vault enabledForDeployment",
        set_input(VAULT, "properties.enabledForDeployment", True),
        "AZ-KV-PLATFORM-ACCESS",
    ),
    (
        AZURE,
        "vault enabledForTemplateDeployment",
        set_input(VAULT, "properties.enabledForTemplateDeployment", True),
        "AZ-KV-PLATFORM-ACCESS",
    ),
    (
        AZURE,
        "storage allowCrossTenantReplication",
        set_input(STORAGE, "allowCrossTenantReplication", True),
        "AZ-STORAGE-CROSS-TENANT",
    ),
    (
        GCP,
        "GKE master global access",
        set_input(GKE, "privateClusterConfig.masterGlobalAccessConfig.enabled", True),
        "GCP-GKE-GLOBAL-ACCESS",
    ),
    # the class search
    (AZURE, "Kubernetes RBAC off", set_input(AKS, "enableRBAC", False), "AZ-AKS-ENTRA-RBAC"),
    (
        AZURE,
        "vault enabledForDiskEncryption",
        set_input(VAULT, "properties.enabledForDiskEncryption", True),
        "AZ-KV-PLATFORM-ACCESS",
    ),
    (
        AZURE,
        "storage firewall allows all",
        set_input(STORAGE, "networkRuleSet.defaultAction", "Allow"),
        "AZ-STORAGE-NETWORK",
    ),
    (
        AZURE,
        "workspace keys on",
        set_input(WORKSPACE, "features.disableLocalAuth", False),
        "AZ-LOG-LOCAL-AUTH",
    ),
    (
        AZURE,
        "registry export enabled",
        set_input(ACR, "policies.exportPolicy.status", "enabled"),
        "AZ-ACR-EXPORT",
    ),
    (
        AZURE,
        "NSG admits SSH from the internet",
        set_input(NSG, "securityRules.0.destinationPortRanges", ["22", "443"], "nodes-nsg"),
        "AZ-NSG-INTERNET-INGRESS",
    ),
    (
        AZURE,
        "cluster audit logs dropped",
        set_input(
            DIAGNOSTICS,
            "logs",
            [{"category": "kube-apiserver", "enabled": True}],
            "cluster-diagnostics",
        ),
        "AZ-AKS-AUDIT-LOGS",
    ),
    (
        AZURE,
        "vault audit logs dropped",
        set_input(DIAGNOSTICS, "logs", [], "vault-diagnostics"),
        "AZ-KV-AUDIT-LOGS",
    ),
    (
        AZURE,
        "manual upgrades",
        set_input(AKS, "autoUpgradeProfile.upgradeChannel", "none"),
        "AZ-AKS-AUTO-UPGRADE",
    ),
    (
        AZURE,
        "Azure Policy add-on off",
        set_input(AKS, "addonProfiles.azurepolicy.enabled", False),
        "AZ-AKS-AZURE-POLICY",
    ),
    (
        AZURE,
        "control plane identity made Owner",
        set_input(
            ROLE_ASSIGNMENT,
            "roleDefinitionId",
            "/subscriptions/3f2b9c1e-7a4d-4e8b-9c2f-1a5d6e7f8a9b/providers/"
            "Microsoft.Authorization/roleDefinitions/8e3af657-a8ff-443c-a75c-2fe8c4bcb635",
            "control-plane-network",
        ),
        "AZ-RBAC-PRIVILEGED-ROLE",
    ),
    (
        AWS,
        "default security group opened",
        set_input(DEFAULT_SG, "ingress", [{"protocol": "-1", "self": True}]),
        "AWS-VPC-DEFAULT-SG-CLOSED",
    ),
    (
        AWS,
        "log agent allowed every action",
        set_input(
            ROLE_POLICY,
            "policy",
            '{"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}',
            "logs-agent-policy",
        ),
        "AWS-IAM-NO-ADMIN",
    ),
    (
        AWS,
        "aws-auth ConfigMap",
        set_input(EKS, "accessConfig.authenticationMode", "API_AND_CONFIG_MAP"),
        "AWS-EKS-ACCESS-ENTRIES",
    ),
    (
        AWS,
        "unencrypted node volume",
        set_input(LAUNCH_TEMPLATE, "blockDeviceMappings.0.ebs.encrypted", "false"),
        "AWS-EC2-EBS-ENCRYPTION",
    ),
    (
        AWS,
        "API reachable from the internet",
        set_input(SG_INGRESS, "cidrIpv4", "0.0.0.0/0", "api-0"),
        "AWS-SG-INTERNET-INGRESS",
    ),
    (
        GCP,
        "nodes as the default service account",
        set_input(GKE_POOL, "nodeConfig.serviceAccount", DROP),
        "GCP-GKE-NODE-SERVICE-ACCOUNT",
    ),
    (
        GCP,
        "node pool without secure boot",
        set_input(GKE_POOL, "nodeConfig.shieldedInstanceConfig.enableSecureBoot", False),
        "GCP-GKE-SHIELDED-NODES",
    ),
    (
        GCP,
        "no release channel",
        set_input(GKE, "releaseChannel.channel", "UNSPECIFIED"),
        "GCP-GKE-AUTO-UPGRADE",
    ),
    (
        GCP,
        "security posture off",
        set_input(GKE, "securityPostureConfig.mode", "DISABLED"),
        "GCP-GKE-SECURITY-POSTURE",
    ),
    (
        GCP,
        "node service account made Editor",
        set_input(PROJECT_MEMBER, "role", "roles/editor", "nodes-node-role"),
        "GCP-IAM-NO-BASIC-ROLES",
    ),
    (
        GCP,
        "log archive without CMEK",
        set_input(GCS, "encryption", DROP),
        "GCP-GCS-CMEK",
    ),
    (
        GCP,
        "registry scanning disabled",
        set_input(AR, "vulnerabilityScanningConfig.enablementConfig", "DISABLED"),
        "GCP-AR-VULNERABILITY-SCANNING",
    ),
    (
        GCP,
        "registry readable by allUsers",
        set_input(AR_MEMBER, "member", "allUsers"),
        "GCP-IAM-NO-PUBLIC-MEMBERS",
    ),
    (
        GCP,
        "webhook firewall open to the internet",
        set_input(FIREWALL, "sourceRanges", ["0.0.0.0/0"], "allow-webhooks"),
        "GCP-FIREWALL-INTERNET-INGRESS",
    ),
]


@pytest.mark.parametrize(
    ("stack", "label", "tamper", "rule"),
    CLOUD_TAMPERING + OBSERVABILITY_TAMPERING,
    ids=[f"{stack}-{label}" for stack, label, _, _ in CLOUD_TAMPERING + OBSERVABILITY_TAMPERING],
)
def test_tampered_cloud_resources_are_caught(
    stack: str,
    label: str,
    tamper: Callable[[list[PolicyResource]], list[PolicyResource]],
    rule: str,
) -> None:
    plan = planned(stack)
    spec = load_stack(ROOT, stack)
    severity = RULES_BY_ID[rule].severity.value
    before = unwaived(evaluate(views(plan), spec), severity)
    after = unwaived(evaluate(tamper(views(plan)), spec), severity)
    assert rule not in before, f"{stack} already violates {rule}"
    assert rule in after - before, f"{label}: {sorted(after - before)}"
