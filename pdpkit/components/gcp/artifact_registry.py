"""`ArtifactRegistry`: a private Docker repository, readable by the nodes only."""

from __future__ import annotations

from dataclasses import dataclass, field

import pulumi
from pulumi_gcp import artifactregistry

READER_ROLE = "roles/artifactregistry.reader"


@dataclass(frozen=True)
class ArtifactRegistryArgs:
    """Inputs of `ArtifactRegistry`."""

    project: str
    region: str
    repository_id: str
    """Repository name (lowercase letters, digits, '-')."""
    readers: tuple[pulumi.Input[str], ...]
    """IAM members granted read on this repository only (the nodes' service account)."""
    untagged_retention_days: int = 30
    """Untagged images are deleted after this many days."""
    kms_key: pulumi.Input[str] | None = None
    """CMEK key (in the same region); left out: Google-managed encryption. Set at creation only."""
    protect: bool = False
    """Protect and retain the repository (production)."""
    labels: dict[str, str] = field(default_factory=dict)
    depends_on: tuple[pulumi.Resource, ...] = ()
    """What must exist first (the KMS grant of the Artifact Registry service agent)."""


class ArtifactRegistry(pulumi.ComponentResource):
    """A regional DOCKER-format repository with immutable tags, cleanup policies (untagged
    images deleted after the retention, tagged images kept; enforced, not dry-run), optional
    CMEK, and ``roles/artifactregistry.reader`` for the given readers on the repository (no
    project-wide grant; pushing is the CI's business, through its own identity)."""

    repository_id: pulumi.Output[str]
    """``projects/<p>/locations/<r>/repositories/<id>``."""
    host: pulumi.Output[str]
    """Image prefix: ``<region>-docker.pkg.dev/<project>/<repository>``."""

    def __init__(
        self, name: str, args: ArtifactRegistryArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("pdpkit:gcp:ArtifactRegistry", name, None, opts)
        repository = artifactregistry.Repository(
            f"{name}-repository",
            repository_id=args.repository_id,
            project=args.project,
            location=args.region,
            format="DOCKER",
            mode="STANDARD_REPOSITORY",
            description="Images of the data plane's integrations (pdpkit)",
            docker_config=artifactregistry.RepositoryDockerConfigArgs(immutable_tags=True),
            kms_key_name=args.kms_key,
            cleanup_policy_dry_run=False,
            cleanup_policies=[
                artifactregistry.RepositoryCleanupPolicyArgs(
                    id="delete-untagged",
                    action="DELETE",
                    condition=artifactregistry.RepositoryCleanupPolicyConditionArgs(
                        tag_state="UNTAGGED",
                        older_than=f"{args.untagged_retention_days * 86400}s",
                    ),
                ),
                # KEEP wins over DELETE: a tagged (deployed) image is never cleaned up.
                artifactregistry.RepositoryCleanupPolicyArgs(
                    id="keep-tagged",
                    action="KEEP",
                    condition=artifactregistry.RepositoryCleanupPolicyConditionArgs(
                        tag_state="TAGGED"
                    ),
                ),
            ],
            vulnerability_scanning_config=(
                artifactregistry.RepositoryVulnerabilityScanningConfigArgs(
                    enablement_config="INHERITED"
                )
            ),
            labels=args.labels,
            opts=pulumi.ResourceOptions(
                parent=self,
                depends_on=list(args.depends_on),
                protect=args.protect,
                retain_on_delete=args.protect,
                replace_on_changes=["kmsKeyName"],
            ),
        )
        for index, member in enumerate(args.readers):
            artifactregistry.RepositoryIamMember(
                f"{name}-reader-{index}",
                project=args.project,
                location=args.region,
                repository=repository.name,
                role=READER_ROLE,
                member=member,
                opts=pulumi.ResourceOptions(parent=self),
            )
        self.repository_id = repository.id
        self.host = repository.name.apply(
            lambda repo: f"{args.region}-docker.pkg.dev/{args.project}/{repo}"
        )
        self.register_outputs({"repository_id": self.repository_id, "host": self.host})
