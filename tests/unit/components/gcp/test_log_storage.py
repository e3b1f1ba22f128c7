"""LogStorage: retained log bucket + sink, hardened GCS archive with its own writer grant."""

from __future__ import annotations

from typing import Any

import pytest

from pdpkit.components.gcp.log_storage import OBJECT_CREATOR, LogStorage, LogStorageArgs
from tests.unit.components.gcp.recording import Recorded, record_program

KEY = "projects/acme-pdp-test/locations/europe-west1/keyRings/dp-keys/cryptoKeys/log-archive"


def _record(**overrides: Any) -> Recorded:
    values: dict[str, Any] = {
        "project": "acme-pdp-test",
        "region": "europe-west1",
        "cluster_name": "dp",
        "log_bucket_id": "dp-logs",
        "retention_days": 45,
        "archive_bucket": "acme-pdp-test-dp-logs",
        "archive_retention_days": 365,
        "archive_kms_key": KEY,
    }
    values.update(overrides)

    def program() -> dict[str, object]:
        logs = LogStorage("dp-logs", LogStorageArgs(**values))
        return {"bucket": logs.log_bucket, "archive": logs.archive_bucket_url}

    return record_program(program)


@pytest.fixture(scope="module")
def recorded() -> Recorded:
    return _record()


def test_log_bucket_keeps_the_spec_retention_and_the_sink_routes_the_cluster(
    recorded: Recorded,
) -> None:
    bucket = recorded.one("gcp:logging/projectBucketConfig:ProjectBucketConfig").inputs
    assert bucket["retentionDays"] == 45 and bucket["location"] == "europe-west1"
    sinks = {s.name: s.inputs for s in recorded.of_type("gcp:logging/projectSink:ProjectSink")}
    sink = sinks["dp-logs-sink"]
    assert sink["destination"] == (
        "logging.googleapis.com/projects/acme-pdp-test/locations/europe-west1/buckets/dp-logs"
    )
    assert 'resource.labels.cluster_name="dp"' in sink["filter"]
    assert sink["uniqueWriterIdentity"] is True


def test_archive_is_private_versioned_encrypted_and_expires(recorded: Recorded) -> None:
    archive = recorded.one("gcp:storage/bucket:Bucket").inputs
    assert archive["uniformBucketLevelAccess"] is True
    assert archive["publicAccessPrevention"] == "enforced"
    assert archive["versioning"] == {"enabled": True}
    assert archive["encryption"] == {"defaultKmsKeyName": KEY}
    assert archive["forceDestroy"] is False
    deletes = [r for r in archive["lifecycleRules"] if r["action"]["type"] == "Delete"]
    assert {"age": 365} in [r["condition"] for r in deletes]
    assert recorded.outputs["archive"] == "gs://acme-pdp-test-dp-logs"


def test_archive_sink_writer_may_only_create_objects_in_the_archive(recorded: Recorded) -> None:
    sink = next(
        s for s in recorded.of_type("gcp:logging/projectSink:ProjectSink") if "archive" in s.name
    )
    assert sink.inputs["destination"] == "storage.googleapis.com/acme-pdp-test-dp-logs"
    grant = recorded.one("gcp:storage/bucketIAMMember:BucketIAMMember").inputs
    assert grant["role"] == OBJECT_CREATOR and grant["bucket"] == "acme-pdp-test-dp-logs"
    assert grant["member"].startswith("serviceAccount:") and "gcp-sa-logging" in grant["member"]


def test_production_protects_log_bucket_and_archive_and_no_archive_when_off() -> None:
    production = _record(protect=True)
    held = [
        production.one("gcp:logging/projectBucketConfig:ProjectBucketConfig"),
        production.one("gcp:storage/bucket:Bucket"),
    ]
    assert all(r.protect and r.retain_on_delete for r in held)
    without = _record(archive_bucket=None)
    assert not without.of_type("gcp:storage/bucket:Bucket")
    assert without.outputs["archive"] == ""
