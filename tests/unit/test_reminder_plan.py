"""Reminder planning: offsets, short notice, catch-up after downtime, retry backoff."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.sessions.reminder_plan import (
    SHORT_NOTICE,
    ReminderPlan,
    backoff_delays,
    catch_up_decision,
    parse_offsets,
    plan_reminders,
)

AIDA, BERMET = 101, 202
SESSION = datetime(2025, 6, 10, 12, 0, tzinfo=UTC)
DEFAULT = parse_offsets("24h,1h")
H = timedelta(hours=1)


def test_default_offsets_for_two_recipients() -> None:
    plans = plan_reminders(SESSION, [AIDA, BERMET], DEFAULT, SESSION - timedelta(days=9))
    assert plans == [
        ReminderPlan(AIDA, SESSION - 24 * H, 24 * H),
        ReminderPlan(BERMET, SESSION - 24 * H, 24 * H),
        ReminderPlan(AIDA, SESSION - H, H),
        ReminderPlan(BERMET, SESSION - H, H),
    ]


def test_due_times_are_in_utc_whatever_zone_the_session_was_given_in() -> None:
    local = SESSION.astimezone(ZoneInfo("Asia/Bishkek"))
    plans = plan_reminders(local, [AIDA], DEFAULT, SESSION - timedelta(days=9))
    assert [p.due_at for p in plans] == [SESSION - 24 * H, SESSION - H]
    assert all(p.due_at.tzinfo is UTC for p in plans)


def test_an_offset_already_passed_is_dropped() -> None:
    plans = plan_reminders(SESSION, [AIDA, BERMET], DEFAULT, SESSION - 3 * H)
    assert plans == [ReminderPlan(AIDA, SESSION - H, H), ReminderPlan(BERMET, SESSION - H, H)]


def test_an_offset_due_exactly_now_counts_as_passed() -> None:
    plans = plan_reminders(SESSION, [AIDA], DEFAULT, SESSION - 24 * H)
    assert plans == [ReminderPlan(AIDA, SESSION - H, H)]


def test_booked_at_short_notice_gets_one_immediate_reminder() -> None:
    now = SESSION - timedelta(minutes=30)
    plans = plan_reminders(SESSION, [AIDA, BERMET], DEFAULT, now)
    left = timedelta(minutes=30)
    assert plans == [ReminderPlan(AIDA, now, left), ReminderPlan(BERMET, now, left)]


@pytest.mark.parametrize("minutes_left", [10, 5, 0, -30])
def test_no_reminder_when_the_session_is_ten_minutes_away_or_less(minutes_left: int) -> None:
    now = SESSION - timedelta(minutes=minutes_left)
    assert plan_reminders(SESSION, [AIDA], DEFAULT, now) == []


def test_a_repeated_recipient_is_reminded_once() -> None:
    plans = plan_reminders(SESSION, [AIDA, AIDA], DEFAULT, SESSION - timedelta(days=2))
    assert len(plans) == 2


def test_naive_times_are_refused() -> None:
    with pytest.raises(ValueError, match="now"):
        plan_reminders(SESSION, [AIDA], DEFAULT, datetime(2025, 6, 1))


aware_times = st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2040, 12, 31), timezones=st.timezones())
offset_sets = st.lists(
    st.timedeltas(min_value=timedelta(seconds=1), max_value=timedelta(days=30)),
    min_size=1,
    max_size=5,
)


@settings(deadline=None, max_examples=200)
@given(
    session=aware_times,
    lead=st.one_of(
        st.timedeltas(min_value=timedelta(days=-3), max_value=timedelta(days=40)),
        st.timedeltas(min_value=timedelta(0), max_value=timedelta(minutes=30)),
    ),
    far_now=aware_times,
    use_far_now=st.booleans(),
    recipients=st.lists(st.integers(min_value=1, max_value=5), max_size=4),
    offsets=offset_sets,
)
def test_plans_are_never_in_the_past_nor_duplicated(
    session: datetime,
    lead: timedelta,
    far_now: datetime,
    use_far_now: bool,
    recipients: list[int],
    offsets: list[timedelta],
) -> None:
    # `now` is either near the session (the interesting cases) or anywhere in the years.
    now = far_now if use_far_now else (session.astimezone(UTC) - lead).astimezone(far_now.tzinfo)
    plans = plan_reminders(session, recipients, offsets, now)

    keys = [(p.recipient_id, p.due_at) for p in plans]
    assert len(keys) == len(set(keys))
    # In UTC: same-zone arithmetic is wall-clock arithmetic, which a DST gap or fold throws off.
    all_passed = all(session.astimezone(UTC) - offset <= now for offset in offsets)
    for plan in plans:
        assert plan.due_at >= now
        assert plan.due_at < session
        assert plan.due_at + plan.offset == session.astimezone(
            UTC
        )  # PEP 495: an ambiguous local time never == across zones
        # Only the short-notice reminder is due right now, and only when every offset passed.
        assert plan.due_at > now or all_passed
    assert {p.recipient_id for p in plans} <= set(recipients)
    if session.astimezone(UTC) - now.astimezone(UTC) > SHORT_NOTICE:  # not wall-clock: a DST gap
        assert {p.recipient_id for p in plans} == set(recipients)
    elif all_passed:
        assert plans == []


# Catch-up after downtime

DUE = SESSION - H


def test_catch_up_waits_until_due() -> None:
    assert catch_up_decision(DUE, SESSION, DUE - timedelta(microseconds=1)) == "wait"


def test_catch_up_sends_from_the_due_moment_until_the_start() -> None:
    assert catch_up_decision(DUE, SESSION, DUE) == "send"
    assert catch_up_decision(DUE, SESSION, SESSION - timedelta(microseconds=1)) == "send"


def test_catch_up_is_missed_once_the_session_started() -> None:
    assert catch_up_decision(DUE, SESSION, SESSION) == "missed"
    assert catch_up_decision(DUE, SESSION, SESSION + timedelta(days=2)) == "missed"


# Retry backoff


def test_backoff_defaults() -> None:
    seconds = [d.total_seconds() for d in backoff_delays()]
    assert seconds == [30, 60, 120, 240, 480]


def test_backoff_is_capped() -> None:
    delays = backoff_delays(attempts=10, cap=timedelta(minutes=5))
    assert delays[-1] == timedelta(minutes=5)
    assert max(delays) == timedelta(minutes=5)
    assert delays == sorted(delays)
    assert len(backoff_delays(attempts=1000)) == 1000  # no overflow however many attempts
    assert backoff_delays(attempts=0) == []


# Parsing offsets


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("24h,1h", (24 * H, H)),
        ("1h,24h", (24 * H, H)),
        ("1h30m", (timedelta(minutes=90),)),
        ("1d, 1h, 60m", (timedelta(days=1), H)),
        ("2D,15M", (timedelta(days=2), timedelta(minutes=15))),
        ("30s", (timedelta(seconds=30),)),
        ("1d 2h", (timedelta(hours=26),)),
    ],
)
def test_parse_offsets(text: str, expected: tuple[timedelta, ...]) -> None:
    assert parse_offsets(text) == expected


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("", "no reminder offsets"),
        ("   ", "no reminder offsets"),
        ("24h,0h", "'0h' is zero"),
        ("0m0s", "'0m0s' is zero"),
        ("-1h", "'-1h' is negative"),
        ("24h,2w", "unknown unit 'w'"),
        ("24", "'24' lacks a unit"),
        ("h", "'h' is not a number"),
        ("1.5h", "'1.5h'"),
        ("24h,,1h", "empty reminder offset"),
        ("99999999999999d", "too large"),
    ],
)
def test_parse_offsets_rejects(text: str, names: str) -> None:
    with pytest.raises(ValueError, match=names.replace(".", r"\.")):
        parse_offsets(text)
