"""Booking a session in a mentor's free time, and every change to it until it takes place."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from typing import Any

from bot.db._rows import iso
from bot.db.database import Repository, Session
from bot.safety import MINOR_CONTACT_HELD_SQL, minor_contact_held
from bot.sessions.rules import (
    BOOKING_DAYS,
    SESSION_MINUTES,
    UPCOMING,
    Refusal,
    Refused,
    Status,
    inside_notice,
)
from bot.sessions.store.reminders import cancel_reminders_in, plan_reminders_in
from bot.sessions.store.rows import UPCOMING_SQL, SessionRow, load_session
from bot.sessions.store.slots import free_slots_in


class BookingRepository(Repository):
    """Book, confirm or decline, cancel (inside the minimum notice only with a reason),
    reschedule, and expire requests the mentor never answered.

    Every rule two people could race on (a slot booked twice, a session changed by both sides)
    is checked and written in one transaction.
    """

    async def is_suspended(self, user_id: int) -> bool:
        value = await self._db.fetchval("SELECT suspended_at FROM users WHERE id = ?", (user_id,))
        return value is not None

    async def check_bookable(self, mentor_id: int, mentee_id: int, start: datetime, now: datetime) -> None:
        """`Refused` (taken, gone, suspended) unless `start` can be booked right now."""
        async with self._db.reading() as s:
            await self._bookable(s, mentor_id, mentee_id, start, now, moving=None)

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
            minor = await tx.fetchval("SELECT age_band IS NOT '18+' FROM profiles WHERE user_id = ?", (mentee_id,))
            # A minor's session always gets a generated room: never a mentor's own link (F4).
            link = new_link() if minor or not mentor else (mentor["meeting_link"] or new_link())
            session_id = await self._insert_session(
                tx,
                mentorship_id=mentorship_id,
                mentor_id=mentor_id,
                mentee_id=mentee_id,
                starts_at=iso(start),
                minutes=SESSION_MINUTES,
                status=Status.CONFIRMED if auto else Status.REQUESTED,
                agenda=agenda,
                meeting_link=link,
                for_minor=int(bool(minor)),
                sequence=0,
                created_at=iso(now),
                confirmed_at=iso(now) if auto else None,
            )
            session = await load_session(tx, session_id)
            if auto:
                await plan_reminders_in(tx, session, offsets, now)
            return session

    async def confirm(
        self, session_id: int, mentor_id: int, now: datetime, *, offsets: Iterable[timedelta]
    ) -> SessionRow:
        async with self._db.transaction() as tx:
            session = await self._mentors(tx, session_id, mentor_id)
            await self._cleared(tx, mentor_id, session.mentee_id, by_mentor=True)
            if session.status == Status.REQUESTED and session.starts_at <= now:
                raise Refused(Refusal.STARTED)
            if session.status != Status.REQUESTED:
                raise Refused(Refusal.NOT_PENDING if session.status == Status.CONFIRMED else Refusal.NOT_UPCOMING)
            await tx.execute(
                "UPDATE sessions SET status = 'confirmed', confirmed_at = ? WHERE id = ? AND status = 'requested'",
                (iso(now), session_id),
            )
            session = await load_session(tx, session_id)
            await plan_reminders_in(tx, session, offsets, now)
            return session

    async def decline(self, session_id: int, mentor_id: int, now: datetime) -> SessionRow:
        async with self._db.transaction() as tx:
            session = await self._mentors(tx, session_id, mentor_id)
            if session.status != Status.REQUESTED:
                raise Refused(Refusal.NOT_PENDING if session.status == Status.CONFIRMED else Refusal.NOT_UPCOMING)
            await tx.execute(
                "UPDATE sessions SET status = 'declined', cancelled_at = ?, cancelled_by = ? WHERE id = ?",
                (iso(now), mentor_id, session_id),
            )
            return await load_session(tx, session_id)

    async def expire_unconfirmed(self, now: datetime) -> list[SessionRow]:
        """Requests the mentor never answered before their start: declined, for the tick to tell."""
        rows = await self._db.fetchall(
            "SELECT id FROM sessions WHERE status = 'requested' AND starts_at <= ?", (iso(now),)
        )
        expired = []
        for row in rows:
            async with self._db.transaction() as tx:
                if await tx.execute(
                    "UPDATE sessions SET status = 'declined', cancelled_at = ? WHERE id = ? AND status = 'requested'",
                    (iso(now), row["id"]),
                ):
                    expired.append(await load_session(tx, row["id"]))
        return expired

    async def check_changeable(self, session_id: int, user_id: int, now: datetime) -> SessionRow:
        """The session if she may still move or cancel it (before asking her how)."""
        async with self._db.reading() as s:
            return await self._changeable(s, session_id, user_id, now)

    async def cancel(self, session_id: int, user_id: int, now: datetime, reason: str | None = None) -> SessionRow:
        """Either side calls it off; inside the minimum notice only with a reason (recorded)."""
        async with self._db.transaction() as tx:
            session = await self._changeable(tx, session_id, user_id, now)
            late = inside_notice(session.starts_at, now)
            if late and not reason:
                raise Refused(Refusal.REASON_NEEDED)
            await tx.execute(
                "UPDATE sessions SET status = 'cancelled', cancelled_at = ?, cancelled_by = ?,"
                " cancel_reason = ?, late_change = ? WHERE id = ?",
                (iso(now), user_id, reason, int(late), session_id),
            )
            await cancel_reminders_in(tx, session_id)
            return await load_session(tx, session_id)

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
            auto = bool(await tx.fetchval("SELECT auto_confirm FROM profiles WHERE user_id = ?", (old.mentor_id,)))
            confirmed = user_id == old.mentor_id or auto
            await tx.execute(
                "UPDATE sessions SET status = 'cancelled', cancelled_at = ?, cancelled_by = ?,"
                " cancel_reason = ?, late_change = ? WHERE id = ?",
                (iso(now), user_id, reason, int(late), old.id),
            )
            await cancel_reminders_in(tx, old.id)
            new_id = await self._insert_session(
                tx,
                mentorship_id=old.mentorship_id,
                mentor_id=old.mentor_id,
                mentee_id=old.mentee_id,
                starts_at=iso(start),
                minutes=old.minutes,
                status=Status.CONFIRMED if confirmed else Status.REQUESTED,
                agenda=old.agenda,
                meeting_link=old.meeting_link,
                for_minor=int(old.for_minor),
                sequence=old.sequence + 1,
                created_at=iso(now),
                confirmed_at=iso(now) if confirmed else None,
                rescheduled_from=old.id,
            )
            new = await load_session(tx, new_id)
            if confirmed:
                await plan_reminders_in(tx, new, offsets, now)
            return await load_session(tx, old.id), new

    # --- inside a transaction -----------------------------------------------------------

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
        await self._cleared(tx, mentor_id, mentee_id, by_mentor=False)
        free = await free_slots_in(tx, mentor_id, now, days=BOOKING_DAYS, moving=moving)
        if any(slot.start_utc == start for slot in free):
            return
        taken = await tx.fetchval(
            f"SELECT 1 FROM sessions WHERE mentor_id = ? AND status IN {UPCOMING_SQL}"
            " AND starts_at = ? AND id IS NOT ?",
            (mentor_id, iso(start), moving),
        )
        raise Refused(Refusal.SLOT_TAKEN if taken else Refusal.SLOT_GONE)

    @staticmethod
    async def _insert_session(tx: Session, **values: Any) -> int:
        columns = ", ".join(values)
        marks = ", ".join("?" for _ in values)
        try:
            return await tx.insert(f"INSERT INTO sessions ({columns}) VALUES ({marks})", tuple(values.values()))
        except sqlite3.IntegrityError as error:
            # The partial unique index on (mentor_id, starts_at): the last line against a
            # double booking, should two writers ever get past the free-slot check together.
            if "sessions.mentor_id" in str(error) or "UNIQUE" in str(error):
                raise Refused(Refusal.SLOT_TAKEN) from None
            raise

    @staticmethod
    async def _cleared(tx: Session, mentor_id: int, mentee_id: int, *, by_mentor: bool) -> None:
        """Refused while her mentor's clearance for minors is held (bot.safety.minor_contact_held)."""
        minor, cleared = await tx.fetchone(MINOR_CONTACT_HELD_SQL, (mentee_id, mentor_id))
        if minor_contact_held(bool(minor), bool(cleared)):
            raise Refused(Refusal.ACCEPT_CODE if by_mentor else Refusal.CLEARANCE_HELD)

    @staticmethod
    async def _mentors(s: Session, session_id: int, mentor_id: int) -> SessionRow:
        session = await load_session(s, session_id)
        if session.mentor_id != mentor_id:
            raise Refused(Refusal.NOT_YOURS)
        return session

    @staticmethod
    async def _changeable(s: Session, session_id: int, user_id: int, now: datetime) -> SessionRow:
        """Who pressed first (a third person learns nothing about the state), then the state."""
        session = await load_session(s, session_id)
        if not session.has(user_id):
            raise Refused(Refusal.NOT_YOURS)
        if session.status not in UPCOMING:
            raise Refused(Refusal.NOT_UPCOMING)
        if session.starts_at <= now:
            raise Refused(Refusal.STARTED)
        return session
