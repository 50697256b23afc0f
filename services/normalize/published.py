"""Whether to trust an article's publication time: one later than its receipt (plus a tolerance) is not.

A feed claiming 2030, a time-zone error putting a report hours ahead, a misread date: such an
article would stay at the top of every feed reader and skew its story and its alert windows.
Like Miniflux (which replaces a future date by the fetch time), the article is placed at the time
it was received, and the replacement is recorded as a Change so a user can see why.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from schemas import Change

__all__ = ["FUTURE_RULE", "trusted_publication"]

FUTURE_RULE = "published_at:future"


def trusted_publication(published_at: datetime | None, fetched_at: datetime, *,
                        tolerance: timedelta) -> tuple[datetime | None, Change | None]:
    """The publication time to use, and the Change that replaced it (None when it stands as claimed).

    A time more than ``tolerance`` after ``fetched_at`` (the receipt time) becomes ``fetched_at``;
    the comparison uses the message's own times, never a clock, so a replay decides the same way."""
    if published_at is None or published_at <= fetched_at + tolerance:
        return published_at, None
    ahead = published_at - fetched_at
    change = Change(
        kind="date", rule=FUTURE_RULE, field="published_at", span=None,
        before=published_at.isoformat(), after=fetched_at.isoformat(),
        reason=f"the claimed publication time is {_duration(ahead)} after the article was received "
               f"(more than the {_duration(tolerance)} allowed): placed at its receipt time",
    )
    return fetched_at, change


def _duration(delta: timedelta) -> str:
    seconds = int(delta.total_seconds())
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size:
            count = seconds // size
            return f"{count} {unit}{'s' if count != 1 else ''}"
    return f"{seconds} second{'s' if seconds != 1 else ''}"
