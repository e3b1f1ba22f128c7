"""What the on-prem components share about S3-compatible storage."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class S3Bucket:
    """A bucket on S3-compatible storage (MinIO, Ceph RGW…) and where its keys are."""

    endpoint: str
    """``https://minio.example:9000``."""
    region: str
    bucket: str
    credentials_key: str
    """Remote key (prefix included) with properties ``accessKeyId`` and ``secretAccessKey``."""

    @property
    def secure(self) -> bool:
        return self.endpoint.startswith("https://")

    @property
    def host(self) -> str:
        """The endpoint without its scheme (``minio.example:9000``)."""
        return self.endpoint.split("://", 1)[1].rstrip("/")
