"""A typed-text conversation survives a kill -9: after the restart she is at the step she was asked."""

import signal
import sqlite3

from tests.support.builders import english_subscriber
from tests.support.runner import start_bot_process


def conversation_rows(database_path, user_id):
    with sqlite3.connect(database_path) as conn:
        return conn.execute(
            "SELECT name, state FROM conversations WHERE key = ?", (f"[{user_id}, {user_id}]",)
        ).fetchall()


async def test_kill_9_in_the_middle_of_a_nomination_keeps_her_step(emulator, users, database_path, runner):
    process = await start_bot_process(emulator, database_path)
    try:
        sara = await english_subscriber(users)
        await sara.send_then_see("/nominate", "Type her full name")
        # The step is in the database as soon as the question is out, not a second later.
        assert conversation_rows(database_path, sara.id) == [("nominate", '"name"')]
        await sara.send("Asel Sartbaeva")
        await sara.press("Chemistry")
        await sara.press_then_see("Kyrgyzstan", "Why does she inspire you?")
        assert conversation_rows(database_path, sara.id) == [("nominate", '"why"')]
    finally:
        process.send_signal(signal.SIGKILL)
        await process.wait()
    assert process.returncode == -signal.SIGKILL

    await runner.start()
    await sara.send("She keeps vaccines cold without fridges")
    await sara.sees("Last: a link where the writers can read about her")
    await sara.press_then_see("Skip", "Thank you! The programme team will read your nomination")
    await runner.settled()
    with sqlite3.connect(database_path) as conn:
        assert conn.execute("SELECT name, why, status FROM story_nominations").fetchall() == [
            ("Asel Sartbaeva", "She keeps vaccines cold without fridges", "pending")
        ]
    assert conversation_rows(database_path, sara.id) == []
