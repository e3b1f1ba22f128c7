"""KmsKeys: rotated keys, key-scoped grants, protection in production."""

from __future__ import annotations

from pdpkit.components.gcp.kms_keys import ENCRYPTER_DECRYPTER, KeyPurpose, KmsKeys, KmsKeysArgs
from tests.unit.components.gcp.recording import Recorded, record_program

AGENT = "serviceAccount:service-123456789012@container-engine-robot.iam.gserviceaccount.com"


def _record(protect: bool) -> Recorded:
    def program() -> dict[str, object]:
        keys = KmsKeys(
            "dp-kms",
            KmsKeysArgs(
                project="acme-pdp-test",
                region="europe-west1",
                key_ring="dp-keys",
                keys=(KeyPurpose("gke-secrets", (AGENT,)), KeyPurpose("registry", ())),
                protect=protect,
            ),
        )
        return {"gke": keys.key_ids["gke-secrets"]}

    return record_program(program)


def test_keys_rotate_and_each_user_gets_a_key_scoped_grant() -> None:
    recorded = _record(protect=False)
    keys = {r.inputs["name"]: r for r in recorded.of_type("gcp:kms/cryptoKey:CryptoKey")}
    assert set(keys) == {"gke-secrets", "registry"}
    assert all(k.inputs["rotationPeriod"] == "7776000s" for k in keys.values())
    assert all(k.inputs["purpose"] == "ENCRYPT_DECRYPT" for k in keys.values())
    grant = recorded.one("gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember")
    assert grant.inputs["role"] == ENCRYPTER_DECRYPTER
    assert grant.inputs["member"] == AGENT
    assert grant.inputs["cryptoKeyId"] == recorded.outputs["gke"]
    assert recorded.outputs["gke"] == (
        "projects/acme-pdp-test/locations/europe-west1/keyRings/dp-keys/cryptoKeys/gke-secrets"
    )


def test_ring_and_keys_are_protected_and_retained_only_in_production() -> None:
    for protect in (False, True):
        recorded = _record(protect)
        ring = recorded.one("gcp:kms/keyRing:KeyRing")
        held = [*recorded.of_type("gcp:kms/cryptoKey:CryptoKey"), ring]
        assert all(r.protect is protect and r.retain_on_delete is protect for r in held)
