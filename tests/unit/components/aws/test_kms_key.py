from __future__ import annotations

import pytest

from pdpkit.components.aws.kms_key import KmsKey, KmsKeyArgs
from tests.unit.components.aws.recorded import ACCOUNT, one, policy, run


@pytest.mark.parametrize("production", [True, False])
def test_rotated_key_whose_policy_only_names_its_own_account(production: bool) -> None:
    recording = run(
        lambda: {
            "arn": KmsKey("k", KmsKeyArgs(ACCOUNT, "dp/eks", "test", production=production)).arn
        }
    )
    key = one(recording, "aws:kms/key:Key")
    assert key.inputs["enableKeyRotation"] is True
    assert key.inputs["deletionWindowInDays"] == 30
    statements = policy(key)["Statement"]
    assert [s["Principal"] for s in statements] == [{"AWS": "arn:aws:iam::210987654321:root"}]
    assert (key.protect, key.retain_on_delete) == (production, production)
    assert one(recording, "aws:kms/alias:Alias").inputs["name"] == "alias/dp/eks"
    assert recording.outputs["arn"].startswith("arn:aws:kms:")
