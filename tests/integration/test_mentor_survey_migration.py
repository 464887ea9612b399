"""Migration 0019 (surveys may be the mentors' end survey) keeps every invitation and answer."""

from unittest import mock

from bot.db import Database
from bot.db import database as database_module

AT = "2026-01-15T09:00:00+00:00"


async def test_the_survey_tables_are_rebuilt_with_their_rows(tmp_path):
    path = tmp_path / "bot.sqlite3"
    every = database_module.available_migrations()
    before = [m for m in every if m[1] < "0019_mentor_end_survey.sql"]
    db = Database(path)
    with mock.patch.object(database_module, "available_migrations", return_value=before):
        await db.open()
    try:
        await db.execute(
            "INSERT INTO users (id, language, role, created_at, last_seen_at) VALUES (1, 'ky', 'mentee', ?, ?)",
            (AT, AT),
        )
        await db.execute(
            "INSERT INTO survey_invitations (id, user_id, wave, due_at, status, step)"
            " VALUES (7, 1, 'baseline', ?, 'started', 1)",
            (AT,),
        )
        await db.execute("INSERT INTO survey_answers VALUES (7, 1, 'baseline', 'conf_math', '3', 1, ?)", (AT,))
        assert (await db.migrate())[0] == "0019_mentor_end_survey.sql"
        assert [tuple(r) for r in await db.fetchall("SELECT id, wave, status, step FROM survey_invitations")] == [
            (7, "baseline", "started", 1)
        ]
        assert [tuple(r) for r in await db.fetchall("SELECT invitation_id, question, value FROM survey_answers")] == [
            (7, "conf_math", "3")
        ]
        await db.execute("INSERT INTO survey_invitations (user_id, wave, due_at) VALUES (1, 'mentor_end', ?)", (AT,))
        # The answers still hang off the invitations: erasing her erases both.
        await db.execute("DELETE FROM users WHERE id = 1")
        assert await db.fetchval("SELECT COUNT(*) FROM survey_answers") == 0
        assert await db.fetchval("SELECT COUNT(*) FROM survey_invitations") == 0
    finally:
        await db.close()
