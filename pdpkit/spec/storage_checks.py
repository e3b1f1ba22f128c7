"""Log retention and bucket names against what the stores that receive them accept."""

from __future__ import annotations

import re
from collections.abc import Iterator

from pdpkit.spec.enums import Target
from pdpkit.spec.findings import Finding
from pdpkit.spec.stack import StackSpec

CLOUDWATCH_RETENTION_DAYS = (
    1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557,
    2922, 3288, 3653,
)  # fmt: skip
"""The only retentions CloudWatch Logs takes: Amazon CloudWatch Logs API Reference,
PutRetentionPolicy ``retentionInDays`` ("Possible values are: 1, 3, 5, … 3288, and 3653").
`logStorage.retentionDays` goes unchanged to the workload log group and the EKS control-plane
log group (`dataplane/aws.py`, `components/aws/log_storage.py`, `components/aws/cluster.py`)."""
# Amazon S3 User Guide, "General purpose bucket naming rules": 3-63 characters of lowercase
# letters, digits, '.' and '-', beginning and ending with a letter or digit, no two adjacent
# periods, not shaped like an IP address. The on-prem S3-compatible stores (MinIO, Ceph RGW)
# apply the same rule to bucket names.
_BUCKET = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")
_IP_SHAPED = re.compile(r"^\d+\.\d+\.\d+\.\d+$")


def storage_problems(stack: StackSpec) -> Iterator[Finding]:
    """A CloudWatch retention CloudWatch does not offer; an on-prem bucket name S3 refuses."""
    dp = stack.dataplane
    days = dp.log_storage.retention_days
    if dp.target is Target.AWS and days not in CLOUDWATCH_RETENTION_DAYS:
        below = max((d for d in CLOUDWATCH_RETENTION_DAYS if d < days), default=None)
        above = min((d for d in CLOUDWATCH_RETENTION_DAYS if d > days), default=None)
        nearest = " or ".join(str(d) for d in (below, above) if d is not None)
        yield (
            "dataplane.logStorage.retentionDays",
            f"{days} is not a retention CloudWatch Logs offers ("
            f"{', '.join(map(str, CLOUDWATCH_RETENTION_DAYS))}); use {nearest}",
        )
    if dp.onprem is None:
        return
    buckets = [("dataplane.onprem.logBucket", dp.onprem.log_bucket)]
    if dp.onprem.harbor is not None:
        buckets.append(("dataplane.onprem.harbor.bucket", dp.onprem.harbor.bucket))
    if dp.observability.enabled:
        observability = dp.onprem.observability_buckets
        buckets += [
            (f"dataplane.onprem.observabilityBuckets.{signal}", getattr(observability, signal))
            for signal in ("logs", "metrics", "traces")
        ]
    seen: dict[str, str] = {}
    for path, bucket in buckets:
        if not _BUCKET.match(bucket) or ".." in bucket or _IP_SHAPED.match(bucket):
            yield (
                path,
                f"{bucket!r} is not an S3 bucket name (3-63 lowercase letters, digits, '.' "
                "and '-', beginning and ending with a letter or digit); e.g. pdp-logs",
            )
        elif bucket in seen:
            # two stores in one bucket would read, compact and delete each other's objects
            yield (
                path,
                f"{bucket!r} is already the bucket of {seen[bucket]}; every store needs a "
                "bucket of its own: choose another name",
            )
        seen.setdefault(bucket, path)
