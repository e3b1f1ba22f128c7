"""Referential integrity: every input that names another cloud object by id names one the
plan creates, of the right kind (or one the stack declares).

`REFERENCES` is the table, one place: (consumer type, input path) -> the (producer type,
output path)s whose values it accepts. A path is a tuple of keys; ``*`` stands for every
element of a list or every value of a map; ``<json>`` parses a JSON-encoded string. A
`Producer` may wrap its value (``serviceAccount:{}``) and may be matched as a prefix (a
workload identity member ``serviceAccount:POOL[ns/sa]`` starts with the cluster's pool).

Only the offline plan sees outputs (CrossGuard sees inputs only), so the rule is not part of
the CrossGuard pack. A value that is unknown (preview, an unanswered lookup) or secret is not
judged; neither is one whose accepted producers exist in the plan without a known value.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from pdpkit.policy.model import MANDATORY, PolicyContext, PolicyResource, plan_rule

Path = tuple[str, ...]
_UNJUDGED = ("[unknown]", "[secret]")
_DOT = "\x00"  # a dot inside a key, in a dotted path


@dataclass(frozen=True)
class Producer:
    """Where an accepted value comes from: an output (or echoed input) of a resource type."""

    type: str
    path: Path
    what: str
    """What the value is, for messages ("a managed identity's principalId")."""
    template: str = "{}"
    """How the consumer spells the value (``serviceAccount:{}``)."""
    prefix: bool = False
    """The consumer's value starts with the templated value (and goes on)."""

    def accepts(self, produced: str, value: str) -> bool:
        spelled = self.template.format(produced)
        return value.startswith(spelled) if self.prefix else value == spelled


@dataclass(frozen=True)
class Reference:
    """An input of a consumer type that names another cloud object."""

    type: str
    path: Path
    producers: tuple[Producer, ...]


def _p(type_: str, path: str, what: str, template: str = "{}", prefix: bool = False) -> Producer:
    return Producer(type_, tuple(path.split(".")), what, template, prefix)


def _refs(types: Sequence[str], paths: Sequence[str], *producers: Producer) -> list[Reference]:
    return [
        Reference(type_, tuple(path.split(".")), producers) for type_ in types for path in paths
    ]


def _key(path: str, last: str) -> str:
    """A dotted path ending in a key that itself holds dots (an annotation name)."""
    return path + "." + last.replace(".", _DOT)


# --- azure-native -----------------------------------------------------------------------------
_AZ = "azure-native:"
_UAMI = f"{_AZ}managedidentity:UserAssignedIdentity"
_AKS = f"{_AZ}containerservice:ManagedCluster"
_SUBNET = f"{_AZ}network:Subnet"
_VAULT = f"{_AZ}keyvault:Vault"
_STORAGE = f"{_AZ}storage:StorageAccount"
_WORKSPACE = f"{_AZ}operationalinsights:Workspace"
_PRINCIPALS = (
    _p(_UAMI, "principalId", "a managed identity's principalId"),
    _p(_AKS, "identityProfile.kubeletidentity.objectId", "the kubelet identity's objectId"),
    _p(_AKS, "identity.principalId", "the cluster's system-assigned principalId"),
    _p(_AKS, "identity.userAssignedIdentities.*.principalId", "a cluster identity's principalId"),
)
_CLIENT_IDS = (
    _p(_UAMI, "clientId", "a managed identity's clientId"),
    _p(_AKS, "identityProfile.kubeletidentity.clientId", "the kubelet identity's clientId"),
)
_ANY_AZURE_ID = (Producer(_AZ, ("id",), "the id of an Azure resource in the plan"),)
_WI_CLIENT = _key("values.serviceAccount.annotations", "azure.workload.identity/client-id")

# --- aws ----------------------------------------------------------------------------------------
_VPC, _AWS_SUBNET = "aws:ec2/vpc:Vpc", "aws:ec2/subnet:Subnet"
_ROLE, _KEY = "aws:iam/role:Role", "aws:kms/key:Key"
_SG, _RTB = "aws:ec2/securityGroup:SecurityGroup", "aws:ec2/routeTable:RouteTable"
_EKS = "aws:eks/cluster:Cluster"
_ROLE_ARN = (_p(_ROLE, "arn", "an IAM role's ARN"),)
_KEY_ARN = (_p(_KEY, "arn", "a KMS key's ARN"),)
_IRSA = _key("values.serviceAccount.annotations", "eks.amazonaws.com/role-arn")
_FLUX_IRSA = _key("spec.values.serviceAccount.annotations", "eks.amazonaws.com/role-arn")

