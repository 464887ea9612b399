"""After a session: whether it took place, how long, how it went; each asked and answered once."""

from __future__ import annotations

from datetime import datetime

from bot.db._rows import iso
from bot.db.database import Repository
from bot.sessions.rules import OUTCOME_STATUS, Outcome, Refusal, Refused, Status
from bot.sessions.store.rows import SessionRow, load_session, session_from_row


class FeedbackRepository(Repository):
    async def due_feedback(self, now: datetime) -> list[int]:
        """Confirmed sessions that have ended and whose people were not asked yet."""
        rows = await self._db.fetchall(
            "SELECT * FROM sessions WHERE status = 'confirmed' AND feedback_asked_at IS NULL"
            " AND starts_at <= ? ORDER BY starts_at, id",
            (iso(now),),
        )
        return [s.id for s in map(session_from_row, rows) if s.ends_at <= now]

    async def claim_feedback(self, session_id: int, now: datetime) -> SessionRow | None:
        """Mark the session as asked about; None if another run already asked."""
        async with self._db.transaction() as tx:
            if not await tx.execute(
                "UPDATE sessions SET feedback_asked_at = ?"
                " WHERE id = ? AND feedback_asked_at IS NULL AND status = 'confirmed'",
                (iso(now), session_id),
            ):
                return None
            return await load_session(tx, session_id)

    async def record_outcome(self, session_id: int, user_id: int, outcome: Outcome, now: datetime) -> SessionRow:
        """Her first answer; the first answer of the two also settles the session's status."""
        async with self._db.transaction() as tx:
            session = await load_session(tx, session_id)
            if not session.has(user_id):
                raise Refused(Refusal.NOT_YOURS)
            if session.ends_at > now:
                raise Refused(Refusal.NOT_OVER)
            if session.status in (Status.REQUESTED, Status.DECLINED):
                raise Refused(Refusal.NOT_UPCOMING)
            if not await tx.execute(
                "INSERT INTO session_feedback"
                " (session_id, user_id, outcome, created_at, updated_at) VALUES (?, ?, ?, ?, ?)"
                " ON CONFLICT (session_id, user_id) DO NOTHING",
                (session_id, user_id, str(outcome), iso(now), iso(now)),
            ):
                raise Refused(Refusal.ANSWERED)
            await tx.execute(
                "UPDATE sessions SET status = ? WHERE id = ? AND status = 'confirmed'",
                (str(OUTCOME_STATUS[outcome]), session_id),
            )
            return await load_session(tx, session_id)

    async def record_feedback(
        self, session_id: int, user_id: int, column: str, value: int | str, now: datetime
    ) -> None:
        """One more answer (minutes, rating or comment), once; `Refused` if given already."""
        if column not in ("minutes", "rating", "comment"):
            raise ValueError(f"not a feedback answer: {column}")
        async with self._db.transaction() as tx:
            row = await tx.fetchone(
                "SELECT * FROM session_feedback WHERE session_id = ? AND user_id = ?",
                (session_id, user_id),
            )
            if row is None:
                session = await load_session(tx, session_id)
                raise Refused(Refusal.NOT_YOURS if not session.has(user_id) else Refusal.NOT_FOUND)
            if row[column] is not None:
                raise Refused(Refusal.ANSWERED)
            await tx.execute(
                f"UPDATE session_feedback SET {column} = ?, updated_at = ? WHERE session_id = ? AND user_id = ?",
                (value, iso(now), session_id, user_id),
            )
