"""Story cards in the database: the library's order, who has seen what, subscriptions, uploaded pictures."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from bot.db._rows import iso
from bot.db.database import Repository


@dataclass(frozen=True, slots=True)
class Subscription:
    user_id: int
    active: bool
    frequency: str
    time_of_day: str
    next_due_at: datetime


@dataclass(frozen=True, slots=True)
class DueSubscriber:
    user_id: int
    language: str
    timezone: str
    frequency: str
    time_of_day: str
    slug: str | None  # the card she gets next (as next_unseen), None when no card is visible


# The batch handed to queue_push, as rows: one JSON parameter instead of a statement per subscriber.
_ITEMS = (
    "SELECT json_extract(value, '$[0]') AS user_id, json_extract(value, '$[1]') AS language,"
    " json_extract(value, '$[2]') AS slug, json_extract(value, '$[3]') AS next_due_at FROM json_each(?)"
)


class StoryRepository(Repository):
    async def import_cards(self, cards: Sequence[tuple[str, str, str, str]], now: datetime) -> None:
        """Upsert (slug, field, stage, region) in file order; a card hidden by an admin stays hidden."""
        async with self._db.transaction() as tx:
            await tx.executemany(
                "INSERT INTO story_cards (slug, field, stage, region, position, imported_at)"
                " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (slug) DO UPDATE SET field = excluded.field,"
                " stage = excluded.stage, region = excluded.region, position = excluded.position,"
                " imported_at = excluded.imported_at",
                [(slug, field, stage, region, i, iso(now)) for i, (slug, field, stage, region) in enumerate(cards)],
            )

    async def visible_slugs(self) -> list[str]:
        rows = await self._db.fetchall("SELECT slug FROM story_cards WHERE hidden = 0 ORDER BY position")
        return [row["slug"] for row in rows]

    async def set_hidden(self, slug: str, hidden: bool) -> bool:
        return 1 == await self._db.execute("UPDATE story_cards SET hidden = ? WHERE slug = ?", (int(hidden), slug))

    async def hidden_slugs(self) -> set[str]:
        rows = await self._db.fetchall("SELECT slug FROM story_cards WHERE hidden = 1")
        return {row["slug"] for row in rows}

    async def next_unseen(self, user_id: int) -> str | None:
        """The first visible card she has not seen in this pass; a new pass once she has seen them all."""
        async with self._db.reading() as s:
            current = await s.fetchval("SELECT COALESCE(MAX(round), 1) FROM story_views WHERE user_id = ?", (user_id,))
            row = await s.fetchone(
                "SELECT slug FROM story_cards c WHERE hidden = 0 AND NOT EXISTS (SELECT 1 FROM story_views v"
                " WHERE v.user_id = ? AND v.slug = c.slug AND v.round = ?) ORDER BY position LIMIT 1",
                (user_id, current),
            )
            if row is not None:
                return row["slug"]
            first = await s.fetchone("SELECT slug FROM story_cards WHERE hidden = 0 ORDER BY position LIMIT 1")
        return None if first is None else first["slug"]

    async def record_view(self, user_id: int, slug: str, now: datetime) -> None:
        """Count the card as seen in her current pass, or start a new pass if she had seen it there."""
        async with self._db.transaction() as tx:
            current = await tx.fetchval("SELECT COALESCE(MAX(round), 1) FROM story_views WHERE user_id = ?", (user_id,))
            seen = await tx.fetchval(
                "SELECT 1 FROM story_views WHERE user_id = ? AND slug = ? AND round = ?",
                (user_id, slug, current),
            )
            await tx.execute(
                "INSERT OR IGNORE INTO story_views (user_id, slug, round, seen_at) VALUES (?, ?, ?, ?)",
                (user_id, slug, current + 1 if seen else current, iso(now)),
            )

    async def picture_file_id(self, slug: str, language: str) -> str | None:
        return await self._db.fetchval(
            "SELECT file_id FROM story_pictures WHERE slug = ? AND language = ?", (slug, language)
        )

    async def picture_file_ids(self, slugs: Sequence[str], language: str) -> dict[str, str]:
        """The uploaded pictures of these cards in one language, by slug, in one query."""
        rows = await self._db.fetchall(
            "SELECT slug, file_id FROM story_pictures WHERE language = ? AND slug IN (SELECT value FROM json_each(?))",
            (language, json.dumps(list(slugs))),
        )
        return {row["slug"]: row["file_id"] for row in rows}

    async def remember_picture(self, slug: str, language: str, file_id: str) -> None:
        await self._db.execute(
            "INSERT INTO story_pictures (slug, language, file_id) VALUES (?, ?, ?)"
            " ON CONFLICT (slug, language) DO UPDATE SET file_id = excluded.file_id",
            (slug, language, file_id),
        )

    async def subscription(self, user_id: int) -> Subscription | None:
        row = await self._db.fetchone("SELECT * FROM story_subscriptions WHERE user_id = ?", (user_id,))
        if row is None:
            return None
        return Subscription(
            row["user_id"],
            bool(row["active"]),
            row["frequency"],
            row["time_of_day"],
            datetime.fromisoformat(row["next_due_at"]),
        )

    async def subscribe(
        self, user_id: int, frequency: str, time_of_day: str, next_due_at: datetime, now: datetime
    ) -> None:
        await self._db.execute(
            "INSERT INTO story_subscriptions (user_id, active, frequency, time_of_day, next_due_at, created_at,"
            " updated_at) VALUES (?, 1, ?, ?, ?, ?, ?) ON CONFLICT (user_id) DO UPDATE SET active = 1,"
            " frequency = excluded.frequency, time_of_day = excluded.time_of_day,"
            " next_due_at = excluded.next_due_at, updated_at = excluded.updated_at, stopped_at = NULL",
            (user_id, frequency, time_of_day, iso(next_due_at), iso(now), iso(now)),
        )

    async def unsubscribe(self, user_id: int, now: datetime) -> None:
        await self._db.execute(
            "UPDATE story_subscriptions SET active = 0, stopped_at = ?, updated_at = ? WHERE user_id = ?",
            (iso(now), iso(now), user_id),
        )

    async def due(self, now: datetime, limit: int = 1000) -> list[DueSubscriber]:
        """The subscribers whose time has come, each with her next card, in one query (as next_unseen
        would give it, without a query or two per subscriber)."""
        rows = await self._db.fetchall(
            "WITH due AS (SELECT s.user_id, COALESCE(u.language, 'ru') AS language, u.timezone, s.frequency,"
            " s.time_of_day, s.next_due_at,"
            " (SELECT COALESCE(MAX(round), 1) FROM story_views v WHERE v.user_id = s.user_id) AS round"
            " FROM story_subscriptions s JOIN users u ON u.id = s.user_id"
            " WHERE s.active = 1 AND s.next_due_at <= ? AND u.blocked_bot = 0 ORDER BY s.next_due_at LIMIT ?)"
            " SELECT d.*, COALESCE((SELECT c.slug FROM story_cards c WHERE c.hidden = 0 AND NOT EXISTS"
            " (SELECT 1 FROM story_views v WHERE v.user_id = d.user_id AND v.slug = c.slug AND v.round = d.round)"
            " ORDER BY c.position LIMIT 1),"
            " (SELECT slug FROM story_cards WHERE hidden = 0 ORDER BY position LIMIT 1)) AS slug"
            " FROM due d ORDER BY d.next_due_at",
            (iso(now), limit),
        )
        return [
            DueSubscriber(r["user_id"], r["language"], r["timezone"], r["frequency"], r["time_of_day"], r["slug"])
            for r in rows
        ]

    async def queue_push(self, now: datetime, items: Sequence[tuple[int, str, str, datetime]]) -> int | None:
        """Queue a story push in one transaction: for each (user, language, slug, next due), move her
        schedule on and add her outbox row together, so a crash can neither skip nor double her story."""
        if not items:
            return None
        async with self._db.transaction() as tx:
            batch_id = await tx.insert(
                "INSERT INTO outbox_batches (lane, payload, status, total, created_at)"
                " VALUES ('stories', '{\"type\": \"story\"}', 'queued', 0, ?)",
                (iso(now),),
            )
            # Two statements for the whole batch, not two per subscriber: the lock is held briefly.
            rows = json.dumps([[user_id, language, slug, iso(due)] for user_id, language, slug, due in items])
            queued = await tx.execute(
                "INSERT INTO outbox (batch_id, user_id, language, item)"
                f" SELECT ?, i.user_id, i.language, i.slug FROM ({_ITEMS}) i"
                " JOIN story_subscriptions s ON s.user_id = i.user_id WHERE s.active = 1 AND s.next_due_at <= ?",
                (batch_id, rows, iso(now)),
            )
            await tx.execute(
                f"UPDATE story_subscriptions AS s SET next_due_at = i.next_due_at FROM ({_ITEMS}) i"
                " WHERE s.user_id = i.user_id AND s.active = 1 AND s.next_due_at <= ?",
                (rows, iso(now)),
            )
            if queued == 0:
                await tx.execute("DELETE FROM outbox_batches WHERE id = ?", (batch_id,))
                return None
            await tx.execute("UPDATE outbox_batches SET total = ? WHERE id = ?", (queued, batch_id))
        return batch_id
