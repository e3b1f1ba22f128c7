"""How the AWS target reaches the customer's account: one provider, pinned and assumed."""

from __future__ import annotations

import pulumi
from pulumi_aws import provider as aws_provider

from pdpkit.spec.dataplane import DataPlaneSpec


def account_provider(spec: DataPlaneSpec) -> aws_provider.Provider:
    """The provider every AWS resource uses: pinned to the spec's account and region, assuming
    the customer's role (with its external id, a secret) when one is given."""
    assert spec.aws is not None
    aws = spec.aws
    assume = None
    if aws.assume_role_arn is not None:
        assume = [
            {
                "role_arn": aws.assume_role_arn,
                "session_name": f"pdpkit-{spec.name}"[:64],
                "external_id": None
                if aws.external_id is None
                else pulumi.Output.secret(aws.external_id.get_secret_value()),
            }
        ]
    return aws_provider.Provider(
        f"{spec.name}-aws",
        region=spec.region,
        allowed_account_ids=[aws.account_id],  # refuse to touch any other account
        assume_roles=assume,
        default_tags={
            "tags": {**spec.tags, "managed-by": "pdpkit", "pdp.dev/data-plane": spec.name}
        },
    )
