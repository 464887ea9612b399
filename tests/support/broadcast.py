"""A broadcast queued as /broadcast's Send button does, and what the emulator saw of it."""

import sqlite3
from collections import Counter
from datetime import UTC, datetime

from bot.db import Database
from bot.delivery.store import OutboxRepository
from sandbox.emulator.limits import TelegramLimits

TEXT = "Всем привет!"


async def queue_broadcast(database_path, ids) -> None:
    """A broadcast to all of them, queued as /broadcast's Send button does."""
    db = Database(database_path)
    await db.open()
    payload = {"type": "text", "texts": {"ky": TEXT, "ru": TEXT, "en": TEXT}}
    await OutboxRepository(db).create_batch(
        "broadcast", payload, [(uid, "ru", "") for uid in ids], datetime.now(UTC), audience={"to": "all"}
    )
    await db.close()


def telegram_conditions(emulator) -> None:
    emulator.latency = 0.06
    emulator.limits = TelegramLimits()


def broadcast_sent(emulator) -> int:
    return sum(received(emulator).values())


def received(emulator) -> Counter:
    """How many times each chat got the broadcast."""
    return Counter(
        int(c.params["chat_id"]) for c in emulator.calls("sendMessage") if c.ok and c.params.get("text") == TEXT
    )


async def send_to_everyone(admin) -> None:
    """The admin composes TEXT in /broadcast and sends it to everyone."""
    await admin.send("/broadcast")
    await admin.press("✍️ A message")
    for text in ("ky", TEXT, "en"):
        await admin.answer("Send the message in", text)
    await admin.press("Everyone")
    await admin.press("✅ Send")


def assert_each_got_it_once(emulator, database_path, ids, *, uncertain_at_most: int) -> None:
    with sqlite3.connect(database_path) as conn:
        status = dict(conn.execute("SELECT user_id, status FROM outbox"))
    assert_once_each(received(emulator), status, ids, uncertain_at_most=uncertain_at_most)


def assert_once_each(got: Counter, status: dict, ids, *, uncertain_at_most: int, what="the broadcast") -> None:
    """Nobody got it twice; each got it once, but for the sends caught in flight by the stop
    ('uncertain': never resent, they may or may not have arrived), at most `uncertain_at_most`."""
    assert max(got.values()) == 1, f"someone got {what} twice"
    for uid in ids:
        if status[uid] == "uncertain":
            assert got[uid] <= 1
        else:
            assert status[uid] == "sent" and got[uid] == 1, (uid, status[uid])
    assert sum(1 for s in status.values() if s == "uncertain") <= uncertain_at_most
