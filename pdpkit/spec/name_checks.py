"""Names the spec derives for cloud and Kubernetes objects, checked against what those accept.

A derived name the cloud or the API server refuses fails only at deployment, after part of
the stack exists; here it is a located validation error that says which spec value to change.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from pdpkit.spec.enums import IntegrationKind, Target
from pdpkit.spec.findings import Finding
from pdpkit.spec.stack import StackSpec

S3_BUCKET_MAX = 63
"""S3 bucket names have 3 to 63 characters: Amazon S3 User Guide, "General purpose bucket
naming rules", https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html"""
FIREHOSE_STREAM_MAX = 64
"""Firehose stream names have 1 to 64 characters: Amazon Data Firehose API Reference,
CreateDeliveryStream, DeliveryStreamName ("Maximum length of 64"),
https://docs.aws.amazon.com/firehose/latest/APIReference/API_CreateDeliveryStream.html"""
CRONJOB_NAME_MAX = 52
"""The CronJob controller appends an 11-character suffix to the Jobs it creates, so the API
server refuses CronJob names over 63 - 11 = 52 characters: kubernetes/kubernetes
pkg/apis/batch/validation/validation.go (`DNS1035LabelMaxLength-11`, "must be no more than 52
characters"). The stored copies of that file predate the check, so the line is not cited at a
pinned tag; the rule is the one kubebuilder's CronJob tutorial mirrors."""
DNS_1035_LABEL = re.compile(r"^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$")
"""Service names are RFC 1035 labels (a letter first): kubernetes/kubernetes
pkg/apis/core/validation/validation.go, `ValidateServiceName = NameIsDNS1035Label`."""


def aws_archive_names(name: str, account_id: str) -> tuple[str, str]:
    """The log archive's S3 bucket and Firehose stream (as `components/aws/log_storage.py`)."""
    return f"{name}-logs-{account_id}", f"{name}-logs-archive"


def aws_observability_bucket(name: str, account_id: str, signal: str) -> str:
    """The observability stores' S3 bucket of `signal` (as `dataplane/aws_observability.py`)."""
    return f"{name}-obs-{signal}-{account_id}"


OBSERVABILITY_SIGNALS = ("logs", "metrics", "traces")
"""The signals each get a bucket (`pdpkit.dataplane.contract.Signal`)."""


def name_problems(stack: StackSpec) -> Iterator[Finding]:
    """Every derived name its object would refuse, reported at the spec value it comes from."""
    dp = stack.dataplane
    if dp.target is Target.AWS and dp.aws is not None and dp.log_storage.archive:
        bucket, stream = aws_archive_names(dp.name, dp.aws.account_id)
        longest = min(
            S3_BUCKET_MAX - len(bucket) + len(dp.name),
            FIREHOSE_STREAM_MAX - len(stream) + len(dp.name),
        )
        for kind, derived, limit in (
            ("S3 bucket", bucket, S3_BUCKET_MAX),
            ("Firehose stream", stream, FIREHOSE_STREAM_MAX),
        ):
            if len(derived) > limit:
                yield (
                    "dataplane.name",
                    f"{dp.name!r} gives the log archive's {kind} name {derived!r} "
                    f"({len(derived)} characters; AWS allows {limit}); shorten the data plane "
                    f"name to {longest} characters or fewer",
                )
    if dp.target is Target.AWS and dp.aws is not None and dp.observability.enabled:
        longest_bucket = max(
            (
                aws_observability_bucket(dp.name, dp.aws.account_id, s)
                for s in OBSERVABILITY_SIGNALS
            ),
            key=len,
        )
        if len(longest_bucket) > S3_BUCKET_MAX:
            yield (
                "dataplane.name",
                f"{dp.name!r} gives the observability bucket name {longest_bucket!r} "
                f"({len(longest_bucket)} characters; AWS allows {S3_BUCKET_MAX}); shorten the "
                f"data plane name to {S3_BUCKET_MAX - len(longest_bucket) + len(dp.name)} "
                "characters or fewer",
            )
    if stack.platform is None:
        return
    for i, integration in enumerate(stack.platform.integrations):
        where = f"platform.integrations[{i}].name"
        if integration.endpoints and not DNS_1035_LABEL.match(integration.name):
            yield (
                where,
                f"{integration.name!r} names the integration's Service, and Service names "
                "start with a letter (RFC 1035 label); rename the integration",
            )
        if (
            integration.kind is IntegrationKind.SCHEDULED_TASK
            and len(integration.name) > CRONJOB_NAME_MAX
        ):
            yield (
                where,
                f"{integration.name!r} ({len(integration.name)} characters) names a CronJob; "
                f"Kubernetes allows {CRONJOB_NAME_MAX}: shorten it",
            )