# --- gcp ----------------------------------------------------------------------------------------
_SA, _GKE = "gcp:serviceaccount/account:Account", "gcp:container/cluster:Cluster"
_NETWORK, _SUBNETWORK = "gcp:compute/network:Network", "gcp:compute/subnetwork:Subnetwork"
_CRYPTO_KEY = "gcp:kms/cryptoKey:CryptoKey"
_MEMBERS = (
    _p(_SA, "email", "a service account's email", "serviceAccount:{}"),
    _p("gcp:logging/projectSink:ProjectSink", "writerIdentity", "a log sink's writer identity"),
    # a Kubernetes service account of the cluster's workload pool: serviceAccount:POOL[ns/sa]
    _p(
        _GKE,
        "workloadIdentityConfig.workloadPool",
        "the cluster's workload identity pool",
        "serviceAccount:{}[",
        prefix=True,
    ),
)
_GSA = _key("values.serviceAccount.annotations", "iam.gke.io/gcp-service-account")
_FLUX_GSA = _key("spec.values.serviceAccount.annotations", "iam.gke.io/gcp-service-account")
_GCP_IAM_MEMBERS = (
    "gcp:artifactregistry/repositoryIamMember:RepositoryIamMember",
    "gcp:dns/dnsManagedZoneIamMember:DnsManagedZoneIamMember",
    "gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember",
    "gcp:storage/bucketIAMMember:BucketIAMMember",
    "gcp:projects/iAMMember:IAMMember",
    "gcp:serviceaccount/iAMMember:IAMMember",
)
_HELM = ("kubernetes:helm.sh/v3:Release",)
_FLUX_HELM = ("kubernetes:helm.toolkit.fluxcd.io/v2:HelmRelease",)

