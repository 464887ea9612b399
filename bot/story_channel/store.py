"""Channel posts in the database: one row per post, written before the send."""

from __future__ import annotations

from datetime import datetime

from bot.db._rows import iso
from bot.db.database import Database, Session


async def last_post(tx: Session, chat_id: int) -> tuple[datetime | None, int]:
    """When the channel last got a card, and the pass through the library it belonged to."""
    row = await tx.fetchone(
        "SELECT posted_at, round FROM story_channel_posts WHERE chat_id = ? ORDER BY id DESC LIMIT 1", (chat_id,)
    )
    return (None, 1) if row is None else (datetime.fromisoformat(row["posted_at"]), row["round"])


async def posted_in_round(tx: Session, chat_id: int, round_: int) -> set[str]:
    rows = await tx.fetchall("SELECT slug FROM story_channel_posts WHERE chat_id = ? AND round = ?", (chat_id, round_))
    return {row["slug"] for row in rows}


async def add_post(tx: Session, chat_id: int, slug: str, round_: int, now: datetime) -> int:
    return await tx.insert(
        "INSERT INTO story_channel_posts (chat_id, slug, round, posted_at) VALUES (?, ?, ?, ?)",
        (chat_id, slug, round_, iso(now)),
    )


async def mark_sent(db: Database, post_id: int, message_id: int) -> None:
    await db.execute("UPDATE story_channel_posts SET message_id = ? WHERE id = ?", (message_id, post_id))


async def posts(db: Database, chat_id: int) -> list[tuple[str, int, int | None]]:
    rows = await db.fetchall(
        "SELECT slug, round, message_id FROM story_channel_posts WHERE chat_id = ? ORDER BY id", (chat_id,)
    )
    return [(row["slug"], row["round"], row["message_id"]) for row in rows]
