"""Conversation states in the SQLite file: what PTB hands over at once is written at once, in one
transaction, and read back after a restart."""

import asyncio

from bot.db import Database
from bot.persistence import SqlitePersistence


class CountingDatabase(Database):
    def __init__(self, path) -> None:
        super().__init__(path)
        self.transactions = 0

    def transaction(self):
        self.transactions += 1
        return super().transaction()


async def test_states_handed_over_together_are_written_in_one_transaction_and_survive(tmp_path):
    db = CountingDatabase(tmp_path / "bot.sqlite3")
    persistence = SqlitePersistence(db)
    await persistence.save_conversation("onboarding", (7, 7), "gone-soon")
    written_before = db.transactions
    # As PTB's Application.update_persistence does: every changed state, gathered.
    await asyncio.gather(
        persistence.save_conversation("onboarding", (1, 1), "age"),
        persistence.save_conversation("onboarding", (2, 2), "fields"),
        persistence.save_conversation("profile_edit", (1, 1), {"step": "bio"}),
        persistence.save_conversation("onboarding", (7, 7), None),
    )
    assert db.transactions == written_before + 1
    await db.close()

    reopened = SqlitePersistence(Database(tmp_path / "bot.sqlite3"))
    assert await reopened.get_conversations("onboarding") == {(1, 1): "age", (2, 2): "fields"}
    assert await reopened.get_conversations("profile_edit") == {(1, 1): {"step": "bio"}}
    await reopened._db.close()


async def test_a_state_changed_again_after_a_write_is_written_again(tmp_path):
    db = Database(tmp_path / "bot.sqlite3")
    persistence = SqlitePersistence(db)
    await persistence.save_conversation("onboarding", (1, 1), "age")
    await persistence.save_conversation("onboarding", (1, 1), "region")
    assert await persistence.get_conversations("onboarding") == {(1, 1): "region"}
    await db.close()


async def test_ptbs_interval_flush_never_brings_back_an_ended_conversation(tmp_path):
    db = Database(tmp_path / "bot.sqlite3")
    persistence = SqlitePersistence(db)
    await persistence.save_conversation("onboarding", (1, 1), "onboarding:summary")
    await persistence.save_conversation("onboarding", (1, 1), None)  # she confirmed: it ended
    # PTB's flush, a moment late, with the state it had read before she confirmed.
    await persistence.update_conversation("onboarding", (1, 1), "onboarding:summary")
    assert await persistence.get_conversations("onboarding") == {}
    await db.close()