REFERENCES: tuple[Reference, ...] = (
    # Azure: who is granted, on what; what the cluster and its add-ons are wired to
    *_refs([f"{_AZ}authorization:RoleAssignment"], ["principalId"], *_PRINCIPALS),
    *_refs([f"{_AZ}authorization:RoleAssignment"], ["scope"], *_ANY_AZURE_ID),
    *_refs([f"{_AZ}monitor:DiagnosticSetting"], ["resourceUri"], *_ANY_AZURE_ID),
    *_refs(
        [_AKS],
        ["agentPoolProfiles.*.vnetSubnetID", "apiServerAccessProfile.subnetId"],
        _p(_SUBNET, "id", "a subnet's id"),
    ),
    *_refs(
        [f"{_AZ}containerservice:AgentPool"], ["vnetSubnetID"], _p(_SUBNET, "id", "a subnet's id")
    ),
    *_refs([f"{_AZ}network:PrivateEndpoint"], ["subnet.id"], _p(_SUBNET, "id", "a subnet's id")),
    *_refs(
        [_AKS],
        ["identity.userAssignedIdentities.*"],
        _p(_UAMI, "id", "a managed identity's resource id"),
    ),
    *_refs(
        [_AKS],
        ["securityProfile.azureKeyVaultKms.keyId"],
        _p(f"{_AZ}keyvault:Key", "keyUriWithVersion", "a Key Vault key's versioned URI"),
    ),
    *_refs(
        [_AKS],
        ["securityProfile.azureKeyVaultKms.keyVaultResourceId"],
        _p(_VAULT, "id", "a key vault's id"),
    ),
    *_refs(
        [f"{_AZ}monitor:DiagnosticSetting"],
        ["storageAccountId"],
        _p(_STORAGE, "id", "a storage account's id"),
    ),
    *_refs(
        [f"{_AZ}operationalinsights:DataExport"],
        ["resourceId"],
        _p(_STORAGE, "id", "a storage account's id"),
    ),
    *_refs(
        [f"{_AZ}monitor:DiagnosticSetting"],
        ["workspaceId"],
        _p(_WORKSPACE, "id", "a Log Analytics workspace's id"),
    ),
    *_refs(
        [f"{_AZ}monitor:DataCollectionRule"],
        ["destinations.logAnalytics.*.workspaceResourceId"],
        _p(_WORKSPACE, "id", "a Log Analytics workspace's id"),
    ),
    *_refs(
        [f"{_AZ}monitor:DataCollectionRuleAssociation"],
        ["dataCollectionRuleId"],
        _p(f"{_AZ}monitor:DataCollectionRule", "id", "a data collection rule's id"),
    ),
    *_refs(
        [f"{_AZ}monitor:DataCollectionRuleAssociation"],
        ["resourceUri"],
        _p(_AKS, "id", "a managed cluster's id"),
    ),
    *_refs(
        [f"{_AZ}privatedns:VirtualNetworkLink"],
        ["virtualNetwork.id"],
        _p(f"{_AZ}network:VirtualNetwork", "id", "a virtual network's id"),
    ),
    *_refs(
        [f"{_AZ}network:PrivateDnsZoneGroup"],
        ["privateDnsZoneConfigs.*.privateDnsZoneId"],
        _p(f"{_AZ}privatedns:PrivateZone", "id", "a private DNS zone's id"),
    ),
    *_refs(
        [f"{_AZ}network:PrivateEndpoint"],
        ["privateLinkServiceConnections.*.privateLinkServiceId"],
        _p(f"{_AZ}containerregistry:Registry", "id", "a registry's id"),
        _p(_VAULT, "id", "a key vault's id"),
        _p(_STORAGE, "id", "a storage account's id"),
    ),
    *_refs(
        [_SUBNET],
        ["networkSecurityGroup.id"],
        _p(f"{_AZ}network:NetworkSecurityGroup", "id", "a network security group's id"),
    ),
    *_refs(
        [f"{_AZ}storage:BlobContainer", f"{_AZ}storage:ManagementPolicy"],
        ["accountName"],
        _p(_STORAGE, "name", "a storage account's name"),
    ),
    *_refs(
        [f"{_AZ}managedidentity:FederatedIdentityCredential"],
        ["resourceName"],
        _p(_UAMI, "name", "a managed identity's name"),
    ),
    *_refs(
        [f"{_AZ}managedidentity:FederatedIdentityCredential"],
        ["issuer"],
        _p(_AKS, "oidcIssuerProfile.issuerURL", "the cluster's OIDC issuer URL"),
    ),
    *_refs(_HELM, [_WI_CLIENT], *_CLIENT_IDS),
    *_refs(
        ["kubernetes:cert-manager.io/v1:ClusterIssuer"],
        ["spec.acme.solvers.*.dns01.azureDNS.managedIdentity.clientID"],
        *_CLIENT_IDS,
    ),
    *_refs(
        ["kubernetes:external-secrets.io/v1:ClusterSecretStore"],
        ["spec.provider.azurekv.vaultUrl"],
        _p(_VAULT, "properties.vaultUri", "a key vault's URI"),
    ),
    # AWS: network wiring
    *_refs(
        [
            _AWS_SUBNET,
            _SG,
            _RTB,
            "aws:ec2/internetGateway:InternetGateway",
            "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup",
            "aws:ec2/vpcEndpoint:VpcEndpoint",
            "aws:ec2/flowLog:FlowLog",
        ],
        ["vpcId"],
        _p(_VPC, "id", "a VPC's id"),
    ),
    *_refs(
        ["aws:ec2/vpcEndpoint:VpcEndpoint", "aws:eks/nodeGroup:NodeGroup"],
        ["subnetIds.*"],
        _p(_AWS_SUBNET, "id", "a subnet's id"),
    ),
    *_refs([_EKS], ["vpcConfig.subnetIds.*"], _p(_AWS_SUBNET, "id", "a subnet's id")),
    *_refs(
        ["aws:ec2/natGateway:NatGateway", "aws:ec2/routeTableAssociation:RouteTableAssociation"],
        ["subnetId"],
        _p(_AWS_SUBNET, "id", "a subnet's id"),
    ),
    *_refs(
        ["aws:ec2/vpcEndpoint:VpcEndpoint"],
        ["securityGroupIds.*"],
        _p(_SG, "id", "a security group's id"),
    ),
    *_refs(
        ["aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"],
        ["securityGroupId", "referencedSecurityGroupId"],
        _p(_SG, "id", "a security group's id"),
        _p(_EKS, "vpcConfig.clusterSecurityGroupId", "the cluster security group's id"),
    ),
    *_refs(
        ["aws:ec2/vpcEndpoint:VpcEndpoint"],
        ["routeTableIds.*"],
        _p(_RTB, "id", "a route table's id"),
    ),
    *_refs(
        ["aws:ec2/route:Route", "aws:ec2/routeTableAssociation:RouteTableAssociation"],
        ["routeTableId"],
        _p(_RTB, "id", "a route table's id"),
    ),
    *_refs(
        ["aws:ec2/route:Route"],
        ["natGatewayId"],
        _p("aws:ec2/natGateway:NatGateway", "id", "a NAT gateway's id"),
    ),
    *_refs(
        ["aws:ec2/route:Route"],
        ["gatewayId"],
        _p("aws:ec2/internetGateway:InternetGateway", "id", "an internet gateway's id"),
    ),
    *_refs(
        ["aws:ec2/natGateway:NatGateway"],
        ["allocationId"],
        _p("aws:ec2/eip:Eip", "id", "an Elastic IP's allocation id"),
    ),
    *_refs(
        ["aws:eks/nodeGroup:NodeGroup"],
        ["launchTemplate.id"],
        _p("aws:ec2/launchTemplate:LaunchTemplate", "id", "a launch template's id"),
    ),
    # AWS: roles (who acts), trust (who may assume), keys (what encrypts)
    *_refs([_EKS], ["roleArn"], *_ROLE_ARN),
    *_refs(["aws:eks/nodeGroup:NodeGroup"], ["nodeRoleArn"], *_ROLE_ARN),
    *_refs(["aws:ec2/flowLog:FlowLog"], ["iamRoleArn"], *_ROLE_ARN),
    *_refs(["aws:cloudwatch/logSubscriptionFilter:LogSubscriptionFilter"], ["roleArn"], *_ROLE_ARN),
    *_refs(
        ["aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream"],
        ["extendedS3Configuration.roleArn"],
        *_ROLE_ARN,
    ),
    *_refs(
        [
            "aws:eks/accessEntry:AccessEntry",
            "aws:eks/accessPolicyAssociation:AccessPolicyAssociation",
        ],
        ["principalArn"],
        *_ROLE_ARN,
    ),
    *_refs(
        ["aws:iam/rolePolicy:RolePolicy", "aws:iam/rolePolicyAttachment:RolePolicyAttachment"],
        ["role"],
        _p(_ROLE, "name", "an IAM role's name"),
    ),
    *_refs(
        [_ROLE],
        ["assumeRolePolicy.<json>.Statement.*.Principal.Federated"],
        _p("aws:iam/openIdConnectProvider:OpenIdConnectProvider", "arn", "an OIDC provider's ARN"),
    ),
    *_refs(
        ["aws:iam/openIdConnectProvider:OpenIdConnectProvider"],
        ["url"],
        _p(_EKS, "identities.*.oidcs.*.issuer", "the cluster's OIDC issuer"),
    ),
    *_refs(_HELM, [_IRSA], *_ROLE_ARN),
    *_refs(_FLUX_HELM, [_FLUX_IRSA], *_ROLE_ARN),
    *_refs([_EKS], ["encryptionConfig.provider.keyArn"], *_KEY_ARN),
    *_refs(
        ["aws:cloudwatch/logGroup:LogGroup", "aws:secretsmanager/secret:Secret"],
        ["kmsKeyId"],
        *_KEY_ARN,
    ),
    *_refs(["aws:ecr/repository:Repository"], ["encryptionConfigurations.*.kmsKey"], *_KEY_ARN),
    *_refs(
        ["aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream"],
        ["extendedS3Configuration.kmsKeyArn"],
        *_KEY_ARN,
    ),
    *_refs(
        ["aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration"],
        ["rules.*.applyServerSideEncryptionByDefault.kmsMasterKeyId"],
        *_KEY_ARN,
    ),
    *_refs(["aws:kms/alias:Alias"], ["targetKeyId"], _p(_KEY, "keyId", "a KMS key's id")),
    # a bucket's companions name it by id (its name)
    *_refs(
        [
            "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
            "aws:s3/bucketOwnershipControls:BucketOwnershipControls",
            "aws:s3/bucketVersioning:BucketVersioning",
            "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
            "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
            "aws:s3/bucketPolicy:BucketPolicy",
        ],
        ["bucket"],
        _p("aws:s3/bucket:Bucket", "id", "an S3 bucket's id"),
    ),
    *_refs(
        ["aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream"],
        ["extendedS3Configuration.bucketArn"],
        _p("aws:s3/bucket:Bucket", "arn", "an S3 bucket's ARN"),
    ),
    *_refs(
        ["aws:cloudwatch/logSubscriptionFilter:LogSubscriptionFilter"],
        ["destinationArn"],
        _p(
            "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream",
            "arn",
            "a Firehose stream's ARN",
        ),
    ),
    *_refs(
        ["aws:ec2/flowLog:FlowLog"],
        ["logDestination"],
        _p("aws:cloudwatch/logGroup:LogGroup", "arn", "a log group's ARN"),
    ),
    # GCP: network, keys, identities
    *_refs(
        [_GKE, _SUBNETWORK, "gcp:compute/firewall:Firewall", "gcp:compute/router:Router"],
        ["network"],
        _p(_NETWORK, "id", "a VPC network's id"),
        _p(_NETWORK, "selfLink", "a VPC network's self link"),
        _p(_NETWORK, "name", "a VPC network's name"),
    ),
    *_refs(
        [_GKE],
        ["subnetwork"],
        _p(_SUBNETWORK, "id", "a subnetwork's id"),
        _p(_SUBNETWORK, "selfLink", "a subnetwork's self link"),
        _p(_SUBNETWORK, "name", "a subnetwork's name"),
    ),
    *_refs(
        ["gcp:compute/routerNat:RouterNat"],
        ["subnetworks.*.name"],
        _p(_SUBNETWORK, "id", "a subnetwork's id"),
        _p(_SUBNETWORK, "selfLink", "a subnetwork's self link"),
    ),
    *_refs(
        [_GKE],
        ["databaseEncryption.keyName"],
        _p(_CRYPTO_KEY, "id", "a Cloud KMS key's id"),
    ),
    *_refs(
        ["gcp:artifactregistry/repository:Repository"],
        ["kmsKeyName"],
        _p(_CRYPTO_KEY, "id", "a Cloud KMS key's id"),
    ),
    *_refs(
        ["gcp:storage/bucket:Bucket"],
        ["encryption.defaultKmsKeyName"],
        _p(_CRYPTO_KEY, "id", "a Cloud KMS key's id"),
    ),
    *_refs(
        ["gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember"],
        ["cryptoKeyId"],
        _p(_CRYPTO_KEY, "id", "a Cloud KMS key's id"),
    ),
    *_refs(
        [_CRYPTO_KEY], ["keyRing"], _p("gcp:kms/keyRing:KeyRing", "id", "a Cloud KMS key ring's id")
    ),
    *_refs(
        [_GKE, "gcp:container/nodePool:NodePool"],
        ["nodeConfig.serviceAccount"],
        _p(_SA, "email", "a service account's email"),
    ),
    *_refs(["gcp:container/nodePool:NodePool"], ["cluster"], _p(_GKE, "id", "a cluster's id")),
    *_refs(_GCP_IAM_MEMBERS, ["member"], *_MEMBERS),
    *_refs(
        ["gcp:storage/bucketIAMMember:BucketIAMMember"],
        ["bucket"],
        _p("gcp:storage/bucket:Bucket", "name", "a storage bucket's name"),
    ),
    *_refs(
        ["gcp:serviceaccount/iAMMember:IAMMember"],
        ["serviceAccountId"],
        _p(_SA, "name", "a service account's resource name"),
    ),
    *_refs(
        ["gcp:logging/projectSink:ProjectSink"],
        ["destination"],
        _p(
            "gcp:logging/projectBucketConfig:ProjectBucketConfig",
            "id",
            "a log bucket",
            "logging.googleapis.com/{}",
        ),
        _p("gcp:storage/bucket:Bucket", "name", "a storage bucket", "storage.googleapis.com/{}"),
    ),
    *_refs(_HELM, [_GSA], _p(_SA, "email", "a service account's email")),
    *_refs(_FLUX_HELM, [_FLUX_GSA], _p(_SA, "email", "a service account's email")),
)
"""Every input, by resource type, that names another cloud object, and what it may name."""


