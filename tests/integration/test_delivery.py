"""The paced sender against a real outbox: a stop while a row waits for its turn puts it back,
so that only a row caught mid-send can ever be left 'uncertain'."""

import asyncio
import sqlite3

from bot.clock import Clock
from bot.db import Database
from bot.delivery.engine import DeliveryEngine, Outcome, Result
from bot.delivery.store import OutboxRepository

RECIPIENTS = (101, 102, 103)


class WatchedOutbox(OutboxRepository):
    """Says when a second row has been claimed (it then waits for its turn to be sent)."""

    def __init__(self, db) -> None:
        super().__init__(db)
        self.claims = 0
        self.second_claimed = asyncio.Event()

    async def claim_next(self, batch_id, now):
        row = await super().claim_next(batch_id, now)
        self.claims += row is not None
        if self.claims == 2:
            self.second_claimed.set()
        return row


async def test_a_stop_while_a_row_waits_for_its_turn_leaves_it_pending_and_the_next_start_sends_it_once(tmp_path):
    path = tmp_path / "bot.sqlite3"
    db = Database(path)
    await db.open()
    clock = Clock()
    now = clock.now().isoformat(timespec="seconds")
    async with db.transaction() as tx:
        await tx.executemany(
            "INSERT INTO users (id, first_name, created_at, last_seen_at) VALUES (?, 'x', ?, ?)",
            [(uid, now, now) for uid in RECIPIENTS],
        )
    outbox = WatchedOutbox(db)
    payload = {"type": "text", "texts": {"ky": "a", "ru": "a", "en": "a"}}
    await outbox.create_batch("broadcast", payload, [(uid, "en", "") for uid in RECIPIENTS], clock.now())
    sent: list[int] = []

    async def send(batch, row) -> Result:
        sent.append(row.user_id)
        return Result(Outcome.SENT)

    slow = DeliveryEngine(outbox, clock, rate=0.5, send=send)  # the second row waits two seconds for its turn
    await slow.start()
    slow.kick("broadcast")
    await asyncio.wait_for(outbox.second_claimed.wait(), timeout=10)
    await slow.stop()
    with sqlite3.connect(path) as conn:
        statuses = dict(conn.execute("SELECT status, COUNT(*) FROM outbox GROUP BY status"))
    assert statuses == {"sent": 1, "pending": 2}

    fast = DeliveryEngine(outbox, clock, rate=100, send=send)
    await fast.start()
    fast.kick("broadcast")
    await fast.wait_idle("broadcast", timeout=10)
    await fast.stop()
    await db.close()
    assert sorted(sent) == sorted(RECIPIENTS)  # each once
