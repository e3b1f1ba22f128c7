"""`KmsKeys`: a Cloud KMS key ring and one rotated key per purpose, each granted to its user."""

from __future__ import annotations

from dataclasses import dataclass, field

import pulumi
from pulumi_gcp import kms

ENCRYPTER_DECRYPTER = "roles/cloudkms.cryptoKeyEncrypterDecrypter"


@dataclass(frozen=True)
class KeyPurpose:
    """One key of the ring and the identities that encrypt and decrypt with it."""

    name: str
    """Key name in the ring (``gke-secrets``, ``registry``, ``log-archive``)."""
    encrypters: tuple[pulumi.Input[str], ...]
    """IAM members granted encrypter/decrypter on this key only (service agents)."""


@dataclass(frozen=True)
class KmsKeysArgs:
    """Inputs of `KmsKeys`."""

    project: str
    region: str
    """Keys are regional, in the region of the resources they encrypt (GKE and GCS need that)."""
    key_ring: str
    """Key ring name. GCP never deletes key rings: a name is used once per project and region."""
    keys: tuple[KeyPurpose, ...]
    rotation_period: str = "7776000s"
    """Automatic rotation. Default 90 days."""
    protect: bool = False
    """Protect and retain the ring and keys (production). Destroying a key destroys the data."""
    labels: dict[str, str] = field(default_factory=dict)


class KmsKeys(pulumi.ComponentResource):
    """A key ring with one symmetric ENCRYPT_DECRYPT key per purpose, rotated every 90 days,
    and a key-scoped encrypter/decrypter grant per user (never a project-wide KMS role).

    Keys are scheduled for destruction 30 days after deletion (the maximum a tenant can
    undo); in production they are protected and retained as well.
    """

    key_ring_id: pulumi.Output[str]
    key_ids: dict[str, pulumi.Output[str]]
    """Key id (``projects/<p>/locations/<r>/keyRings/<ring>/cryptoKeys/<key>``) per purpose."""
    grants: tuple[pulumi.Resource, ...]
    """The IAM grants; resources using a key depend on them (the agent must hold the role
    before the first encryption)."""

    def __init__(
        self, name: str, args: KmsKeysArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("pdpkit:gcp:KmsKeys", name, None, opts)
        data = pulumi.ResourceOptions(
            parent=self, protect=args.protect, retain_on_delete=args.protect
        )
        ring = kms.KeyRing(
            f"{name}-ring",
            name=args.key_ring,
            project=args.project,
            location=args.region,
            opts=data,
        )
        key_ids: dict[str, pulumi.Output[str]] = {}
        grants: list[pulumi.Resource] = []
        for purpose in args.keys:
            key = kms.CryptoKey(
                f"{name}-{purpose.name}",
                name=purpose.name,
                key_ring=ring.id,
                purpose="ENCRYPT_DECRYPT",
                rotation_period=args.rotation_period,
                destroy_scheduled_duration="2592000s",
                version_template=kms.CryptoKeyVersionTemplateArgs(
                    algorithm="GOOGLE_SYMMETRIC_ENCRYPTION", protection_level="SOFTWARE"
                ),
                labels=args.labels,
                opts=data,
            )
            key_ids[purpose.name] = key.id
            for index, member in enumerate(purpose.encrypters):
                grants.append(
                    kms.CryptoKeyIAMMember(
                        f"{name}-{purpose.name}-user-{index}",
                        crypto_key_id=key.id,
                        role=ENCRYPTER_DECRYPTER,
                        member=member,
                        opts=pulumi.ResourceOptions(parent=self),
                    )
                )

        self.key_ring_id = ring.id
        self.key_ids = key_ids
        self.grants = tuple(grants)
        self.register_outputs({"key_ring_id": self.key_ring_id, "key_ids": self.key_ids})
