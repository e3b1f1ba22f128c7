"""ArtifactRegistry: Docker, immutable tags, cleanup, CMEK, reader-only on the repository."""

from __future__ import annotations

from typing import Any

from pdpkit.components.gcp.artifact_registry import (
    READER_ROLE,
    ArtifactRegistry,
    ArtifactRegistryArgs,
)
from tests.unit.components.gcp.recording import Recorded, record_program

NODES = "serviceAccount:dp-nodes@acme-pdp-test.iam.gserviceaccount.com"
KEY = "projects/acme-pdp-test/locations/europe-west1/keyRings/dp-keys/cryptoKeys/registry"


def _record(**overrides: Any) -> Recorded:
    values: dict[str, Any] = {
        "project": "acme-pdp-test",
        "region": "europe-west1",
        "repository_id": "dp",
        "readers": (NODES,),
        "untagged_retention_days": 14,
        "kms_key": KEY,
    }
    values.update(overrides)

    def program() -> dict[str, object]:
        return {"host": ArtifactRegistry("dp-registry", ArtifactRegistryArgs(**values)).host}

    return record_program(program)


def test_docker_repository_with_cleanup_and_cmek() -> None:
    recorded = _record()
    repo = recorded.one("gcp:artifactregistry/repository:Repository").inputs
    assert repo["format"] == "DOCKER"
    assert repo["dockerConfig"] == {"immutableTags": True}
    assert repo["kmsKeyName"] == KEY
    assert repo["cleanupPolicyDryRun"] is False
    policies = {p["id"]: p for p in repo["cleanupPolicies"]}
    assert policies["delete-untagged"]["action"] == "DELETE"
    assert policies["delete-untagged"]["condition"] == {
        "tagState": "UNTAGGED",
        "olderThan": f"{14 * 86400}s",
    }
    assert policies["keep-tagged"]["action"] == "KEEP"
    assert recorded.outputs["host"] == "europe-west1-docker.pkg.dev/acme-pdp-test/dp"


def test_nodes_only_read_and_only_this_repository() -> None:
    recorded = _record()
    grants = recorded.of_type("gcp:artifactregistry/repositoryIamMember:RepositoryIamMember")
    assert [(g.inputs["role"], g.inputs["member"]) for g in grants] == [(READER_ROLE, NODES)]
    assert grants[0].inputs["repository"] == "dp"
    assert READER_ROLE == "roles/artifactregistry.reader"
    assert not recorded.of_type("gcp:projects/iAMMember:IAMMember")


def test_without_cmek_and_protection_in_production() -> None:
    staging = _record(kms_key=None).one("gcp:artifactregistry/repository:Repository")
    assert "kmsKeyName" not in staging.inputs and not staging.protect
    production = _record(protect=True).one("gcp:artifactregistry/repository:Repository")
    assert production.protect and production.retain_on_delete
