"""Sessions themselves: one by id, hers upcoming and past, the chain of moves, "I'll be there",
her data. Slots, bookings, reminders, feedback and rhythm have their own repositories.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.db._rows import by_id, iso
from bot.db.database import Repository
from bot.sessions.rules import UPCOMING, Refusal, Refused, Status
from bot.sessions.store.rows import (
    UPCOMING_SQL,
    People,
    SessionRow,
    load_session,
    session_from_row,
)


class SessionRepository(Repository):
    async def get(self, session_id: int) -> SessionRow | None:
        return await by_id(self._db, SessionRow, "sessions", session_id)

    async def party_of(self, session_id: int, user_id: int) -> SessionRow:
        """The session if she is one of its two people, else `Refused` (forged buttons)."""
        async with self._db.reading() as s:
            session = await load_session(s, session_id)
        if not session.has(user_id):
            raise Refused(Refusal.NOT_YOURS)
        return session

    async def people(self, session: SessionRow) -> People:
        """Both people's names and the mentor's zone, in one read (a card shows them many times)."""
        rows = await self._db.fetchall(
            "SELECT u.id, u.timezone, COALESCE(NULLIF(p.display_name, ''), NULLIF(u.first_name, ''), '—') AS name"
            " FROM users u LEFT JOIN profiles p ON p.user_id = u.id WHERE u.id IN (?, ?)",
            (session.mentee_id, session.mentor_id),
        )
        found = {row["id"]: row for row in rows}
        mentee, mentor = found.get(session.mentee_id), found.get(session.mentor_id)
        return People(
            mentee_id=session.mentee_id,
            mentor_id=session.mentor_id,
            mentee_name=mentee["name"] if mentee else "—",
            mentor_name=mentor["name"] if mentor else "—",
            mentor_zone=mentor["timezone"] if mentor else "Asia/Bishkek",
        )

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
