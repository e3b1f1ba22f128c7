"""Moving builds along a pipeline: `release`, `promote`, `rollback` over a `Ledger`.

Pure functions: they take the platform, the ledger, who acts and the time, and return a
new ledger (or raise `PromotionRefused` with a message saying why and how to fix it).
The CLI writes the result; a refusal therefore never changes a file.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime

from pdpkit.platform.ledger import Ledger, Release, Slot
from pdpkit.platform.pipeline import Pipeline, pipeline_for
from pdpkit.platform.promotion_move import (
    Change,
    Move,
    Outcome,
    PromotionRefusedError,
    identity,
    short,
)
from pdpkit.platform.revision import config_revision
from pdpkit.spec.platform import DIGEST_PATTERN, IntegrationSpec, PlatformSpec
from pdpkit.spec.suggestions import choices as did_you_mean

__all__ = [
    "Change",
    "Outcome",
    "PromotionRefusedError",
    "did_you_mean",
    "find_integration",
    "promote",
    "release",
    "rollback",
    "short",
]


def find_integration(platform: PlatformSpec, name: str) -> IntegrationSpec:
    for integration in platform.integrations:
        if integration.name == name:
            return integration
    raise PromotionRefusedError(
        f"unknown integration {name!r} in platform {platform.name}; "
        + did_you_mean(name, (i.name for i in platform.integrations))
    )


def _pipeline_env(platform: PlatformSpec, pipeline: Pipeline, integration: str, env: str) -> None:
    if env not in {e.name for e in platform.environments}:
        raise PromotionRefusedError(
            f"unknown environment {env!r} in platform {platform.name}; "
            + did_you_mean(env, pipeline.order)
        )
    if env not in pipeline.order:
        raise PromotionRefusedError(
            f"environment {env!r} is not on pipeline {pipeline.name} of {integration} "
            f"({' → '.join(pipeline.order)}); pick one of those"
        )


def release(
    platform: PlatformSpec,
    ledger: Ledger,
    integration: str,
    image: str,
    *,
    actor: str,
    now: datetime,
    stack: str = "STACK",
) -> Outcome:
    """Record a new build in the pipeline's entry environment(s), then auto-promote it."""
    spec = find_integration(platform, integration)
    if not re.match(DIGEST_PATTERN, image):
        raise PromotionRefusedError(
            f"image {image!r} is not pinned by digest; expected repo@sha256:<64 hex> "
            "(the digest `docker buildx build --push` prints, or `crane digest REPO:TAG`)"
        )
    move = Move(platform, pipeline_for(platform, spec), integration, actor, now, stack)
    known = (spec.image or "").rpartition("@")[0] or spec.track.registry_repository
    if known and image.rpartition("@")[0] != known:
        move.notes.append(
            f"{image.rpartition('@')[0]} is not {integration}'s repository ({known}); "
            "check that this is the right build"
        )
    for env in move.pipeline.entries:
        current = ledger.current(integration, env)
        if current is not None and current.image == image:
            move.notes.append(f"{env} already runs {short(image)}; nothing recorded there")
            continue
        revision = config_revision(platform, integration, env)
        new = Release(image, revision, now, actor, (), "release")
        ledger = ledger.record(integration, env, new)
        move.changes.append(Change(integration, env, new))
        ledger = move.auto_promote(ledger, env)
    return move.outcome(ledger)


def promote(
    platform: PlatformSpec,
    ledger: Ledger,
    integration: str,
    to: str,
    *,
    approved_by: Iterable[str],
    actor: str,
    now: datetime,
    stack: str = "STACK",
) -> Outcome:
    """Copy the build of `to`'s predecessor into `to`, if the gate into `to` is met."""
    spec = find_integration(platform, integration)
    pipeline = pipeline_for(platform, spec)
    _pipeline_env(platform, pipeline, integration, to)
    move = Move(platform, pipeline, integration, actor, now, stack)
    return move.outcome(move.promote(ledger, to, tuple(approved_by), "promote"))


def rollback(
    platform: PlatformSpec,
    ledger: Ledger,
    integration: str,
    environment: str,
    *,
    actor: str,
    now: datetime,
) -> Outcome:
    """Restore the release `environment` ran before its current one."""
    spec = find_integration(platform, integration)
    pipeline = pipeline_for(platform, spec)
    _pipeline_env(platform, pipeline, integration, environment)
    slot = ledger.get(integration, environment)
    if slot is None:
        raise PromotionRefusedError(
            f"{environment} has no release of {integration}; nothing to roll back"
        )
    if not slot.history:
        raise PromotionRefusedError(
            f"{environment} has no earlier release of {integration} to roll back to (it runs "
            f"{short(slot.current.image)}, its first recorded release)"
        )
    previous = slot.history[0]
    actor = identity(actor, "--by")
    revision = config_revision(platform, integration, environment)
    restored = Release(
        previous.image,
        revision,
        now,
        actor,
        (),
        f"rollback from {short(slot.current.image)}",
        restores=previous.restores or previous,  # the proof `verify_ledger` checks
    )
    notes = []
    if previous.revision and previous.revision != revision:
        notes.append(
            f"the configuration changed since that release (revision {previous.revision} → "
            f"{revision}); the image is restored, the configuration is what git holds now: "
            "revert the configuration commit too to restore it"
        )
    ledger = ledger.with_slot(integration, environment, Slot(restored, slot.history[1:]))
    return Outcome(ledger, (Change(integration, environment, restored),), tuple(notes))
