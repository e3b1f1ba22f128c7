"""Can a data plane pull an integration's image? Its own registry, or a declared pull secret.

Each cloud data plane may pull only from its own registry (AcrPull to the kubelet identity,
the ECR pull policy on the node role, Artifact Registry reader to the node service account);
on-prem, an existing registry comes with a pull secret every namespace gets, and Harbor
with none (its projects are private: each integration brings a robot account's secret).
An image anywhere else needs the integration's ``imagePullSecret``, or it never starts
(``ErrImagePull``) though every plan and preview is green.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from pdpkit.spec.dataplane import DataPlaneSpec
from pdpkit.spec.enums import RegistryKind, Target
from pdpkit.spec.findings import Finding
from pdpkit.spec.stack import StackSpec


def acr_name(dp: DataPlaneSpec) -> str:
    """``registry.name``, else the data plane name without dashes + ``acr`` (ACR: alphanumeric)."""
    if dp.registry.name:
        return dp.registry.name
    return (re.sub(r"[^a-z0-9]", "", dp.name) + "acr").ljust(5, "0")[:50]


def registry_prefix(dp: DataPlaneSpec) -> str:
    """What every image the data plane pulls with its own credentials starts with.

    Azure: the ACR login server ``<name>.azurecr.io`` (the registry name in lowercase);
    AWS: the account's ECR registry ``<account>.dkr.ecr.<region>.amazonaws.com`` (the node
    role's pull policy covers every repository of the account); GCP: the Artifact Registry
    repository ``<region>-docker.pkg.dev/<project>/<repository>`` (reader on that repository
    only); on-prem: the Harbor host name or the existing registry's server. The tests check
    it equals the ``registry`` output of each example stack's plan.
    """
    if dp.target is Target.AZURE:
        return f"{acr_name(dp).lower()}.azurecr.io"
    if dp.target is Target.AWS and dp.aws is not None:
        return f"{dp.aws.account_id}.dkr.ecr.{dp.region}.amazonaws.com"
    if dp.target is Target.GCP and dp.gcp is not None:
        return f"{dp.region}-docker.pkg.dev/{dp.gcp.project}/{dp.registry.name or dp.name}"
    onprem = dp.onprem
    if onprem is not None and onprem.registry_kind is RegistryKind.HARBOR and onprem.harbor:
        return onprem.harbor.hostname
    if onprem is not None and onprem.existing_registry is not None:
        return onprem.existing_registry.server
    return ""


def nodes_can_pull_own_registry(dp: DataPlaneSpec) -> bool:
    """The data plane pulls from its own registry without an integration's pull secret."""
    onprem = dp.onprem
    if onprem is None:
        return True  # the cloud's node identity
    return onprem.registry_kind is RegistryKind.EXISTING  # the `registry-pull` secret


def agent_image_problems(stack: StackSpec) -> Iterator[Finding]:
    """The PDP agent's image from a registry the data plane has no credentials for."""
    dp = stack.dataplane
    repository = dp.agent.image.rpartition("@")[0]
    own = registry_prefix(dp)
    if dp.agent.image_pull_secret is not None or (
        own and repository.startswith(own + "/") and nodes_can_pull_own_registry(dp)
    ):
        return
    yield (
        "dataplane.agent.image",
        f"{dp.name} cannot pull {repository}: {repository.split('/', 1)[0]} is not a registry "
        f"its nodes pull from with their own identity ({own or 'none'}); set "
        "agent.imagePullSecret to a secret-store key holding a docker config JSON for that "
        f"registry, or mirror the image to {own or 'the data plane registry'}/…",
    )


def image_pull_problems(stack: StackSpec) -> Iterator[Finding]:
    """An integration deployed on this data plane whose image it has no credentials for."""
    platform, dp = stack.platform, stack.dataplane
    if platform is None:
        return
    hosting = [e.name for e in platform.environments if dp.name in e.data_planes]
    if not hosting:
        return
    own = registry_prefix(dp)
    where = f"environments {', '.join(hosting)}"
    for i, integration in enumerate(platform.integrations):
        if integration.image_pull_secret is not None:
            continue
        sources = [
            ("image", (integration.image or "").rpartition("@")[0]),
            ("track.registryRepository", integration.track.registry_repository or ""),
        ]
        for key, repository in sources:
            if not repository or (
                repository.startswith(own + "/") and nodes_can_pull_own_registry(dp)
            ):
                continue
            if repository.startswith(own + "/"):
                why = (
                    f"the data plane holds no credentials for its Harbor ({own}); set "
                    "imagePullSecret to a secret-store key holding the docker config JSON of a "
                    "Harbor robot account with pull access to the project"
                )
            else:
                why = (
                    f"{repository.split('/', 1)[0]} is not this data plane's registry ({own}) "
                    f"and it holds no credentials for it; push the image to {own}/… or set "
                    "imagePullSecret to a secret-store key holding a docker config JSON for "
                    "that registry"
                )
            yield (
                f"platform.integrations[{i}].{key}",
                f"{dp.name} cannot pull {repository} ({where}): {why}",
            )
            break
