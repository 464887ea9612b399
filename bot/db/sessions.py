"""Sessions themselves (one by id, hers upcoming and past, the chain of moves, "I'll be there",
her data), and the one door (`services.sessions`) to free slots, bookings, reminders,
feedback and the mentorship's rhythm.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from bot.db._rows import iso
from bot.db.bookings import BookingRepository
from bot.db.database import Database
from bot.db.feedback import FeedbackRepository
from bot.db.reminders import ReminderRepository
from bot.db.rhythm import RhythmRepository
from bot.db.session_rows import (
    UPCOMING_SQL,
    SessionRow,
    load_session,
    session_from_row,
)
from bot.db.slots import SlotRepository
from bot.sessions import UPCOMING, Refusal, Refused, Status


class SessionRepository:
    def __init__(self, db: Database) -> None:
        self._db = db
        # The narrower repositories, reached through this one so callers need one name.
        slots = SlotRepository(db)
        self.slots = slots.slots
        self.add_weekly = slots.add_weekly
        self.add_one_off = slots.add_one_off
        self.delete_slot = slots.delete_slot
        self.free_slots = slots.free_slots
        self.auto_confirm = slots.auto_confirm
        self.set_auto_confirm = slots.set_auto_confirm
        bookings = BookingRepository(db)
        self.is_suspended = bookings.is_suspended
        self.check_bookable = bookings.check_bookable
        self.book = bookings.book
        self.confirm = bookings.confirm
        self.decline = bookings.decline
        self.expire_unconfirmed = bookings.expire_unconfirmed
        self.check_changeable = bookings.check_changeable
        self.cancel = bookings.cancel
        self.reschedule = bookings.reschedule
        reminders = ReminderRepository(db)
        self.due_reminders = reminders.due_reminders
        self.claim_reminder = reminders.claim_reminder
        self.reminder_sent = reminders.reminder_sent
        self.reminder_retry = reminders.reminder_retry
        self.reminder_failed = reminders.reminder_failed
        self.reminder_skipped = reminders.reminder_skipped
        self.settle_interrupted_sends = reminders.settle_interrupted_sends
        self.reminders = reminders.reminders
        feedback = FeedbackRepository(db)
        self.due_feedback = feedback.due_feedback
        self.claim_feedback = feedback.claim_feedback
        self.record_outcome = feedback.record_outcome
        self.record_feedback = feedback.record_feedback
        rhythm = RhythmRepository(db)
        self.start_rhythm = rhythm.start_rhythm
        self.add_missing_rhythms = rhythm.add_missing_rhythms
        self.rhythms = rhythm.rhythms
        self.agree = rhythm.agree
        self.claim_checkin = rhythm.claim_checkin
        self.claim_quiet_nudge = rhythm.claim_quiet_nudge
        self.close = rhythm.close
        self.new_checkin = rhythm.new_checkin
        self.answer_checkin = rhythm.answer_checkin
        self.comment_checkin = rhythm.comment_checkin
        self.checkin = rhythm.checkin

    async def get(self, session_id: int) -> SessionRow | None:
        row = await self._db.fetchone("SELECT * FROM sessions WHERE id = ?", (session_id,))
        return None if row is None else session_from_row(row)

    async def party_of(self, session_id: int, user_id: int) -> SessionRow:
        """The session if she is one of its two people, else `Refused` (forged buttons)."""
        async with self._db.reading() as s:
            session = await load_session(s, session_id)
        if not session.has(user_id):
            raise Refused(Refusal.NOT_YOURS)
        return session

    async def first_id(self, session_id: int) -> int:
        """The id of the booking this session was rescheduled from, all the way back."""
        value = await self._db.fetchval(
            "WITH RECURSIVE chain(id, back) AS ("
            " SELECT id, rescheduled_from FROM sessions WHERE id = ?"
            " UNION ALL SELECT s.id, s.rescheduled_from FROM sessions s"
            " JOIN chain c ON s.id = c.back)"
            " SELECT id FROM chain WHERE back IS NULL",
            (session_id,),
        )
        return int(value) if value is not None else session_id

    async def upcoming(self, user_id: int, now: datetime) -> list[SessionRow]:
        """Her requested and confirmed sessions that have not ended, soonest first."""
        rows = await self._db.fetchall(
            "SELECT * FROM sessions WHERE (mentee_id = ?1 OR mentor_id = ?1)"
            f" AND status IN {UPCOMING_SQL} AND starts_at >= ?2 ORDER BY starts_at, id",
            (user_id, iso(now - timedelta(hours=6))),
        )
        return [s for s in map(session_from_row, rows) if s.ends_at > now]

    async def past(self, user_id: int, now: datetime, limit: int = 10) -> list[SessionRow]:
        """Her sessions that ended or were called off, latest first (moves left out)."""
        rows = await self._db.fetchall(
            "SELECT * FROM sessions s WHERE (mentee_id = ?1 OR mentor_id = ?1)"
            " AND starts_at < ?2 AND NOT EXISTS"
            " (SELECT 1 FROM sessions n WHERE n.rescheduled_from = s.id)"
            " ORDER BY starts_at DESC, id DESC LIMIT ?3",
            (user_id, iso(now), limit * 2),
        )
        return [s for s in map(session_from_row, rows) if s.ends_at <= now or s.status not in UPCOMING][:limit]

    async def coming(self, session_id: int, user_id: int, now: datetime) -> tuple[SessionRow, bool]:
        """'I'll be there': (the session, True the first time she says so)."""
        async with self._db.transaction() as tx:
            session = await load_session(tx, session_id)
            if not session.has(user_id):
                raise Refused(Refusal.NOT_YOURS)
            if session.status != Status.CONFIRMED or session.ends_at <= now:
                raise Refused(Refusal.NOT_UPCOMING)
            column = "mentee_coming_at" if user_id == session.mentee_id else "mentor_coming_at"
            first = await tx.execute(
                f"UPDATE sessions SET {column} = ? WHERE id = ? AND {column} IS NULL",
                (iso(now), session_id),
            )
            return session, bool(first)

    async def export(self, user_id: int) -> dict[str, list[dict[str, Any]]]:
        """Every row about her in the slot, session, feedback and check-in tables (/mydata)."""
        queries = {
            "slots": "SELECT * FROM slots WHERE mentor_id = ?1",
            "sessions": "SELECT * FROM sessions WHERE mentee_id = ?1 OR mentor_id = ?1",
            "session_feedback": "SELECT * FROM session_feedback WHERE user_id = ?1",
            "checkins": "SELECT * FROM checkins WHERE user_id = ?1",
        }
        async with self._db.reading() as s:
            return {name: [dict(r) for r in await s.fetchall(sql, (user_id,))] for name, sql in queries.items()}
