"""The .ics file sent with a booked session, so it lands in both people's calendars.

Built with the icalendar library, which escapes text and folds long lines, so
Kyrgyz, Russian and emoji pass through intact.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from urllib.parse import urlsplit

from icalendar import Alarm, Calendar, Event

from bot.sessions.slot_times import parse_zone

PRODID = "-//STEMinist Mentor Bot//Sessions//EN"
REMINDER_BEFORE = timedelta(hours=1)


def session_ics(
    uid: str,
    start_utc: datetime,
    minutes: int,
    summary: str,
    description: str,
    location_or_url: str | None,
    organizer_zone: str,
    *,
    now: datetime | None = None,
    sequence: int = 0,
) -> bytes:
    """A VCALENDAR (METHOD:PUBLISH) holding one VEVENT with a VTIMEZONE and a 1-hour VALARM.

    DTSTART and DTEND are written in the organizer's zone. `now` becomes DTSTAMP; without
    it DTSTAMP is the session start, which keeps the file the same for the same session.
    Raise `sequence` when a session is rescheduled so calendars replace the old copy.
    """
    if start_utc.tzinfo is None or start_utc.utcoffset() is None:
        raise ValueError("start_utc must be a timezone-aware datetime")
    if minutes <= 0:
        raise ValueError(f"minutes must be positive, got {minutes}")
    zone = parse_zone(organizer_zone)
    start = start_utc.astimezone(UTC)
    stamp = (now if now is not None else start).astimezone(UTC)

    event = Event.new(
        uid=uid,
        stamp=stamp,
        start=start.astimezone(zone),
        # Added in UTC then converted, so the length is real time even across a DST change.
        end=(start + timedelta(minutes=minutes)).astimezone(zone),
        summary=summary,
        description=description,
        sequence=sequence,
    )
    if location_or_url:
        # Many calendar apps show LOCATION but ignore URL, so a link goes in both.
        event.add("location", location_or_url)
        if _is_web_link(location_or_url):
            event.add("url", location_or_url)

    alarm = Alarm.new(description=summary)
    alarm.add("action", "DISPLAY")
    alarm.add("trigger", -REMINDER_BEFORE)
    event.add_component(alarm)

    # Built by hand rather than with Calendar.new, which would add a random UID of its own.
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    calendar.add_component(event)
    # A VTIMEZONE covering a year either side keeps the file small but correct for clients.
    first = start.date() - timedelta(days=366)
    calendar.add_missing_timezones(
        first_date=max(first, date(1970, 1, 1)), last_date=start.date() + timedelta(days=366)
    )
    return calendar.to_ical()


def _is_web_link(text: str) -> bool:
    parts = urlsplit(text.strip())
    return parts.scheme in {"http", "https"} and bool(parts.netloc)
