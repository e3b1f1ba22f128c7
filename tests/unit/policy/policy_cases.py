"""Compliant resources (wire inputs, camelCase) and one violating variant per resource rule."""

from __future__ import annotations

import copy
from typing import Any

DIGEST = "sha256:" + "a" * 64
AKS = "azure-native:containerservice:ManagedCluster"
AGENT_POOL = "azure-native:containerservice:AgentPool"
KEY_VAULT = "azure-native:keyvault:Vault"
ACR = "azure-native:containerregistry:Registry"
STORAGE = "azure-native:storage:StorageAccount"
WORKSPACE = "azure-native:operationalinsights:Workspace"
NSG = "azure-native:network:NetworkSecurityGroup"
ROLE_ASSIGNMENT = "azure-native:authorization:RoleAssignment"
EKS = "aws:eks/cluster:Cluster"
NODE_GROUP = "aws:eks/nodeGroup:NodeGroup"
LAUNCH_TEMPLATE = "aws:ec2/launchTemplate:LaunchTemplate"
ECR = "aws:ecr/repository:Repository"
KMS = "aws:kms/key:Key"
LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"
SM_SECRET = "aws:secretsmanager/secret:Secret"
ACCESS_KEY = "aws:iam/accessKey:AccessKey"
SG_INGRESS = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
SECURITY_GROUP = "aws:ec2/securityGroup:SecurityGroup"
DEFAULT_SG = "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup"
ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"
POLICY_ATTACHMENT = "aws:iam/rolePolicyAttachment:RolePolicyAttachment"
GKE = "gcp:container/cluster:Cluster"
GKE_POOL = "gcp:container/nodePool:NodePool"
AR = "gcp:artifactregistry/repository:Repository"
GCS = "gcp:storage/bucket:Bucket"
LOG_BUCKET = "gcp:logging/projectBucketConfig:ProjectBucketConfig"
CRYPTO_KEY = "gcp:kms/cryptoKey:CryptoKey"
SA_KEY = "gcp:serviceaccount/key:Key"
HMAC_KEY = "gcp:storage/hmacKey:HmacKey"
BLOB_CONTAINER = "azure-native:storage:BlobContainer"
FIREWALL = "gcp:compute/firewall:Firewall"
AR_MEMBER = "gcp:artifactregistry/repositoryIamMember:RepositoryIamMember"
DEPLOYMENT = "kubernetes:apps/v1:Deployment"
CRON_JOB = "kubernetes:batch/v1:CronJob"
SERVICE = "kubernetes:core/v1:Service"
CONFIG_MAP = "kubernetes:core/v1:ConfigMap"
K8S_SECRET = "kubernetes:core/v1:Secret"
CLUSTER_ROLE = "kubernetes:rbac.authorization.k8s.io/v1:ClusterRole"
HELM_RELEASE = "kubernetes:helm.sh/v3:Release"

