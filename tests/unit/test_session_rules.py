"""Session rules without a bot: notice, slot codes, zone names, feedback values, the rhythm."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.sessions.rules import (
    CHECKIN_EVERY,
    MIN_NOTICE,
    PROGRAMME_LENGTH,
    QUIET_AFTER,
    REFUSALS,
    Refusal,
    RhythmState,
    RhythmStep,
    find_zone,
    inside_notice,
    parse_slot_code,
    rhythm_due,
    rhythm_plan,
    slot_code,
    utc_offset_label,
    valid_feedback_minutes,
    valid_rating,
)

START = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)


def test_the_programme_constants():
    assert PROGRAMME_LENGTH == timedelta(days=182)
    assert MIN_NOTICE == timedelta(hours=3)
    assert QUIET_AFTER == CHECKIN_EVERY == timedelta(days=30)


def test_every_refusal_has_a_message():
    assert set(REFUSALS) == set(Refusal)


@pytest.mark.parametrize(
    ("before", "late"),
    [(timedelta(hours=3), False), (timedelta(hours=2, minutes=59), True), (timedelta(0), True)],
)
def test_inside_the_minimum_notice(before, late):
    assert inside_notice(START, START - before) is late


@given(st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2099, 12, 31)))
def test_slot_codes_round_trip_to_the_minute(moment):
    start = moment.replace(second=0, microsecond=0, tzinfo=UTC)
    code = slot_code(start)
    assert len(code) == 12 and code.isascii() and parse_slot_code(code) == start


@pytest.mark.parametrize("forged", ["", "2025", "20251340aaaa", "202513011200", "x" * 12])
def test_forged_slot_codes_are_refused(forged):
    assert parse_slot_code(forged) is None


@pytest.mark.parametrize(
    ("typed", "zone"),
    [
        ("Europe/Berlin", "Europe/Berlin"),
        ("  europe/berlin ", "Europe/Berlin"),
        ("America/New York", "America/New_York"),
        ("asia/bishkek", "Asia/Bishkek"),
        ("Mars/Olympus_Mons", None),
        ("../../etc/passwd", None),
        ("", None),
        ("Бишкек", None),
    ],
)
def test_typed_zone_names(typed, zone):
    assert find_zone(typed) == zone


def test_offsets_are_labelled_as_people_read_them():
    winter = datetime(2025, 1, 15, tzinfo=UTC)
    summer = datetime(2025, 7, 15, tzinfo=UTC)
    assert utc_offset_label("Asia/Bishkek", winter) == "UTC+6"
    assert utc_offset_label("Europe/Berlin", winter) == "UTC+1"
    assert utc_offset_label("Europe/Berlin", summer) == "UTC+2"
    assert utc_offset_label("Asia/Kolkata", summer) == "UTC+5:30"
    assert utc_offset_label("America/New_York", winter) == "UTC-5"


def test_feedback_values():
    assert [valid_feedback_minutes(n) for n in (14, 15, 180, 181)] == [False, True, True, False]
    assert [valid_rating(n) for n in (0, 1, 5, 6)] == [False, True, True, False]


def state(**changes) -> RhythmState:
    first_checkin, ends = rhythm_plan(START)
    values = {
        "started_at": START,
        "ends_at": ends,
        "next_checkin_at": first_checkin,
        "quiet_nudged_at": None,
        "closing_sent_at": None,
        "last_session_at": None,
    }
    values.update(changes)
    return RhythmState(**values)


def test_a_new_mentorship_owes_nothing_for_a_month():
    assert rhythm_plan(START) == (START + timedelta(days=30), START + timedelta(days=182))
    assert rhythm_due(state(), START + timedelta(days=29)) == []


def test_a_month_without_a_session_brings_the_check_in_and_a_nudge():
    assert rhythm_due(state(), START + timedelta(days=30)) == [
        RhythmStep.CHECKIN,
        RhythmStep.QUIET,
    ]


def test_a_recent_or_booked_session_keeps_the_pair_from_being_nudged():
    now = START + timedelta(days=40)
    assert RhythmStep.QUIET not in rhythm_due(state(last_session_at=now - timedelta(days=3)), now)
    assert RhythmStep.QUIET not in rhythm_due(state(last_session_at=now + timedelta(days=2)), now)


def test_a_nudge_waits_another_month_before_the_next():
    now = START + timedelta(days=45)
    assert RhythmStep.QUIET not in rhythm_due(state(quiet_nudged_at=now - timedelta(days=15)), now)
    assert RhythmStep.QUIET in rhythm_due(state(quiet_nudged_at=now - timedelta(days=30)), now)


def test_the_closing_survey_replaces_everything_and_comes_once():
    end = START + PROGRAMME_LENGTH
    assert rhythm_due(state(), end) == [RhythmStep.CLOSING]
    assert rhythm_due(state(closing_sent_at=end), end + timedelta(days=1)) == []