def values_at(value: Any, path: Path, where: str = "") -> Iterator[tuple[str, Any]]:
    """Every (concrete path, value) reached by `path` in `value`."""
    if not path:
        yield where, value
        return
    head, rest = path[0].replace(_DOT, "."), path[1:]
    if head == "<json>":
        if isinstance(value, str):
            try:
                parsed = json.loads(value)
            except ValueError:
                return
            yield from values_at(parsed, rest, where)
        return
    if head == "*":
        items: Iterable[tuple[str, Any]] = (
            value.items()
            if isinstance(value, dict)
            else ((str(i), v) for i, v in enumerate(value))
            if isinstance(value, list)
            else ()
        )
        for key, item in items:
            yield from values_at(item, rest, f"{where}[{key}]")
        return
    if isinstance(value, dict) and head in value:
        yield from values_at(value[head], rest, f"{where}.{head}" if where else head)


def _leaves(value: Any, where: str = "") -> Iterator[tuple[str, str]]:
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _leaves(item, f"{where}.{key}" if where else key)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _leaves(item, f"{where}[{i}]")
    elif isinstance(value, str) and value:
        yield where, value


def _state(resource: PolicyResource) -> dict[str, Any]:
    """What the engine holds for a resource: its inputs, overlaid by the provider's answer."""
    return {**resource.inputs, **resource.outputs}


