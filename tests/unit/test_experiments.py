"""Experiments: assignment balanced within strata (10,000 simulated people), stable across a
restart, at most one running experiment per person; the report finds a known effect."""

import math
import random
from datetime import UTC, datetime, timedelta

import pytest
from scipy import stats

from bot.db import Database
from bot.experiments import flow
from bot.experiments.rules import arm_for, compare

ARMS = ("control", "twice_weekly", "nudge_b")
REGIONS = ["bishkek", "chuy", "osh", "naryn", "talas", "batken"]
AGES = ["14_15", "16_17", "18_24", "25_34"]


def test_arms_are_balanced_within_every_stratum_for_10000_people():
    rng = random.Random(5)
    seen: dict[str, dict[str, int]] = {}
    for _ in range(10_000):
        key = f"{rng.choice(REGIONS)}/{rng.choice(AGES)}"
        counts = seen.setdefault(key, dict.fromkeys(ARMS, 0))
        counts[arm_for(7, ARMS, key, sum(counts.values()))] += 1
    for counts in seen.values():
        assert max(counts.values()) - min(counts.values()) <= 1
    table = [[counts[a] for a in ARMS] for counts in seen.values()]
    assert stats.chi2_contingency(table).pvalue > 0.99  # arms independent of stratum
    # Random, not a fixed rotation: the first arm of each block varies.
    firsts = {arm_for(7, ARMS, "osh/16_17", 3 * b) for b in range(30)}
    assert firsts == set(ARMS)


async def add_users(db, n, now):
    async with db.transaction() as tx:
        for user_id in range(1, n + 1):
            await tx.execute(
                "INSERT INTO users (id, language, role, created_at, last_seen_at) VALUES (?, 'ru', 'mentee', ?, ?)",
                (user_id, now.isoformat(), now.isoformat()),
            )
            # Adults with finished profiles: the safety triggers let requests between them be written.
            await tx.execute(
                "INSERT INTO profiles (user_id, step, age_band, started_at, updated_at)"
                " VALUES (?, 'done', '18+', ?, ?)",
                (user_id, now.isoformat(), now.isoformat()),
            )


async def test_assignment_is_stored_stable_across_a_restart_and_one_experiment_at_a_time(tmp_path):
    now = datetime(2026, 3, 1, tzinfo=UTC)
    path = tmp_path / "bot.sqlite3"
    db = Database(path)
    await db.open()
    await add_users(db, 40, now)
    first = await flow.define(db, "stories", ARMS, "request_30d", 30, now, role="mentee")
    other = await flow.define(db, "nudge", ("a", "b"), "request_30d", 10, now)
    arms = {u: await flow.assign(db, first, u, "osh", "16_17", now) for u in range(1, 31)}
    assert await flow.assign(db, other, 1, "osh", "16_17", now) is None  # already in one
    await db.close()
    db = Database(path)
    await db.open()
    assert {u: await flow.assign(db, first, u, "naryn", "25_34", now) for u in range(1, 31)} == arms
    assert sorted(arms.values()).count("control") == 10
    await flow.stop(db, first, now)
    assert await flow.assign(db, other, 1, "osh", "16_17", now) in ("a", "b")  # free again
    await db.close()


async def test_the_report_finds_a_known_effect_on_simulated_outcomes(db):
    start = datetime(2026, 3, 1, tzinfo=UTC)
    n = 1200
    await add_users(db, n + 1, start)
    experiment = await flow.define(db, "nudge", ("control", "warm"), "request_30d", 1000, start)
    assert await flow.enrol_segment(db, experiment, start) == 1000
    rng = random.Random(11)
    truth = {"control": 0.20, "warm": 0.35}
    async with db.transaction() as tx:
        rows = await tx.fetchall("SELECT user_id, arm FROM experiment_assignments")
        mentor = n + 1
        for user_id, arm in rows:
            if rng.random() < truth[arm]:
                at = (start + timedelta(days=rng.randint(0, 29))).isoformat()
                await tx.execute(
                    "INSERT INTO requests (mentee_id, mentor_id, created_at, expires_at) VALUES (?, ?, ?, ?)",
                    (user_id, mentor, at, at),
                )
    early = await flow.result(db, experiment, start + timedelta(days=10))
    assert early.total == 0  # nobody's 30 days are over yet
    result = await flow.result(db, experiment, start + timedelta(days=31))
    control, warm = result.arms
    assert control.n + warm.n == 1000 and result.reached_plan and not result.stopped_early
    # Independently: a normal-approximation interval for the difference must sit close to Newcombe's.
    p1, p0 = warm.successes / warm.n, control.successes / control.n
    se = math.sqrt(p1 * (1 - p1) / warm.n + p0 * (1 - p0) / control.n)
    assert warm.difference == pytest.approx(p1 - p0)
    assert warm.diff_low == pytest.approx(p1 - p0 - 1.96 * se, abs=0.01)
    assert warm.diff_high == pytest.approx(p1 - p0 + 1.96 * se, abs=0.01)
    assert warm.diff_low < 0.15 < warm.diff_high and warm.p_value < 0.001
    assert control.ci_low < 0.20 < control.ci_high


def test_a_stopped_experiment_short_of_its_size_says_so():
    result = compare(("a", "b"), {"a": (3, 10), "b": (5, 10)}, 100, stopped=True)
    assert result.stopped_early and not result.reached_plan and result.total == 20
    assert result.arms[0].difference is None and result.arms[1].difference == pytest.approx(0.2)
    assert 0 < result.arms[1].p_value < 1


async def test_starting_enrols_the_segments_present_members_and_the_plan_counts_them(db):
    start = datetime(2026, 3, 1, tzinfo=UTC)
    await add_users(db, 40, start)
    async with db.transaction() as tx:  # 10 of them are mentors, one never chose a role
        await tx.execute("UPDATE users SET role = 'mentor' WHERE id > 30")
        await tx.execute("UPDATE users SET role = NULL WHERE id = 30")
    busy = await flow.define(db, "busy", ("a", "b"), "request_30d", 10, start)
    assert await flow.assign(db, busy, 1, None, "18+", start) is not None  # already in a running one

    full, joined = await flow.start(db, "full", ("a", "b"), "request_30d", 20, start, role="mentee")
    assert joined == 20
    arms = [r[0] for r in await db.fetchall("SELECT arm FROM experiment_assignments WHERE experiment_id = ?", (full,))]
    assert sorted(arms) == ["a"] * 10 + ["b"] * 10  # one stratum: a permuted block per pair
    assert (
        await db.fetchval("SELECT 1 FROM experiment_assignments WHERE experiment_id = ? AND user_id = 1", (full,))
        is None
    )
    reached = await flow.result(db, full, start + timedelta(days=1))
    assert (reached.enrolled, reached.total, reached.reached_plan) == (20, 0, True)
    await flow.stop(db, full, start + timedelta(days=1))
    assert not (await flow.result(db, full, start + timedelta(days=1))).stopped_early

    short, joined = await flow.start(db, "short", ("a", "b"), "request_30d", 50, start, role="mentee")
    assert joined == 28  # mentees 2..29: the stopped experiment's members are free again
    result = await flow.result(db, short, start + timedelta(days=31))
    assert (result.enrolled, result.total, result.reached_plan) == (joined, joined, False)
    await flow.stop(db, short, start)
    assert (await flow.result(db, short, start)).stopped_early
