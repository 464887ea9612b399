"""Session reminders: planned on confirmation, cancelled with the session, sent once by the tick."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from bot.db._rows import iso, load
from bot.db.database import Repository, Session
from bot.sessions.reminder_plan import plan_reminders
from bot.sessions.store.rows import SessionRow


@dataclass(frozen=True, slots=True)
class DueReminder:
    id: int
    session_id: int
    recipient_id: int
    due_at: datetime
    attempts: int
    session_start: datetime
    session_status: str


async def plan_reminders_in(tx: Session, session: SessionRow, offsets: Iterable[timedelta], now: datetime) -> None:
    plans = plan_reminders(session.starts_at, [session.mentee_id, session.mentor_id], offsets, now)
    await tx.executemany(
        "INSERT INTO reminders (session_id, recipient_id, offset_seconds, due_at)"
        " VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
        [(session.id, p.recipient_id, int(p.offset.total_seconds()), iso(p.due_at)) for p in plans],
    )


async def cancel_reminders_in(tx: Session, session_id: int) -> None:
    await tx.execute(
        "UPDATE reminders SET status = 'cancelled' WHERE session_id = ? AND status = 'pending'",
        (session_id,),
    )


class ReminderRepository(Repository):
    async def due_reminders(self, now: datetime) -> list[DueReminder]:
        """Pending reminders whose moment (or retry) has come, oldest first."""
        rows = await self._db.fetchall(
            "SELECT r.id, r.session_id, r.recipient_id, r.due_at, r.attempts,"
            " s.starts_at AS session_start, s.status AS session_status"
            " FROM reminders r JOIN sessions s ON s.id = r.session_id"
            " WHERE r.status = 'pending' AND r.due_at <= ?1"
            " AND (r.next_attempt_at IS NULL OR r.next_attempt_at <= ?1)"
            " ORDER BY r.due_at, r.id",
            (iso(now),),
        )
        return [load(DueReminder, row) for row in rows]

    async def claim_reminder(self, reminder_id: int) -> bool:
        """Take a pending reminder for sending; False if another tick or process has it."""
        return 1 == await self._db.execute(
            "UPDATE reminders SET status = 'sending', attempts = attempts + 1 WHERE id = ? AND status = 'pending'",
            (reminder_id,),
        )

    async def reminder_sent(self, reminder_id: int, now: datetime, note: str | None = None) -> None:
        await self._db.execute(
            "UPDATE reminders SET status = 'sent', sent_at = ?, next_attempt_at = NULL, error = ?"
            " WHERE id = ? AND status = 'sending'",
            (iso(now), note, reminder_id),
        )

    async def reminder_retry(self, reminder_id: int, at: datetime, error: str) -> None:
        await self._db.execute(
            "UPDATE reminders SET status = 'pending', next_attempt_at = ?, error = ?"
            " WHERE id = ? AND status = 'sending'",
            (iso(at), error[:500], reminder_id),
        )

    async def reminder_failed(self, reminder_id: int, error: str) -> None:
        await self._db.execute(
            "UPDATE reminders SET status = 'failed', next_attempt_at = NULL, error = ?"
            " WHERE id = ? AND status IN ('pending', 'sending')",
            (error[:500], reminder_id),
        )

    async def reminder_skipped(self, reminder_id: int, status: str) -> bool:
        """A pending reminder that no longer helps: 'missed' (the session began) or 'cancelled'."""
        return 1 == await self._db.execute(
            "UPDATE reminders SET status = ? WHERE id = ? AND status = 'pending'",
            (status, reminder_id),
        )

    async def settle_interrupted_sends(self, now: datetime) -> int:
        """Reminders left 'sending' by a bot that stopped mid-send, counted as sent; how many.

        The row was claimed before the request went out, so the message may well have
        arrived: sending it again could remind her twice, which we never do.
        """
        return await self._db.execute(
            "UPDATE reminders SET status = 'sent', sent_at = COALESCE(sent_at, ?),"
            " error = 'uncertain: the bot stopped while sending' WHERE status = 'sending'",
            (iso(now),),
        )

    async def of_session(self, session_id: int) -> list[dict[str, Any]]:
        rows = await self._db.fetchall(
            "SELECT * FROM reminders WHERE session_id = ? ORDER BY due_at, recipient_id",
            (session_id,),
        )
        return [dict(row) for row in rows]
