"""`LogStorage`: a Cloud Logging bucket for the cluster's logs and a GCS bucket archiving them."""

from __future__ import annotations

from dataclasses import dataclass, field

import pulumi
from pulumi_gcp import logging, storage

CLUSTER_RESOURCE_TYPES = (
    "k8s_container",
    "k8s_pod",
    "k8s_node",
    "k8s_cluster",
    "k8s_control_plane_component",
    "gke_cluster",
)
"""Monitored resource types of a GKE cluster's logs (all carry ``cluster_name``)."""
OBJECT_CREATOR = "roles/storage.objectCreator"


@dataclass(frozen=True)
class LogStorageArgs:
    """Inputs of `LogStorage`."""

    project: str
    region: str
    cluster_name: str
    """The sinks route this cluster's logs (and only them)."""
    log_bucket_id: str
    retention_days: int
    """Days logs stay queryable in the Cloud Logging bucket."""
    archive_bucket: str | None
    """Globally unique GCS bucket name; left out: no archive."""
    archive_retention_days: int = 365
    """Days archived objects are kept before deletion."""
    archive_kms_key: pulumi.Input[str] | None = None
    """CMEK key of the archive bucket; left out: Google-managed encryption."""
    protect: bool = False
    """Protect and retain the log bucket and the archive (production)."""
    labels: dict[str, str] = field(default_factory=dict)
    depends_on: tuple[pulumi.Resource, ...] = ()
    """What must exist first (the KMS grant of the Cloud Storage service agent)."""


def cluster_log_filter(cluster_name: str, region: str) -> str:
    """The Logging query that selects one cluster's logs."""
    types = " OR ".join(f'"{t}"' for t in CLUSTER_RESOURCE_TYPES)
    return (
        f'resource.type=({types}) AND resource.labels.cluster_name="{cluster_name}" '
        f'AND resource.labels.location="{region}"'
    )


class LogStorage(pulumi.ComponentResource):
    """Logs stay in the customer's project:

    a regional Cloud Logging bucket with the spec's retention and a sink routing the
    cluster's logs into it (a same-project bucket needs no grant for the sink's writer
    identity); optionally a GCS archive with uniform bucket-level access, public access
    prevention enforced, versioning, a lifecycle (colder storage classes over time,
    deletion after the archive retention, noncurrent versions after 30 days) and CMEK, fed
    by a second sink whose own writer identity gets ``roles/storage.objectCreator`` on that
    bucket only. Logs also reach the ``_Default`` bucket (Google's 30-day default) unless
    the project excludes them there.
    """

    log_bucket: pulumi.Output[str]
    """``projects/<p>/locations/<r>/buckets/<id>``."""
    sink_writer_identity: pulumi.Output[str]
    archive_bucket_url: pulumi.Output[str]
    """``gs://<bucket>``, or "" without an archive."""

    def __init__(
        self, name: str, args: LogStorageArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("pdpkit:gcp:LogStorage", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        data = pulumi.ResourceOptions(
            parent=self, protect=args.protect, retain_on_delete=args.protect
        )
        log_filter = cluster_log_filter(args.cluster_name, args.region)
        bucket = logging.ProjectBucketConfig(
            f"{name}-bucket",
            project=args.project,
            location=args.region,
            bucket_id=args.log_bucket_id,
            retention_days=args.retention_days,
            description=f"Logs of GKE cluster {args.cluster_name} (pdpkit)",
            opts=data,
        )
        sink = logging.ProjectSink(
            f"{name}-sink",
            name=f"{args.log_bucket_id}-sink",
            project=args.project,
            destination=bucket.id.apply(lambda bid: f"logging.googleapis.com/{bid}"),
            filter=log_filter,
            unique_writer_identity=True,
            description=f"Routes cluster {args.cluster_name}'s logs to its log bucket",
            opts=child,
        )
        archive_url: pulumi.Output[str] = pulumi.Output.from_input("")
        if args.archive_bucket is not None:
            archive = storage.Bucket(
                f"{name}-archive",
                name=args.archive_bucket,
                project=args.project,
                location=args.region.upper(),
                storage_class="STANDARD",
                uniform_bucket_level_access=True,
                public_access_prevention="enforced",
                versioning=storage.BucketVersioningArgs(enabled=True),
                lifecycle_rules=_lifecycle(args.archive_retention_days),
                encryption=(
                    storage.BucketEncryptionArgs(default_kms_key_name=args.archive_kms_key)
                    if args.archive_kms_key is not None
                    else None
                ),
                force_destroy=False,
                labels=args.labels,
                opts=pulumi.ResourceOptions.merge(
                    data, pulumi.ResourceOptions(depends_on=list(args.depends_on))
                ),
            )
            archive_sink = logging.ProjectSink(
                f"{name}-archive-sink",
                name=f"{args.log_bucket_id}-archive-sink",
                project=args.project,
                destination=archive.name.apply(lambda b: f"storage.googleapis.com/{b}"),
                filter=log_filter,
                unique_writer_identity=True,
                description=f"Archives cluster {args.cluster_name}'s logs to GCS",
                opts=child,
            )
            storage.BucketIAMMember(
                f"{name}-archive-writer",
                bucket=archive.name,
                role=OBJECT_CREATOR,
                member=archive_sink.writer_identity,
                opts=child,
            )
            archive_url = archive.url
        self.log_bucket = bucket.id
        self.sink_writer_identity = sink.writer_identity
        self.archive_bucket_url = archive_url
        self.register_outputs(
            {
                "log_bucket": self.log_bucket,
                "sink_writer_identity": self.sink_writer_identity,
                "archive_bucket_url": self.archive_bucket_url,
            }
        )


def _lifecycle(retention_days: int) -> list[storage.BucketLifecycleRuleArgs]:
    """Colder classes as objects age (only where they outlive the class's minimum storage
    duration), deletion at the retention, noncurrent versions kept 30 days."""
    rules = []
    if retention_days > 30 + 30:
        rules.append(_rule("SetStorageClass", age=30, storage_class="NEARLINE"))
    if retention_days > 90 + 90:
        rules.append(_rule("SetStorageClass", age=90, storage_class="COLDLINE"))
    rules.append(_rule("Delete", age=retention_days))
    rules.append(
        storage.BucketLifecycleRuleArgs(
            action=storage.BucketLifecycleRuleActionArgs(type="Delete"),
            condition=storage.BucketLifecycleRuleConditionArgs(
                days_since_noncurrent_time=30, with_state="ARCHIVED"
            ),
        )
    )
    return rules


def _rule(
    action: str, *, age: int, storage_class: str | None = None
) -> storage.BucketLifecycleRuleArgs:
    return storage.BucketLifecycleRuleArgs(
        action=storage.BucketLifecycleRuleActionArgs(type=action, storage_class=storage_class),
        condition=storage.BucketLifecycleRuleConditionArgs(age=age),
    )
