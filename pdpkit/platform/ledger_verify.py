"""Is every release in the ledger one the pipeline could have produced? (`verify_ledger`)

The ledger is a file anyone with write access can edit; `pulumi up` deploys what it
says. So before anything is deployed, and in `pdp releases`, each environment's current
release is checked against the pipeline, whatever wrote it:

- ``release``: only into an entry environment of the integration's pipeline;
- ``promote from P`` / ``auto-promote from P``: P precedes the environment, the build
  ran in every predecessor before (their history in the ledger), for at least the gate's
  soak time, and the recorded approvals satisfy the gate (distinct people, not the
  promoter, from the gate's approvers); ``auto-`` only through an ``autoPromote`` gate;
- ``rollback from …``: the release it restores (``restores``) passes these checks;
- ``bootstrap``: the integration's bootstrap image from the spec;
- and no release is dated in the future.

Anything else is a `ReleaseProblem` naming the entry. Pure: the caller passes the time.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from pdpkit.platform.ledger import Ledger, Release, format_time, load_ledger
from pdpkit.platform.pipeline import Pipeline, approvers_of, pipeline_for
from pdpkit.platform.promotion_identity import IdentityError, canonical, skeleton
from pdpkit.spec.base import duration_seconds
from pdpkit.spec.platform import PlatformSpec, PromotionGate

CLOCK_SKEW = timedelta(minutes=5)
"""How far in the future a release may be dated (clocks of CI runners differ a little)."""


@dataclass(frozen=True)
class ReleaseProblem:
    """A ledger entry the pipeline could not have produced."""

    integration: str
    environment: str
    message: str
    """What is wrong (the fix is always the same: restore the entry from git, or move
    builds with `pdp release` / `pdp promote` / `pdp rollback`)."""

    @property
    def entry(self) -> str:
        return f"releases.{self.integration}.{self.environment}"

    def __str__(self) -> str:
        return f"{self.entry}: {self.message}"


@dataclass(frozen=True)
class DeployedReleases:
    """What the ledger deploys, and which of it the pipeline does not vouch for."""

    images: Mapping[tuple[str, str], str]
    """Image per (integration, environment) the ledger records."""
    problems: Mapping[tuple[str, str], str]
    """Why the release of (integration, environment) fails `verify_ledger`, where it does."""


def deployed_releases(platform: PlatformSpec, root: Path, *, now: datetime) -> DeployedReleases:
    """The ledger's images with their verification (`pdpkit.program.deploy` hands both to
    the platform layer). Raises `LedgerError` on a bad file."""
    ledger = load_ledger(platform, root)
    return DeployedReleases(
        {key: slot.current.image for key, slot in sorted(ledger.slots.items())},
        {(p.integration, p.environment): str(p) for p in verify_ledger(platform, ledger, now=now)},
    )


def verify_ledger(platform: PlatformSpec, ledger: Ledger, *, now: datetime) -> list[ReleaseProblem]:
    """A problem per current release in `ledger` that the pipeline does not allow."""
    problems = []
    integrations = {i.name: i for i in platform.integrations}
    for (name, environment), slot in sorted(ledger.slots.items()):
        spec = integrations.get(name)
        if spec is None:
            message = f"unknown integration {name!r}: no such integration in {platform.name}"
        else:
            pipeline = pipeline_for(platform, spec)
            if environment not in pipeline.order:
                message = (
                    f"environment {environment!r} is not on pipeline {pipeline.name} of {name} "
                    f"({' → '.join(pipeline.order)})"
                )
            else:
                message = _check(
                    platform,
                    ledger,
                    pipeline,
                    integration=name,
                    environment=environment,
                    release=slot.current,
                    now=now,
                    bootstrap=spec.image,
                )
        if message:
            problems.append(ReleaseProblem(name, environment, message))
    return problems


def _check(
    platform: PlatformSpec,
    ledger: Ledger,
    pipeline: Pipeline,
    *,
    integration: str,
    environment: str,
    release: Release,
    now: datetime,
    bootstrap: str | None,
) -> str:
    """Why `release` cannot be in `environment`, or ""."""
    if release.promoted_at > now + CLOCK_SKEW:
        return f"promotedAt {format_time(release.promoted_at)} is in the future"
    source = release.source
    if source == "bootstrap":
        if release.image != bootstrap:
            return (
                f"source bootstrap, but {release.image} is not {integration}'s bootstrap image "
                f"({bootstrap or 'none declared'})"
            )
        return ""
    if source == "release":
        if environment not in pipeline.entries:
            return (
                f"source release, but builds enter pipeline {pipeline.name} only in "
                f"{', '.join(pipeline.entries)}; {environment} is reached by promotion"
            )
        return ""
    if source.startswith("rollback from "):
        original = release.restores
        if original is None or original.image != release.image:
            return "a rollback without the release it restores (`restores`)"
        if original.source.startswith("rollback"):
            return "a rollback must restore an original release, not another rollback"
        problem = _check(
            platform,
            ledger,
            pipeline,
            integration=integration,
            environment=environment,
            release=original,
            now=now,
            bootstrap=bootstrap,
        )
        return f"the release this rollback restores: {problem}" if problem else ""
    verb, _, origin = source.partition(" from ")
    if verb not in {"promote", "auto-promote"} or not origin:
        return f"unknown source {source!r}"
    return _promotion(
        platform,
        ledger,
        pipeline,
        integration=integration,
        environment=environment,
        release=release,
        verb=verb,
        origin=origin,
    )


def _promotion(
    platform: PlatformSpec,
    ledger: Ledger,
    pipeline: Pipeline,
    *,
    integration: str,
    environment: str,
    release: Release,
    verb: str,
    origin: str,
) -> str:
    predecessors = pipeline.predecessors.get(environment, ())
    if origin not in predecessors:
        return (
            f"source {release.source!r}, but {origin} does not precede {environment} "
            f"(predecessors: {', '.join(predecessors) or 'none'})"
        )
    gate = pipeline.gate(environment)
    soak = timedelta(seconds=duration_seconds(gate.soak_time)) if gate.soak_time else None
    for predecessor in predecessors:
        slot = ledger.get(integration, predecessor)
        ran = [
            r.promoted_at
            for r in (slot.releases if slot else ())
            if r.image == release.image and r.promoted_at <= release.promoted_at
        ]
        if not ran:
            return (
                f"{release.image} never ran in {predecessor} before "
                f"{format_time(release.promoted_at)} (the ledger has no such release there)"
            )
        if soak is not None and min(ran) + soak > release.promoted_at:
            return (
                f"promoted {format_time(release.promoted_at)}, before the soak time of "
                f"{gate.soak_time} in {predecessor} had passed (it ran there from "
                f"{format_time(min(ran))})"
            )
    if verb == "auto-promote" and not gate.auto_promote:
        return f"auto-promoted, but the gate into {environment} does not autoPromote"
    return _approvals(platform, release, gate)


def _approvals(platform: PlatformSpec, release: Release, gate: PromotionGate) -> str:
    """Why the entry's recorded approvals do not satisfy `gate`, or ""."""
    if gate.required_approvals == 0:
        return ""
    try:
        promoter = skeleton(canonical(release.promoted_by))
        allowed = approvers_of(platform, gate)
        names = [canonical(a) for a in release.approved_by]
    except (IdentityError, KeyError) as error:
        return f"an identity in the entry or the gate is not valid: {error}"
    counted: dict[str, str] = {}
    for name in names:
        if skeleton(name) != promoter and (allowed is None or name in allowed):
            counted.setdefault(skeleton(name), name)
    if len(counted) < gate.required_approvals:
        got = ", ".join(counted.values()) or "none"
        return (
            f"needs {gate.required_approvals} approval(s) into {gate.environment} from its "
            f"approvers other than the promoter {release.promoted_by}; the entry records "
            f"{len(counted)} that count ({got})"
        )
    return ""
