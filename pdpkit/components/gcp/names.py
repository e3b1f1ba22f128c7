"""Names and labels of GCP resources, derived deterministically (never from time or chance).

GCP limits differ per resource: service account ids 6-30 characters, GCS bucket names
63 and globally unique, label keys and values ``[a-z0-9_-]`` up to 63.
"""

from __future__ import annotations

import hashlib
import re


def labels(tags: dict[str, str], data_plane: str) -> dict[str, str]:
    """GCP labels from a stack's tags (lowercased, ``[a-z0-9_-]``, at most 63 characters),
    plus ``managed-by: pdpkit`` and ``pdp-dataplane: <name>``."""

    def clean(value: str) -> str:
        return re.sub(r"[^a-z0-9_-]", "-", value.lower())[:63]

    cleaned = {clean(k): clean(v) for k, v in sorted(tags.items())}
    return {**cleaned, "managed-by": "pdpkit", "pdp-dataplane": clean(data_plane)}


def account_id(name: str, role: str) -> str:
    """A service account id (6-30 characters) for `role`, stable and unique per data plane."""
    candidate = f"{name}-{role}"
    if len(candidate) <= 30:
        return candidate
    digest = hashlib.sha256(name.encode()).hexdigest()[:4]
    return f"{name[: 30 - len(role) - 6].rstrip('-')}-{digest}-{role}"


def archive_bucket_name(project: str, name: str) -> str:
    """A globally unique GCS name: ``<project>-<name>-logs``, hashed when over 63 characters."""
    candidate = f"{project}-{name}-logs"
    if len(candidate) <= 63:
        return candidate
    digest = hashlib.sha256(candidate.encode()).hexdigest()[:8]
    return f"{name[:45].rstrip('-')}-logs-{digest}"


def observability_bucket_name(project: str, name: str, signal: str) -> str:
    """A globally unique GCS name: ``<project>-<name>-obs-<signal>``, hashed when over 63."""
    candidate = f"{project}-{name}-obs-{signal}"
    if len(candidate) <= 63:
        return candidate
    digest = hashlib.sha256(candidate.encode()).hexdigest()[:8]
    return f"{name[:40].rstrip('-')}-obs-{signal}-{digest}"
