"""The session .ics: parses back, right instant, organizer's zone, Unicode text, an alarm."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from icalendar import Calendar, Event

from bot.calendar_file import session_ics

START = datetime(2025, 3, 30, 16, 0, tzinfo=UTC)  # the day Berlin moves to summer time
SUMMARY = "Менторлук жолугушуу: Айгүл менен 🚀 (өнүгүү, ңызык)"
DESCRIPTION = "Темасы: карьера; суроолор, жооптор\nВторая строка"
LINK = "https://meet.example.org/aigul-session"


def build(zone: str = "Europe/Berlin", **overrides: object) -> bytes:
    arguments: dict[str, object] = {
        "uid": "session-42@steminist",
        "start_utc": START,
        "minutes": 60,
        "summary": SUMMARY,
        "description": DESCRIPTION,
        "location_or_url": LINK,
        "organizer_zone": zone,
    }
    arguments.update(overrides)
    return session_ics(**arguments)  # type: ignore[arg-type]


def only_event(data: bytes) -> tuple[Calendar, Event]:
    calendar = Calendar.from_ical(data)
    events = calendar.walk("VEVENT")
    assert len(events) == 1
    return calendar, events[0]


def test_calendar_header() -> None:
    calendar, _ = only_event(build())
    assert str(calendar["VERSION"]) == "2.0"
    assert str(calendar["METHOD"]) == "PUBLISH"
    assert "STEMinist" in str(calendar["PRODID"])


@pytest.mark.parametrize("zone", ["Europe/Berlin", "Asia/Bishkek"])
def test_start_is_in_the_organizer_zone_and_the_right_instant(zone: str) -> None:
    calendar, event = only_event(build(zone))
    assert event["DTSTART"].params["TZID"] == zone
    assert event.decoded("DTSTART").astimezone(UTC) == START
    assert event.decoded("DTEND").astimezone(UTC) == START + timedelta(hours=1)
    assert [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")] == [zone]


def test_wall_clock_in_the_file_matches_the_zone() -> None:
    # 16:00 UTC on 30 March 2025 is 18:00 in Berlin (summer time) and 22:00 in Bishkek.
    assert b"DTSTART;TZID=Europe/Berlin:20250330T180000" in build("Europe/Berlin")
    assert b"DTSTART;TZID=Asia/Bishkek:20250330T220000" in build("Asia/Bishkek")


def test_length_is_real_time_across_a_dst_change() -> None:
    # 00:30 UTC is 01:30 in Berlin; 90 minutes later the clocks have jumped to 04:00.
    _, event = only_event(build(start_utc=datetime(2025, 3, 30, 0, 30, tzinfo=UTC), minutes=90))
    length = event.decoded("DTEND").astimezone(UTC) - event.decoded("DTSTART").astimezone(UTC)
    assert length == timedelta(minutes=90)


def test_text_keeps_kyrgyz_letters_and_emoji() -> None:
    data = build()
    _, event = only_event(data)
    assert str(event["SUMMARY"]) == SUMMARY
    assert str(event["DESCRIPTION"]) == DESCRIPTION
    assert "Айгүл" in data.decode("utf-8")


def test_identity_link_and_stamp() -> None:
    now = datetime(2025, 3, 20, 8, 15, tzinfo=UTC)
    _, event = only_event(build(now=now, sequence=2))
    assert str(event["UID"]) == "session-42@steminist"
    assert str(event["URL"]) == LINK
    assert str(event["LOCATION"]) == LINK
    assert event.decoded("DTSTAMP") == now
    assert event.decoded("SEQUENCE") == 2


def test_a_place_that_is_not_a_link_is_only_a_location() -> None:
    _, event = only_event(build(location_or_url="Бишкек, Чүй проспекти 1"))
    assert str(event["LOCATION"]) == "Бишкек, Чүй проспекти 1"
    assert "URL" not in event
    _, bare = only_event(build(location_or_url=None))
    assert "LOCATION" not in bare and "URL" not in bare


def test_alarm_one_hour_before() -> None:
    _, event = only_event(build())
    alarms = event.walk("VALARM")
    assert len(alarms) == 1
    assert str(alarms[0]["ACTION"]) == "DISPLAY"
    assert alarms[0].decoded("TRIGGER") == timedelta(hours=-1)


def test_same_session_gives_the_same_bytes() -> None:
    assert build() == build()


def test_bad_input_is_refused() -> None:
    with pytest.raises(ValueError, match="time zone"):
        build("Mars/Olympus_Mons")
    with pytest.raises(ValueError, match="aware"):
        build(start_utc=datetime(2025, 3, 30, 16))
