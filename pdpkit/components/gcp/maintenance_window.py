"""`MaintenanceWindow`: the spec's weekly window in GKE's recurring-window vocabulary."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
_DAY_NAMES = {d: i for i, d in enumerate(("mon", "tue", "wed", "thu", "fri", "sat", "sun"))}
_PATTERN = re.compile(r"^([A-Za-z]{3})\s+(\d{2}):(\d{2})-(\d{2}):(\d{2})$")
# A fixed Monday anchors the RFC 3339 start/end times: GKE only uses their time of day and
# the RRULE, and a fixed date keeps the plan stable (never "now").
_ANCHOR = datetime(2025, 1, 6)  # UTC by construction; rendered with Z
GKE_MIN_HOURS_PER_32_DAYS = 48
"""GKE rejects windows that allow less than 48 hours of maintenance in any 32 days."""


@dataclass(frozen=True)
class MaintenanceWindow:
    """A GKE ``recurringWindow``: start and end in RFC 3339 (UTC) and an RRULE."""

    start_time: str
    end_time: str
    recurrence: str

    @classmethod
    def from_weekly(cls, text: str) -> MaintenanceWindow:
        """The window for ``"Sun 02:00-06:00"`` (day HH:MM-HH:MM, UTC; may cross midnight).

        A weekly window shorter than 10.5 hours gives GKE less than its 48-hour minimum per
        32 days, so such a window recurs DAILY at the same hours instead; longer windows
        recur weekly on the given day.
        """
        match = _PATTERN.match(text.strip())
        if not match or match.group(1).lower() not in _DAY_NAMES:
            raise ValueError(
                f"maintenance window {text!r} is not 'Day HH:MM-HH:MM' (UTC), "
                "e.g. 'Sun 02:00-06:00'; days are Mon..Sun"
            )
        day = _DAY_NAMES[match.group(1).lower()]
        h1, m1, h2, m2 = (int(g) for g in match.groups()[1:])
        if h1 > 23 or h2 > 23 or m1 > 59 or m2 > 59:
            raise ValueError(f"maintenance window {text!r} has an invalid time of day")
        start = _ANCHOR + timedelta(days=day, hours=h1, minutes=m1)
        end = _ANCHOR + timedelta(days=day, hours=h2, minutes=m2)
        if end <= start:
            end += timedelta(days=1)
        hours = (end - start).total_seconds() / 3600
        if hours < 4:
            raise ValueError(
                f"maintenance window {text!r} lasts {hours:g}h; GKE needs at least 4 hours"
            )
        weekly_hours_per_32_days = hours * 32 / 7
        if weekly_hours_per_32_days >= GKE_MIN_HOURS_PER_32_DAYS:
            recurrence = f"FREQ=WEEKLY;BYDAY={DAYS[day]}"
        else:
            recurrence = "FREQ=DAILY"
        return cls(
            start_time=start.strftime("%Y-%m-%dT%H:%M:%SZ"),
            end_time=end.strftime("%Y-%m-%dT%H:%M:%SZ"),
            recurrence=recurrence,
        )
