"""Moving builds along a pipeline: `release`, `promote`, `rollback` over a `Ledger`, each
one promotion passing the pipeline's gates (predecessors, approvals, soak time, automatic
promotion onwards) and reporting its changes, notes, or a refusal.

Pure functions: they take the platform, the ledger, who acts and the time, and return a
new ledger (or raise `PromotionRefused` with a message saying why and how to fix it).
The CLI writes the result; a refusal therefore never changes a file.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from pdpkit.platform.ledger import Ledger, Release, Slot, format_time
from pdpkit.platform.pipeline import Pipeline, approvers_of, pipeline_for
from pdpkit.platform.promotion_identity import IdentityError, canonical, skeleton
from pdpkit.platform.revision import config_revision
from pdpkit.spec.base import duration_seconds
from pdpkit.spec.platform import DIGEST_PATTERN, IntegrationSpec, PlatformSpec, PromotionGate
from pdpkit.spec.suggestions import choices as did_you_mean


class PromotionRefusedError(Exception):
    """A command the pipeline does not allow; the message says why and how to fix it."""


def identity(name: str, where: str) -> str:
    """The canonical identity of `name` (see `promotion_identity`), or a refusal naming `where`."""
    try:
        return canonical(name)
    except IdentityError as error:
        raise PromotionRefusedError(f"{where}: {error}") from None


@dataclass(frozen=True)
class Change:
    """One environment that now runs another release."""

    integration: str
    environment: str
    release: Release


@dataclass(frozen=True)
class Outcome:
    """The ledger after a command, what changed, and what the user should know."""

    ledger: Ledger
    changes: tuple[Change, ...] = ()
    notes: tuple[str, ...] = ()


@dataclass
class Move:
    """One command's context: who moves which integration along which pipeline, when."""

    platform: PlatformSpec
    pipeline: Pipeline
    integration: str
    actor: str
    now: datetime
    stack: str
    changes: list[Change] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.actor = identity(self.actor, "--by")

    def outcome(self, ledger: Ledger) -> Outcome:
        return Outcome(ledger, tuple(self.changes), tuple(self.notes))

    @property
    def command(self) -> str:
        return f"pdp promote {self.integration} --stack {self.stack}"

    def promote(self, ledger: Ledger, to: str, approved_by: tuple[str, ...], verb: str) -> Ledger:
        integration, pipeline = self.integration, self.pipeline
        predecessors = pipeline.predecessors.get(to, ())
        if not predecessors:
            raise PromotionRefusedError(
                f"{to} is the first environment of pipeline {pipeline.name}: builds enter it "
                f"with `pdp release {integration} --stack {self.stack} --image REPO@sha256:…`, "
                "not by promotion"
            )
        sources = {p: ledger.current(integration, p) for p in predecessors}
        missing = [p for p, r in sources.items() if r is None]
        if missing:
            raise PromotionRefusedError(
                f"cannot promote {integration} to {to}: its predecessor {missing[0]} has no "
                f"release of {integration} yet; promote to {missing[0]} first "
                f"(`{self.command} --to {missing[0]}`)"
            )
        found = {p: r for p, r in sources.items() if r is not None}
        if len({r.image for r in found.values()}) > 1:
            listing = ", ".join(f"{p} runs {short(r.image)}" for p, r in found.items())
            raise PromotionRefusedError(
                f"cannot promote {integration} to {to}: its predecessors run different builds "
                f"({listing}); promote the same build into each of them first"
            )
        origin, source = max(found.items(), key=lambda item: item[1].promoted_at)
        current = ledger.current(integration, to)
        if current is not None and current.image == source.image:
            raise PromotionRefusedError(
                f"{to} already runs {short(source.image)}, the build {origin} runs; "
                + self._skip_hint(ledger, origin, source.image)
            )
        gate = pipeline.gate(to)
        counted = self._approvals(to, gate.approvers, approved_by, gate.required_approvals)
        if gate.soak_time:
            soak = timedelta(seconds=duration_seconds(gate.soak_time))
            ran = self.now - source.promoted_at
            if ran < soak:
                raise PromotionRefusedError(
                    f"cannot promote {integration} to {to} yet: {short(source.image)} has run "
                    f"in {origin} for {_span(ran)}, and {to} requires a soak time of "
                    f"{gate.soak_time}; promote after "
                    f"{format_time(source.promoted_at + soak)} (in {_span(soak - ran)})"
                )
        revision = config_revision(self.platform, integration, to)
        new = Release(
            source.image, revision, self.now, self.actor, counted, f"{verb} from {origin}"
        )
        ledger = ledger.record(integration, to, new)
        self.changes.append(Change(integration, to, new))
        return self.auto_promote(ledger, to)

    def _skip_hint(self, ledger: Ledger, origin: str, image: str) -> str:
        """Why nothing moves: a newer build upstream has not reached `origin` yet, or none."""
        frontier = list(self.pipeline.predecessors.get(origin, ()))
        seen: set[str] = set()
        while frontier:
            here = frontier.pop(0)
            if here in seen:
                continue
            seen.add(here)
            current = ledger.current(self.integration, here)
            if current is not None and current.image != image:
                return (
                    f"the newer build {short(current.image)} in {here} has not reached "
                    f"{origin}: promote it to {origin} first (`{self.command} --to {origin}`); "
                    "environments cannot be skipped"
                )
            frontier.extend(self.pipeline.predecessors.get(here, ()))
        return "nothing to promote"

    def _approvals(
        self, environment: str, approvers: tuple[str, ...], given: tuple[str, ...], required: int
    ) -> tuple[str, ...]:
        """The approvals that count (deduplicated, in the order given), or a refusal."""
        gate = PromotionGate(environment=environment, approvers=approvers)
        try:
            allowed = approvers_of(self.platform, gate)
        except KeyError as error:
            raise PromotionRefusedError(
                f"the gate into {environment} names approver group {error.args[0]!r}, which "
                "platform.groups does not declare; add it with its members"
            ) from None
        except IdentityError as error:
            raise PromotionRefusedError(
                f"the gate into {environment} names an approver that is no identity: {error}"
            ) from None
        counted: list[str] = []
        ignored: list[str] = []
        seen: set[str] = set()
        promoter = skeleton(self.actor)
        for given_name in given:
            name = identity(given_name, "--approved-by")
            if skeleton(name) in seen:
                continue  # one person, however spelt, counts once
            seen.add(skeleton(name))
            if skeleton(name) == promoter:
                ignored.append(f"{name} (the promoter cannot approve their own promotion)")
            elif allowed is not None and name not in allowed:
                ignored.append(f"{name} (not an approver of {environment})")
            else:
                counted.append(name)
        if len(counted) < required:
            who = ", ".join(approvers) if approvers else "anyone but the promoter"
            if allowed is not None:
                who += f" = {', '.join(sorted(allowed))}"
            got = ", ".join(counted) or "none"
            extra = f"; not counted: {'; '.join(ignored)}" if ignored else ""
            raise PromotionRefusedError(
                f"cannot promote {self.integration} to {environment}: it needs {required} "
                f"approval(s) from {who}; got {len(counted)} ({got}){extra}. Add "
                f"`--approved-by NAME` for each approver "
                f"(`{self.command} --to {environment} --approved-by NAME …`)"
            )
        return tuple(counted)

    def auto_promote(self, ledger: Ledger, env: str) -> Ledger:
        """Follow gates with ``autoPromote`` out of `env` (those without a soak time)."""
        for successor in self.pipeline.successors.get(env, ()):
            gate = self.pipeline.gate(successor)
            if not gate.auto_promote:
                continue
            if gate.soak_time:
                self.notes.append(
                    f"{successor} auto-promotes after a soak time of {gate.soak_time}: run "
                    f"`{self.command} --to {successor}` once it has passed"
                )
                continue
            try:
                ledger = self.promote(ledger, successor, (), "auto-promote")
            except PromotionRefusedError as refused:
                self.notes.append(f"no auto-promotion to {successor}: {refused}")
        return ledger


def short(image: str) -> str:
    """``repo@sha256:1234567890ab`` (the digest shortened for messages)."""
    repo, _, digest = image.rpartition("@")
    return f"{repo}@{digest[:19]}" if digest.startswith("sha256:") else image


def _span(delta: timedelta) -> str:
    seconds = max(int(delta.total_seconds()), 0)
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    parts = [f"{days}d" if days else "", f"{hours}h" if hours else "", f"{minutes}m"]
    return "".join(p for p in parts if p) if seconds >= 60 else f"{seconds}s"


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
