"""`pdp validate` on fields that hold a URL, a host name, a duration, a CIDR, a cloud id or a
cloud name, and on the CI settings: each bad value is reported at its file and line with the
value received and what is expected."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.examples import scratch_project
from tests.unit.cli.test_validate import edit, validate

ONPREM = "stacks/Pulumi.acme-onprem-local.yaml"
AZURE = "stacks/Pulumi.acme-azure-dev.yaml"
AWS = "stacks/Pulumi.acme-aws-prod.yaml"
GCP = "stacks/Pulumi.acme-gcp-staging.yaml"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    scratch_project(tmp_path)
    return tmp_path


# (stack file, text replaced, its replacement, key path, what the message must say)
CASES = [
    (
        ONPREM,
        "      interval: 10m",
        "      interval: 1d",
        "pdp:dataplane.flux.interval",
        "is not a Kubernetes (Go) duration; got '1d'; expected a duration in ms, s, m or h",
    ),
    (
        ONPREM,
        "repositoryUrl: https://git.acme.example/platform/pdp-updates.git",
        "repositoryUrl: git@git.acme.example:platform/pdp-updates.git",
        "pdp:dataplane.flux.repositoryUrl",
        "is not a https:// URL with a host name; got 'git@git.acme.example:platform/",
    ),
    (
        ONPREM,
        "controlPlaneUrl: wss://cp.integration.example.com/agent",
        "controlPlaneUrl: https://cp.integration.example.com/agent",
        "pdp:dataplane.agent.controlPlaneUrl",
        "is not a wss:// URL with a host name; got 'https://cp.integration.example.com/agent'",
    ),
    (
        ONPREM,
        "address: https://vault.lab.acme.example:8200",
        "address: http://vault.lab.acme.example:8200",
        "pdp:dataplane.onprem.vault.address",
        "got 'http://vault.lab.acme.example:8200'; expected https://vault.example.com",
    ),
    (
        ONPREM,
        "endpoint: https://minio.lab.acme.example:9000",
        "endpoint: minio.lab.acme.example:9000",
        "pdp:dataplane.onprem.storage.endpoint",
        "is not a http:// or https:// URL with a host name; got 'minio.lab.acme.example:9000'",
    ),
    (
        ONPREM,
        "hostname: harbor.lab.acme.example",
        "hostname: harbor",
        "pdp:dataplane.onprem.harbor.hostname",
        "is not a fully qualified host name; got 'harbor'; expected a DNS name",
    ),
    (
        ONPREM,
        'hostnames: ["*.apps.lab.acme.example"]',
        'hostnames: ["apps lab"]',
        "pdp:dataplane.gateways.external.hostnames[0]",
        "is not a fully qualified host name; got 'apps lab'",
    ),
    (
        AZURE,
        "acmeEmail: platform@acme.example",
        "acmeEmail: platform",
        "pdp:dataplane.gateways.acmeEmail",
        "is not an e-mail address; got 'platform'",
    ),
    (
        AZURE,
        "subscriptionId: 3f2b9c1e-7a4d-4e8b-9c2f-1a5d6e7f8a9b",
        "subscriptionId: acme-dev",
        "pdp:dataplane.azure.subscriptionId",
        "is not a UUID; got 'acme-dev'; expected 8-4-4-4-12 hex digits",
    ),
    (
        AZURE,
        "    region: westeurope",
        "    region: West Europe",
        "pdp:dataplane.region",
        "'West Europe' is not a region name on Azure; expected an Azure location like westeurope",
    ),
    (
        AZURE,
        'availabilityZones: ["1", "2", "3"]',
        'availabilityZones: ["1", "2", "westeurope-3"]',
        "pdp:dataplane.network.availabilityZones[2]",
        "'westeurope-3' is not an Azure availability zone; expected 1, 2 or 3",
    ),
    (
        AWS,
        "    region: eu-west-1",
        "    region: eu-west1",
        "pdp:dataplane.region",
        "'eu-west1' is not a region name on AWS; expected an AWS region like eu-west-1",
    ),
    (
        GCP,
        "    region: europe-west1",
        "    region: eu-west-1",
        "pdp:dataplane.region",
        "'eu-west-1' is not a region name on GCP; expected a GCP region like europe-west1",
    ),
    (
        AWS,
        "vmSize: m6i.xlarge",
        "vmSize: Standard_D8ds_v5",
        "pdp:dataplane.cluster.nodePools[1].vmSize",
        "'Standard_D8ds_v5' is not a machine size on AWS; expected e.g. m6i.xlarge",
    ),
    (
        GCP,
        "vmSize: e2-standard-8",
        "vmSize: m6i.xlarge",
        "pdp:dataplane.cluster.nodePools[1].vmSize",
        "'m6i.xlarge' is not a machine size on GCP; expected e.g. e2-standard-4",
    ),
    (
        AZURE,
        "vmSize: Standard_D8ds_v5",
        "vmSize: e2-standard-8",
        "pdp:dataplane.cluster.nodePools[1].vmSize",
        "'e2-standard-8' is not a machine size on Azure; expected e.g. Standard_D4ds_v5",
    ),
    (
        AWS,
        "roleArn: arn:aws:iam::109876543210:role/pdp-fleet-acme",
        "roleArn: pdpkit-operator",
        "pdp:dataplane.ci.identity.roleArn",
        "is not an IAM role ARN; got 'pdpkit-operator'; expected arn:aws:iam::",
    ),
    (
        GCP,
        "serviceAccount: pdp-ci@acme-pdp-staging.iam.gserviceaccount.com",
        "serviceAccount: pdp-ci",
        "pdp:dataplane.ci.identity.serviceAccount",
        "is not a service account e-mail; got 'pdp-ci'",
    ),
    (
        GCP,
        "providers/acme-pdp",
        "providers/x",
        "pdp:dataplane.ci.identity.workloadIdentityProvider",
        "is not a workload identity provider; got 'projects/482917365104/locations/global/",
    ),
    (
        AWS,
        "runsOn: [self-hosted, linux, acme-aws-prod]",
        "runsOn: [ubuntu-latest]",
        "pdp:dataplane.ci.runsOn",
        "['ubuntu-latest'] are GitHub-hosted runners, which cannot reach this cluster's API "
        "endpoint (private)",
    ),
    (
        AZURE,
        "runsOn: [self-hosted, linux, acme-azure-dev]",
        "runsOn: [ubuntu-24.04]",
        "pdp:dataplane.ci.runsOn",
        "endpoint (restricted to 203.0.113.0/24, 198.51.100.10/32)",
    ),
    (
        GCP,
        "        serviceAccount: pdp-ci@acme-pdp-staging.iam.gserviceaccount.com\n",
        "        serviceAccount: pdp-ci@acme-pdp-staging.iam.gserviceaccount.com\n"
        "        clientId: 0d3c2b1a-9f8e-4d7c-8b6a-5f4e3d2c1b0a\n",
        "pdp:dataplane.ci.identity.clientId",
        "clientId is not used on target gcp; use workloadIdentityProvider, serviceAccount",
    ),
    (
        ONPREM,
        "      runsOn: [self-hosted, acme-onprem-local]\n",
        "      runsOn: [self-hosted, acme-onprem-local]\n"
        "      identity: {roleArn: 'arn:aws:iam::109876543210:role/x'}\n",
        "pdp:dataplane.ci.identity.roleArn",
        "roleArn is not used on target onprem; remove ci.identity",
    ),
    (
        ONPREM,
        "track: {registryRepository: harbor.lab.acme.example/finance/ledger-export,",
        "track: {registryRepository: harbor.lab.acme.example/finance/ledger-export:2.0,",
        "pdp:platform.integrations[2].track.registryRepository",
        "is not an image repository with its registry host; got "
        "'harbor.lab.acme.example/finance/ledger-export:2.0'",
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c[3] + "|" + c[2] for c in CASES])
def test_a_bad_value_is_located_with_what_is_expected(
    project: Path, capsys: pytest.CaptureFixture[str], case: tuple[str, str, str, str, str]
) -> None:
    stack, old, new, path, message = case
    edit(project / stack, old, new)
    code, output = validate(project, capsys, stack)
    assert code == 1, output
    first_new_line = new.splitlines()[-1 if new.startswith(old) else 0].strip()
    line = next(
        i
        for i, text in enumerate((project / stack).read_text().splitlines(), 1)
        if text.strip() == first_new_line or first_new_line in text
    )
    name = Path(stack).name
    located = [t for t in output.splitlines() if f"{name}:" in t and path in t]
    assert located, output
    assert any(message in t for t in located), output
    assert any(f"{name}:{line} {path}" in t for t in located), output


def test_a_cloud_stack_without_a_ci_identity_is_refused(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    edit(
        project / AWS,
        "      identity:\n"
        "        # The vendor's role for acme GitHub's OIDC token assumes (fleet.yaml's sourceRoleArn,\n"
        "        # the only principal pdpkit-deployer trusts) with the external id (the workflow\n"
        "        # defines the AWS CLI profile pdp-acme-aws-prod).\n"
        "        roleArn: arn:aws:iam::109876543210:role/pdp-fleet-acme\n",
        "",
    )
    code, output = validate(project, capsys, AWS)
    assert code == 1
    line = next(
        i for i, t in enumerate((project / AWS).read_text().splitlines(), 1) if t == "    ci:"
    )
    assert (
        f"Pulumi.acme-aws-prod.yaml:{line} pdp:dataplane.ci: target aws needs "
        "ci.identity.roleArn" in output
    )
