"""`pdp fleet add-customer`: a customer's first stack file, its fleet.yaml entry, and the
one-time steps the customer takes in its own account.

Decision: the scaffold validates as far as `pdp validate` can check shapes, with every value
the vendor cannot know marked ``# PLACEHOLDER`` and listed by the command (host names in the
reserved ``.example`` domain, RFC 2606, which no certificate authority will issue for); what
only the user can set fails `pdp fleet validate` until set: the AWS external id (a secret,
``pulumi config set --secret``) and the Azure/GCP identities (all-zero ids refused as shared
between two customers once a second customer is onboarded the same way).

Permissions in `customer_steps` are a starting point: broad enough for the first
``pulumi up`` of a data plane, to be narrowed from the cloud's audit log afterwards.
"""

from __future__ import annotations

from dataclasses import dataclass

from pdpkit.spec.enums import ManagementModel, Target

ZERO_UUID = "00000000-0000-0000-0000-000000000000"
DEFAULT_REGIONS = {Target.AWS: "eu-west-1", Target.AZURE: "westeurope", Target.GCP: "europe-west1"}
DEPLOY_ROLE = "pdpkit-deployer"
AGENT_IMAGE = (
    "registry.integration.example.com/pdp/agent@sha256:"
    "d4f0bc5a29de06b510f9aa428f1eedba926012b591fef7a518e776a7c9bd1824"
)
"""The vendor's agent image (the example stacks'); the same for every customer."""


@dataclass(frozen=True)
class Onboarding:
    """What `add-customer` needs to know."""

    customer: str
    target: Target
    env: str
    management: ManagementModel
    region: str
    account: str | None = None
    """AWS account id."""
    subscription: str | None = None
    """Azure subscription id."""
    tenant: str | None = None
    """Azure tenant id."""
    project: str | None = None
    """GCP project id."""
    wave: str | None = None

    @property
    def stack(self) -> str:
        """The stack's name: ``<customer>-<target>-<env>``."""
        return f"{self.customer}-{self.target.value}-{self.env}"

    def missing(self) -> str | None:
        """The option the target needs and did not get."""
        needs = {
            Target.AWS: [("--account", self.account)],
            Target.AZURE: [("--subscription", self.subscription), ("--tenant", self.tenant)],
            Target.GCP: [("--project", self.project)],
        }
        gaps = [flag for flag, value in needs.get(self.target, []) if not value]
        return ", ".join(gaps) if gaps else None


def _zones(ob: Onboarding) -> list[str]:
    if ob.target is Target.AWS:
        return [f"{ob.region}{z}" for z in "abc"]
    if ob.target is Target.GCP:
        return [f"{ob.region}-{z}" for z in "bcd"]
    return ["1", "2", "3"]


def _target_section(ob: Onboarding) -> list[str]:
    if ob.target is Target.AWS:
        return [
            "    aws:",
            f'      accountId: "{ob.account}"',
            f"      assumeRoleArn: arn:aws:iam::{ob.account}:role/{DEPLOY_ROLE}",
            "      # externalId: set it with `pulumi config set --secret --path",
            "      #   'pdp:dataplane.aws.externalId' <id> -s " + ob.stack + "` (the id the",
            "      #   customer's role trust policy requires; never in plain text)",
        ]
    if ob.target is Target.AZURE:
        return [
            "    azure:",
            f"      subscriptionId: {ob.subscription}",
            f"      tenantId: {ob.tenant}",
        ]
    return ["    gcp:", f"      project: {ob.project}"]


def _ci_identity(ob: Onboarding) -> list[str]:
    if ob.target is Target.AWS:
        return [f"        roleArn: arn:aws:iam::{ob.account}:role/{DEPLOY_ROLE}"]
    if ob.target is Target.AZURE:
        return [f"        clientId: {ZERO_UUID}   # PLACEHOLDER: the customer's app (step 1)"]
    return [
        "        workloadIdentityProvider: projects/000000/locations/global/"
        "workloadIdentityPools/pdp-fleet/providers/management   # PLACEHOLDER",
        f"        serviceAccount: {DEPLOY_ROLE}@{ob.project}.iam.gserviceaccount.com",
    ]