GOOD: dict[str, dict[str, Any]] = {
    AKS: {
        "apiServerAccessProfile": {"enablePrivateCluster": True},
        "securityProfile": {
            "azureKeyVaultKms": {"enabled": True, "keyId": "https://kv.vault.azure.net/keys/k/1"},
            "workloadIdentity": {"enabled": True},
        },
        "oidcIssuerProfile": {"enabled": True},
        "disableLocalAccounts": True,
        "aadProfile": {"managed": True, "enableAzureRBAC": True},
        "agentPoolProfiles": [{"name": "system", "enableNodePublicIP": False}],
        "networkProfile": {"networkPlugin": "azure", "networkPolicy": "cilium"},
        "nodeResourceGroupProfile": {"restrictionLevel": "ReadOnly"},
        "enableRBAC": True,
        "autoUpgradeProfile": {"upgradeChannel": "patch", "nodeOSUpgradeChannel": "NodeImage"},
        "addonProfiles": {"azurepolicy": {"enabled": True}},
    },
    ROLE_ASSIGNMENT: {
        "principalId": "p",
        "roleDefinitionId": "/subscriptions/s/providers/Microsoft.Authorization/roleDefinitions/"
        "7f951dda-4ed3-4680-a7ca-43fe172d538d",
        "scope": "/subscriptions/s/resourceGroups/rg/providers/Microsoft.ContainerRegistry/registries/r",
    },
    AGENT_POOL: {"vmSize": "Standard_D8ds_v5"},
    KEY_VAULT: {
        "properties": {
            "enablePurgeProtection": True,
            "enableRbacAuthorization": True,
            "enableSoftDelete": True,
            "publicNetworkAccess": "Disabled",
            "enabledForDeployment": False,
            "enabledForTemplateDeployment": False,
            "enabledForDiskEncryption": False,
        }
    },
    ACR: {
        "adminUserEnabled": False,
        "publicNetworkAccess": "Disabled",
        "policies": {"exportPolicy": {"status": "disabled"}},
    },
    STORAGE: {
        "allowBlobPublicAccess": False,
        "minimumTlsVersion": "TLS1_2",
        "enableHttpsTrafficOnly": True,
        "allowSharedKeyAccess": False,
        "allowCrossTenantReplication": False,
        "networkRuleSet": {"defaultAction": "Deny", "bypass": "AzureServices"},
    },
    WORKSPACE: {"retentionInDays": 30, "features": {"disableLocalAuth": True}},
    NSG: {
        "securityRules": [
            {
                "name": "allow-gateway-from-internet",
                "access": "Allow",
                "direction": "Inbound",
                "sourceAddressPrefix": "Internet",
                "destinationPortRanges": ["80", "443"],
            },
            {
                "name": "allow-vnet",
                "access": "Allow",
                "direction": "Inbound",
                "sourceAddressPrefix": "VirtualNetwork",
                "destinationPortRange": "*",
            },
            {
                "name": "deny-other-inbound",
                "access": "Deny",
                "direction": "Inbound",
                "sourceAddressPrefix": "*",
                "destinationPortRange": "*",
            },
        ]
    },
    EKS: {
        "vpcConfig": {"endpointPrivateAccess": True, "endpointPublicAccess": False},
        "encryptionConfig": {"resources": ["secrets"], "provider": {"keyArn": "arn:aws:kms:k"}},
        "enabledClusterLogTypes": ["api", "audit", "authenticator"],
        "accessConfig": {"authenticationMode": "API"},
    },
    NODE_GROUP: {"clusterName": "c"},
    LAUNCH_TEMPLATE: {
        "metadataOptions": {"httpTokens": "required", "httpPutResponseHopLimit": 1},
        "networkInterfaces": [{"associatePublicIpAddress": "false"}],
        "blockDeviceMappings": [{"deviceName": "/dev/xvda", "ebs": {"encrypted": "true"}}],
    },
    SG_INGRESS: {"cidrIpv4": "10.50.0.0/16", "fromPort": 443, "toPort": 443},
    DEFAULT_SG: {"vpcId": "vpc-1"},
    ROLE_POLICY: {
        "role": "r",
        "policy": '{"Statement": [{"Effect": "Allow", "Action": ["logs:PutLogEvents"], '
        '"Resource": "*"}], "Version": "2012-10-17"}',
    },
    POLICY_ATTACHMENT: {"role": "r", "policyArn": "arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy"},
    SECURITY_GROUP: {"ingress": [{"cidrBlocks": ["10.50.0.0/16"], "fromPort": 443, "toPort": 443}]},
    ECR: {
        "imageScanningConfiguration": {"scanOnPush": True},
        "imageTagMutability": "IMMUTABLE",
        "encryptionConfigurations": [{"encryptionType": "KMS", "kmsKey": "arn:aws:kms:k"}],
    },
    KMS: {"enableKeyRotation": True},
    LOG_GROUP: {"retentionInDays": 90, "kmsKeyId": "arn:aws:kms:k"},
    SM_SECRET: {"kmsKeyId": "arn:aws:kms:k"},
    GKE: {
        "privateClusterConfig": {"enablePrivateEndpoint": True, "enablePrivateNodes": True},
        "databaseEncryption": {"state": "ENCRYPTED", "keyName": "projects/p/keys/k"},
        "workloadIdentityConfig": {"workloadPool": "p.svc.id.goog"},
        "datapathProvider": "ADVANCED_DATAPATH",
        "releaseChannel": {"channel": "REGULAR"},
        "securityPostureConfig": {"mode": "BASIC", "vulnerabilityMode": "VULNERABILITY_DISABLED"},
        "nodeConfig": {
            "serviceAccount": "nodes@p.iam.gserviceaccount.com",
            "workloadMetadataConfig": {"mode": "GKE_METADATA"},
        },
    },
    GKE_POOL: {
        "management": {"autoRepair": True, "autoUpgrade": True},
        "nodeConfig": {
            "serviceAccount": "nodes@p.iam.gserviceaccount.com",
            "workloadMetadataConfig": {"mode": "GKE_METADATA"},
            "shieldedInstanceConfig": {"enableSecureBoot": True, "enableIntegrityMonitoring": True},
        },
    },
    AR: {
        "format": "DOCKER",
        "dockerConfig": {"immutableTags": True},
        "kmsKeyName": "k",
        "vulnerabilityScanningConfig": {"enablementConfig": "INHERITED"},
    },
    AR_MEMBER: {
        "member": "serviceAccount:nodes@p.iam.gserviceaccount.com",
        "role": "roles/artifactregistry.reader",
    },
    FIREWALL: {
        "direction": "INGRESS",
        "allows": [{"protocol": "tcp", "ports": ["443"]}],
        "sourceRanges": ["172.16.0.0/28"],
    },
    GCS: {
        "encryption": {"defaultKmsKeyName": "projects/p/keys/k"},
        "publicAccessPrevention": "enforced",
        "uniformBucketLevelAccess": True,
        "lifecycleRules": [{"action": {"type": "Delete"}, "condition": {"age": 365}}],
    },
    LOG_BUCKET: {"retentionDays": 30},
    BLOB_CONTAINER: {"accountName": "acmeobs", "containerName": "logs", "publicAccess": "None"},
    CRYPTO_KEY: {"rotationPeriod": "7776000s"},
    SERVICE: {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": "s"},
        "spec": {"type": "ClusterIP", "selector": {"app": "x"}},
    },
    CONFIG_MAP: {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": "c"},
        "data": {"LOG_LEVEL": "info", "DB_PASSWORD_KEY_REF": "vault"},
    },
    K8S_SECRET: {
        "apiVersion": "v1",
        "kind": "Secret",
        "metadata": {"name": "s"},
        "stringData": "[secret]",
    },
    CLUSTER_ROLE: {"rules": [{"apiGroups": [""], "resources": ["pods"], "verbs": ["get", "list"]}]},
    HELM_RELEASE: {"chart": "oci://docker.io/envoyproxy/gateway-helm", "version": "v1.9.0"},
}


