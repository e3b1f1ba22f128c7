"""Moving builds along a pipeline: `release`, `promote`, `rollback` over a `Ledger`.

Pure functions: they take the platform, the ledger, who acts and the time, and return a
new ledger (or raise `PromotionRefused` with a message saying why and how to fix it).
The CLI writes the result; a refusal therefore never changes a file.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from pdpkit.platform.ledger import Ledger, Release, Slot, config_revision, format_time
from pdpkit.platform.pipeline import Pipeline, approvers_of, pipeline_for
from pdpkit.spec.base import duration_seconds
from pdpkit.spec.platform import DIGEST_PATTERN, IntegrationSpec, PlatformSpec


class PromotionRefused(Exception):
    """A command the pipeline does not allow; the message says why and how to fix it."""


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


def did_you_mean(name: str, known: Iterable[str]) -> str:
    names = sorted(known)
    close = difflib.get_close_matches(name, names, n=1)
    hint = f"did you mean {close[0]!r}? " if close else ""
    return f"{hint}known: {', '.join(names) or 'none'}"


def find_integration(platform: PlatformSpec, name: str) -> IntegrationSpec:
    for integration in platform.integrations:
        if integration.name == name:
            return integration
    raise PromotionRefused(
        f"unknown integration {name!r} in platform {platform.name}; "
        + did_you_mean(name, (i.name for i in platform.integrations))
    )


def _pipeline_env(platform: PlatformSpec, pipeline: Pipeline, integration: str, env: str) -> None:
    if env not in {e.name for e in platform.environments}:
        raise PromotionRefused(
            f"unknown environment {env!r} in platform {platform.name}; "
            + did_you_mean(env, pipeline.order)
        )
    if env not in pipeline.order:
        raise PromotionRefused(
            f"environment {env!r} is not on pipeline {pipeline.name} of {integration} "
            f"({' → '.join(pipeline.order)}); pick one of those"
        )


def release(
    platform: PlatformSpec,
    ledger: Ledger,
    integration: str,
    image: str,
    actor: str,
    now: datetime,
    stack: str = "STACK",
) -> Outcome:
    """Record a new build in the pipeline's entry environment(s), then auto-promote it."""
    spec = find_integration(platform, integration)
    if not re.match(DIGEST_PATTERN, image):
        raise PromotionRefused(
            f"image {image!r} is not pinned by digest; expected repo@sha256:<64 hex> "
            "(the digest `docker buildx build --push` prints, or `crane digest REPO:TAG`)"
        )
    pipeline = pipeline_for(platform, spec)
    changes: list[Change] = []
    notes: list[str] = []
    for env in pipeline.entries:
        current = ledger.current(integration, env)
        if current is not None and current.image == image:
            notes.append(f"{env} already runs {short(image)}; nothing recorded there")
            continue
        new = Release(image, config_revision(platform, integration, env), now, actor, (), "release")
        ledger = ledger.record(integration, env, new)
        changes.append(Change(integration, env, new))
        ledger = _auto_promote(
            platform, pipeline, ledger, integration, env, actor, now, stack, changes, notes
        )
    return Outcome(ledger, tuple(changes), tuple(notes))


def promote(
    platform: PlatformSpec,
    ledger: Ledger,
    integration: str,
    to: str,
    approved_by: Iterable[str],
    actor: str,
    now: datetime,
    stack: str = "STACK",
) -> Outcome:
    """Copy the build of `to`'s predecessor into `to`, if the gate into `to` is met."""
    spec = find_integration(platform, integration)
    pipeline = pipeline_for(platform, spec)
    _pipeline_env(platform, pipeline, integration, to)
    changes: list[Change] = []
    notes: list[str] = []
    ledger = _promote_one(
        platform, pipeline, ledger, integration, to, tuple(approved_by), actor, now, stack,
        "promote", changes, notes,
    )
    return Outcome(ledger, tuple(changes), tuple(notes))


def _promote_one(
    platform: PlatformSpec,
    pipeline: Pipeline,
    ledger: Ledger,
    integration: str,
    to: str,
    approved_by: tuple[str, ...],
    actor: str,
    now: datetime,
    stack: str,
    verb: str,
    changes: list[Change],
    notes: list[str],
) -> Ledger:
    command = f"pdp promote {integration} --stack {stack}"
    predecessors = pipeline.predecessors.get(to, ())
    if not predecessors:
        raise PromotionRefused(
            f"{to} is the first environment of pipeline {pipeline.name}: builds enter it with "
            f"`pdp release {integration} --stack {stack} --image REPO@sha256:…`, not by promotion"
        )
    sources = {p: ledger.current(integration, p) for p in predecessors}
    missing = [p for p, r in sources.items() if r is None]
    if missing:
        raise PromotionRefused(
            f"cannot promote {integration} to {to}: its predecessor {missing[0]} has no release "
            f"of {integration} yet; promote to {missing[0]} first (`{command} --to {missing[0]}`)"
        )
    found = {p: r for p, r in sources.items() if r is not None}
    if len({r.image for r in found.values()}) > 1:
        listing = ", ".join(f"{p} runs {short(r.image)}" for p, r in found.items())
        raise PromotionRefused(
            f"cannot promote {integration} to {to}: its predecessors run different builds "
            f"({listing}); promote the same build into each of them first"
        )
    origin, source = max(found.items(), key=lambda item: item[1].promoted_at)
    current = ledger.current(integration, to)
    if current is not None and current.image == source.image:
        ahead = _newer_upstream(pipeline, ledger, integration, origin, source.image)
        hint = (
            f"the newer build {short(ahead[1])} in {ahead[0]} has not reached {origin}: "
            f"promote it to {origin} first (`{command} --to {origin}`); environments "
            "cannot be skipped"
            if ahead
            else "nothing to promote"
        )
        raise PromotionRefused(
            f"{to} already runs {short(source.image)}, the build {origin} runs; {hint}"
        )
    gate = pipeline.gate(to)
    counted = _approvals(platform, gate.environment, gate.approvers, approved_by, actor,
                         gate.required_approvals, integration, command)
    if gate.soak_time:
        soak = timedelta(seconds=duration_seconds(gate.soak_time))
        ran = now - source.promoted_at
        if ran < soak:
            raise PromotionRefused(
                f"cannot promote {integration} to {to} yet: {short(source.image)} has run in "
                f"{origin} for {_span(ran)}, and {to} requires a soak time of {gate.soak_time}; "
                f"promote after {format_time(source.promoted_at + soak)} "
                f"(in {_span(soak - ran)})"
            )
    label = f"{verb} from {origin}"
    new = Release(source.image, config_revision(platform, integration, to), now, actor, counted, label)
    ledger = ledger.record(integration, to, new)
    changes.append(Change(integration, to, new))
    return _auto_promote(
        platform, pipeline, ledger, integration, to, actor, now, stack, changes, notes
    )