def stack_file(ob: Onboarding) -> str:
    """The stack file's text (``stacks/Pulumi.<stack>.yaml``)."""
    region_key = {
        Target.AWS: "aws:region",
        Target.AZURE: "azure-native:location",
        Target.GCP: "gcp:region",
    }[ob.target]
    zones = ", ".join(f'"{z}"' for z in _zones(ob))
    production = "true" if ob.env == "prod" else "false"
    lines = [
        f"# {ob.customer}'s {ob.env} data plane on {ob.target.value}, scaffolded by",
        "# `pdp fleet add-customer`. Every `# PLACEHOLDER` value is the customer's to decide:",
        "# replace it before the first `pulumi up` (docs/fleet.md, Onboarding a customer).",
        "config:",
        f"  {region_key}: {ob.region}",
        *([f"  gcp:project: {ob.project}"] if ob.target is Target.GCP else []),
        "  pdp:dataplane:",
        f"    name: {ob.stack}",
        f"    target: {ob.target.value}",
        f"    region: {ob.region}",
        f"    production: {production}",
        f"    management: {ob.management.value}",
        "    network:",
        "      addressSpace: 10.60.0.0/16   # PLACEHOLDER: a range free in the customer's network",
        f"      availabilityZones: [{zones}]",
        "    cluster:",
        '      kubernetesVersion: "1.35"',
        "      privateApiEndpoint: true",
        "      nodePools:",
        "        - {name: system, minCount: 2, maxCount: 3, system: true}",
        "        - {name: apps, minCount: 2, maxCount: 6}",
        "    gateways:",
        "      external:",
        f'        hostnames: ["*.apps.{ob.customer}.example"]   # PLACEHOLDER',
        "      internal:",
        f'        hostnames: ["*.internal.apps.{ob.customer}.example"]   # PLACEHOLDER',
        f"      dnsZone: apps.{ob.customer}.example   # PLACEHOLDER",
        f"      acmeEmail: platform@{ob.customer}.example   # PLACEHOLDER",
        "    flux:",
        f"      repositoryUrl: https://git.{ob.customer}.example/pdp-updates.git   # PLACEHOLDER",
        f"      path: ./clusters/{ob.stack}",
        "    agent:",
        "      controlPlaneUrl: wss://cp.integration.example.com/agent",
        f"      dataPlaneId: dp-{ob.stack}",
        "      tokenSecret: agent-token",
        "      imagePullSecret: agent-registry   # the vendor registry's docker config JSON",
        f"      image: {AGENT_IMAGE}",
        "    ci:",
        "      identity:",
        *_ci_identity(ob),
        "    tags:",
        f"      customer: {ob.customer}",
        f"      environment: {ob.env}",
        *_target_section(ob),
    ]
    return "\n".join(lines) + "\n"


def fleet_entry(ob: Onboarding) -> str:
    """The customer's block under ``customers:`` (two-space list indentation)."""
    name = ob.customer
    if ob.target is Target.AWS:
        backend = f"s3://pdp-state-{name}-{ob.account}?region={ob.region}"
        secrets = f"awskms://alias/pdp-{name}?region={ob.region}"
        identity = [
            "      aws:",
            f"        roleArn: arn:aws:iam::{ob.account}:role/{DEPLOY_ROLE}",
        ]
    elif ob.target is Target.AZURE:
        account = f"pdpstate{name.replace('-', '')}"[:24]
        backend = f"azblob://pdp-state?storage_account={account}"
        secrets = f"azurekeyvault://kv-pdp-{name}.vault.azure.net/keys/pulumi-state"[:200]
        identity = [
            "      azure:",
            f"        clientId: {ZERO_UUID}   # PLACEHOLDER: the customer's app (step 1)",
            f"        tenantId: {ob.tenant}",
        ]
    else:
        backend = f"gs://pdp-state-{name}-{ob.project}"
        secrets = (
            f"gcpkms://projects/{ob.project}/locations/{ob.region}/keyRings/pdp/"
            "cryptoKeys/pulumi-state"
        )
        identity = [
            "      gcp:",
            "        workloadIdentityProvider: projects/000000/locations/global/"
            "workloadIdentityPools/pdp-fleet/providers/management   # PLACEHOLDER",
            f"        serviceAccount: {DEPLOY_ROLE}@{ob.project}.iam.gserviceaccount.com",
        ]
    lines = [
        f"  - name: {name}",
        f"    management: {ob.management.value}",
        f"    stacks: [{ob.stack}]",
        *([f"    wave: {ob.wave}"] if ob.wave else []),
        f"    backend: {backend}",
        f"    secretsProvider: {secrets}",
        "    identity:",
        *identity,
    ]
    return "\n".join(lines) + "\n"


