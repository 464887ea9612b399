"""The durable outbox: batches and one row per recipient, claimed one at a time.

A row goes pending -> sending -> sent | failed | blocked. A row found 'sending'
after a crash may or may not have reached her; it becomes 'uncertain' and is
never sent again, so nobody gets the same message twice.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.db._rows import by_id, iso, load
from bot.db.database import Repository

FINAL = ("sent", "failed", "blocked", "uncertain", "cancelled")


@dataclass(frozen=True, slots=True)
class Batch:
    id: int
    lane: str
    created_by: int | None
    payload: dict[str, Any]
    audience: dict[str, Any]
    status: str
    total: int
    progress_chat_id: int | None
    progress_message_id: int | None
    created_at: datetime


@dataclass(frozen=True, slots=True)
class OutboxRow:
    id: int
    batch_id: int
    user_id: int
    language: str
    item: str
    attempts: int


class OutboxRepository(Repository):
    async def create_batch(
        self,
        lane: str,
        payload: dict[str, Any],
        recipients: Iterable[tuple[int, str, str]],
        now: datetime,
        *,
        created_by: int | None = None,
        audience: dict[str, Any] | None = None,
        progress_chat_id: int | None = None,
    ) -> int:
        """Write the batch and every recipient (user id, language, item) before anything is sent."""
        rows = list(recipients)
        async with self._db.transaction() as tx:
            batch_id = await tx.insert(
                "INSERT INTO outbox_batches (lane, created_by, payload, audience, status, total,"
                " progress_chat_id, created_at) VALUES (?, ?, ?, ?, 'queued', ?, ?, ?)",
                (
                    lane,
                    created_by,
                    json.dumps(payload, ensure_ascii=False),
                    json.dumps(audience or {}),
                    len(rows),
                    progress_chat_id,
                    iso(now),
                ),
            )
            await tx.executemany(
                "INSERT OR IGNORE INTO outbox (batch_id, user_id, language, item) VALUES (?, ?, ?, ?)",
                [(batch_id, user_id, language, item) for user_id, language, item in rows],
            )
        return batch_id

    async def batch(self, batch_id: int) -> Batch | None:
        return await by_id(self._db, Batch, "outbox_batches", batch_id)

    async def next_batch(self, lane: str) -> Batch | None:
        """The oldest unfinished batch of a lane: batches of a lane run one after another."""
        row = await self._db.fetchone(
            "SELECT * FROM outbox_batches WHERE lane = ? AND status IN ('queued', 'running') ORDER BY id LIMIT 1",
            (lane,),
        )
        return None if row is None else load(Batch, row)

    async def start_batch(self, batch_id: int, now: datetime) -> None:
        await self._db.execute(
            "UPDATE outbox_batches SET status = 'running', started_at = COALESCE(started_at, ?)"
            " WHERE id = ? AND status = 'queued'",
            (iso(now), batch_id),
        )

    async def set_progress_message(self, batch_id: int, message_id: int) -> None:
        await self._db.execute("UPDATE outbox_batches SET progress_message_id = ? WHERE id = ?", (message_id, batch_id))

    async def claim_next(self, batch_id: int, now: datetime) -> OutboxRow | None:
        """Take the next pending row; the UPDATE is the claim, so two workers never take the same row."""
        async with self._db.transaction() as tx:
            row = await tx.fetchone(
                "UPDATE outbox SET status = 'sending', claimed_at = ?, attempts = attempts + 1"
                " WHERE id = (SELECT id FROM outbox WHERE batch_id = ? AND status = 'pending' ORDER BY id LIMIT 1)"
                " AND status = 'pending'"
                " RETURNING id, batch_id, user_id, language, item, attempts",
                (iso(now), batch_id),
            )
        return None if row is None else OutboxRow(*row)

    async def finish_row(self, row_id: int, status: str, now: datetime, error: str | None = None) -> None:
        if status not in FINAL:
            raise ValueError(status)
        await self._db.execute(
            "UPDATE outbox SET status = ?, error = ?, sent_at = ? WHERE id = ? AND status = 'sending'",
            (status, error, iso(now), row_id),
        )

    async def release(self, row_id: int, error: str) -> None:
        """Put a row back to be tried again (a network error)."""
        await self._db.execute(
            "UPDATE outbox SET status = 'pending', error = ? WHERE id = ? AND status = 'sending'",
            (error, row_id),
        )

    async def counts(self, batch_id: int) -> dict[str, int]:
        rows = await self._db.fetchall(
            "SELECT status, COUNT(*) AS n FROM outbox WHERE batch_id = ? GROUP BY status",
            (batch_id,),
        )
        counts = dict.fromkeys(("pending", "sending", *FINAL), 0)
        counts.update({row["status"]: row["n"] for row in rows})
        return counts

    async def is_cancelled(self, batch_id: int) -> bool:
        return await self._db.fetchval("SELECT status FROM outbox_batches WHERE id = ?", (batch_id,)) == "cancelled"

    async def cancel(self, batch_id: int, now: datetime) -> bool:
        """Stop a batch: what was sent stays sent, the rest is cancelled. False if it had already ended."""
        async with self._db.transaction() as tx:
            changed = await tx.execute(
                "UPDATE outbox_batches SET status = 'cancelled', finished_at = ?"
                " WHERE id = ? AND status IN ('queued', 'running')",
                (iso(now), batch_id),
            )
            await tx.execute(
                "UPDATE outbox SET status = 'cancelled' WHERE batch_id = ? AND status = 'pending'",
                (batch_id,),
            )
        return changed == 1

    async def finish_batch(self, batch_id: int, now: datetime) -> None:
        await self._db.execute(
            "UPDATE outbox_batches SET status = 'done', finished_at = ? WHERE id = ? AND status = 'running'",
            (iso(now), batch_id),
        )

    async def recover(self) -> int:
        """At start-up: rows caught mid-send by a crash become 'uncertain' (never sent twice)."""
        return await self._db.execute("UPDATE outbox SET status = 'uncertain' WHERE status = 'sending'")
