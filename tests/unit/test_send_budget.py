"""The send budget's schedule as pure logic, on a fake clock: people before broadcasts, a 429
pauses everyone, and each chat keeps to its own limit."""

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.budget import ROUND_TRIPS_KNOWN, Limits, Schedule
from bot.notices import Priority

REPLY, NOTICE, BULK = Priority.REPLY, Priority.NOTICE, Priority.BULK


def run(schedule: Schedule, until: float, start: float = 0.0) -> list[tuple[float, object]]:
    """Poll at every moment the schedule names, as the async budget does: (time, ticket) granted,
    each answered at once."""
    granted, now = [], start
    while now <= until:
        tickets, wake = schedule.poll(now)
        granted += [(now, t) for t in tickets]
        for ticket in tickets:
            schedule.answered(ticket, now)
        if wake is None:
            break
        now = max(wake, now + 1e-9)
    return granted


def test_a_reply_arriving_mid_broadcast_goes_next():
    schedule = Schedule(Limits())
    bulk = [schedule.push(BULK, 1000 + i) for i in range(30)]
    first = run(schedule, until=0.2)
    assert [t for _, t in first] == bulk[: len(first)]
    reply = schedule.push(REPLY, 7)
    notice = schedule.push(NOTICE, 8)
    now = first[-1][0]
    then = run(schedule, until=now + 0.2, start=now)
    order = [t for _, t in then]
    assert order[:2] == [reply, notice]
    # It waited no more than one spacing for its turn.
    assert then[0][0] - now <= Limits().spacing + 1e-9


def test_bulk_takes_what_is_left_and_keeps_to_its_ceiling():
    schedule = Schedule(Limits(bulk_rate=10))
    for i in range(100):
        schedule.push(BULK, 1000 + i)
    times = [at for at, _ in run(schedule, until=2.0)]
    assert all(b - a >= 0.1 - 1e-9 for a, b in itertools.pairwise(times))


def test_a_429_pauses_every_priority_until_it_is_over():
    schedule = Schedule(Limits())
    schedule.poll(0.0)
    schedule.pause(until=5.0)
    reply, bulk = schedule.push(REPLY, 7), schedule.push(BULK, 8)
    granted = run(schedule, until=10.0, start=0.1)
    assert [t for _, t in granted] == [reply, bulk]
    assert granted[0][0] >= 5.0


def test_a_private_chat_gets_a_short_burst_then_one_a_second_and_others_pass_meanwhile():
    limits = Limits()
    schedule = Schedule(limits)
    hers = [schedule.push(REPLY, 7) for _ in range(6)]
    other = schedule.push(BULK, 8)
    granted = run(schedule, until=10.0)
    her_times = [at for at, t in granted if t in hers]
    assert len(her_times) == 6
    assert her_times[limits.private_burst] - her_times[0] >= 1.0 - 1e-9
    # The broadcast's message to someone else did not wait behind her chat's limit.
    assert dict((t.order, at) for at, t in granted)[other.order] < her_times[limits.private_burst]


def test_a_group_gets_twenty_a_minute():
    limits = Limits()
    schedule = Schedule(limits)
    for _ in range(25):
        schedule.push(NOTICE, -100)
    times = [at for at, _ in run(schedule, until=200.0)]
    assert len(times) == 25
    assert times[limits.group_count] - times[0] >= limits.group_window - 1e-9


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(st.floats(0, 3), st.sampled_from(list(Priority)), st.integers(-3, 40)),
        min_size=1,
        max_size=120,
    )
)
def test_never_more_than_the_overall_limit_in_any_window(requests):
    limits = Limits()
    schedule = Schedule(limits)
    granted: list[float] = []
    pending = sorted(requests)
    now = 0.0
    while pending or now < 200:
        while pending and pending[0][0] <= now:
            _, priority, chat = pending.pop(0)
            schedule.push(priority, chat)
        tickets, wake = schedule.poll(now)
        granted += [now] * len(tickets)
        for ticket in tickets:
            schedule.answered(ticket, now)
        later = [w for w in (wake, pending[0][0] if pending else None) if w is not None]
        if not later:
            break
        now = max(min(later), now + 1e-9)
    assert len(granted) == len(requests)
    for i, at in enumerate(granted):
        assert sum(1 for u in granted[i:] if u < at + limits.window) <= limits.overall
    assert all(b - a >= limits.spacing - 1e-9 for a, b in itertools.pairwise(granted))


def telegram(schedule: Schedule, on_way: list[float], back: list[float]) -> tuple[list[float], list[float]]:
    """Send one bulk message per entry, each taking on_way[i] to be counted by Telegram and back[i]
    more to answer: (grant times, arrival times)."""
    tickets = [schedule.push(BULK, 1000 + i) for i in range(len(on_way))]
    index = {t.order: i for i, t in enumerate(tickets)}
    grants: list[float] = []
    arrivals: list[float] = []
    answers: list[tuple[float, int]] = []  # (when, ticket index), in flight
    now = 0.0
    while len(arrivals) < len(tickets) or answers:
        answers.sort()
        while answers and answers[0][0] <= now:
            _, i = answers.pop(0)
            schedule.answered(tickets[i], now)
        granted, wake = schedule.poll(now)
        for ticket in granted:
            i = index[ticket.order]
            grants.append(now)
            arrivals.append(now + on_way[i])
            answers.append((now + on_way[i] + back[i], i))
        later = [w for w in (wake, min(answers)[0] if answers else None) if w is not None]
        if not later:
            break
        now = max(min(later), now + 1e-9)
    return grants, sorted(arrivals)


