"""The configuration revision: which configuration a release was recorded with.

A deployed configuration is immutable; any change is a new revision. The ledger records
the revision next to the image digest so a review shows when a promotion also moves
configuration, and a rollback can say when the configuration changed since.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from pdpkit.spec.platform import PlatformSpec


def config_revision(platform: PlatformSpec, integration: str, environment: str) -> str:
    """A stable content hash of `integration`'s effective configuration in `environment`.

    Covers what the environment can change without a new build: the integration's
    definition (image and other environments' overrides excluded), its override for
    `environment`, the environment's configuration and secret references, and, for an
    integration with endpoints, the environment's endpoint defaults (its identity provider
    and rate limit decide who may call it) when it sets any. Equal
    inputs give equal revisions on every machine (canonical JSON, sorted keys); fields
    left at their default are omitted, so a new optional spec field changes no revision.
    """
    spec = next(i for i in platform.integrations if i.name == integration)
    env = next(e for e in platform.environments if e.name == environment)
    override = spec.overrides.get(environment)
    environment_document: dict[str, Any] = {
        "config": env.config,
        "secrets": {
            k: v.model_dump(mode="json", by_alias=True, exclude_defaults=True)
            for k, v in env.secrets.items()
        },
    }
    defaults = env.endpoint_defaults.model_dump(mode="json", by_alias=True, exclude_defaults=True)
    if spec.endpoints and defaults:
        environment_document["endpointDefaults"] = defaults
    document = {
        "integration": spec.model_dump(
            mode="json", by_alias=True, exclude_defaults=True, exclude={"image", "overrides"}
        ),
        "override": (
            override.model_dump(mode="json", by_alias=True, exclude_defaults=True)
            if override
            else None
        ),
        "environment": environment_document,
    }
    canonical = json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(canonical.encode()).hexdigest()[:16]
