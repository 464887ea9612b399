"""`python -m bot experiment report ID` on a seeded database: each arm, the difference from control
and the planned size, as plain text; an unknown id exits 1."""

import asyncio
from datetime import UTC, datetime, timedelta

from statsmodels.stats.proportion import proportion_confint

from bot.cli import main
from bot.db import Database
from bot.experiments import flow

START = datetime(2025, 1, 1, tzinfo=UTC)  # long ago: every 30-day window is over by the real clock


async def seed(path) -> int:
    db = Database(path)
    await db.open()
    try:
        async with db.transaction() as tx:
            for user_id in range(1, 42):
                role = "mentor" if user_id == 41 else "mentee"
                await tx.execute(
                    "INSERT INTO users (id, language, role, created_at, last_seen_at) VALUES (?, 'ru', ?, ?, ?)",
                    (user_id, role, START.isoformat(), START.isoformat()),
                )
                # Adults with finished profiles: the safety triggers let requests between them be written.
                await tx.execute(
                    "INSERT INTO profiles (user_id, step, region, age_band, started_at, updated_at)"
                    " VALUES (?, 'done', 'osh', '18+', ?, ?)",
                    (user_id, START.isoformat(), START.isoformat()),
                )
        experiment, joined = await flow.start(
            db, "nudge wording", ("plain", "warm"), "request_30d", 40, START, role="mentee"
        )
        assert joined == 40
        async with db.transaction() as tx:
            # Every "warm" mentee and 5 "plain" ones write to the mentor within their 30 days.
            plain = 0
            for user_id, arm in await tx.fetchall("SELECT user_id, arm FROM experiment_assignments ORDER BY user_id"):
                if arm == "plain":
                    plain += 1
                    if plain > 5:
                        continue
                at = (START + timedelta(days=3)).isoformat()
                await tx.execute(
                    "INSERT INTO requests (mentee_id, mentor_id, created_at, expires_at) VALUES (?, 41, ?, ?)",
                    (user_id, at, at),
                )
        return experiment
    finally:
        await db.close()


def pct(x: float) -> str:
    return f"{x:.1%}"


async def test_the_experiment_report_command_prints_the_arms_against_control(tmp_path, monkeypatch, capsys):
    path = tmp_path / "bot.sqlite3"
    experiment = await seed(path)
    monkeypatch.setenv("DATABASE_PATH", str(path))
    monkeypatch.delenv("BOT_TOKEN", raising=False)
    # The command runs its own event loop: keep it off this test's loop.
    assert await asyncio.to_thread(main, ["experiment", "report", str(experiment)]) == 0
    out = capsys.readouterr().out
    plain_low, plain_high = proportion_confint(5, 20, method="wilson")
    warm_low, warm_high = proportion_confint(20, 20, method="wilson")
    assert "Experiment: nudge wording" in out and "<b>" not in out
    assert f"plain (control): 25.0% (5 of 20), 95% CI {pct(plain_low)}…{pct(plain_high)}" in out
    assert f"warm: 100.0% (20 of 20), 95% CI {pct(warm_low)}…{pct(warm_high)}" in out
    assert "difference from control +75.0%" in out and "p = 0.000" in out
    assert "Planned size reached: 40 of 40." in out
    assert "Stopped early" not in out

    assert await asyncio.to_thread(main, ["experiment", "report", "99"]) == 1
    assert "no experiment 99" in capsys.readouterr().out
