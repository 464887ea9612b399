"""Slots, sessions, reminders, feedback and the mentorship's rhythm: the only SQL about them.

Every rule two people could race on (a slot booked twice, a session changed by both
sides, a reminder sent by two ticks, an answer given twice) is checked and written in
one transaction, or claimed with a single conditional UPDATE.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable
from dataclasses import dataclass, fields
from datetime import UTC, datetime, time, timedelta
from typing import Any

from bot.db.database import Database, Session
from bot.reminder_plan import plan_reminders
from bot.sessions import (
    BOOKING_DAYS,
    BUFFER_MINUTES,
    MIN_NOTICE,
    OUTCOME_STATUS,
    SESSION_MINUTES,
    UPCOMING,
    Outcome,
    Refusal,
    Refused,
    RhythmState,
    Status,
    inside_notice,
    rhythm_plan,
)
from bot.slots import (
    Busy,
    OneOffSlot,
    Slot,
    SlotError,
    WeeklyWindow,
    expand_slots,
    parse_time_of_day,
    validate_one_off,
    validate_window,
)

_UPCOMING_SQL = "('" + "', '".join(UPCOMING) + "')"
# Sessions that count as "met or meeting" for the quiet-pair nudge.
_LOGGED_SQL = "('requested', 'confirmed', 'held')"


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def _time(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _load(cls, row: sqlite3.Row):
    """A dataclass from its row: `*_at` columns are times, `bool` fields are 0/1."""
    values = {}
    for field in fields(cls):
        value = row[field.name]
        if field.name.endswith("_at"):
            value = _time(value)
        elif field.type == "bool":
            value = bool(value)
        values[field.name] = value
    return cls(**values)


class SlotRefused(Exception):
    """A window or one-off slot that cannot be published; `code` says why."""

    def __init__(self, code: SlotError) -> None:
        super().__init__(code)
        self.code = code


@dataclass(frozen=True, slots=True)
class SlotRow:
    id: int
    mentor_id: int
    kind: str
    weekday: int | None
    start_local: str | None
    starts_at: datetime | None
    minutes: int
    zone: str
    created_at: datetime

    def availability(self) -> WeeklyWindow | OneOffSlot:
        if self.kind == "weekly":
            assert self.weekday is not None and self.start_local is not None
            return WeeklyWindow(
                self.weekday, parse_time_of_day(self.start_local), self.minutes, self.zone
            )
        assert self.starts_at is not None
        return OneOffSlot(self.starts_at, self.minutes)


@dataclass(frozen=True, slots=True)
class SessionRow:
    id: int
    mentorship_id: int
    mentor_id: int
    mentee_id: int
    starts_at: datetime
    minutes: int
    status: str
    agenda: str | None
    meeting_link: str | None
    for_minor: bool
    sequence: int
    created_at: datetime
    confirmed_at: datetime | None
    cancelled_at: datetime | None
    cancelled_by: int | None
    cancel_reason: str | None
    late_change: bool
    rescheduled_from: int | None
    feedback_asked_at: datetime | None
    mentee_coming_at: datetime | None
    mentor_coming_at: datetime | None

    @property
    def ends_at(self) -> datetime:
        return self.starts_at + timedelta(minutes=self.minutes)

    def other(self, user_id: int) -> int:
        return self.mentor_id if user_id == self.mentee_id else self.mentee_id

    def has(self, user_id: int) -> bool:
        return user_id in (self.mentee_id, self.mentor_id)


@dataclass(frozen=True, slots=True)
class DueReminder:
    id: int
    session_id: int
    recipient_id: int
    due_at: datetime
    attempts: int
    session_start: datetime
    session_status: str


@dataclass(frozen=True, slots=True)
class Feedback:
    session_id: int
    user_id: int
    outcome: str | None
    minutes: int | None
    rating: int | None
    comment: str | None
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class Rhythm:
    mentorship_id: int
    mentee_id: int
    mentor_id: int
    meet_every_days: int | None
    agreed_at: datetime | None
    state: RhythmState


@dataclass(frozen=True, slots=True)
class Checkin:
    id: int
    mentorship_id: int
    user_id: int
    kind: str
    progress: int | None
    comment: str | None
    created_at: datetime
    answered_at: datetime | None


class SessionRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    # --- free slots ---------------------------------------------------------------------

    async def slots(self, mentor_id: int, now: datetime) -> list[SlotRow]:
        """Her weekly windows, then her one-off slots that have not ended yet."""
        async with self._db.reading() as s:
            return await self._slots(s, mentor_id, now)

    async def add_weekly(
        self, mentor_id: int, weekday: int, start: time, minutes: int, zone: str, now: datetime
    ) -> SlotRow:
        window = WeeklyWindow(weekday, start, minutes, zone)
        async with self._db.transaction() as tx:
            existing = [slot.availability() for slot in await self._slots(tx, mentor_id, now)]
            error = validate_window(window, existing, now, session_minutes=SESSION_MINUTES)
            if error is not None:
                raise SlotRefused(error)
            slot_id = await tx.insert(
                "INSERT INTO slots (mentor_id, kind, weekday, start_local, minutes, zone,"
                " created_at) VALUES (?, 'weekly', ?, ?, ?, ?, ?)",
                (mentor_id, weekday, start.strftime("%H:%M"), minutes, zone, _iso(now)),
            )
            return await self._slot(tx, slot_id)

    async def add_one_off(
        self, mentor_id: int, start: datetime, minutes: int, zone: str, now: datetime
    ) -> SlotRow:
        async with self._db.transaction() as tx:
            existing = [slot.availability() for slot in await self._slots(tx, mentor_id, now)]
            error = validate_one_off(start, minutes, existing, now, session_minutes=SESSION_MINUTES)
            if error is not None:
                raise SlotRefused(error)
            slot_id = await tx.insert(
                "INSERT INTO slots (mentor_id, kind, starts_at, minutes, zone, created_at)"
                " VALUES (?, 'one_off', ?, ?, ?, ?)",
                (mentor_id, _iso(start), minutes, zone, _iso(now)),
            )
            return await self._slot(tx, slot_id)

    async def delete_slot(self, slot_id: int, mentor_id: int) -> bool:
        """Only her own slot; sessions already booked in it stay booked."""
        return 1 == await self._db.execute(
            "DELETE FROM slots WHERE id = ? AND mentor_id = ?", (slot_id, mentor_id)
        )

    async def free_slots(
        self,
        mentor_id: int,
        now: datetime,
        *,
        days: int = BOOKING_DAYS,
        moving: int | None = None,
    ) -> list[Slot]:
        """Her bookable sessions: published time minus booked sessions and a buffer.

        `moving`: a session being rescheduled, whose own time does not count as busy.
        """
        async with self._db.reading() as s:
            return await self._free(s, mentor_id, now, days=days, moving=moving)

    async def check_bookable(
        self, mentor_id: int, mentee_id: int, start: datetime, now: datetime
    ) -> None:
        """`Refused` (taken, gone, suspended) unless `start` can be booked right now."""
        async with self._db.reading() as s:
            await self._bookable(s, mentor_id, mentee_id, start, now, moving=None)

    # --- auto-confirm and suspension ----------------------------------------------------

    async def auto_confirm(self, mentor_id: int) -> bool:
        value = await self._db.fetchval(
            "SELECT auto_confirm FROM profiles WHERE user_id = ?", (mentor_id,)
        )
        return bool(value)

    async def set_auto_confirm(self, mentor_id: int, on: bool) -> None:
        await self._db.execute(
            "UPDATE profiles SET auto_confirm = ? WHERE user_id = ?", (int(on), mentor_id)
        )

    async def is_suspended(self, user_id: int) -> bool:
        value = await self._db.fetchval("SELECT suspended_at FROM users WHERE id = ?", (user_id,))
        return value is not None

    # --- booking ------------------------------------------------------------------------

    async def book(
        self,
        mentorship_id: int,
        mentee_id: int,
        start: datetime,
        now: datetime,
        *,
        offsets: Iterable[timedelta],
        new_link: Callable[[], str],
        agenda: str | None = None,
    ) -> SessionRow:
        """Her booking of one of her mentor's free slots, or `Refused`.

        Confirmed at once when the mentor has auto-confirm on (reminders planned then).
        """
        async with self._db.transaction() as tx:
            row = await tx.fetchone("SELECT * FROM mentorships WHERE id = ?", (mentorship_id,))
            if row is None or row["mentee_id"] != mentee_id:
                raise Refused(Refusal.NOT_YOURS if row is not None else Refusal.NO_MENTORSHIP)
            if row["status"] != "active":
                raise Refused(Refusal.NO_MENTORSHIP)
            mentor_id = row["mentor_id"]
            await self._bookable(tx, mentor_id, mentee_id, start, now, moving=None)
            mentor = await tx.fetchone(
                "SELECT auto_confirm, meeting_link FROM profiles WHERE user_id = ?", (mentor_id,)
            )
            auto = bool(mentor and mentor["auto_confirm"])
            link = (mentor["meeting_link"] if mentor else None) or new_link()
            minor = await tx.fetchval(
                "SELECT is_minor FROM profiles WHERE user_id = ?", (mentee_id,)
            )
            session_id = await self._insert_session(
                tx,
                mentorship_id=mentorship_id,
                mentor_id=mentor_id,
                mentee_id=mentee_id,
                starts_at=_iso(start),
                minutes=SESSION_MINUTES,
                status=Status.CONFIRMED if auto else Status.REQUESTED,
                agenda=agenda,
                meeting_link=link,
                for_minor=int(bool(minor)),
                sequence=0,
                created_at=_iso(now),
                confirmed_at=_iso(now) if auto else None,
            )
            session = await self._session(tx, session_id)
            if auto:
                await self._plan(tx, session, offsets, now)
            return session

    async def confirm(
        self, session_id: int, mentor_id: int, now: datetime, *, offsets: Iterable[timedelta]
    ) -> SessionRow:
        async with self._db.transaction() as tx:
            session = await self._mentors(tx, session_id, mentor_id)
            if session.status == Status.REQUESTED and session.starts_at <= now:
                raise Refused(Refusal.STARTED)
            if session.status != Status.REQUESTED:
                raise Refused(
                    Refusal.NOT_PENDING
                    if session.status == Status.CONFIRMED
                    else Refusal.NOT_UPCOMING
                )
            await tx.execute(
                "UPDATE sessions SET status = 'confirmed', confirmed_at = ?"
                " WHERE id = ? AND status = 'requested'",
                (_iso(now), session_id),
            )
            session = await self._session(tx, session_id)
            await self._plan(tx, session, offsets, now)
            return session

    async def decline(self, session_id: int, mentor_id: int, now: datetime) -> SessionRow:
        async with self._db.transaction() as tx:
            session = await self._mentors(tx, session_id, mentor_id)
            if session.status != Status.REQUESTED:
                raise Refused(
                    Refusal.NOT_PENDING
                    if session.status == Status.CONFIRMED
                    else Refusal.NOT_UPCOMING
                )
            await tx.execute(
                "UPDATE sessions SET status = 'declined', cancelled_at = ?, cancelled_by = ?"
                " WHERE id = ?",
                (_iso(now), mentor_id, session_id),
            )
            return await self._session(tx, session_id)

    async def check_changeable(self, session_id: int, user_id: int, now: datetime) -> SessionRow:
        """The session if she may still move or cancel it (before asking her how)."""
        async with self._db.reading() as s:
            return await self._changeable(s, session_id, user_id, now)

    async def cancel(
        self, session_id: int, user_id: int, now: datetime, reason: str | None = None
    ) -> SessionRow:
        """Either side calls it off; inside the minimum notice only with a reason (recorded)."""
        async with self._db.transaction() as tx:
            session = await self._changeable(tx, session_id, user_id, now)
            late = inside_notice(session.starts_at, now)
            if late and not reason:
                raise Refused(Refusal.REASON_NEEDED)
            await tx.execute(
                "UPDATE sessions SET status = 'cancelled', cancelled_at = ?, cancelled_by = ?,"
                " cancel_reason = ?, late_change = ? WHERE id = ?",
                (_iso(now), user_id, reason, int(late), session_id),
            )
            await self._cancel_reminders(tx, session_id)
            return await self._session(tx, session_id)

    async def reschedule(
        self,
        session_id: int,
        user_id: int,
        start: datetime,
        now: datetime,
        *,
        offsets: Iterable[timedelta],
        reason: str | None = None,
    ) -> tuple[SessionRow, SessionRow]:
        """Move a session to another free slot: (the old one, now cancelled; the new one).

        The new row points back at the old (`rescheduled_from`) with a higher `sequence`, so
        calendars replace their copy. The old reminders are cancelled and the new ones planned.
        A move by the mentor (or to a mentor with auto-confirm) stays confirmed; a move by the
        mentee waits for the mentor again.
        """
        async with self._db.transaction() as tx:
            old = await self._changeable(tx, session_id, user_id, now)
            late = inside_notice(old.starts_at, now)
            if late and not reason:
                raise Refused(Refusal.REASON_NEEDED)
            await self._bookable(tx, old.mentor_id, old.mentee_id, start, now, moving=old.id)
            auto = bool(
                await tx.fetchval(
                    "SELECT auto_confirm FROM profiles WHERE user_id = ?", (old.mentor_id,)
                )
            )
            confirmed = user_id == old.mentor_id or auto
            await tx.execute(
                "UPDATE sessions SET status = 'cancelled', cancelled_at = ?, cancelled_by = ?,"
                " cancel_reason = ?, late_change = ? WHERE id = ?",
                (_iso(now), user_id, reason, int(late), old.id),
            )
            await self._cancel_reminders(tx, old.id)
            new_id = await self._insert_session(
                tx,
                mentorship_id=old.mentorship_id,
                mentor_id=old.mentor_id,
                mentee_id=old.mentee_id,
                starts_at=_iso(start),
                minutes=old.minutes,
                status=Status.CONFIRMED if confirmed else Status.REQUESTED,
                agenda=old.agenda,
                meeting_link=old.meeting_link,
                for_minor=int(old.for_minor),
                sequence=old.sequence + 1,
                created_at=_iso(now),
                confirmed_at=_iso(now) if confirmed else None,
                rescheduled_from=old.id,
            )
            new = await self._session(tx, new_id)
            if confirmed:
                await self._plan(tx, new, offsets, now)
            return await self._session(tx, old.id), new

    async def get(self, session_id: int) -> SessionRow | None:
        row = await self._db.fetchone("SELECT * FROM sessions WHERE id = ?", (session_id,))
        return None if row is None else _load(SessionRow, row)

    async def party_of(self, session_id: int, user_id: int) -> SessionRow:
        """The session if she is one of its two people, else `Refused` (forged buttons)."""
        async with self._db.reading() as s:
            session = await self._session(s, session_id)
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
            f" AND status IN {_UPCOMING_SQL} AND starts_at >= ?2 ORDER BY starts_at, id",
            (user_id, _iso(now - timedelta(hours=6))),
        )
        return [s for s in map(self._row, rows) if s.ends_at > now]

    async def past(self, user_id: int, now: datetime, limit: int = 10) -> list[SessionRow]:
        """Her sessions that ended or were called off, latest first (moves left out)."""
        rows = await self._db.fetchall(
            "SELECT * FROM sessions s WHERE (mentee_id = ?1 OR mentor_id = ?1)"
            " AND starts_at < ?2 AND NOT EXISTS"
            " (SELECT 1 FROM sessions n WHERE n.rescheduled_from = s.id)"
            " ORDER BY starts_at DESC, id DESC LIMIT ?3",
            (user_id, _iso(now), limit * 2),
        )
        return [s for s in map(self._row, rows) if s.ends_at <= now or s.status not in UPCOMING][
            :limit
        ]

    async def expire_unconfirmed(self, now: datetime) -> list[SessionRow]:
        """Requests the mentor never answered before their start: declined, for the tick to tell."""
        rows = await self._db.fetchall(
            "SELECT id FROM sessions WHERE status = 'requested' AND starts_at <= ?", (_iso(now),)
        )
        expired = []
        for row in rows:
            async with self._db.transaction() as tx:
                if await tx.execute(
                    "UPDATE sessions SET status = 'declined', cancelled_at = ?"
                    " WHERE id = ? AND status = 'requested'",
                    (_iso(now), row["id"]),
                ):
                    expired.append(await self._session(tx, row["id"]))
        return expired

    async def coming(self, session_id: int, user_id: int, now: datetime) -> tuple[SessionRow, bool]:
        """'I'll be there': (the session, True the first time she says so)."""
        async with self._db.transaction() as tx:
            session = await self._session(tx, session_id)
            if not session.has(user_id):
                raise Refused(Refusal.NOT_YOURS)
            if session.status != Status.CONFIRMED or session.ends_at <= now:
                raise Refused(Refusal.NOT_UPCOMING)
            column = "mentee_coming_at" if user_id == session.mentee_id else "mentor_coming_at"
            first = await tx.execute(
                f"UPDATE sessions SET {column} = ? WHERE id = ? AND {column} IS NULL",
                (_iso(now), session_id),
            )
            return session, bool(first)

    # --- reminders ----------------------------------------------------------------------

    async def due_reminders(self, now: datetime) -> list[DueReminder]:
        """Pending reminders whose moment (or retry) has come, oldest first."""
        rows = await self._db.fetchall(
            "SELECT r.id, r.session_id, r.recipient_id, r.due_at, r.attempts,"
            " s.starts_at AS session_start, s.status AS session_status"
            " FROM reminders r JOIN sessions s ON s.id = r.session_id"
            " WHERE r.status = 'pending' AND r.due_at <= ?1"
            " AND (r.next_attempt_at IS NULL OR r.next_attempt_at <= ?1)"
            " ORDER BY r.due_at, r.id",
            (_iso(now),),
        )
        return [
            DueReminder(
                r["id"],
                r["session_id"],
                r["recipient_id"],
                datetime.fromisoformat(r["due_at"]),
                r["attempts"],
                datetime.fromisoformat(r["session_start"]),
                r["session_status"],
            )
            for r in rows
        ]

    async def claim_reminder(self, reminder_id: int) -> bool:
        """Take a pending reminder for sending; False if another tick or process has it."""
        return 1 == await self._db.execute(
            "UPDATE reminders SET status = 'sending', attempts = attempts + 1"
            " WHERE id = ? AND status = 'pending'",
            (reminder_id,),
        )

    async def reminder_sent(self, reminder_id: int, now: datetime, note: str | None = None) -> None:
        await self._db.execute(
            "UPDATE reminders SET status = 'sent', sent_at = ?, next_attempt_at = NULL, error = ?"
            " WHERE id = ? AND status = 'sending'",
            (_iso(now), note, reminder_id),
        )

    async def reminder_retry(self, reminder_id: int, at: datetime, error: str) -> None:
        await self._db.execute(
            "UPDATE reminders SET status = 'pending', next_attempt_at = ?, error = ?"
            " WHERE id = ? AND status = 'sending'",
            (_iso(at), error[:500], reminder_id),
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
            (_iso(now),),
        )

    async def reminders(self, session_id: int) -> list[dict[str, Any]]:
        rows = await self._db.fetchall(
            "SELECT * FROM reminders WHERE session_id = ? ORDER BY due_at, recipient_id",
            (session_id,),
        )
        return [dict(row) for row in rows]

    # --- feedback -----------------------------------------------------------------------

    async def due_feedback(self, now: datetime) -> list[int]:
        """Confirmed sessions that have ended and whose people were not asked yet."""
        rows = await self._db.fetchall(
            "SELECT * FROM sessions WHERE status = 'confirmed' AND feedback_asked_at IS NULL"
            " AND starts_at <= ? ORDER BY starts_at, id",
            (_iso(now),),
        )
        return [s.id for s in map(self._row, rows) if s.ends_at <= now]

    async def claim_feedback(self, session_id: int, now: datetime) -> SessionRow | None:
        """Mark the session as asked about; None if another run already asked."""
        async with self._db.transaction() as tx:
            if not await tx.execute(
                "UPDATE sessions SET feedback_asked_at = ?"
                " WHERE id = ? AND feedback_asked_at IS NULL AND status = 'confirmed'",
                (_iso(now), session_id),
            ):
                return None
            return await self._session(tx, session_id)

    async def record_outcome(
        self, session_id: int, user_id: int, outcome: Outcome, now: datetime
    ) -> SessionRow:
        """Her first answer; the first answer of the two also settles the session's status."""
        async with self._db.transaction() as tx:
            session = await self._session(tx, session_id)
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
                (session_id, user_id, str(outcome), _iso(now), _iso(now)),
            ):
                raise Refused(Refusal.ANSWERED)
            await tx.execute(
                "UPDATE sessions SET status = ? WHERE id = ? AND status = 'confirmed'",
                (str(OUTCOME_STATUS[outcome]), session_id),
            )
            return await self._session(tx, session_id)

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
                session = await self._session(tx, session_id)
                raise Refused(Refusal.NOT_YOURS if not session.has(user_id) else Refusal.NOT_FOUND)
            if row[column] is not None:
                raise Refused(Refusal.ANSWERED)
            await tx.execute(
                f"UPDATE session_feedback SET {column} = ?, updated_at = ?"
                " WHERE session_id = ? AND user_id = ?",
                (value, _iso(now), session_id, user_id),
            )

    async def feedback(self, session_id: int, user_id: int) -> Feedback | None:
        row = await self._db.fetchone(
            "SELECT * FROM session_feedback WHERE session_id = ? AND user_id = ?",
            (session_id, user_id),
        )
        return None if row is None else _load(Feedback, row)

    # --- the mentorship's rhythm --------------------------------------------------------

    async def start_rhythm(self, mentorship_id: int, started_at: datetime) -> bool:
        """Its rhythm from the day it began; False if it has one already."""
        first_checkin, ends = rhythm_plan(started_at)
        return 1 == await self._db.execute(
            "INSERT INTO mentorship_rhythm (mentorship_id, next_checkin_at, ends_at)"
            " VALUES (?, ?, ?) ON CONFLICT (mentorship_id) DO NOTHING",
            (mentorship_id, _iso(first_checkin), _iso(ends)),
        )

    async def add_missing_rhythms(self) -> int:
        """A rhythm for every active mentorship without one (started before this code ran)."""
        rows = await self._db.fetchall(
            "SELECT id, started_at FROM mentorships m WHERE status = 'active'"
            " AND NOT EXISTS (SELECT 1 FROM mentorship_rhythm r WHERE r.mentorship_id = m.id)"
        )
        added = 0
        for row in rows:
            added += await self.start_rhythm(row["id"], datetime.fromisoformat(row["started_at"]))
        return added

    async def rhythms(self) -> list[Rhythm]:
        """The rhythm of every active mentorship, with its latest session."""
        rows = await self._db.fetchall(
            "SELECT r.*, m.mentee_id, m.mentor_id, m.started_at,"
            " (SELECT MAX(s.starts_at) FROM sessions s WHERE s.mentorship_id = m.id"
            f" AND s.status IN {_LOGGED_SQL}) AS last_session_at"
            " FROM mentorship_rhythm r JOIN mentorships m ON m.id = r.mentorship_id"
            " WHERE m.status = 'active' ORDER BY r.mentorship_id"
        )
        return [self._rhythm(row) for row in rows]

    async def rhythm(self, mentorship_id: int) -> Rhythm | None:
        row = await self._db.fetchone(
            "SELECT r.*, m.mentee_id, m.mentor_id, m.started_at, NULL AS last_session_at"
            " FROM mentorship_rhythm r JOIN mentorships m ON m.id = r.mentorship_id"
            " WHERE r.mentorship_id = ?",
            (mentorship_id,),
        )
        return None if row is None else self._rhythm(row)

    async def agree(self, mentorship_id: int, user_id: int, days: int, now: datetime) -> None:
        """How often the pair will meet, set once by whichever of the two answers first."""
        async with self._db.transaction() as tx:
            row = await tx.fetchone(
                "SELECT mentee_id, mentor_id, status FROM mentorships WHERE id = ?",
                (mentorship_id,),
            )
            if row is None:
                raise Refused(Refusal.NOT_FOUND)
            if user_id not in (row["mentee_id"], row["mentor_id"]):
                raise Refused(Refusal.NOT_YOURS)
            if row["status"] != "active":
                raise Refused(Refusal.NOT_UPCOMING)
            if not await tx.execute(
                "UPDATE mentorship_rhythm SET meet_every_days = ?, agreed_at = ?"
                " WHERE mentorship_id = ? AND agreed_at IS NULL",
                (days, _iso(now), mentorship_id),
            ):
                raise Refused(Refusal.AGREED)

    async def claim_checkin(self, mentorship_id: int, due: datetime, following: datetime) -> bool:
        return 1 == await self._db.execute(
            "UPDATE mentorship_rhythm SET next_checkin_at = ?"
            " WHERE mentorship_id = ? AND next_checkin_at = ?",
            (_iso(following), mentorship_id, _iso(due)),
        )

    async def claim_quiet_nudge(
        self, mentorship_id: int, previous: datetime | None, now: datetime
    ) -> bool:
        return 1 == await self._db.execute(
            "UPDATE mentorship_rhythm SET quiet_nudged_at = ?"
            " WHERE mentorship_id = ? AND quiet_nudged_at IS ?",
            (_iso(now), mentorship_id, _iso(previous) if previous else None),
        )

    async def close(self, mentorship_id: int, now: datetime) -> bool:
        """At the programme's length: the survey is due and the mentorship completes; once."""
        async with self._db.transaction() as tx:
            if not await tx.execute(
                "UPDATE mentorship_rhythm SET closing_sent_at = ?"
                " WHERE mentorship_id = ? AND closing_sent_at IS NULL",
                (_iso(now), mentorship_id),
            ):
                return False
            if await tx.execute(
                "UPDATE mentorships SET status = 'completed', ended_at = ?,"
                " end_reason = 'programme_end' WHERE id = ? AND status = 'active'",
                (_iso(now), mentorship_id),
            ):
                await tx.execute(
                    "INSERT INTO mentorship_events (mentorship_id, actor_id, event, detail, at)"
                    " VALUES (?, NULL, 'completed', 'programme_end', ?)",
                    (mentorship_id, _iso(now)),
                )
            return True

    async def new_checkin(self, mentorship_id: int, user_id: int, kind: str, now: datetime) -> int:
        """The question's row, written as it is sent; its buttons carry the id."""
        async with self._db.transaction() as tx:
            return await tx.insert(
                "INSERT INTO checkins (mentorship_id, user_id, kind, created_at)"
                " VALUES (?, ?, ?, ?)",
                (mentorship_id, user_id, kind, _iso(now)),
            )

    async def answer_checkin(
        self, checkin_id: int, user_id: int, progress: int, now: datetime
    ) -> Checkin:
        async with self._db.transaction() as tx:
            checkin = await self._checkin(tx, checkin_id, user_id)
            if checkin.progress is not None:
                raise Refused(Refusal.ANSWERED)
            await tx.execute(
                "UPDATE checkins SET progress = ?, answered_at = ? WHERE id = ?",
                (progress, _iso(now), checkin_id),
            )
            return await self._checkin(tx, checkin_id, user_id)

    async def comment_checkin(self, checkin_id: int, user_id: int, comment: str) -> None:
        async with self._db.transaction() as tx:
            checkin = await self._checkin(tx, checkin_id, user_id)
            if checkin.comment is not None:
                raise Refused(Refusal.ANSWERED)
            await tx.execute("UPDATE checkins SET comment = ? WHERE id = ?", (comment, checkin_id))

    async def checkin(self, checkin_id: int, user_id: int) -> Checkin:
        async with self._db.reading() as s:
            return await self._checkin(s, checkin_id, user_id)

    # --- her data -----------------------------------------------------------------------

    async def export(self, user_id: int) -> dict[str, list[dict[str, Any]]]:
        """Every row of these tables about her (for /mydata)."""
        queries = {
            "slots": "SELECT * FROM slots WHERE mentor_id = ?1",
            "sessions": "SELECT * FROM sessions WHERE mentee_id = ?1 OR mentor_id = ?1",
            "session_feedback": "SELECT * FROM session_feedback WHERE user_id = ?1",
            "checkins": "SELECT * FROM checkins WHERE user_id = ?1",
        }
        async with self._db.reading() as s:
            return {
                name: [dict(r) for r in await s.fetchall(sql, (user_id,))]
                for name, sql in queries.items()
            }

    # --- inside a transaction -----------------------------------------------------------

    @staticmethod
    def _row(row: sqlite3.Row) -> SessionRow:
        return _load(SessionRow, row)

    @staticmethod
    def _rhythm(row: sqlite3.Row) -> Rhythm:
        return Rhythm(
            mentorship_id=row["mentorship_id"],
            mentee_id=row["mentee_id"],
            mentor_id=row["mentor_id"],
            meet_every_days=row["meet_every_days"],
            agreed_at=_time(row["agreed_at"]),
            state=RhythmState(
                started_at=datetime.fromisoformat(row["started_at"]),
                ends_at=datetime.fromisoformat(row["ends_at"]),
                next_checkin_at=_time(row["next_checkin_at"]),
                quiet_nudged_at=_time(row["quiet_nudged_at"]),
                closing_sent_at=_time(row["closing_sent_at"]),
                last_session_at=_time(row["last_session_at"]),
            ),
        )

    @staticmethod
    async def _slots(s: Session, mentor_id: int, now: datetime) -> list[SlotRow]:
        rows = await s.fetchall(
            "SELECT * FROM slots WHERE mentor_id = ? ORDER BY kind DESC, weekday, start_local,"
            " starts_at, id",
            (mentor_id,),
        )
        slots = [_load(SlotRow, row) for row in rows]
        return [
            slot
            for slot in slots
            if slot.kind == "weekly" or (slot.starts_at + timedelta(minutes=slot.minutes)) > now
        ]

    @staticmethod
    async def _slot(s: Session, slot_id: int) -> SlotRow:
        row = await s.fetchone("SELECT * FROM slots WHERE id = ?", (slot_id,))
        assert row is not None
        return _load(SlotRow, row)

    async def _free(
        self, s: Session, mentor_id: int, now: datetime, *, days: int, moving: int | None
    ) -> list[Slot]:
        slots = [slot.availability() for slot in await self._slots(s, mentor_id, now)]
        windows = [a for a in slots if isinstance(a, WeeklyWindow)]
        one_offs = [a for a in slots if isinstance(a, OneOffSlot)]
        rows = await s.fetchall(
            "SELECT starts_at, minutes FROM sessions"
            f" WHERE mentor_id = ? AND status IN {_UPCOMING_SQL}"
            " AND starts_at >= ? AND id IS NOT ?",
            (mentor_id, _iso(now - timedelta(days=1)), moving),
        )
        busy = [
            Busy(start, start + timedelta(minutes=r["minutes"]))
            for r in rows
            for start in [datetime.fromisoformat(r["starts_at"])]
        ]
        return expand_slots(
            windows,
            one_offs,
            busy,
            now,
            days=days,
            session_minutes=SESSION_MINUTES,
            buffer_minutes=BUFFER_MINUTES,
            min_lead_minutes=int(MIN_NOTICE.total_seconds() // 60),
        )

    async def _bookable(
        self,
        tx: Session,
        mentor_id: int,
        mentee_id: int,
        start: datetime,
        now: datetime,
        *,
        moving: int | None,
    ) -> None:
        """Refused unless both may meet and `start` is one of the mentor's free slots now."""
        suspended = await tx.fetchval(
            "SELECT COUNT(*) FROM users WHERE id IN (?, ?) AND suspended_at IS NOT NULL",
            (mentor_id, mentee_id),
        )
        if suspended:
            raise Refused(Refusal.SUSPENDED)
        free = await self._free(tx, mentor_id, now, days=BOOKING_DAYS, moving=moving)
        if any(slot.start_utc == start for slot in free):
            return
        taken = await tx.fetchval(
            f"SELECT 1 FROM sessions WHERE mentor_id = ? AND status IN {_UPCOMING_SQL}"
            " AND starts_at = ? AND id IS NOT ?",
            (mentor_id, _iso(start), moving),
        )
        raise Refused(Refusal.SLOT_TAKEN if taken else Refusal.SLOT_GONE)

    @staticmethod
    async def _insert_session(tx: Session, **values: Any) -> int:
        columns = ", ".join(values)
        marks = ", ".join("?" for _ in values)
        try:
            return await tx.insert(
                f"INSERT INTO sessions ({columns}) VALUES ({marks})", tuple(values.values())
            )
        except sqlite3.IntegrityError as error:
            # The partial unique index on (mentor_id, starts_at): the last line against a
            # double booking, should two writers ever get past the free-slot check together.
            if "sessions.mentor_id" in str(error) or "UNIQUE" in str(error):
                raise Refused(Refusal.SLOT_TAKEN) from None
            raise

    @staticmethod
    async def _plan(
        tx: Session, session: SessionRow, offsets: Iterable[timedelta], now: datetime
    ) -> None:
        plans = plan_reminders(
            session.starts_at, [session.mentee_id, session.mentor_id], offsets, now
        )
        await tx.executemany(
            "INSERT INTO reminders (session_id, recipient_id, offset_seconds, due_at)"
            " VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
            [
                (session.id, p.recipient_id, int(p.offset.total_seconds()), _iso(p.due_at))
                for p in plans
            ],
        )

    @staticmethod
    async def _cancel_reminders(tx: Session, session_id: int) -> None:
        await tx.execute(
            "UPDATE reminders SET status = 'cancelled' WHERE session_id = ? AND status = 'pending'",
            (session_id,),
        )

    @staticmethod
    async def _session(s: Session, session_id: int) -> SessionRow:
        row = await s.fetchone("SELECT * FROM sessions WHERE id = ?", (session_id,))
        if row is None:
            raise Refused(Refusal.NOT_FOUND)
        return _load(SessionRow, row)

    async def _mentors(self, s: Session, session_id: int, mentor_id: int) -> SessionRow:
        session = await self._session(s, session_id)
        if session.mentor_id != mentor_id:
            raise Refused(Refusal.NOT_YOURS)
        return session

    async def _changeable(
        self, s: Session, session_id: int, user_id: int, now: datetime
    ) -> SessionRow:
        """Who pressed first (a third person learns nothing about the state), then the state."""
        session = await self._session(s, session_id)
        if not session.has(user_id):
            raise Refused(Refusal.NOT_YOURS)
        if session.status not in UPCOMING:
            raise Refused(Refusal.NOT_UPCOMING)
        if session.starts_at <= now:
            raise Refused(Refusal.STARTED)
        return session

    @staticmethod
    async def _checkin(s: Session, checkin_id: int, user_id: int) -> Checkin:
        row = await s.fetchone("SELECT * FROM checkins WHERE id = ?", (checkin_id,))
        if row is None:
            raise Refused(Refusal.NOT_FOUND)
        if row["user_id"] != user_id:
            raise Refused(Refusal.NOT_YOURS)
        return _load(Checkin, row)