def _declared(value: str, context: PolicyContext) -> bool:
    return value in context.declared_ids or any(
        re.fullmatch(pattern, value) for pattern in context.declared_patterns
    )


def _candidates(
    producer: Producer, by_type: dict[str, list[PolicyResource]]
) -> Iterator[PolicyResource]:
    """The plan's resources of the producer's type (or type prefix, ending in ``:``)."""
    if not producer.type.endswith(":"):
        yield from by_type.get(producer.type, ())
        return
    for type_, resources in by_type.items():
        if type_.startswith(producer.type) and not type_.startswith("pulumi:"):
            yield from resources


@plan_rule(
    "PDP-REFERENCES-RESOLVE",
    MANDATORY,
    "Every input that names another cloud object by id (principal ids in role assignments, role "
    "ARNs in trust policies, IAM attachments and workload annotations, subnet/VPC/VNet ids, key "
    "ids and URIs, registry ids, service account emails, workload identity members) names an "
    "output of a resource of the right type in the same plan, or a value the stack declares "
    "(subscription, tenant, admin groups, account, deployer role, project number). A wrong "
    "wiring (AcrPull granted to the kubelet identity's clientId instead of its objectId) is "
    "accepted by the fakes but fails for real; only the offline plan sees outputs, so CrossGuard "
    "does not run this rule.",
    "Wire the consumer to the producer's output the message names (e.g. the identity's "
    "principalId/objectId, not its clientId), or declare the external object in the stack.",
    crossguard=False,
    waivable=False,
)
def references_resolve(
    resources: Sequence[PolicyResource], context: PolicyContext
) -> Iterator[tuple[PolicyResource, str]]:
    by_type: dict[str, list[PolicyResource]] = {}
    for resource in resources:
        by_type.setdefault(resource.type, []).append(resource)
    # who produced a value (outputs only: what a provider decided), to name a wrong wiring
    produced_by: dict[str, list[tuple[PolicyResource, str]]] = {}
    for resource in resources:
        for where, value in _leaves(resource.outputs):
            produced_by.setdefault(value, []).append((resource, where))
    for reference in REFERENCES:
        for consumer in by_type.get(reference.type, ()):
            for where, value in values_at(consumer.inputs, reference.path):
                message = _judge(
                    reference,
                    consumer,
                    where,
                    value,
                    by_type=by_type,
                    context=context,
                    produced_by=produced_by,
                )
                if message:
                    yield consumer, message