def container(**changes: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "name": "app",
        "image": f"registry.example.com/app@{DIGEST}",
        "securityContext": {
            "runAsNonRoot": True,
            "runAsUser": 10001,
            "readOnlyRootFilesystem": True,
            "allowPrivilegeEscalation": False,
            "capabilities": {"drop": ["ALL"]},
        },
        "resources": {
            "requests": {"cpu": "100m", "memory": "128Mi"},
            "limits": {"cpu": "1", "memory": "1Gi"},
        },
        "livenessProbe": {"tcpSocket": {"port": 8080}},
        "readinessProbe": {"httpGet": {"path": "/healthz", "port": 8080}},
        "env": [
            {"name": "LOG_LEVEL", "value": "info"},
            {"name": "DB_PASSWORD", "valueFrom": {"secretKeyRef": {"name": "db", "key": "p"}}},
        ],
    }
    base.update(changes)
    return base


def pod(**changes: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "serviceAccountName": "app",
        "securityContext": {"seccompProfile": {"type": "RuntimeDefault"}},
        "containers": [container()],
    }
    base.update(changes)
    return base


def deployment(spec: dict[str, Any] | None = None, name: str = "app") -> dict[str, Any]:
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": name, "namespace": "orders-dev", "labels": {"app": name}},
        "spec": {
            "selector": {"matchLabels": {"app": name}},
            "template": {"metadata": {"labels": {"app": name}}, "spec": spec or pod()},
        },
    }


