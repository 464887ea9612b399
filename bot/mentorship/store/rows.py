"""A mentorship row, and the in-transaction steps the mentoring repositories share."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime

from bot.db._rows import TwoSides, by_id, iso, load, sql_list
from bot.db.database import Session
from bot.mentorship.rules import CURRENT, Refusal, Refused, Status, can_move

CURRENT_SQL = sql_list(CURRENT)


@dataclass(frozen=True, slots=True)
class Mentorship(TwoSides):
    id: int
    mentee_id: int
    mentor_id: int
    request_id: int | None
    status: str
    started_at: datetime
    ended_at: datetime | None
    end_reason: str | None
    mentee_shares_contact: bool
    mentor_shares_contact: bool
    contacts_sent_at: datetime | None

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> Mentorship:
        return load(cls, row)

    def shares(self, user_id: int) -> bool:
        return self.mentee_shares_contact if user_id == self.mentee_id else self.mentor_shares_contact


async def record_event(
    tx: Session,
    now: datetime,
    event: str,
    actor_id: int | None,
    *,
    request_id: int | None = None,
    mentorship_id: int | None = None,
    detail: str | None = None,
) -> None:
    await tx.execute(
        "INSERT INTO mentorship_events (request_id, mentorship_id, actor_id, event, detail, at)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        (request_id, mentorship_id, actor_id, str(event), detail, iso(now)),
    )


async def exclude_pair(tx: Session, mentee_id: int, mentor_id: int, reason: str, now: datetime) -> None:
    await tx.execute(
        "INSERT INTO exclusions (mentee_id, mentor_id, reason, created_at) VALUES (?, ?, ?, ?)"
        " ON CONFLICT (mentee_id, mentor_id) DO UPDATE SET reason = excluded.reason",
        (mentee_id, mentor_id, reason, iso(now)),
    )


async def count_current(tx: Session, column: str, user_id: int) -> int:
    return await tx.fetchval(
        f"SELECT COUNT(*) FROM mentorships WHERE {column} = ? AND status IN {CURRENT_SQL}",
        (user_id,),
    )


async def load_mentorship(tx: Session, mentorship_id: int) -> Mentorship:
    mentorship = await by_id(tx, Mentorship, "mentorships", mentorship_id)
    if mentorship is None:
        raise Refused(Refusal.NOT_FOUND)
    return mentorship


async def load_party(tx: Session, mentorship_id: int, user_id: int) -> Mentorship:
    """The mentorship if she is one of its two people, else `Refused`."""
    mentorship = await load_mentorship(tx, mentorship_id)
    if not mentorship.has(user_id):
        raise Refused(Refusal.NOT_YOURS)
    return mentorship


async def move(
    tx: Session,
    mentorship: Mentorship,
    target: Status,
    actor_id: int,
    now: datetime,
    *,
    detail: str,
    strict: bool = False,
) -> None:
    """One recorded transition; `strict`: refuse one the state machine does not allow."""
    if not can_move(mentorship.status, target):
        if strict:
            raise Refused(Refusal.NOT_ACTIVE)
        return
    ended = target in (Status.COMPLETED, Status.CANCELLED)
    await tx.execute(
        "UPDATE mentorships SET status = ?, ended_at = CASE WHEN ? THEN ? ELSE ended_at END,"
        " end_reason = CASE WHEN ? THEN ? ELSE end_reason END WHERE id = ? AND status = ?",
        (target, ended, iso(now), ended, detail, mentorship.id, mentorship.status),
    )
    await record_event(tx, now, target, actor_id, mentorship_id=mentorship.id, detail=detail)
    if target != Status.ACTIVE:
        # Paused (a report), ended or cancelled: no session of it may still happen or be reminded of.
        await tx.execute(
            "UPDATE reminders SET status = 'cancelled' WHERE status = 'pending' AND session_id IN"
            " (SELECT id FROM sessions WHERE mentorship_id = ? AND status IN ('requested', 'confirmed'))",
            (mentorship.id,),
        )
        await tx.execute(
            "UPDATE sessions SET status = 'cancelled', cancelled_at = ?, cancelled_by = ?, cancel_reason = ?"
            " WHERE mentorship_id = ? AND status IN ('requested', 'confirmed') AND starts_at > ?",
            (iso(now), actor_id, f"mentorship {target}", mentorship.id, iso(now)),
        )