def _judge(
    reference: Reference,
    consumer: PolicyResource,
    where: str,
    value: Any,
    *,
    by_type: dict[str, list[PolicyResource]],
    context: PolicyContext,
    produced_by: dict[str, list[tuple[PolicyResource, str]]],
) -> str | None:
    if not isinstance(value, str) or not value or any(mark in value for mark in _UNJUDGED):
        return None
    undecided = False
    for producer in reference.producers:
        for resource in _candidates(producer, by_type):
            found = list(values_at(_state(resource), producer.path))
            if (not found and not resource.outputs) or any(
                not isinstance(v, str) or v in _UNJUDGED for _, v in found
            ):
                undecided = True  # a producer of the right type whose value is not known yet
            if any(isinstance(v, str) and producer.accepts(v, value) for _, v in found):
                return None
    if _declared(value, context) or undecided:
        return None
    expected = " or ".join(dict.fromkeys(p.what for p in reference.producers))
    wrong = [
        f"{resource.name}'s {path} ({resource.type})"
        for resource, path in produced_by.get(value, ())
        if resource.urn != consumer.urn
    ]
    if wrong:
        return f"{where} of {consumer.name} is {', '.join(wrong)}; expected {expected}"
    return f"{where} of {consumer.name} ({value}) names nothing in the plan; expected {expected}"