def most_in_a_second(times: list[float]) -> int:
    times = sorted(times)
    return max(sum(1 for u in times[i:] if u < at + 1.0) for i, at in enumerate(times))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(0, 0.4), min_size=200, max_size=200), st.floats(0.0, 0.1))
def test_requests_held_back_on_their_way_never_put_more_than_the_limit_into_telegrams_second(delays, back):
    """What happened under load: sends granted evenly, some held back on their way and arriving
    with later ones; Telegram counts arrivals, and they must still keep to 30 in any second. The
    first request goes at the floor (the quickest round trip seen is the quickest possible)."""
    delays[0] = 0.0
    _, arrivals = telegram(Schedule(Limits()), delays, [back] * len(delays))
    assert most_in_a_second(arrivals) <= 30


@settings(max_examples=60, deadline=None)
@given(
    st.floats(0.0, 0.3),
    st.floats(0.0, 0.3),
    st.lists(st.tuples(st.floats(0, 0.5), st.floats(0, 0.5)), min_size=150, max_size=150),
)
def test_a_delay_on_either_leg_never_puts_more_than_the_limit_into_telegrams_second(to, fro, held):
    """A steady latency split either way round Telegram's count (the emulator counts halfway), and
    on top of it any request held back before its count or after it: still 30 at most in a second."""
    held[0] = (0.0, 0.0)
    on_way = [to + extra for extra, _ in held]
    back = [fro + extra for _, extra in held]
    _, arrivals = telegram(Schedule(Limits()), on_way, back)
    assert most_in_a_second(arrivals) <= 30


def test_with_a_steady_latency_the_round_trip_is_no_longer_lost_from_the_room():
    # 60 ms as from Central Asia, counted halfway: bulk alone gets at least 0.95 of 30 a second.
    n = 600
    grants, arrivals = telegram(Schedule(Limits()), [0.03] * n, [0.03] * n)
    settled = [at for at in grants if at >= 3.0]  # once the quickest round trip is trusted
    rate = (len(settled) - 1) / (settled[-1] - settled[0])
    assert rate >= 0.95 * 30
    assert most_in_a_second(arrivals) <= 30


def test_until_round_trips_are_known_a_send_counts_a_full_window_after_its_answer():
    schedule = Schedule(Limits())
    grants, _ = telegram(schedule, [0.03] * (ROUND_TRIPS_KNOWN - 1), [0.03] * (ROUND_TRIPS_KNOWN - 1))
    ticket = schedule.push(BULK, 1)
    assert schedule.poll(grants[-1] + 1.0)[0] == [ticket]
    schedule.answered(ticket, grants[-1] + 1.06)  # the last answer needed: now the quickest is trusted
    credit = 0.06 - Limits().margin
    assert schedule._counted and max(schedule._counted) == pytest.approx(grants[-1] + 1.06 + 1.0 - credit)


def test_a_send_held_back_on_its_way_counts_until_a_window_after_its_late_answer():
    # The room is full at 60 ms; one request is held back 0.5 s by a loaded machine and reaches
    # Telegram together with later ones. Its late answer keeps it counted: 30 in a second, not 31.
    on_way = [0.03] * 300
    on_way[100] = 0.5
    _, arrivals = telegram(Schedule(Limits()), on_way, [0.03] * 300)
    assert most_in_a_second(arrivals) == 30


def test_a_timer_waking_late_does_not_slow_the_pace():
    # The event loop wakes a little after the time asked: bulk still gets its ceiling of 30 a second.
    schedule = Schedule(Limits())
    for i in range(300):
        schedule.push(BULK, 1000 + i)
    granted, now = [], 0.0
    while len(granted) < 300:
        tickets, wake = schedule.poll(now)
        granted += [now] * len(tickets)
        for ticket in tickets:
            schedule.answered(ticket, now)
        if wake is None:
            break
        now = max(wake, now) + 0.0015
    rate = (len(granted) - 1) / (granted[-1] - granted[0])
    assert 29.5 <= rate <= 30.0 + 1e-6


def test_a_turn_given_but_never_used_gives_its_place_back():
    schedule = Schedule(Limits())
    for i in range(Limits().overall):
        ticket = schedule.push(BULK, 1000 + i)
        assert schedule.poll(i * 0.1)[0] == [ticket]
        schedule.drop(ticket)  # stopped before its request went out
    reply = schedule.push(REPLY, 7)
    assert schedule.poll(Limits().overall * 0.1)[0] == [reply]
