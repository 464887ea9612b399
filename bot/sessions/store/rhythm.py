"""The mentorship's rhythm: agreed pace, check-ins, quiet-pair nudges and the close; each once."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime

from bot.db._rows import iso, load, optional_time
from bot.db.database import Repository, Session
from bot.mentorship.rules import Status
from bot.mentorship.store.rows import load_mentorship, move
from bot.sessions.rules import Refusal, Refused, RhythmState, rhythm_plan

# Sessions that count as "met or meeting" for the quiet-pair nudge.
_LOGGED_SQL = "('requested', 'confirmed', 'held')"


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


class RhythmRepository(Repository):
    async def start_rhythm(self, mentorship_id: int, started_at: datetime) -> bool:
        """Its rhythm from the day it began; False if it has one already."""
        first_checkin, ends = rhythm_plan(started_at)
        return 1 == await self._db.execute(
            "INSERT INTO mentorship_rhythm (mentorship_id, next_checkin_at, ends_at)"
            " VALUES (?, ?, ?) ON CONFLICT (mentorship_id) DO NOTHING",
            (mentorship_id, iso(first_checkin), iso(ends)),
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

    async def active(self) -> list[Rhythm]:
        """The rhythm of every active mentorship, with its latest session."""
        rows = await self._db.fetchall(
            "SELECT r.*, m.mentee_id, m.mentor_id, m.started_at,"
            " (SELECT MAX(s.starts_at) FROM sessions s WHERE s.mentorship_id = m.id"
            f" AND s.status IN {_LOGGED_SQL}) AS last_session_at"
            " FROM mentorship_rhythm r JOIN mentorships m ON m.id = r.mentorship_id"
            " WHERE m.status = 'active' ORDER BY r.mentorship_id"
        )
        return [self._rhythm(row) for row in rows]

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
                (days, iso(now), mentorship_id),
            ):
                raise Refused(Refusal.AGREED)

    async def claim_checkin(self, mentorship_id: int, due: datetime, following: datetime) -> bool:
        return 1 == await self._db.execute(
            "UPDATE mentorship_rhythm SET next_checkin_at = ? WHERE mentorship_id = ? AND next_checkin_at = ?",
            (iso(following), mentorship_id, iso(due)),
        )

    async def claim_quiet_nudge(self, mentorship_id: int, previous: datetime | None, now: datetime) -> bool:
        return 1 == await self._db.execute(
            "UPDATE mentorship_rhythm SET quiet_nudged_at = ? WHERE mentorship_id = ? AND quiet_nudged_at IS ?",
            (iso(now), mentorship_id, iso(previous) if previous else None),
        )

    async def complete_at_programme_end(self, mentorship_id: int, now: datetime) -> bool:
        """At the programme's length: the survey is due and the mentorship completes; once."""
        async with self._db.transaction() as tx:
            if not await tx.execute(
                "UPDATE mentorship_rhythm SET closing_sent_at = ? WHERE mentorship_id = ? AND closing_sent_at IS NULL",
                (iso(now), mentorship_id),
            ):
                return False
            mentorship = await load_mentorship(tx, mentorship_id)
            if mentorship.status == Status.ACTIVE:
                # Through `move`, so that sessions still booked past the end go with it.
                await move(tx, mentorship, Status.COMPLETED, None, now, detail="programme_end")
            return True

    async def new_checkin(self, mentorship_id: int, user_id: int, kind: str, now: datetime) -> int:
        """The question's row, written as it is sent; its buttons carry the id."""
        async with self._db.transaction() as tx:
            return await tx.insert(
                "INSERT INTO checkins (mentorship_id, user_id, kind, created_at) VALUES (?, ?, ?, ?)",
                (mentorship_id, user_id, kind, iso(now)),
            )

    async def answer_checkin(self, checkin_id: int, user_id: int, progress: int, now: datetime) -> Checkin:
        async with self._db.transaction() as tx:
            checkin = await self._checkin(tx, checkin_id, user_id)
            if checkin.progress is not None:
                raise Refused(Refusal.ANSWERED)
            await tx.execute(
                "UPDATE checkins SET progress = ?, answered_at = ? WHERE id = ?",
                (progress, iso(now), checkin_id),
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

    # --- inside a transaction -----------------------------------------------------------

    @staticmethod
    def _rhythm(row: sqlite3.Row) -> Rhythm:
        return Rhythm(
            mentorship_id=row["mentorship_id"],
            mentee_id=row["mentee_id"],
            mentor_id=row["mentor_id"],
            meet_every_days=row["meet_every_days"],
            agreed_at=optional_time(row["agreed_at"]),
            state=RhythmState(
                started_at=datetime.fromisoformat(row["started_at"]),
                ends_at=datetime.fromisoformat(row["ends_at"]),
                next_checkin_at=optional_time(row["next_checkin_at"]),
                quiet_nudged_at=optional_time(row["quiet_nudged_at"]),
                closing_sent_at=optional_time(row["closing_sent_at"]),
                last_session_at=optional_time(row["last_session_at"]),
            ),
        )

    @staticmethod
    async def _checkin(s: Session, checkin_id: int, user_id: int) -> Checkin:
        row = await s.fetchone("SELECT * FROM checkins WHERE id = ?", (checkin_id,))
        if row is None:
            raise Refused(Refusal.NOT_FOUND)
        if row["user_id"] != user_id:
            raise Refused(Refusal.NOT_YOURS)
        return load(Checkin, row)