def insert_customer(text: str, entry: str, next_key_line: int | None) -> str:
    """`text` of fleet.yaml with `entry` appended to ``customers:``: before the top-level key
    that follows it (`next_key_line`, 1-based, with the comments and blank lines right above
    that key), or at the end. Everything else, comments included, is kept byte for byte."""
    lines = text.splitlines(keepends=True)
    if next_key_line is None:
        cut = len(lines)
    else:
        cut = next_key_line - 1
        while cut > 0 and (not lines[cut - 1].strip() or lines[cut - 1].lstrip().startswith("#")):
            cut -= 1
    head = "".join(lines[:cut])
    if head and not head.endswith("\n"):
        head += "\n"
    return head + entry + "".join(lines[cut:])


def customer_steps(ob: Onboarding) -> str:
    """The one-time steps the customer takes, with where each comes from."""
    stack, name = ob.stack, ob.customer
    if ob.target is Target.AWS:
        return f"""One-time steps for {name} in AWS account {ob.account} (IAM console or CLI):
1. Create the role {DEPLOY_ROLE} whose trust policy allows sts:AssumeRole to the vendor's
   principal for {name} (the management cluster's service account role, or GitHub's OIDC
   provider), with the condition sts:ExternalId = <an id the vendor gives you, unique to
   {name}> (the confused-deputy guard; AWS recommends one external id per account and
   does not treat it as a secret: docs.aws.amazon.com/IAM/latest/UserGuide/
   id_roles_create_for-user_externalid.html).
2. Attach permissions. Starting point, not least privilege: PowerUserAccess plus IAM
   permissions limited to roles and policies named {stack}-* (EKS, node and IRSA roles);
   narrow them from CloudTrail after the first apply.
3. Create the state bucket pdp-state-{name}-{ob.account} (versioned, encrypted, public access
   blocked) and the KMS key alias/pdp-{name} in {ob.region}; grant the role read/write on
   the bucket and kms:Encrypt/Decrypt on the key.
4. Send the vendor the external id; the vendor runs
   `pulumi config set --secret --path 'pdp:dataplane.aws.externalId' <id> -s {stack}`.
"""
    if ob.target is Target.AZURE:
        return f"""One-time steps for {name} in Azure subscription {ob.subscription}
(tenant {ob.tenant}):
1. Either register an app in your tenant with a federated credential whose issuer is the
   vendor's management cluster (or GitHub) OIDC issuer and whose subject is
   system:serviceaccount:pdp-{name}:pdp-workspace, and send the vendor its client id; or
   delegate the subscription with Azure Lighthouse (an ARM template with the vendor's
   managedByTenantId and authorizations of principalId + built-in roleDefinitionId).
   Lighthouse grants no role with DataActions and User Access Administrator only to assign
   roles to managed identities (learn.microsoft.com/azure/lighthouse/concepts/
   tenants-users-roles): with Lighthouse the state container and the key below live in
   the vendor's tenant, one storage account and vault per customer.
2. Role assignments on the subscription (or the data plane's resource groups). Starting
   point, not least privilege: Contributor, plus the right to assign AcrPull, Key Vault
   Secrets User and Monitoring roles to the data plane's own managed identities (Role
   Based Access Control Administrator with that condition; through Lighthouse: User Access
   Administrator with those delegatedRoleDefinitionIds); narrow from the Activity log
   after the first apply.
3. Create the storage account of the state (container pdp-state) and a Key Vault key
   pulumi-state; grant the identity Storage Blob Data Contributor and Key Vault Crypto User.
"""
    return f"""One-time steps for {name} in GCP project {ob.project}:
1. Create the service account {DEPLOY_ROLE}@{ob.project}.iam.gserviceaccount.com and allow the
   vendor's workload identity pool principal for {name} to impersonate it
   (roles/iam.workloadIdentityUser on the service account, member
   principal://iam.googleapis.com/<pool>/subject/system:serviceaccount:pdp-{name}:pdp-workspace;
   cloud.google.com/iam/docs/workload-identity-federation-with-kubernetes, not re-read
   here). Send the vendor the pool provider's name.
2. Roles on the project. Starting point, not least privilege: roles/container.admin,
   roles/compute.networkAdmin, roles/artifactregistry.admin, roles/secretmanager.admin,
   roles/cloudkms.admin, roles/logging.admin, roles/storage.admin,
   roles/iam.serviceAccountAdmin and roles/resourcemanager.projectIamAdmin; narrow from Cloud
   Audit Logs after the first apply.
3. Create the state bucket pdp-state-{name}-{ob.project} and the key ring pdp with key
   pulumi-state in {ob.region}; grant the service account roles/storage.objectAdmin on the
   bucket and roles/cloudkms.cryptoKeyEncrypterDecrypter on the key.
"""
