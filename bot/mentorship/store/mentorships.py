"""Mentorships themselves: contact consent, block and end, their events. Requests, relayed
messages, reports and candidates have repositories of their own.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from bot.contact_guard.store import any_minor
from bot.db._rows import by_id, iso
from bot.db.database import Database, Repository, Session
from bot.mentorship.rules import Refusal, Refused, Status
from bot.mentorship.store.rows import (
    CURRENT_SQL,
    Mentorship,
    exclude_pair,
    load_mentorship,
    load_party,
    move,
    record_event,
)


class MentorshipRepository(Repository):
    async def get(self, mentorship_id: int) -> Mentorship | None:
        return await by_id(self._db, Mentorship, "mentorships", mentorship_id)

    async def current(self, user_id: int) -> list[Mentorship]:
        """Her current (active or paused) mentorships, as mentee or as mentor."""
        return await current_in(self._db, user_id)

    async def claim_no_time_notice(self, mentorship_id: int, now: datetime, every: timedelta) -> bool:
        """True if the mentor may be told now that her mentee found no free time (not in `every`)."""
        return 1 == await self._db.execute(
            "UPDATE mentorships SET no_time_told_at = ?"
            " WHERE id = ? AND (no_time_told_at IS NULL OR no_time_told_at <= ?)",
            (iso(now), mentorship_id, iso(now - every)),
        )

    async def party_of(self, mentorship_id: int, user_id: int) -> Mentorship:
        """The mentorship if she is one of its two people, else `Refused` (forged buttons)."""
        async with self._db.reading() as s:
            return await load_party(s, mentorship_id, user_id)

    async def share_contact(self, mentorship_id: int, user_id: int, now: datetime) -> tuple[Mentorship, bool]:
        """Her consent to share; True the one time both have agreed (send the contacts then)."""
        async with self._db.transaction() as tx:
            mentorship = await load_party(tx, mentorship_id, user_id)
            if mentorship.status != Status.ACTIVE:
                raise Refused(Refusal.NOT_ACTIVE)
            if await any_minor(tx, mentorship.mentee_id):  # a missing age never loosens it
                raise Refused(Refusal.MINOR)
            column = "mentee_shares_contact" if user_id == mentorship.mentee_id else "mentor_shares_contact"
            if await tx.execute(
                f"UPDATE mentorships SET {column} = 1 WHERE id = ? AND {column} = 0",
                (mentorship_id,),
            ):
                await record_event(tx, now, "contact_consent", user_id, mentorship_id=mentorship_id)
            both = await tx.execute(
                "UPDATE mentorships SET contacts_sent_at = ?"
                " WHERE id = ? AND mentee_shares_contact = 1"
                " AND mentor_shares_contact = 1 AND contacts_sent_at IS NULL",
                (iso(now), mentorship_id),
            )
            if both:
                await record_event(tx, now, "contacts_shared", None, mentorship_id=mentorship_id)
            return await load_mentorship(tx, mentorship_id), bool(both)

    async def block(self, mentorship_id: int, user_id: int, now: datetime) -> Mentorship:
        """End the mentorship at once and never match the pair again."""
        async with self._db.transaction() as tx:
            mentorship = await load_party(tx, mentorship_id, user_id)
            await move(tx, mentorship, Status.CANCELLED, user_id, now, detail="blocked", strict=True)
            await exclude_pair(tx, mentorship.mentee_id, mentorship.mentor_id, "blocked", now)
            return await load_mentorship(tx, mentorship_id)

    async def end(self, mentorship_id: int, user_id: int, reason: str, now: datetime) -> Mentorship:
        async with self._db.transaction() as tx:
            mentorship = await load_party(tx, mentorship_id, user_id)
            await move(tx, mentorship, Status.COMPLETED, user_id, now, detail=reason, strict=True)
            return await load_mentorship(tx, mentorship_id)

    async def events(self, *, mentorship_id: int | None = None, request_id: int | None = None) -> list[dict[str, Any]]:
        column, value = ("mentorship_id", mentorship_id) if mentorship_id is not None else ("request_id", request_id)
        rows = await self._db.fetchall(f"SELECT * FROM mentorship_events WHERE {column} = ? ORDER BY id", (value,))
        return [dict(row) for row in rows]


async def current_in(tx: Database | Session, user_id: int) -> list[Mentorship]:
    """`MentorshipRepository.current`, also inside the caller's transaction."""
    rows = await tx.fetchall(
        f"SELECT * FROM mentorships WHERE (mentee_id = ? OR mentor_id = ?) AND status IN {CURRENT_SQL}"
        " ORDER BY started_at, id",
        (user_id, user_id),
    )
    return [Mentorship.from_row(row) for row in rows]
