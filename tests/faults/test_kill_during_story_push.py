"""kill -9 in the middle of a scheduled run (the story push), then a restart: every subscriber
gets her story once, nobody twice, and her schedule has moved on exactly once."""

import signal
import sqlite3
from collections import Counter
from datetime import UTC, datetime, timedelta

from bot.db import Database
from bot.delivery.engine import MAX_IN_FLIGHT
from tests.support.broadcast import assert_once_each
from tests.support.runner import start_bot_process

SUBSCRIBERS = 45


async def seed_subscribers(emulator, database_path):
    """Women subscribed to stories whose next story fell due an hour ago."""
    db = Database(database_path)
    await db.open()
    now = datetime.now(UTC)
    stamp, due = (
        now.isoformat(timespec="seconds"),
        (now - timedelta(hours=1)).isoformat(timespec="seconds"),
    )
    ids = [emulator.add_user(first_name=f"S{i}", language_code="ru") for i in range(SUBSCRIBERS)]
    async with db.transaction() as tx:
        await tx.executemany(
            "INSERT INTO users (id, language, first_name, created_at, last_seen_at) VALUES (?, 'ru', ?, ?, ?)",
            [(uid, f"S{i}", stamp, stamp) for i, uid in enumerate(ids)],
        )
        await tx.executemany(
            "INSERT INTO story_subscriptions (user_id, frequency, time_of_day, next_due_at,"
            " created_at,"
            " updated_at) VALUES (?, 'weekly', 'evening', ?, ?, ?)",
            [(uid, due, stamp, stamp) for uid in ids],
        )
    await db.close()
    return ids


def stories_received(emulator) -> Counter:
    return Counter(int(c.params["chat_id"]) for c in emulator.calls("sendPhoto") if c.ok)


async def test_kill_9_mid_story_push_then_restart_sends_each_her_story_once(emulator, database_path, runner):
    ids = await seed_subscribers(emulator, database_path)
    emulator.delay("sendPhoto", 0.05, count=10_000)  # slow enough to kill it midway
    process = await start_bot_process(emulator, database_path)
    try:
        await emulator.wait_for(lambda: sum(stories_received(emulator).values()) >= SUBSCRIBERS // 3, timeout=60)
    finally:
        process.send_signal(signal.SIGKILL)
        await process.wait()
    assert sum(stories_received(emulator).values()) < SUBSCRIBERS  # it really was cut off midway

    await runner.start()
    await runner.services.delivery.wait_idle("stories", timeout=60)
    got = stories_received(emulator)
    with sqlite3.connect(database_path) as conn:
        status = dict(conn.execute("SELECT user_id, status FROM outbox"))
        batches = conn.execute("SELECT COUNT(*) FROM outbox_batches").fetchone()[0]
        later = conn.execute(
            "SELECT COUNT(*) FROM story_subscriptions WHERE next_due_at > ?",
            (datetime.now(UTC).isoformat(timespec="seconds"),),
        ).fetchone()[0]
    assert batches == 1 and later == SUBSCRIBERS  # one push, every schedule moved on once
    # Only the sends in flight at the kill and the row waiting for its turn (bot/delivery.py).
    assert_once_each(got, status, ids, uncertain_at_most=MAX_IN_FLIGHT, what="her story")
