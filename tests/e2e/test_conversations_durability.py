"""A typed-text conversation survives a kill -9: after the restart she is at the step she was asked."""

import sqlite3

from tests.support.builders import english_subscriber
from tests.support.db import conversation_rows
from tests.support.runner import bot_process_killed_after


async def test_kill_9_in_the_middle_of_a_nomination_keeps_her_step(emulator, users, database_path, runner):
    async with bot_process_killed_after(emulator, database_path):
        sara = await english_subscriber(users)
        await sara.send_then_see("/nominate", "Type her full name")
        # The step is in the database as soon as the question is out, not a second later.
        assert conversation_rows(database_path, sara.id) == [("nominate", '"name"')]
        await sara.send("Asel Sartbaeva")
        await sara.press("Chemistry")
        await sara.press_then_see("Kyrgyzstan", "Why does she inspire you?")
        assert conversation_rows(database_path, sara.id) == [("nominate", '"why"')]

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
