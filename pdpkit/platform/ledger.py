"""The release ledger: which build runs in which environment, and what ran there before.

One YAML file per platform, in the repository (``platform.ledger.path``); reviewed in
pull requests like any other change, and the only input `pulumi up` takes for images.
Pure data and file handling; the rules of moving builds live in `pdpkit.platform.promotion`.

File format::

    platform: acme
    releases:
      order-api:                 # integration
        dev:                     # environment
          image: repo@sha256:…   # what runs there now
          revision: 1f0c…        # configuration revision it was recorded with
          promotedAt: "2026-11-20T09:00:00Z"
          promotedBy: maria-acme
          approvedBy: [tom-acme]
          source: release        # release | promote from ENV | rollback | bootstrap
          history: [...]         # earlier releases, newest first (same fields)
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import yaml

from pdpkit.spec.errors import Problem, SpecError
from pdpkit.spec.platform import DIGEST_PATTERN, PlatformSpec

HISTORY_LIMIT = 20
"""Earlier releases kept per environment (git keeps the rest)."""
HEADER = (
    "# Release ledger of platform {platform}: which build runs in which environment.\n"
    "# Written by `pdp release`, `pdp promote` and `pdp rollback`; `pulumi up` deploys what it\n"
    "# says. Review changes like code; do not edit digests by hand.\n"
)


class LedgerError(SpecError):
    """A ledger file that cannot be read (bad YAML, wrong shape, an image not pinned)."""


@dataclass(frozen=True)
class Release:
    """One build recorded in one environment."""

    image: str
    """Digest-pinned image (``repo@sha256:…``)."""
    revision: str
    """Configuration revision of the integration in the environment (`config_revision`)."""
    promoted_at: datetime
    promoted_by: str
    approved_by: tuple[str, ...] = ()
    source: str = "release"
    """How it got there: ``release``, ``promote from ENV``, ``auto-promote from ENV``,
    ``rollback from …``, ``bootstrap``."""
    restores: Release | None = None
    """For a rollback: the release it restores, as first recorded (its proof of passage
    through the pipeline, which `verify_ledger` checks)."""

    @property
    def digest(self) -> str:
        return self.image.rpartition("@")[2]

    def to_yaml(self) -> dict[str, Any]:
        return {
            "image": self.image,
            "revision": self.revision,
            "promotedAt": format_time(self.promoted_at),
            "promotedBy": self.promoted_by,
            "approvedBy": list(self.approved_by),
            "source": self.source,
            **({"restores": self.restores.to_yaml()} if self.restores else {}),
        }


@dataclass(frozen=True)
class Slot:
    """What one environment runs of one integration, and what it ran before."""

    current: Release
    history: tuple[Release, ...] = ()
    """Earlier releases, newest first; `pdp rollback` restores the first."""

    def advance(self, release: Release, keep: frozenset[str] = frozenset()) -> Slot:
        """This slot after `release` replaced the current one.

        History keeps the newest `HISTORY_LIMIT` releases, and beyond them any release
        of an image in `keep` (builds other environments run: the evidence that they
        passed through here, which `verify_ledger` looks for).
        """
        earlier = (self.current, *self.history)
        return Slot(
            release,
            earlier[:HISTORY_LIMIT] + tuple(r for r in earlier[HISTORY_LIMIT:] if r.image in keep),
        )

    @property
    def releases(self) -> tuple[Release, ...]:
        """The current release and the earlier ones, newest first."""
        return (self.current, *self.history)


@dataclass(frozen=True)
class Ledger:
    """The whole ledger of a platform (immutable: commands return a new ledger)."""

    platform: str
    slots: Mapping[tuple[str, str], Slot] = field(default_factory=dict)
    """By (integration, environment)."""
    read_digest: str | None = field(default=None, compare=False)
    """SHA-256 of the file this ledger was read from ("" when there was none); a write
    refuses when the file no longer has it (compare-and-swap)."""

    def get(self, integration: str, environment: str) -> Slot | None:
        return self.slots.get((integration, environment))

    def current(self, integration: str, environment: str) -> Release | None:
        slot = self.get(integration, environment)
        return slot.current if slot else None

    def with_slot(self, integration: str, environment: str, slot: Slot) -> Ledger:
        return replace(self, slots={**self.slots, (integration, environment): slot})

    def record(self, integration: str, environment: str, release: Release) -> Ledger:
        """This ledger with `release` now current in `environment`."""
        slot = self.get(integration, environment)
        keep = frozenset(
            r.image
            for (name, env), other in self.slots.items()
            if name == integration and env != environment
            for r in other.releases[: HISTORY_LIMIT + 1]
        )
        return self.with_slot(
            integration, environment, slot.advance(release, keep) if slot else Slot(release)
        )

    def to_text(self, environment_order: tuple[str, ...] = ()) -> str:
        """The file's text: stable (integrations by name, environments in promotion order)."""
        rank = {env: i for i, env in enumerate(environment_order)}
        releases: dict[str, dict[str, Any]] = {}
        for integration, environment in sorted(
            self.slots, key=lambda k: (k[0], rank.get(k[1], len(rank)), k[1])
        ):
            slot = self.slots[(integration, environment)]
            entry = slot.current.to_yaml()
            entry["history"] = [r.to_yaml() for r in slot.history]
            releases.setdefault(integration, {})[environment] = entry
        body = yaml.safe_dump(
            {"platform": self.platform, "releases": releases},
            sort_keys=False,
            default_flow_style=False,
            width=120,
        )
        return HEADER.format(platform=self.platform) + body


