"""Slot arithmetic: a mentor's free windows turned into bookable session times.

Everything is computed on UTC-aware datetimes; a weekly window is expanded in the
mentor's own zone so that 18:00 stays 18:00 on her wall clock across DST changes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.i18n import N_
from bot.labelled import Labelled

MAX_WINDOW_MINUTES = 8 * 60
MINUTES_PER_WEEK = 7 * 24 * 60
# Windows in different zones drift against each other with DST, so they are
# compared over a whole year of real occurrences.
_CROSS_ZONE_HORIZON = timedelta(days=371)


class SlotError(Labelled):
    """Why a window or one-off slot was refused; the label is what she is told."""

    IN_PAST = "in_past", N_("This time has already passed. Please pick a later one.")
    TOO_SHORT = "too_short", N_("A free time must be at least one hour long.")
    TOO_LONG = "too_long", N_("A free-time slot can be at most 8 hours long.")
    OVERLAPS = "overlaps", N_("This overlaps free time you have already published. /slots shows it all.")


@dataclass(frozen=True)
class WeeklyWindow:
    """A recurring free window: every `weekday` (0 = Monday) at `start` local time."""

    weekday: int
    start: time
    minutes: int
    zone: str

    def __post_init__(self) -> None:
        if not 0 <= self.weekday <= 6:
            raise ValueError(f"weekday must be 0 (Monday) to 6 (Sunday), got {self.weekday}")
        if self.start.tzinfo is not None:
            raise ValueError("a weekly window's start is a wall-clock time without tzinfo")


@dataclass(frozen=True)
class OneOffSlot:
    """A single free period starting at an aware UTC instant."""

    start: datetime
    minutes: int

    def __post_init__(self) -> None:
        _in_utc(self, "start")

    @property
    def end(self) -> datetime:
        return self.start + timedelta(minutes=self.minutes)


@dataclass(frozen=True)
class Busy:
    """A booked session (UTC) that free slots must keep clear of."""

    start: datetime
    end: datetime

    def __post_init__(self) -> None:
        _in_utc(self, "start", "end")


@dataclass(frozen=True, order=True)
class Slot:
    """A bookable session, ordered by start."""

    start_utc: datetime
    end_utc: datetime


Availability = WeeklyWindow | OneOffSlot


def parse_zone(name: str) -> ZoneInfo:
    """The ZoneInfo for an IANA name such as "Asia/Bishkek"; ValueError if unknown."""
    cleaned = name.strip() if isinstance(name, str) else ""
    if not cleaned:
        raise ValueError("time zone is empty; expected an IANA name such as 'Asia/Bishkek'")
    try:
        return ZoneInfo(cleaned)
    except (ZoneInfoNotFoundError, ValueError):
        # ZoneInfo raises ValueError for path-like names ("../x"), KeyError subclass otherwise.
        raise ValueError(f"unknown time zone {name!r}; expected an IANA name such as 'Asia/Bishkek'") from None


_TIME_OF_DAY = re.compile(r"(\d{1,2})[:.](\d{2})")


def parse_time_of_day(text: str) -> time:
    """A wall-clock time from "HH:MM" (or "HH.MM", as people often type); ValueError if bad."""
    match = _TIME_OF_DAY.fullmatch(text.strip())
    if match is None:
        raise ValueError(f"time of day must look like 18:30, got {text!r}")
    hour, minute = int(match[1]), int(match[2])
    if hour > 23 or minute > 59:
        raise ValueError(f"time of day must be between 00:00 and 23:59, got {text!r}")
    return time(hour, minute)


def local_label_parts(slot: Slot, zone: str | ZoneInfo) -> tuple[date, time]:
    """The slot's start as a local date and wall-clock time in the viewer's zone."""
    tz = parse_zone(zone) if isinstance(zone, str) else zone
    local = slot.start_utc.astimezone(tz)
    return local.date(), local.time()


def expand_slots(
    windows: Iterable[WeeklyWindow],
    one_offs: Iterable[OneOffSlot],
    busy: Iterable[Busy],
    now: datetime,
    *,
    days: int = 14,
    session_minutes: int = 60,
    buffer_minutes: int = 15,
    min_lead_minutes: int = 120,
) -> list[Slot]:
    """All bookable sessions starting in [now + min_lead, now + days), sorted and unique.

    Each window or one-off is cut into consecutive sessions from its start; a slot is
    dropped when it overlaps a busy interval widened by the buffer on both sides.
    """
    _require_aware("now", now)
    if session_minutes <= 0:
        raise ValueError(f"session_minutes must be positive, got {session_minutes}")
    if days < 0 or buffer_minutes < 0 or min_lead_minutes < 0:
        raise ValueError("days, buffer_minutes and min_lead_minutes must not be negative")
    earliest = now.astimezone(UTC) + timedelta(minutes=min_lead_minutes)
    latest = now.astimezone(UTC) + timedelta(days=days)
    session = timedelta(minutes=session_minutes)
    buffer = timedelta(minutes=buffer_minutes)
    blocked = [(b.start - buffer, b.end + buffer) for b in busy]

    spans: list[tuple[datetime, datetime]] = []
    for window in windows:
        spans.extend(_window_occurrences(window, earliest, latest))
    spans.extend((o.start, o.end) for o in one_offs)

    found: set[Slot] = set()
    for span_start, span_end in spans:
        for slot in _cut(span_start, span_end, session):
            if not earliest <= slot.start_utc < latest:
                continue
            if any(slot.start_utc < b_end and b_start < slot.end_utc for b_start, b_end in blocked):
                continue
            found.add(slot)
    return sorted(found)


def validate_window(
    window: WeeklyWindow,
    existing: Sequence[Availability],
    now: datetime,
    *,
    session_minutes: int = 60,
    max_minutes: int = MAX_WINDOW_MINUTES,
) -> SlotError | None:
    """Why a new weekly window cannot be published, or None if it can.

    `existing` is the mentor's other windows and one-offs (leave out the one being
    edited). Windows in the same zone are compared by weekday and time; windows in
    another zone and future one-offs by their real occurrences over the next year.
    """
    _require_aware("now", now)
    parse_zone(window.zone)
    if window.minutes < session_minutes:
        return SlotError.TOO_SHORT
    if window.minutes > max_minutes:
        return SlotError.TOO_LONG
    now_utc = now.astimezone(UTC)
    for other in existing:
        if isinstance(other, OneOffSlot):
            if other.end > now_utc and _any(_window_occurrences(window, other.start, other.end)):
                return SlotError.OVERLAPS
        elif other.zone == window.zone:
            if _week_minutes_overlap(window, other):
                return SlotError.OVERLAPS
        else:
            mine = _window_occurrences(window, now_utc, now_utc + _CROSS_ZONE_HORIZON)
            if any(_any(_window_occurrences(other, start, end)) for start, end in mine):
                return SlotError.OVERLAPS
    return None


def validate_one_off(
    start: datetime,
    minutes: int,
    existing: Sequence[Availability],
    now: datetime,
    *,
    session_minutes: int = 60,
    max_minutes: int = MAX_WINDOW_MINUTES,
) -> SlotError | None:
    """Why a new one-off slot cannot be published, or None if it can.

    Overlap is checked in real time against one-offs and the occurrences of
    weekly windows that fall within the new slot.
    """
    _require_aware("start", start)
    _require_aware("now", now)
    if start <= now:
        return SlotError.IN_PAST
    if minutes < session_minutes:
        return SlotError.TOO_SHORT
    if minutes > max_minutes:
        return SlotError.TOO_LONG
    begin = start.astimezone(UTC)
    end = begin + timedelta(minutes=minutes)
    for other in existing:
        if isinstance(other, OneOffSlot):
            if other.start < end and begin < other.end:
                return SlotError.OVERLAPS
        elif _any(_window_occurrences(other, begin, end)):
            return SlotError.OVERLAPS
    return None


def _require_aware(name: str, value: datetime) -> None:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be a timezone-aware datetime, got naive {value!r}")


def _in_utc(instance: object, *names: str) -> None:
    """Each named moment of a frozen dataclass, required aware, normalised to UTC so that adding
    minutes is real elapsed time, not wall-clock time."""
    for name in names:
        value = getattr(instance, name)
        _require_aware(name, value)
        object.__setattr__(instance, name, value.astimezone(UTC))


def _any(items: Iterable[object]) -> bool:
    return any(True for _ in items)


def _cut(start: datetime, end: datetime, session: timedelta) -> Iterator[Slot]:
    """Consecutive whole sessions from the start of a free span; a remainder is dropped."""
    while start + session <= end:
        yield Slot(start, start + session)
        start += session


def _local_instant(day: date, at: time, zone: ZoneInfo) -> datetime | None:
    """The UTC instant of a wall-clock time on a day, or None inside a DST gap."""
    # fold=0 picks the first of the two instants of an ambiguous (fall-back) time.
    local = datetime.combine(day, at.replace(fold=0), tzinfo=zone)
    instant = local.astimezone(UTC)
    # A time in the spring-forward gap does not exist, so it does not survive the round trip.
    if instant.astimezone(zone).replace(tzinfo=None) != local.replace(tzinfo=None):
        return None
    return instant


def _window_occurrences(window: WeeklyWindow, since: datetime, until: datetime) -> Iterator[tuple[datetime, datetime]]:
    """(start, end) in UTC of each occurrence of the window that intersects [since, until)."""
    zone = parse_zone(window.zone)
    span = timedelta(minutes=window.minutes)
    # Start far enough back to catch an occurrence that began earlier and runs into `since`.
    first = since.astimezone(zone).date() - timedelta(days=span.days + 1)
    last = until.astimezone(zone).date() + timedelta(days=1)
    day = first + timedelta(days=(window.weekday - first.weekday()) % 7)
    while day <= last:
        start = _local_instant(day, window.start, zone)
        if start is not None and start < until and since < start + span:
            yield start, start + span
        day += timedelta(days=7)


def _week_minutes_overlap(a: WeeklyWindow, b: WeeklyWindow) -> bool:
    """Whether two windows of the same zone overlap on the weekly wall clock (with wrap-around)."""
    a_start = a.weekday * 1440 + a.start.hour * 60 + a.start.minute
    b_start = b.weekday * 1440 + b.start.hour * 60 + b.start.minute
    # Shifting by a week either way catches a Sunday-night window running into Monday.
    return any(
        a_start < b_start + shift + b.minutes and b_start + shift < a_start + a.minutes
        for shift in (-MINUTES_PER_WEEK, 0, MINUTES_PER_WEEK)
    )