GOOD[DEPLOYMENT] = deployment()
GOOD[CRON_JOB] = {
    "apiVersion": "batch/v1",
    "kind": "CronJob",
    "metadata": {"name": "task"},
    "spec": {
        "schedule": "*/5 * * * *",
        "jobTemplate": {
            "spec": {
                "template": {
                    "spec": pod(containers=[container(livenessProbe=None, readinessProbe=None)])
                }
            }
        },
    },
}


def changed(type_: str, path: str, value: Any) -> dict[str, Any]:
    """A copy of the compliant `type_` with dotted `path` set to `value` (digits: list index)."""
    obj = copy.deepcopy(GOOD[type_])
    *parents, last = path.split(".")
    node: Any = obj
    for key in parents:
        node = node[int(key)] if key.isdigit() else node.setdefault(key, {})
    if last.isdigit():
        node[int(last)] = value
    else:
        node[last] = value
    return obj


def with_container(**changes: Any) -> dict[str, Any]:
    return deployment(pod(containers=[container(**changes)]))


def with_security(**changes: Any) -> dict[str, Any]:
    security = {**container()["securityContext"], **changes}
    return with_container(securityContext=security)


# (rule, type, violating inputs): the rule flags these, and not GOOD[type].
BAD: list[tuple[str, str, dict[str, Any]]] = [
    (
        "AZ-AKS-PRIVATE-API",
        AKS,
        changed(
            AKS,
            "apiServerAccessProfile",
            {"enablePrivateCluster": False, "authorizedIPRanges": ["203.0.113.0/24"]},
        ),
    ),
    (
        "AZ-AKS-API-RANGES",
        AKS,
        changed(AKS, "apiServerAccessProfile", {"enablePrivateCluster": False}),
    ),
    (
        "AZ-AKS-API-RANGES",
        AKS,
        changed(AKS, "apiServerAccessProfile", {"authorizedIPRanges": ["0.0.0.0/0"]}),
    ),
    ("AZ-AKS-KMS", AKS, changed(AKS, "securityProfile.azureKeyVaultKms", {"enabled": False})),
    ("AZ-AKS-WORKLOAD-IDENTITY", AKS, changed(AKS, "oidcIssuerProfile.enabled", False)),
    ("AZ-AKS-LOCAL-ACCOUNTS", AKS, changed(AKS, "disableLocalAccounts", False)),
    ("AZ-AKS-ENTRA-RBAC", AKS, changed(AKS, "aadProfile", {"managed": True})),
    ("AZ-AKS-ENTRA-RBAC", AKS, changed(AKS, "enableRBAC", False)),
    (
        "AZ-AKS-NODE-RG-LOCKDOWN",
        AKS,
        changed(AKS, "nodeResourceGroupProfile.restrictionLevel", "Unrestricted"),
    ),
    ("AZ-AKS-NODE-RG-LOCKDOWN", AKS, changed(AKS, "nodeResourceGroupProfile", None)),
    ("AZ-AKS-AUTO-UPGRADE", AKS, changed(AKS, "autoUpgradeProfile.upgradeChannel", "none")),
    ("AZ-AKS-AUTO-UPGRADE", AKS, changed(AKS, "autoUpgradeProfile.nodeOSUpgradeChannel", "None")),
    ("AZ-AKS-AZURE-POLICY", AKS, changed(AKS, "addonProfiles.azurepolicy.enabled", False)),
    (
        "AZ-RBAC-PRIVILEGED-ROLE",
        ROLE_ASSIGNMENT,
        changed(
            ROLE_ASSIGNMENT,
            "roleDefinitionId",
            "/subscriptions/s/providers/Microsoft.Authorization/roleDefinitions/"
            "8e3af657-a8ff-443c-a75c-2fe8c4bcb635",
        ),
    ),
    ("AZ-AKS-NODE-PUBLIC-IP", AKS, changed(AKS, "agentPoolProfiles.0.enableNodePublicIP", True)),
    ("AZ-AKS-NODE-PUBLIC-IP", AGENT_POOL, changed(AGENT_POOL, "enableNodePublicIP", True)),
    ("AZ-AKS-NETWORK-POLICY", AKS, changed(AKS, "networkProfile.networkPolicy", "none")),
    (
        "AZ-KV-PURGE-PROTECTION",
        KEY_VAULT,
        changed(KEY_VAULT, "properties.enablePurgeProtection", False),
    ),
    ("AZ-KV-RBAC", KEY_VAULT, changed(KEY_VAULT, "properties.enableRbacAuthorization", False)),
    ("AZ-KV-NETWORK", KEY_VAULT, changed(KEY_VAULT, "properties.publicNetworkAccess", "Enabled")),
    (
        "AZ-KV-PLATFORM-ACCESS",
        KEY_VAULT,
        changed(KEY_VAULT, "properties.enabledForDeployment", True),
    ),
    (
        "AZ-KV-PLATFORM-ACCESS",
        KEY_VAULT,
        changed(KEY_VAULT, "properties.enabledForTemplateDeployment", True),
    ),
    (
        "AZ-KV-PLATFORM-ACCESS",
        KEY_VAULT,
        changed(KEY_VAULT, "properties.enabledForDiskEncryption", True),
    ),
    ("AZ-ACR-ADMIN-USER", ACR, changed(ACR, "adminUserEnabled", True)),
    ("AZ-ACR-PUBLIC-ACCESS", ACR, changed(ACR, "publicNetworkAccess", "Enabled")),
    ("AZ-ACR-EXPORT", ACR, changed(ACR, "policies.exportPolicy.status", "enabled")),
    ("AZ-STORAGE-PUBLIC-ACCESS", STORAGE, changed(STORAGE, "allowBlobPublicAccess", True)),
    ("AZ-STORAGE-TLS", STORAGE, changed(STORAGE, "minimumTlsVersion", "TLS1_0")),
    ("AZ-STORAGE-SHARED-KEY", STORAGE, changed(STORAGE, "allowSharedKeyAccess", True)),
    ("AZ-STORAGE-CROSS-TENANT", STORAGE, changed(STORAGE, "allowCrossTenantReplication", True)),
    ("AZ-STORAGE-NETWORK", STORAGE, changed(STORAGE, "networkRuleSet.defaultAction", "Allow")),
    ("AZ-STORAGE-NETWORK", STORAGE, changed(STORAGE, "networkRuleSet", None)),
    ("AZ-LOG-RETENTION", WORKSPACE, changed(WORKSPACE, "retentionInDays", 7)),
    ("AZ-LOG-LOCAL-AUTH", WORKSPACE, changed(WORKSPACE, "features.disableLocalAuth", False)),
    ("AZ-NSG-INTERNET-INGRESS", NSG, changed(NSG, "securityRules.0.destinationPortRanges", ["22"])),
    ("AZ-NSG-INTERNET-INGRESS", NSG, changed(NSG, "securityRules.1.sourceAddressPrefix", "*")),
    (
        "AWS-EKS-PRIVATE-ENDPOINT",
        EKS,
        changed(
            EKS,
            "vpcConfig",
            {"endpointPrivateAccess": True, "publicAccessCidrs": ["203.0.113.0/24"]},
        ),
    ),
    ("AWS-EKS-API-RANGES", EKS, changed(EKS, "vpcConfig", {"endpointPublicAccess": True})),
    ("AWS-EKS-SECRETS-KMS", EKS, changed(EKS, "encryptionConfig", None)),
    ("AWS-EKS-AUDIT-LOGS", EKS, changed(EKS, "enabledClusterLogTypes", ["api"])),
    ("AWS-EKS-ACCESS-ENTRIES", EKS, changed(EKS, "accessConfig.authenticationMode", "CONFIG_MAP")),
    ("AWS-EKS-ACCESS-ENTRIES", EKS, changed(EKS, "accessConfig", None)),
    ("AWS-EKS-NODE-SSH", NODE_GROUP, changed(NODE_GROUP, "remoteAccess", {"ec2SshKey": "ops"})),
    (
        "AWS-EC2-IMDSV2",
        LAUNCH_TEMPLATE,
        changed(LAUNCH_TEMPLATE, "metadataOptions.httpTokens", "optional"),
    ),
    (
        "AWS-EC2-NO-PUBLIC-IP",
        LAUNCH_TEMPLATE,
        changed(LAUNCH_TEMPLATE, "networkInterfaces.0.associatePublicIpAddress", "true"),
    ),
    (
        "AWS-EC2-EBS-ENCRYPTION",
        LAUNCH_TEMPLATE,
        changed(LAUNCH_TEMPLATE, "blockDeviceMappings.0.ebs.encrypted", "false"),
    ),
    ("AWS-SG-INTERNET-INGRESS", SG_INGRESS, changed(SG_INGRESS, "cidrIpv4", "0.0.0.0/0")),
    ("AWS-SG-INTERNET-INGRESS", SG_INGRESS, {"cidrIpv6": "::/0", "fromPort": 22, "toPort": 22}),
    (
        "AWS-SG-INTERNET-INGRESS",
        SECURITY_GROUP,
        changed(SECURITY_GROUP, "ingress.0.cidrBlocks", ["0.0.0.0/0"]),
    ),
    ("AWS-VPC-DEFAULT-SG-CLOSED", DEFAULT_SG, changed(DEFAULT_SG, "egress", [{"protocol": "-1"}])),
    (
        "AWS-IAM-NO-ADMIN",
        ROLE_POLICY,
        changed(ROLE_POLICY, "policy", '{"Statement": {"Effect": "Allow", "Action": "*"}}'),
    ),
    (
        "AWS-IAM-NO-ADMIN",
        POLICY_ATTACHMENT,
        changed(POLICY_ATTACHMENT, "policyArn", "arn:aws:iam::aws:policy/AdministratorAccess"),
    ),
    ("AWS-ECR-SCAN-ON-PUSH", ECR, changed(ECR, "imageScanningConfiguration.scanOnPush", False)),
    ("AWS-ECR-IMMUTABLE-TAGS", ECR, changed(ECR, "imageTagMutability", "MUTABLE")),
    ("AWS-ECR-KMS", ECR, changed(ECR, "encryptionConfigurations", [{"encryptionType": "AES256"}])),
    ("AWS-KMS-ROTATION", KMS, changed(KMS, "enableKeyRotation", False)),
    ("AWS-LOG-RETENTION", LOG_GROUP, changed(LOG_GROUP, "retentionInDays", 0)),
    ("AWS-LOG-KMS", LOG_GROUP, changed(LOG_GROUP, "kmsKeyId", None)),
    ("AWS-SM-KMS", SM_SECRET, changed(SM_SECRET, "kmsKeyId", None)),
    ("AWS-IAM-NO-ACCESS-KEYS", ACCESS_KEY, {"user": "ci"}),
    (
        "GCP-GKE-PRIVATE-ENDPOINT",
        GKE,
        changed(GKE, "privateClusterConfig.enablePrivateEndpoint", False),
    ),
    ("GCP-GKE-API-RANGES", GKE, changed(GKE, "privateClusterConfig.enablePrivateEndpoint", False)),
    ("GCP-GKE-PRIVATE-NODES", GKE, changed(GKE, "privateClusterConfig.enablePrivateNodes", False)),
    (
        "GCP-GKE-PRIVATE-ENDPOINT",
        GKE,
        changed(
            GKE, "controlPlaneEndpointsConfig.dnsEndpointConfig", {"allowExternalTraffic": True}
        ),
    ),
    (
        "GCP-GKE-GLOBAL-ACCESS",
        GKE,
        changed(GKE, "privateClusterConfig.masterGlobalAccessConfig", {"enabled": True}),
    ),
    ("GCP-GKE-NODE-SERVICE-ACCOUNT", GKE, changed(GKE, "nodeConfig.serviceAccount", None)),
    ("GCP-GKE-NODE-SERVICE-ACCOUNT", GKE_POOL, changed(GKE_POOL, "nodeConfig", None)),
    (
        "GCP-GKE-NODE-SERVICE-ACCOUNT",
        GKE_POOL,
        changed(GKE_POOL, "nodeConfig.serviceAccount", "123-compute@developer.gserviceaccount.com"),
    ),
    (
        "GCP-GKE-PRIVATE-NODES",
        GKE_POOL,
        changed(GKE_POOL, "networkConfig", {"enablePrivateNodes": False}),
    ),
    ("GCP-GKE-SECRETS-CMEK", GKE, changed(GKE, "databaseEncryption", {"state": "DECRYPTED"})),
    ("GCP-GKE-WORKLOAD-IDENTITY", GKE, changed(GKE, "workloadIdentityConfig", None)),
    (
        "GCP-GKE-METADATA-SERVER",
        GKE_POOL,
        changed(GKE_POOL, "nodeConfig.workloadMetadataConfig.mode", "GCE_METADATA"),
    ),
    ("GCP-GKE-LEGACY-AUTH", GKE, changed(GKE, "enableLegacyAbac", True)),
    ("GCP-GKE-NETWORK-POLICY", GKE, changed(GKE, "datapathProvider", "LEGACY_DATAPATH")),
    ("GCP-GKE-SHIELDED-NODES", GKE, changed(GKE, "enableShieldedNodes", False)),
    (
        "GCP-GKE-SHIELDED-NODES",
        GKE_POOL,
        changed(GKE_POOL, "nodeConfig.shieldedInstanceConfig.enableSecureBoot", False),
    ),
    ("GCP-GKE-AUTO-UPGRADE", GKE, changed(GKE, "releaseChannel.channel", "UNSPECIFIED")),
    ("GCP-GKE-AUTO-UPGRADE", GKE_POOL, changed(GKE_POOL, "management.autoUpgrade", False)),
    (
        "GCP-GKE-SECURITY-POSTURE",
        GKE,
        changed(GKE, "securityPostureConfig.mode", "DISABLED"),
    ),
    ("GCP-GCS-CMEK", GCS, changed(GCS, "encryption", None)),
    (
        "GCP-AR-VULNERABILITY-SCANNING",
        AR,
        changed(AR, "vulnerabilityScanningConfig.enablementConfig", "DISABLED"),
    ),
    ("GCP-AR-IMMUTABLE-TAGS", AR, changed(AR, "dockerConfig.immutableTags", False)),
    ("GCP-AR-CMEK", AR, changed(AR, "kmsKeyName", None)),
    ("GCP-GCS-PUBLIC-ACCESS", GCS, changed(GCS, "publicAccessPrevention", "inherited")),
    ("GCP-LOG-RETENTION", LOG_BUCKET, changed(LOG_BUCKET, "retentionDays", 14)),
    ("GCP-LOG-RETENTION", GCS, changed(GCS, "lifecycleRules.0.condition.age", 7)),
    ("GCP-KMS-ROTATION", CRYPTO_KEY, changed(CRYPTO_KEY, "rotationPeriod", "31536000s")),
    ("GCP-IAM-NO-SA-KEYS", SA_KEY, {"serviceAccountId": "sa"}),
    ("GCP-GCS-NO-HMAC-KEYS", HMAC_KEY, {"serviceAccountEmail": "obs@p.iam.gserviceaccount.com"}),
    ("AZ-BLOB-CONTAINER-PRIVATE", BLOB_CONTAINER, changed(BLOB_CONTAINER, "publicAccess", "Blob")),
    (
        "AZ-BLOB-CONTAINER-PRIVATE",
        BLOB_CONTAINER,
        changed(BLOB_CONTAINER, "publicAccess", "Container"),
    ),
    ("GCP-IAM-NO-PUBLIC-MEMBERS", AR_MEMBER, changed(AR_MEMBER, "member", "allUsers")),
    (
        "GCP-IAM-NO-PUBLIC-MEMBERS",
        AR_MEMBER,
        changed(AR_MEMBER, "member", "allAuthenticatedUsers"),
    ),
    ("GCP-IAM-NO-BASIC-ROLES", AR_MEMBER, changed(AR_MEMBER, "role", "roles/editor")),
    ("GCP-FIREWALL-INTERNET-INGRESS", FIREWALL, changed(FIREWALL, "sourceRanges", ["0.0.0.0/0"])),
    ("K8S-POD-NON-ROOT", DEPLOYMENT, with_security(runAsNonRoot=None)),
    (
        "K8S-HELM-RELEASE-SIZE",
        HELM_RELEASE,
        {"chart": "oci://docker.io/envoyproxy/gateway-crds-helm", "version": "v1.9.0"},
    ),
    ("K8S-POD-NON-ROOT", DEPLOYMENT, with_security(runAsUser=0)),
    ("K8S-POD-READ-ONLY-ROOT-FS", DEPLOYMENT, with_security(readOnlyRootFilesystem=False)),
    ("K8S-POD-NO-PRIVILEGE-ESCALATION", DEPLOYMENT, with_security(allowPrivilegeEscalation=None)),
    ("K8S-POD-NO-PRIVILEGE-ESCALATION", DEPLOYMENT, with_security(privileged=True)),
    ("K8S-POD-DROP-CAPABILITIES", DEPLOYMENT, with_security(capabilities={"drop": ["NET_RAW"]})),
    (
        "K8S-POD-DROP-CAPABILITIES",
        DEPLOYMENT,
        with_security(capabilities={"drop": ["ALL"], "add": ["SYS_ADMIN"]}),
    ),
    ("K8S-POD-SECCOMP", DEPLOYMENT, deployment(pod(securityContext={}))),
    ("K8S-POD-HOST-ISOLATION", DEPLOYMENT, deployment(pod(hostNetwork=True))),
    (
        "K8S-POD-HOST-ISOLATION",
        DEPLOYMENT,
        deployment(pod(volumes=[{"name": "h", "hostPath": {"path": "/"}}])),
    ),
    ("K8S-POD-RESOURCES", DEPLOYMENT, with_container(resources={"requests": {"cpu": "1"}})),
    ("K8S-POD-PROBES", DEPLOYMENT, with_container(livenessProbe=None)),
    ("K8S-POD-IMAGE-DIGEST", DEPLOYMENT, with_container(image="registry.example.com/app:1.2.3")),
    (
        "K8S-POD-IMAGE-DIGEST",
        CRON_JOB,
        changed(CRON_JOB, "spec.jobTemplate.spec.template.spec.containers.0.image", "nginx:1.27"),
    ),
    ("K8S-POD-NO-LATEST-TAG", DEPLOYMENT, with_container(image="registry.example.com/app:latest")),
    ("K8S-POD-NO-LATEST-TAG", DEPLOYMENT, with_container(image="nginx")),
    ("K8S-POD-SA-TOKEN", DEPLOYMENT, deployment(pod(serviceAccountName=None))),
    ("K8S-RBAC-NO-WILDCARD", CLUSTER_ROLE, changed(CLUSTER_ROLE, "rules.0.verbs", ["*"])),
    ("K8S-NO-PLAIN-SECRETS", K8S_SECRET, changed(K8S_SECRET, "stringData", {"token": "hunter2"})),
    ("K8S-NO-PLAIN-SECRETS", CONFIG_MAP, changed(CONFIG_MAP, "data.DB_PASSWORD", "hunter2")),
    (
        "K8S-NO-PLAIN-SECRETS",
        DEPLOYMENT,
        with_container(env=[{"name": "API_TOKEN", "value": "abc"}]),
    ),
    ("K8S-SVC-NO-LOADBALANCER", SERVICE, changed(SERVICE, "spec.type", "LoadBalancer")),
    ("K8S-SVC-NO-NODEPORT", SERVICE, changed(SERVICE, "spec.type", "NodePort")),
    (
        "K8S-RELEASE-VERIFIED",
        DEPLOYMENT,
        changed(
            DEPLOYMENT,
            "metadata.annotations",
            {"pdpkit.io/unverified-release": "releases.api.prod: never ran in staging"},
        ),
    ),
]
