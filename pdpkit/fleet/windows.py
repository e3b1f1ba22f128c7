"""``pdp fleet window``: is the customer's maintenance window open now?

The rollout job of each stack asks before ``pulumi up``. Semantics (docs/fleet.md, "Rollout
in waves"): inside the window (or without one) the stack is applied; outside it the stack
is *deferred*: not applied, recorded as deferred with the reason, listed by the rollout
report, and applied by the next run inside the window (the rollout workflow runs hourly when
a customer has a window). A deferral is not a failure: it does not halt later waves.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from pdpkit.fleet.model import CustomerSpec

STEP = timedelta(minutes=15)
"""Resolution of `next_opening` (windows open on the minute; 15 minutes is close enough
for a message)."""


@dataclass(frozen=True)
class WindowVerdict:
    """Open or not at a moment, and when it next opens."""

    open: bool
    message: str


def next_opening(customer: CustomerSpec, after: datetime) -> datetime | None:
    """About when the window next opens after `after` (None: it never does in 8 days)."""
    window = customer.maintenance_window
    if window is None:
        return after
    moment = after.replace(second=0, microsecond=0)
    moment += timedelta(minutes=-moment.minute % 15)
    for _ in range(8 * 24 * 4):
        if window.contains(moment):
            return moment
        moment += STEP
    return None


def window_verdict(customer: CustomerSpec, at: datetime) -> WindowVerdict:
    """Whether `customer` accepts changes at `at` (an aware datetime)."""
    window = customer.maintenance_window
    if window is None:
        return WindowVerdict(True, f"{customer.name}: no maintenance window; changes any time")
    days = ",".join(d.value for d in window.days)
    what = f"{days} {window.start} for {window.hours}h {window.timezone}"
    if window.contains(at):
        return WindowVerdict(True, f"{customer.name}: inside the maintenance window ({what})")
    opening = next_opening(customer, at)
    when = f"; it opens about {opening:%Y-%m-%d %H:%M} UTC" if opening else ""
    return WindowVerdict(
        False, f"{customer.name}: outside the maintenance window ({what}){when}: deferred"
    )