def _approvals(
    platform: PlatformSpec,
    environment: str,
    approvers: tuple[str, ...],
    given: tuple[str, ...],
    actor: str,
    required: int,
    integration: str,
    command: str,
) -> tuple[str, ...]:
    """The approvals that count (deduplicated, in the order given), or a refusal."""
    from pdpkit.spec.platform import PromotionGate

    gate = PromotionGate(environment=environment, approvers=approvers)
    try:
        allowed = approvers_of(platform, gate)
    except KeyError as error:
        raise PromotionRefused(
            f"the gate into {environment} names approver group {error.args[0]!r}, which "
            "platform.groups does not declare; add it with its members"
        ) from None
    counted: list[str] = []
    ignored: list[str] = []
    for name in dict.fromkeys(a.strip() for a in given if a.strip()):
        if name == actor:
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
        raise PromotionRefused(
            f"cannot promote {integration} to {environment}: it needs {required} approval(s) "
            f"from {who}; got {len(counted)} ({got}){extra}. Add `--approved-by NAME` for each "
            f"approver (`{command} --to {environment} --approved-by NAME …`)"
        )
    return tuple(counted)


def _newer_upstream(
    pipeline: Pipeline, ledger: Ledger, integration: str, env: str, image: str
) -> tuple[str, str] | None:
    """The nearest ancestor of `env` running another build than `image`, if any."""
    frontier = list(pipeline.predecessors.get(env, ()))
    seen: set[str] = set()
    while frontier:
        here = frontier.pop(0)
        if here in seen:
            continue
        seen.add(here)
        current = ledger.current(integration, here)
        if current is not None and current.image != image:
            return here, current.image
        frontier.extend(pipeline.predecessors.get(here, ()))
    return None


def _auto_promote(
    platform: PlatformSpec,
    pipeline: Pipeline,
    ledger: Ledger,
    integration: str,
    env: str,
    actor: str,
    now: datetime,
    stack: str,
    changes: list[Change],
    notes: list[str],
) -> Ledger:
    """Follow gates with ``autoPromote`` out of `env` (those without a soak time)."""
    for successor in pipeline.successors.get(env, ()):
        gate = pipeline.gate(successor)
        if not gate.auto_promote:
            continue
        if gate.soak_time:
            notes.append(
                f"{successor} auto-promotes after a soak time of {gate.soak_time}: run "
                f"`pdp promote {integration} --stack {stack} --to {successor}` once it has passed"
            )
            continue
        try:
            ledger = _promote_one(platform, pipeline, ledger, integration, successor, (), actor,
                                  now, stack, "auto-promote", changes, notes)
        except PromotionRefused as refused:
            notes.append(f"no auto-promotion to {successor}: {refused}")
    return ledger


def rollback(
    platform: PlatformSpec, ledger: Ledger, integration: str, environment: str, actor: str,
    now: datetime,
) -> Outcome:
    """Restore the release `environment` ran before its current one."""
    spec = find_integration(platform, integration)
    pipeline = pipeline_for(platform, spec)
    _pipeline_env(platform, pipeline, integration, environment)
    slot = ledger.get(integration, environment)
    if slot is None:
        raise PromotionRefused(f"{environment} has no release of {integration}; nothing to roll back")
    if not slot.history:
        raise PromotionRefused(
            f"{environment} has no earlier release of {integration} to roll back to (it runs "
            f"{short(slot.current.image)}, its first recorded release)"
        )
    previous = slot.history[0]
    revision = config_revision(platform, integration, environment)
    restored = Release(previous.image, revision, now, actor, (), f"rollback from {short(slot.current.image)}")
    notes = []
    if previous.revision and previous.revision != revision:
        notes.append(
            f"the configuration changed since that release (revision {previous.revision} → "
            f"{revision}); the image is restored, the configuration is what git holds now: "
            "revert the configuration commit too to restore it"
        )
    ledger = ledger.with_slot(integration, environment, Slot(restored, slot.history[1:]))
    return Outcome(ledger, (Change(integration, environment, restored),), tuple(notes))


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