def format_time(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_time(value: Any) -> datetime:
    """An ISO-8601 timestamp (naive ones are UTC); raises ValueError otherwise."""
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def ledger_path(platform: PlatformSpec, root: Path) -> Path:
    """The ledger file (the spec keeps `ledger.path` relative and inside the repository)."""
    path = root / platform.ledger.path
    if not path.resolve().is_relative_to(root.resolve()):  # e.g. through a symlink
        raise LedgerError(
            [
                Problem(
                    platform.ledger.path,
                    None,
                    "",
                    f"the ledger resolves to {path.resolve()}, outside the repository "
                    f"{root.resolve()}; keep it (and its folder) a plain path inside it",
                )
            ]
        )
    return path


class _UniqueKeyLoader(yaml.SafeLoader):
    """SafeLoader that refuses a key repeated in one mapping (YAML would keep the last)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: dict[Any, int] = {}
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None,
                    None,
                    f"duplicate key {key!r} (first at line {seen[key]}); a ledger entry may "
                    "appear once: the file was edited by hand, restore it from git",
                    key_node.start_mark,
                )
            seen[key] = key_node.start_mark.line + 1
        return super().construct_mapping(node, deep=deep)


def file_digest(path: Path) -> str:
    """SHA-256 of the file's bytes, or "" when there is no file."""
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except FileNotFoundError:
        return ""


def load_ledger(platform: PlatformSpec, root: Path) -> Ledger:
    """The platform's ledger (empty when the file does not exist yet).

    An existing file must hold this platform's ledger: an empty file, a file of another
    platform, a repeated key or a malformed entry is a `LedgerError` (never a silent
    fallback to the bootstrap images).
    """
    path = ledger_path(platform, root)
    if not path.is_file():
        return Ledger(platform.name, read_digest="")
    return parse_ledger(path.read_bytes(), platform)


def parse_ledger(raw: bytes, platform: PlatformSpec) -> Ledger:
    """The ledger in the bytes of a ledger file (`load_ledger`'s rules; errors name
    `platform.ledger.path`)."""
    display = platform.ledger.path
    try:
        data = yaml.load(raw.decode("utf-8"), Loader=_UniqueKeyLoader)  # noqa: S506 (a SafeLoader)
    except (yaml.YAMLError, UnicodeDecodeError) as error:
        mark = getattr(error, "problem_mark", None)
        raise LedgerError(
            [
                Problem(
                    display,
                    mark.line + 1 if mark else None,
                    "",
                    f"YAML syntax error: {getattr(error, 'problem', error)}; "
                    "fix the file or restore it from git",
                )
            ]
        ) from None
    if data is None or data == {}:
        raise LedgerError(
            [
                Problem(
                    display,
                    1,
                    "",
                    "the ledger is empty; restore it from git (an empty ledger would deploy "
                    "every integration's bootstrap image), or delete the file to start anew",
                )
            ]
        )
    if not isinstance(data, dict) or not isinstance(data.get("releases", {}), dict):
        raise LedgerError(
            [
                Problem(
                    display,
                    1,
                    "",
                    "expected a mapping with `platform` and "
                    "`releases: {INTEGRATION: {ENV: {...}}}`",
                )
            ]
        )
    if data.get("platform") != platform.name:
        raise LedgerError(
            [
                Problem(
                    display,
                    None,
                    "platform",
                    f"this is the ledger of platform {data.get('platform')!r}, not of "
                    f"{platform.name!r}; point platform.ledger.path at {platform.name}'s ledger",
                )
            ]
        )
    slots: dict[tuple[str, str], Slot] = {}
    for integration, envs in (data.get("releases") or {}).items():
        if not isinstance(envs, dict):
            raise LedgerError(
                [
                    Problem(
                        display,
                        None,
                        f"releases.{integration}",
                        "expected a mapping of environment to release",
                    )
                ]
            )
        for environment, entry in envs.items():
            where = f"releases.{integration}.{environment}"
            current = _release(entry, where, display)
            history = entry.get("history") or []
            if not isinstance(history, list):
                raise LedgerError([Problem(display, None, f"{where}.history", "expected a list")])
            slots[(str(integration), str(environment))] = Slot(
                current,
                tuple(_release(h, f"{where}.history[{i}]", display) for i, h in enumerate(history)),
            )
    return Ledger(platform.name, slots, hashlib.sha256(raw).hexdigest())


def _release(entry: Any, where: str, display: str) -> Release:
    if not isinstance(entry, dict):
        raise LedgerError(
            [
                Problem(
                    display,
                    None,
                    where,
                    "expected a mapping with image, revision, promotedAt, promotedBy",
                )
            ]
        )
    image = entry.get("image")
    if not isinstance(image, str) or not re.match(DIGEST_PATTERN, image):
        raise LedgerError(
            [
                Problem(
                    display,
                    None,
                    f"{where}.image",
                    f"not a digest-pinned image: {image!r}; expected repo@sha256:<64 hex>",
                )
            ]
        )
    try:
        moment = parse_time(entry.get("promotedAt"))
    except (TypeError, ValueError, OverflowError):
        raise LedgerError(
            [
                Problem(
                    display,
                    None,
                    f"{where}.promotedAt",
                    f"not an ISO-8601 time: {entry.get('promotedAt')!r}",
                )
            ]
        ) from None
    approved = entry.get("approvedBy") or []
    if not isinstance(approved, list):
        raise LedgerError(
            [Problem(display, None, f"{where}.approvedBy", "expected a list of names")]
        )
    restores = entry.get("restores")
    return Release(
        image=image,
        revision=str(entry.get("revision") or ""),
        promoted_at=moment,
        promoted_by=str(entry.get("promotedBy") or "unknown"),
        approved_by=tuple(str(a) for a in approved),
        source=str(entry.get("source") or "release"),
        restores=_release(restores, f"{where}.restores", display) if restores else None,
    )


def deployed_images(platform: PlatformSpec, root: Path) -> Mapping[tuple[str, str], str]:
    """Image per (integration, environment) that the ledger says is deployed.

    Only what the ledger records: where it has no release, the platform layer falls
    back to the integration's bootstrap ``image``. Raises `LedgerError` on a bad file.
    """
    ledger = load_ledger(platform, root)
    return {key: slot.current.image for key, slot in sorted(ledger.slots.items())}
