"""Cron schedules as the Kubernetes API server parses a CronJob's ``spec.schedule``.

Kubernetes validates a schedule with robfig/cron v3's ``ParseStandard`` and refuses any
schedule containing ``TZ`` (kubernetes/kubernetes pkg/apis/batch/validation/validation.go,
``validateScheduleFormat``: "cannot use TZ or CRON_TZ in schedule, use timeZone field
instead"; pdpkit sets ``timeZone: Etc/UTC`` on every CronJob). The grammar below is
robfig/cron v3.0.1's (the module kubernetes' go.mod requires):

- parser.go:217 ``standardParser``: five fields (minute hour day-of-month month
  day-of-week) or a descriptor; parser.go:185 refuses any other field count.
- parser.go:366-433 ``parseDescriptor``: ``@yearly @annually @monthly @weekly @daily
  @midnight @hourly`` and ``@every <Go duration>``; anything else is "unrecognized".
- parser.go:252-318 ``getRange``: a field is a comma list of ``*`` or ``?``, ``N`` or
  ``N-M`` (names allowed in month and day-of-week), optionally ``/STEP``; the start must
  not be below the field's minimum, the end not above its maximum, start <= end, step > 0.
- spec.go:22-40 ``bounds``: minute 0-59, hour 0-23, day-of-month 1-31, month 1-12
  (``jan``-``dec``), day-of-week 0-6 (``sun``-``sat``; 7 is refused, unlike Vixie cron).

pdpkit is stricter in one way only: numbers are plain digits (Go's ``Atoi`` would also take
a ``+`` sign).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Annotated

from pydantic import AfterValidator

DESCRIPTORS = ("@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly")
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_DAYS = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")
# Go's time.ParseDuration (what `@every` takes): decimal numbers with a unit each.
_GO_DURATION = re.compile(r"^(([0-9]+(\.[0-9]*)?|\.[0-9]+)(ns|us|µs|μs|ms|s|m|h))+$")


@dataclass(frozen=True)
class _Field:
    name: str
    low: int
    high: int
    names: tuple[str, ...] = ()
    first: int = 0
    """Value of the first name (``jan`` is 1, ``sun`` is 0)."""

    def value(self, text: str) -> int:
        if text.lower() in self.names:
            return self.names.index(text.lower()) + self.first
        if not text.isascii() or not text.isdigit():
            raise ValueError(f"{text!r} is not a number in the {self.name} field")
        return int(text)


FIELDS = (
    _Field("minute", 0, 59),
    _Field("hour", 0, 23),
    _Field("day-of-month", 1, 31),
    _Field("month", 1, 12, _MONTHS, 1),
    _Field("day-of-week", 0, 6, _DAYS, 0),
)


def _range(expr: str, field: _Field) -> None:
    range_and_step = expr.split("/")
    low_high = range_and_step[0].split("-")
    if low_high[0] in ("*", "?"):
        start, end = field.low, field.high
    else:
        start = field.value(low_high[0])
        if len(low_high) == 1:
            end = start
        elif len(low_high) == 2:
            end = field.value(low_high[1])
        else:
            raise ValueError(f"too many hyphens in {expr!r}")
    if len(range_and_step) == 2:
        step = field.value(range_and_step[1])
        if len(low_high) == 1:
            end = field.high  # "N/step" means "N-max/step"
        if step == 0:
            raise ValueError(f"the step of {expr!r} must be a positive number")
    elif len(range_and_step) > 2:
        raise ValueError(f"too many slashes in {expr!r}")
    if start < field.low:
        raise ValueError(f"{expr!r} starts below the {field.name} minimum {field.low}")
    if end > field.high:
        raise ValueError(f"{expr!r} ends above the {field.name} maximum {field.high}")
    if start > end:
        raise ValueError(f"{expr!r} starts after it ends")


def cron_problem(schedule: str) -> str | None:
    """Why the API server would refuse `schedule` as a CronJob's, or None."""
    if "TZ" in schedule:
        return (
            "sets a time zone (TZ/CRON_TZ), which Kubernetes refuses in a schedule; pdpkit "
            "runs every schedule in UTC: remove the TZ= part and write the times in UTC"
        )
    if schedule.startswith("@"):
        every = schedule.removeprefix("@every ")
        if every != schedule:
            return None if _GO_DURATION.match(every) else "@every takes a duration like 1h30m"
        if schedule in DESCRIPTORS:
            return None
        return f"unknown descriptor; use one of {', '.join(DESCRIPTORS)} or @every <duration>"
    fields = schedule.split()
    if len(fields) != len(FIELDS):
        return (
            f"has {len(fields)} fields; a schedule has exactly 5 (minute hour day-of-month "
            "month day-of-week) or is a descriptor like @daily"
        )
    for text, field in zip(fields, FIELDS, strict=True):
        for expr in (part for part in text.split(",") if part):
            try:
                _range(expr, field)
            except ValueError as error:
                return f"{error} ({field.name} is {field.low}-{field.high})"
    return None


def _schedule(value: str) -> str:
    problem = cron_problem(value)
    if problem is not None:
        raise ValueError(
            f"is not a Kubernetes CronJob schedule: {problem}; expected five fields like "
            "'*/15 * * * *' or '0 2 * * mon-fri', or @hourly, @daily, @weekly, @monthly"
        )
    return value


CronSchedule = Annotated[str, AfterValidator(_schedule)]
"""A schedule the API server accepts for a CronJob (five cron fields or a descriptor, UTC)."""
