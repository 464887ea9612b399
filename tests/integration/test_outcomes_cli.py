"""`python -m bot report --from --to --xlsx`: the cohort of the period, from the database, as a workbook."""

from datetime import UTC, datetime, timedelta

from openpyxl import load_workbook

from bot.cli import main
from bot.db import Database


async def seed(path, start):
    db = Database(path)
    await db.open()
    async with db.transaction() as tx:
        for user_id in range(1, 8):
            at = (start + timedelta(days=user_id)).isoformat()
            await tx.execute(
                "INSERT INTO users (id, language, role, created_at, last_seen_at) VALUES (?, 'ky', 'mentee', ?, ?)",
                (user_id, at, at),
            )
            for wave, value in (("baseline", "2"), ("endline", "4")):
                invitation = await tx.insert(
                    "INSERT INTO survey_invitations (user_id, wave, due_at, status) VALUES (?, ?, ?, 'done')",
                    (user_id, wave, at),
                )
                await tx.execute(
                    "INSERT INTO survey_answers VALUES (?, ?, ?, 'conf_math', ?, 1, ?)",
                    (invitation, user_id, wave, value, at),
                )
    await db.close()


async def test_the_report_command_writes_the_period_s_cohort(tmp_path, monkeypatch, capsys):
    path = tmp_path / "bot.sqlite3"
    await seed(path, datetime(2026, 1, 1, tzinfo=UTC))
    monkeypatch.setenv("DATABASE_PATH", str(path))
    monkeypatch.delenv("BOT_TOKEN", raising=False)
    target = tmp_path / "out.xlsx"
    # Days 2..7 of January: users 1..6 (user 7's baseline is on the 8th).
    assert await _run(["report", "--from", "2026-01-02", "--to", "2026-01-07", "--xlsx", str(target)]) == 0
    assert "written to" in capsys.readouterr().out
    row = [c.value for c in load_workbook(target)["conf_math"][3]]
    assert row[:8] == ["all", "all", 6, 6, 2.0, 6, 4.0, 6] and row[8] == 2.0


async def _run(argv):
    import asyncio

    # The command runs its own event loop: keep it off this test's loop.
    return await asyncio.to_thread(main, argv)
