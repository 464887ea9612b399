"""A broadcast queued as /broadcast's Send button does, and what the emulator saw of it."""

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
    return sum(1 for c in emulator.calls("sendMessage") if c.ok and c.params.get("text") == TEXT)
