"""Slot arithmetic: windows cut into sessions, busy time, lead time, zones and DST."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.sessions import slot_times as times
from bot.sessions.slot_times import Busy, OneOffSlot, Slot, SlotError, WeeklyWindow

BISHKEK = "Asia/Bishkek"
BERLIN = "Europe/Berlin"
MON, SUN = 0, 6


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def starts(slots: list[Slot]) -> list[datetime]:
    return [slot.start_utc for slot in slots]


def test_weekly_window_in_bishkek_over_two_weeks() -> None:
    # Wednesday 1 January 2025: the next 14 days hold two Mondays (6th and 13th).
    window = WeeklyWindow(MON, time(18, 0), 120, BISHKEK)
    slots = times.expand_slots([window], [], [], utc(2025, 1, 1))
    assert starts(slots) == [
        utc(2025, 1, 6, 12),
        utc(2025, 1, 6, 13),
        utc(2025, 1, 13, 12),
        utc(2025, 1, 13, 13),
    ]
    labels = [times.local_label_parts(slot, BISHKEK) for slot in slots]
    assert labels == [
        (date(2025, 1, 6), time(18, 0)),
        (date(2025, 1, 6), time(19, 0)),
        (date(2025, 1, 13), time(18, 0)),
        (date(2025, 1, 13), time(19, 0)),
    ]
    assert all(slot.end_utc - slot.start_utc == timedelta(hours=1) for slot in slots)


@pytest.mark.parametrize(("minutes", "count"), [(59, 0), (60, 1), (90, 1), (120, 2), (179, 2)])
def test_window_is_cut_into_whole_sessions(minutes: int, count: int) -> None:
    window = WeeklyWindow(MON, time(18, 0), minutes, BISHKEK)
    # 14 days from this Wednesday hold two Mondays.
    assert len(times.expand_slots([window], [], [], utc(2025, 1, 1))) == 2 * count


def test_one_off_is_cut_the_same_way() -> None:
    slots = times.expand_slots([], [OneOffSlot(utc(2025, 1, 5, 9), 150)], [], utc(2025, 1, 1))
    assert starts(slots) == [utc(2025, 1, 5, 9), utc(2025, 1, 5, 10)]


def test_one_off_given_in_a_local_zone_is_stored_in_utc() -> None:
    slot = OneOffSlot(datetime(2025, 1, 5, 15, tzinfo=ZoneInfo(BISHKEK)), 60)
    assert slot.start == utc(2025, 1, 5, 9)
    assert slot.start.tzinfo is UTC


def test_busy_interval_with_buffer_removes_exactly_its_neighbours() -> None:
    free = OneOffSlot(utc(2025, 1, 5, 9), 6 * 60)  # sessions at 9, 10, ..., 14
    booked = Busy(utc(2025, 1, 5, 11), utc(2025, 1, 5, 12))
    now = utc(2025, 1, 1)
    # Blocked span is 10:45-12:15: the 10:00, 11:00 and 12:00 sessions touch it.
    slots = times.expand_slots([], [free], [booked], now)
    assert starts(slots) == [utc(2025, 1, 5, 9), utc(2025, 1, 5, 13), utc(2025, 1, 5, 14)]
    without_buffer = times.expand_slots([], [free], [booked], now, buffer_minutes=0)
    assert starts(without_buffer) == [utc(2025, 1, 5, h) for h in (9, 10, 12, 13, 14)]


def test_slot_just_clear_of_the_buffer_stays() -> None:
    free = OneOffSlot(utc(2025, 1, 5, 9), 60)
    # Booked 10:15-11:00: widened by 15 minutes it starts at 10:00, exactly where the slot ends.
    booked = Busy(utc(2025, 1, 5, 10, 15), utc(2025, 1, 5, 11))
    assert len(times.expand_slots([], [free], [booked], utc(2025, 1, 1))) == 1
    earlier = Busy(utc(2025, 1, 5, 10, 14), utc(2025, 1, 5, 11))
    assert times.expand_slots([], [free], [earlier], utc(2025, 1, 1)) == []


def test_minimum_lead_time_and_horizon() -> None:
    now = utc(2025, 1, 5, 10)
    free = OneOffSlot(utc(2025, 1, 5, 11), 4 * 60)  # sessions at 11, 12, 13, 14
    slots = times.expand_slots([], [free], [], now, min_lead_minutes=120)
    # 12:00 is exactly now + 2 h, so it is the first one offered.
    assert starts(slots) == [utc(2025, 1, 5, 12), utc(2025, 1, 5, 13), utc(2025, 1, 5, 14)]
    # A session starting exactly at the horizon is outside [now + lead, now + days).
    late = OneOffSlot(now + timedelta(days=1), 60)
    assert times.expand_slots([], [late], [], now, days=1) == []


def test_overlapping_sources_are_deduplicated() -> None:
    window = WeeklyWindow(MON, time(18, 0), 60, BISHKEK)
    same_as_window = OneOffSlot(utc(2025, 1, 6, 12), 60)
    slots = times.expand_slots([window, window], [same_as_window], [], utc(2025, 1, 1), days=7)
    assert starts(slots) == [utc(2025, 1, 6, 12)]


@pytest.mark.parametrize(
    ("now", "first", "second", "viewer_before", "viewer_after"),
    [
        # Last Sunday of March 2025 (30th): Berlin moves from UTC+1 to UTC+2.
        (utc(2025, 3, 20), date(2025, 3, 23), date(2025, 3, 30), time(13), time(14)),
        # Last Sunday of October 2025 (26th): Berlin moves back to UTC+1.
        (utc(2025, 10, 16), date(2025, 10, 19), date(2025, 10, 26), time(14), time(13)),
    ],
)
def test_bishkek_mentor_berlin_viewer_across_dst(
    now: datetime, first: date, second: date, viewer_before: time, viewer_after: time
) -> None:
    # Bishkek has no DST: 18:00 there is always 12:00 UTC; only the viewer's clock moves.
    window = WeeklyWindow(SUN, time(18, 0), 60, BISHKEK)
    slots = times.expand_slots([window], [], [], now)
    assert starts(slots) == [
        datetime.combine(first, time(12), tzinfo=UTC),
        datetime.combine(second, time(12), tzinfo=UTC),
    ]
    assert [times.local_label_parts(s, BERLIN) for s in slots] == [
        (first, viewer_before),
        (second, viewer_after),
    ]
    assert [times.local_label_parts(s, BISHKEK)[1] for s in slots] == [time(18), time(18)]


def test_berlin_mentor_keeps_her_wall_clock_across_dst() -> None:
    window = WeeklyWindow(SUN, time(10, 0), 60, BERLIN)
    spring = times.expand_slots([window], [], [], utc(2025, 3, 20))
    assert starts(spring) == [utc(2025, 3, 23, 9), utc(2025, 3, 30, 8)]
    autumn = times.expand_slots([window], [], [], utc(2025, 10, 16))
    assert starts(autumn) == [utc(2025, 10, 19, 8), utc(2025, 10, 26, 9)]
    assert {times.local_label_parts(s, BERLIN)[1] for s in spring + autumn} == {time(10)}


def test_window_in_the_spring_forward_gap_is_skipped() -> None:
    # 02:30 does not exist in Berlin on 30 March 2025 (clocks jump from 02:00 to 03:00).
    window = WeeklyWindow(SUN, time(2, 30), 60, BERLIN)
    slots = times.expand_slots([window], [], [], utc(2025, 3, 20), days=21)
    assert [times.local_label_parts(s, BERLIN)[0] for s in slots] == [
        date(2025, 3, 23),
        date(2025, 4, 6),
    ]


def test_ambiguous_fall_back_time_uses_the_first_occurrence() -> None:
    # 02:30 happens twice in Berlin on 26 October 2025; the first is still summer time.
    window = WeeklyWindow(SUN, time(2, 30), 60, BERLIN)
    slots = times.expand_slots([window], [], [], utc(2025, 10, 20), days=7)
    assert starts(slots) == [utc(2025, 10, 26, 0, 30)]


def test_window_rejects_a_weekday_out_of_range() -> None:
    with pytest.raises(ValueError, match="weekday"):
        WeeklyWindow(7, time(18), 60, BISHKEK)


def test_naive_now_is_refused() -> None:
    with pytest.raises(ValueError, match="now"):
        times.expand_slots([], [], [], datetime(2025, 1, 1))


# Validation


NOW = utc(2025, 1, 1, 12)


@pytest.mark.parametrize(
    ("start", "minutes", "expected"),
    [
        (NOW, 60, SlotError.IN_PAST),
        (NOW - timedelta(hours=1), 120, SlotError.IN_PAST),
        (NOW + timedelta(days=1), 59, SlotError.TOO_SHORT),
        (NOW + timedelta(days=1), 8 * 60 + 1, SlotError.TOO_LONG),
        (NOW + timedelta(days=1), 8 * 60, None),
        (NOW + timedelta(days=1), 60, None),
    ],
)
def test_validate_one_off_alone(start: datetime, minutes: int, expected: SlotError | None) -> None:
    assert times.validate_one_off(start, minutes, [], NOW) == expected


def test_error_codes_are_plain_strings() -> None:
    assert times.validate_one_off(NOW, 60, [], NOW) == "in_past"
    assert [e.value for e in SlotError] == ["in_past", "too_short", "too_long", "overlaps"]


def test_validate_one_off_overlaps_in_real_time() -> None:
    existing = [OneOffSlot(utc(2025, 1, 5, 9), 120)]  # 09:00-11:00 UTC
    # 16:30 in Bishkek is 10:30 UTC, inside the existing slot.
    clash = datetime(2025, 1, 5, 16, 30, tzinfo=ZoneInfo(BISHKEK))
    assert times.validate_one_off(clash, 60, existing, NOW) == SlotError.OVERLAPS
    assert times.validate_one_off(utc(2025, 1, 5, 11), 60, existing, NOW) is None  # back to back
    assert times.validate_one_off(utc(2025, 1, 5, 8), 60, existing, NOW) is None


def test_validate_one_off_overlaps_a_weekly_window() -> None:
    window = WeeklyWindow(MON, time(18, 0), 120, BISHKEK)  # Mondays 12:00-14:00 UTC
    assert times.validate_one_off(utc(2025, 1, 6, 13), 60, [window], NOW) == SlotError.OVERLAPS
    assert times.validate_one_off(utc(2025, 1, 7, 13), 60, [window], NOW) is None


def test_validate_window_length() -> None:
    assert times.validate_window(WeeklyWindow(MON, time(9), 30, BISHKEK), [], NOW) == "too_short"
    assert times.validate_window(WeeklyWindow(MON, time(9), 481, BISHKEK), [], NOW) == "too_long"
    assert times.validate_window(WeeklyWindow(MON, time(9), 480, BISHKEK), [], NOW) is None


def test_validate_window_same_zone_by_weekday_and_time() -> None:
    existing = [WeeklyWindow(MON, time(18, 0), 120, BISHKEK)]
    assert times.validate_window(WeeklyWindow(MON, time(19), 60, BISHKEK), existing, NOW) == "overlaps"
    assert times.validate_window(WeeklyWindow(MON, time(20), 60, BISHKEK), existing, NOW) is None
    assert times.validate_window(WeeklyWindow(1, time(18), 60, BISHKEK), existing, NOW) is None


def test_validate_window_wraps_from_sunday_into_monday() -> None:
    sunday_night = [WeeklyWindow(SUN, time(23, 0), 180, BISHKEK)]  # until Monday 02:00
    assert times.validate_window(WeeklyWindow(MON, time(1), 60, BISHKEK), sunday_night, NOW) == ("overlaps")
    assert times.validate_window(WeeklyWindow(MON, time(2), 60, BISHKEK), sunday_night, NOW) is None


def test_validate_window_across_zones_checks_the_whole_year() -> None:
    # Bishkek Sunday 18:00 is 12:00 UTC all year. Berlin 14:00 is 13:00 UTC in winter but
    # 12:00 UTC in summer, so the two clash from March, though not in January.
    existing = [WeeklyWindow(SUN, time(18, 0), 60, BISHKEK)]
    assert times.validate_window(WeeklyWindow(SUN, time(14), 60, BERLIN), existing, NOW) == "overlaps"
    assert times.validate_window(WeeklyWindow(SUN, time(15), 60, BERLIN), existing, NOW) is None


def test_validate_window_against_one_offs() -> None:
    future = [OneOffSlot(utc(2025, 1, 6, 12, 30), 60)]  # a Monday, 18:30 in Bishkek
    past = [OneOffSlot(utc(2024, 12, 30, 12, 30), 60)]  # also a Monday, already over
    window = WeeklyWindow(MON, time(18, 0), 120, BISHKEK)
    assert times.validate_window(window, future, NOW) == "overlaps"
    assert times.validate_window(window, past, NOW) is None


# Parsing


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("18:30", time(18, 30)),
        ("9:05", time(9, 5)),
        (" 07:00 ", time(7)),
        ("00:00", time(0)),
        ("23:59", time(23, 59)),
        ("18.30", time(18, 30)),
    ],
)
def test_parse_time_of_day(text: str, expected: time) -> None:
    assert times.parse_time_of_day(text) == expected


@pytest.mark.parametrize("text", ["25:00", "18:60", "abc", "", "1830", "18:3", "-1:00", "18:30:00"])
def test_parse_time_of_day_rejects(text: str) -> None:
    with pytest.raises(ValueError, match="time of day"):
        times.parse_time_of_day(text)


def test_parse_zone() -> None:
    assert times.parse_zone("Europe/Berlin") == ZoneInfo("Europe/Berlin")
    assert times.parse_zone(" Asia/Bishkek ") == ZoneInfo("Asia/Bishkek")


@pytest.mark.parametrize("name", ["Mars/Olympus_Mons", "", "   ", "../etc/passwd", "Asia/"])
def test_parse_zone_rejects(name: str) -> None:
    with pytest.raises(ValueError, match="time zone"):
        times.parse_zone(name)
