"""The paced sender against a real outbox: a stop puts back the claimed rows whose turn has not
come and those waiting to be tried again, so that a stop leaves 'uncertain' only a row caught
mid-send (a kill -9: at most the few claimed at once); a flood wait holds the batch and shows."""

import asyncio
import sqlite3

from bot.budget import Limits, SendBudget
from bot.clock import Clock
from bot.db import Database
from bot.delivery.engine import DeliveryEngine, Outcome, Result
from bot.delivery.store import OutboxRepository
from bot.i18n import translator
from bot.notices import Priority
from bot.telegram.broadcast_view import progress_text

RECIPIENTS = (101, 102, 103)


async def outbox_of_three(path):
    db = Database(path)
    await db.open()
    clock = Clock()
    now = clock.now().isoformat(timespec="seconds")
    async with db.transaction() as tx:
        await tx.executemany(
            "INSERT INTO users (id, first_name, created_at, last_seen_at) VALUES (?, 'x', ?, ?)",
            [(uid, now, now) for uid in RECIPIENTS],
        )
    outbox = OutboxRepository(db)
    payload = {"type": "text", "texts": {"ky": "a", "ru": "a", "en": "a"}}
    await outbox.create_batch("broadcast", payload, [(uid, "en", "") for uid in RECIPIENTS], clock.now())
    return db, outbox, clock


def statuses(path) -> dict[str, int]:
    with sqlite3.connect(path) as conn:
        return dict(conn.execute("SELECT status, COUNT(*) FROM outbox GROUP BY status"))


def budget(rate: float) -> SendBudget:
    return SendBudget(Limits(bulk_rate=rate))


async def test_rows_waiting_for_their_turn_stay_pending_and_the_next_start_sends_each_once(tmp_path):
    db, outbox, clock = await outbox_of_three(tmp_path / "bot.sqlite3")
    sent: list[int] = []
    first = asyncio.Event()

    budgets = [budget(0.5)]  # the second row's turn is two seconds away

    async def send(batch, row) -> Result:
        await budgets[-1].acquire(Priority.BULK, row.user_id)  # as the rate limiter does
        sent.append(row.user_id)
        first.set()
        return Result(Outcome.SENT)

    slow = DeliveryEngine(outbox, clock, budgets[-1], send)
    await slow.start()
    slow.kick("broadcast")
    await asyncio.wait_for(first.wait(), timeout=10)
    await slow.stop()
    assert statuses(tmp_path / "bot.sqlite3") == {"sent": 1, "pending": 2}

    budgets.append(budget(30))
    fast = DeliveryEngine(outbox, clock, budgets[-1], send)
    await fast.start()
    fast.kick("broadcast")
    await fast.wait_idle("broadcast", timeout=10)
    await fast.stop()
    await db.close()
    assert sorted(sent) == sorted(RECIPIENTS)  # each once


async def test_a_stop_while_a_claimed_row_waits_to_be_tried_again_puts_it_back(tmp_path):
    db, outbox, clock = await outbox_of_three(tmp_path / "bot.sqlite3")
    tries: list[int] = []
    failed = asyncio.Event()

    async def unreachable(batch, row) -> Result:
        tries.append(row.user_id)
        failed.set()
        return Result(Outcome.RETRY, "no connection")  # then a back-off of a second

    engine = DeliveryEngine(outbox, clock, budget(0.5), unreachable)
    await engine.start()
    engine.kick("broadcast")
    await asyncio.wait_for(failed.wait(), timeout=10)
    await engine.stop()
    await db.close()
    assert tries == [RECIPIENTS[0]]
    assert statuses(tmp_path / "bot.sqlite3") == {"pending": 3}


async def test_a_flood_wait_holds_the_broadcast_and_its_progress_message_says_so(tmp_path):
    db, outbox, clock = await outbox_of_three(tmp_path / "bot.sqlite3")
    shared = budget(30)
    shared.pause(1.5)  # Telegram answered someone's send with a 429: everyone waits
    paused_at = asyncio.get_running_loop().time()
    sent_at: list[float] = []
    seen: list[str] = []

    async def send(batch, row) -> Result:
        shared.answered(await shared.acquire(Priority.BULK, row.user_id))
        sent_at.append(asyncio.get_running_loop().time())
        return Result(Outcome.SENT)

    async def on_progress(progress) -> None:
        seen.append(progress_text(translator("en"), progress))

    engine = DeliveryEngine(outbox, clock, shared, send, on_progress)
    await engine.start()
    engine.kick("broadcast")
    await engine.wait_idle("broadcast", timeout=10)
    await engine.stop()
    await db.close()
    assert min(sent_at) - paused_at >= 1.4
    assert any("Telegram asked us to pause: sending again in 2 s" in text for text in seen), seen
    assert "Sent: 3" in seen[-1] and "pause" not in seen[-1]
