"""Reminder planning: when to remind whom before a session, and what to do after downtime.

Pure functions over UTC-aware datetimes; the scheduler stores the plans and wakes them up.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal

# A session booked so close to its start needs no reminder: both have just seen it.
SHORT_NOTICE = timedelta(minutes=10)

_UNITS = {
    "d": timedelta(days=1),
    "h": timedelta(hours=1),
    "m": timedelta(minutes=1),
    "s": timedelta(seconds=1),  # only useful in tests
}
_TOKEN = re.compile(r"(\d+)([a-z]*)")

CatchUp = Literal["send", "missed", "wait"]


@dataclass(frozen=True)
class ReminderPlan:
    """One reminder to one person: sent at `due_at` (UTC), `offset` before the session."""

    recipient_id: int
    due_at: datetime
    offset: timedelta


def parse_offsets(text: str) -> tuple[timedelta, ...]:
    """Offsets such as "24h,1h" or "1d,1h30m": unique, largest first; ValueError if bad.

    Units are d, h, m and s; parts may combine units ("1h30m") and are comma-separated.
    """
    if not text or not text.strip():
        raise ValueError("no reminder offsets given; expected something like '24h,1h'")
    found = {_parse_offset(part) for part in text.split(",")}
    return tuple(sorted(found, reverse=True))


def _parse_offset(raw: str) -> timedelta:
    shown = raw.strip()  # named in errors as the user typed it
    part = "".join(raw.split()).lower()
    if not part:
        raise ValueError("empty reminder offset between commas; expected something like '24h,1h'")
    if part.startswith("-"):
        raise ValueError(f"reminder offset {shown!r} is negative; offsets count back from the start")
    total = timedelta()
    pos = 0
    while pos < len(part):
        match = _TOKEN.match(part, pos)
        if match is None:
            raise ValueError(f"reminder offset {shown!r} is not a number with a unit (d, h, m, s)")
        number, unit = match.groups()
        if not unit:
            raise ValueError(f"reminder offset {shown!r} lacks a unit after {number} (d, h, m, s)")
        if unit not in _UNITS:
            raise ValueError(f"reminder offset {shown!r} has unknown unit {unit!r}; use d, h, m or s")
        try:
            total += int(number) * _UNITS[unit]
        except OverflowError:
            raise ValueError(f"reminder offset {shown!r} is too large") from None
        pos = match.end()
    if total <= timedelta():
        raise ValueError(f"reminder offset {shown!r} is zero; it must be positive")
    return total


def plan_reminders(
    session_start: datetime,
    recipients: Sequence[int],
    offsets: Iterable[timedelta],
    now: datetime,
) -> list[ReminderPlan]:
    """Reminders for each recipient and offset whose moment is still ahead, sorted by due time.

    An offset whose moment has passed is dropped. If every offset has passed but the
    session is still more than 10 minutes away (booked at short notice), one reminder
    per recipient is planned at `now`, so nobody is left unreminded. For every plan,
    due_at == session_start - offset, and no (recipient, due_at) appears twice.
    """
    _require_aware("session_start", session_start)
    _require_aware("now", now)
    start = session_start.astimezone(UTC)
    now_utc = now.astimezone(UTC)
    unique_offsets = sorted(set(offsets), reverse=True)
    if any(offset <= timedelta() for offset in unique_offsets):
        raise ValueError("reminder offsets must be positive")
    people = list(dict.fromkeys(recipients))  # a repeated id must not get two reminders

    ahead = [offset for offset in unique_offsets if start - offset > now_utc]
    if not ahead and unique_offsets and start - now_utc > SHORT_NOTICE:
        # Booked too late for every offset: remind right away, the offset being the time left.
        ahead = [start - now_utc]
    return [
        ReminderPlan(recipient_id=person, due_at=start - offset, offset=offset) for offset in ahead for person in people
    ]


def catch_up_decision(
    due_at: datetime,
    session_start: datetime,
    now: datetime,
    *,
    grace: timedelta = timedelta(minutes=5),
) -> CatchUp:
    """What to do with a stored reminder when the scheduler looks at it (e.g. after a restart).

    "wait" while it is not yet due; "send" once it is due and the session has not
    started; "missed" once the session has started, since a reminder then no longer helps.

    `grace` is accepted for callers written against the planned signature, but the agreed
    rules leave it no role: a due reminder is sent until the very start, never after.
    """
    _require_aware("due_at", due_at)
    _require_aware("session_start", session_start)
    _require_aware("now", now)
    if grace < timedelta():
        raise ValueError("grace must not be negative")
    if due_at > now:
        return "wait"
    if now < session_start:
        return "send"
    return "missed"


def backoff_delays(
    attempts: int = 5,
    base: timedelta = timedelta(seconds=30),
    factor: float = 2,
    cap: timedelta = timedelta(minutes=30),
) -> list[timedelta]:
    """Delays before each retry of a failed send: base, base*factor, ..., never above cap."""
    if attempts < 0:
        raise ValueError(f"attempts must not be negative, got {attempts}")
    if base <= timedelta() or cap <= timedelta():
        raise ValueError("base and cap must be positive")
    if factor < 1:
        raise ValueError(f"factor must be at least 1, got {factor}")
    delays: list[timedelta] = []
    delay = base
    for _ in range(attempts):
        delays.append(min(delay, cap))
        # Stop growing once capped, so a large attempts count cannot overflow timedelta.
        delay = cap if delay >= cap else delay * factor
    return delays


def _require_aware(name: str, value: datetime) -> None:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be a timezone-aware datetime, got naive {value!r}")
