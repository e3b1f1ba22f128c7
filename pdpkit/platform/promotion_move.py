"""One promotion through a pipeline's gates (predecessors, approvals, soak time, automatic
promotion onwards), and what a command reports: the changes, notes, or a refusal."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from pdpkit.platform.ledger import Ledger, Release, format_time
from pdpkit.platform.pipeline import Pipeline, approvers_of
from pdpkit.platform.promotion_identity import IdentityError, canonical, skeleton
from pdpkit.platform.revision import config_revision
from pdpkit.spec.base import duration_seconds
from pdpkit.spec.platform import PlatformSpec, PromotionGate


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
