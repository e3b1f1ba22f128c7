"""The AWS target's observability storage: an S3 bucket per signal and an IRSA role for the
stores, encrypted with the data plane's observability KMS key."""

from __future__ import annotations

import pulumi

from pdpkit.components.aws.arn import Account
from pdpkit.components.aws.observability_buckets import (
    ObservabilityBuckets,
    ObservabilityBucketsArgs,
)
from pdpkit.dataplane.aws_system import IRSA_ANNOTATION
from pdpkit.dataplane.contract import (
    OBSERVABILITY_NAMESPACE,
    OBSERVABILITY_STORE_SERVICE_ACCOUNTS,
    ObservabilityStorage,
    Signal,
)
from pdpkit.dataplane.observability_storage import lifecycle_days
from pdpkit.spec.dataplane import DataPlaneSpec
from pdpkit.spec.name_checks import aws_observability_bucket


def observability_storage(
    spec: DataPlaneSpec,
    account: Account,
    *,
    kms_key_arn: pulumi.Input[str],
    oidc_provider_arn: pulumi.Input[str],
    oidc_issuer: pulumi.Input[str],
    opts: pulumi.ResourceOptions,
) -> ObservabilityStorage:
    """Declare the stores' buckets and role (the caller checks that observability is on)."""
    buckets = ObservabilityBuckets(
        f"{spec.name}-observability",
        ObservabilityBucketsArgs(
            account=account,
            buckets={
                s.value: aws_observability_bucket(spec.name, account.account_id, s.value)
                for s in Signal
            },
            expiration_days={s.value: d for s, d in lifecycle_days(spec.observability).items()},
            kms_key_arn=kms_key_arn,
            oidc_provider_arn=oidc_provider_arn,
            oidc_issuer=oidc_issuer,
            namespace=OBSERVABILITY_NAMESPACE,
            service_accounts=OBSERVABILITY_STORE_SERVICE_ACCOUNTS,
            production=spec.production,
        ),
        opts=opts,
    )
    return ObservabilityStorage(
        backend="s3",
        buckets={s: buckets.bucket_names[s.value] for s in Signal},
        service_account_annotations={IRSA_ANNOTATION: buckets.role_arn},
        pod_labels={},
        # the regional endpoint (Amazon S3 User Guide, "Regional and Zonal endpoints");
        # reached through the S3 gateway endpoint when the VPC has endpoints
        endpoint=f"s3.{account.region}.{account.dns_suffix}",
        region=account.region,
    )
