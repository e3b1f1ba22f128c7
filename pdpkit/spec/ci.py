"""`pdp:dataplane.ci`: where the generated workflows run and whom they authenticate as.

Every example cluster has a private or IP-restricted API endpoint, so the workflows that run
``pulumi up`` must run on a runner that can reach it (a self-hosted runner in the VNet/VPC,
or a GitHub-hosted runner with private networking or static egress addresses), and must hold
exactly the credentials the stack's kubeconfig uses.
"""

from __future__ import annotations

import re

from pydantic import model_validator

from pdpkit.spec.base import SpecModel
from pdpkit.spec.formats import (
    GcpServiceAccount,
    IamRoleArn,
    RunnerLabel,
    Uuid,
    WorkloadIdentityProvider,
)

# The labels of GitHub's standard hosted images: <os>-latest or <os>-<version> (ubuntu-24.04,
# windows-2025, macos-15), with -arm (ubuntu-24.04-arm, windows-11-arm) or the larger macOS
# sizes (-large, -xlarge) (actions/runner-images README, "Available Images"; not re-read at
# a pinned revision here). Such a runner has an address from GitHub's shared pools: it can
# reach neither a private endpoint nor one restricted to the customer's ranges. Larger
# runners with private networking or static IPs carry custom labels and are accepted.
GITHUB_HOSTED_LABEL = re.compile(
    r"^(ubuntu|windows|macos)-(latest|\d+(\.\d+)?)(-arm|-arm64|-large|-xlarge)?$"
)


class CiIdentitySpec(SpecModel):
    """The cloud identity CI assumes through GitHub's OIDC token (nothing stored in GitHub).

    Set the fields of the stack's target only: ``clientId`` (Azure), ``roleArn`` (AWS),
    ``workloadIdentityProvider`` and ``serviceAccount`` (GCP). On-prem has none: the
    self-hosted runner holds the cluster's kubeconfig.
    """

    client_id: Uuid | None = None
    """Azure: client id of the app registration (or user-assigned identity) with a federated
    credential for this repository; tenant and subscription come from the ``azure`` section.
    The kubeconfig authenticates through kubelogin's ``azurecli`` login as this identity."""
    role_arn: IamRoleArn | None = None
    """AWS: the role GitHub's OIDC token assumes. With ``aws.assumeRoleArn`` set, this role
    must be trusted by that role (and present ``aws.externalId``); the workflow defines the
    AWS CLI profile ``pdp-<name>`` the kubeconfig uses for that hop."""
    workload_identity_provider: WorkloadIdentityProvider | None = None
    """GCP: full name of the workload identity pool provider trusting GitHub's OIDC issuer."""
    service_account: GcpServiceAccount | None = None
    """GCP: service account CI impersonates; ``gke-gcloud-auth-plugin`` uses its token."""

    @model_validator(mode="after")
    def _gcp_pair(self) -> CiIdentitySpec:
        if (self.workload_identity_provider is None) != (self.service_account is None):
            raise ValueError(
                "workloadIdentityProvider and serviceAccount go together (GCP); set both"
            )
        return self


class CiSpec(SpecModel):
    """Where the generated GitHub workflows run and which identity they use."""

    runs_on: tuple[RunnerLabel, ...] = ()
    """Labels of the runner every job of this stack runs on; left out: ``[self-hosted,
    <data plane name>]``, a self-hosted runner you register in the data plane's network with
    the data plane's name as a label. GitHub's standard hosted labels (``ubuntu-latest``…)
    are refused: the API endpoint is private or restricted to ``cluster.authorizedRanges``."""
    identity: CiIdentitySpec | None = None
    """The cloud identity CI deploys as (required on azure, aws and gcp): ``pulumi up``, drift
    checks; never given to pull requests (ledger changes deploy through ``pdp-up`` once their
    pull request merges). A stack in fleet.yaml is applied by the fleet's engine as its
    customer's identity there, not this one."""
    preview_identity: CiIdentitySpec | None = None
    """The read-only cloud identity pull-request previews (``pulumi preview``) authenticate as,
    with the same keys as ``identity`` and never the same principal (docs/targets/<target>.md
    lists the read permissions it needs). Left out: pull requests get the offline plan only
    (``pdp plan``, no credentials). Pull requests from forks never get it."""
    preview_runs_on: tuple[RunnerLabel, ...] = ()
    """Labels of the runner ``pulumi preview`` runs on; left out: ``runsOn``. On-prem, where
    the runner's kubeconfig is the credential, a live preview needs this: a runner whose
    kubeconfig can only read (never the deploy runner); left out there: the offline plan only."""


def aws_cli_profile(data_plane: str) -> str:
    """The AWS CLI profile that assumes ``aws.assumeRoleArn`` (with the external id) for the
    Kubernetes provider: the EKS kubeconfig names it, the workflows define it."""
    return f"pdp-{data_plane}"


def runner_labels(ci: CiSpec, data_plane: str) -> tuple[str, ...]:
    """The runner labels of a stack's jobs (`CiSpec.runs_on` or the self-hosted default)."""
    return ci.runs_on or ("self-hosted", data_plane)


def preview_runner_labels(ci: CiSpec, data_plane: str) -> tuple[str, ...]:
    """The runner labels of a stack's ``pulumi preview`` job (`preview_runs_on` or the
    deploy jobs' runner)."""
    return ci.preview_runs_on or runner_labels(ci, data_plane)
