"""The users table: who she is to the bot (language, zone, role) and whether she can be reached."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.db._rows import iso, load
from bot.db.database import Database

# Touch last_seen at most this often: one write per update would be wasted I/O.
LAST_SEEN_RESOLUTION = timedelta(minutes=5)


@dataclass(frozen=True, slots=True)
class User:
    id: int
    language: str | None
    timezone: str
    role: str | None
    first_name: str
    username: str | None
    telegram_language: str | None
    created_at: datetime
    last_seen_at: datetime
    blocked_bot: bool

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> User:
        return load(cls, row)


class UserRepository:
    def __init__(self, db: Database, default_timezone: str) -> None:
        self._db = db
        self._default_timezone = default_timezone

    async def get(self, user_id: int) -> User | None:
        row = await self._db.fetchone("SELECT * FROM users WHERE id = ?", (user_id,))
        return None if row is None else User.from_row(row)

    async def display_name(self, user_id: int) -> str:
        """The name she chose in her profile, else her Telegram first name, else a dash (plain text)."""
        value = await self._db.fetchval(
            "SELECT COALESCE(NULLIF(p.display_name, ''), NULLIF(u.first_name, ''))"
            " FROM users u LEFT JOIN profiles p ON p.user_id = u.id WHERE u.id = ?",
            (user_id,),
        )
        return value or "—"

    async def seen(
        self,
        user_id: int,
        first_name: str,
        telegram_language: str | None,
        now: datetime,
        username: str | None = None,
    ) -> User:
        """Record that she wrote to the bot; create her row on first contact.

        Writing to the bot means she has not blocked it (any more).
        """
        # Most updates come from someone seen minutes ago: a plain read, no write transaction.
        known = await self.get(user_id)
        if known is not None and now - known.last_seen_at < LAST_SEEN_RESOLUTION and not known.blocked_bot:
            return known
        async with self._db.transaction() as tx:
            row = await tx.fetchone("SELECT * FROM users WHERE id = ?", (user_id,))
            if row is None:
                await tx.execute(
                    "INSERT INTO users (id, timezone, first_name, username, telegram_language, created_at,"
                    " last_seen_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (
                        user_id,
                        self._default_timezone,
                        first_name[:128],
                        username,
                        telegram_language,
                        iso(now),
                        iso(now),
                    ),
                )
            else:
                user = User.from_row(row)
                if now - user.last_seen_at < LAST_SEEN_RESOLUTION and not user.blocked_bot:
                    return user
                await tx.execute(
                    "UPDATE users SET last_seen_at = ?, first_name = ?, username = ?, telegram_language = ?,"
                    " blocked_bot = 0, blocked_at = NULL WHERE id = ?",
                    (iso(now), first_name[:128], username, telegram_language, user_id),
                )
            row = await tx.fetchone("SELECT * FROM users WHERE id = ?", (user_id,))
        assert row is not None
        return User.from_row(row)

    async def set_language(self, user_id: int, language: str) -> None:
        await self._db.execute("UPDATE users SET language = ? WHERE id = ?", (language, user_id))

    async def set_timezone(self, user_id: int, timezone: str) -> None:
        await self._db.execute("UPDATE users SET timezone = ? WHERE id = ?", (timezone, user_id))

    async def mark_blocked(self, user_id: int, now: datetime) -> None:
        await self._db.execute(
            "UPDATE users SET blocked_bot = 1, blocked_at = ? WHERE id = ? AND blocked_bot = 0",
            (iso(now), user_id),
        )

    async def mark_unblocked(self, user_id: int) -> None:
        await self._db.execute("UPDATE users SET blocked_bot = 0, blocked_at = NULL WHERE id = ?", (user_id,))

    async def count(self) -> int:
        return int(await self._db.fetchval("SELECT COUNT(*) FROM users"))
