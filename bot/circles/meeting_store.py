"""Circle sessions in SQL: the session, each member's answer, attendance and rating, and the
durable reminders. Every function reads or writes inside the session it is given."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.db._rows import iso
from bot.db.database import Database, Session


@dataclass(frozen=True, slots=True)
class CircleSession:
    id: int
    circle_id: int
    scheduled_by: int | None
    starts_at: datetime
    minutes: int
    topic: str
    meeting_link: str
    status: str

    @property
    def ends_at(self) -> datetime:
        return self.starts_at + timedelta(minutes=self.minutes)


def _session(row) -> CircleSession:
    return CircleSession(
        row["id"],
        row["circle_id"],
        row["scheduled_by"],
        datetime.fromisoformat(row["starts_at"]),
        row["minutes"],
        row["topic"],
        row["meeting_link"],
        row["status"],
    )


_COLUMNS = "id, circle_id, scheduled_by, starts_at, minutes, topic, meeting_link, status"


async def session_in(s: Session | Database, session_id: int) -> CircleSession | None:
    row = await s.fetchone(f"SELECT {_COLUMNS} FROM circle_sessions WHERE id = ?", (session_id,))
    return None if row is None else _session(row)


async def insert_session(
    tx: Session, circle_id: int, lead_id: int, start: datetime, minutes: int, topic: str, link: str, now: datetime
) -> int:
    return await tx.insert(
        "INSERT INTO circle_sessions (circle_id, scheduled_by, starts_at, minutes, topic, meeting_link, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        (circle_id, lead_id, iso(start), minutes, topic, link, iso(now)),
    )


async def add_attendees(tx: Session, session_id: int, user_ids: list[int]) -> None:
    await tx.executemany(
        "INSERT OR IGNORE INTO circle_attendance (session_id, user_id) VALUES (?, ?)",
        [(session_id, u) for u in user_ids],
    )


async def plan_reminders(tx: Session, session_id: int, plans) -> None:
    await tx.executemany(
        "INSERT OR IGNORE INTO circle_session_reminders (session_id, recipient_id, due_at) VALUES (?, ?, ?)",
        [(session_id, p.recipient_id, iso(p.due_at)) for p in plans],
    )


async def attendance(s: Session | Database, session_id: int) -> list[tuple[int, str | None, int, int | None]]:
    """(member, answer, attended, rating) in the order she joined the circle."""
    rows = await s.fetchall(
        "SELECT a.user_id, a.rsvp, a.attended, a.rating FROM circle_attendance a JOIN circle_sessions cs"
        " ON cs.id = a.session_id LEFT JOIN circle_members cm ON cm.circle_id = cs.circle_id AND cm.user_id = a.user_id"
        " WHERE a.session_id = ? ORDER BY cm.joined_at, a.user_id",
        (session_id,),
    )
    return [tuple(row) for row in rows]


async def set_rsvp(tx: Session, session_id: int, user_id: int, answer: str) -> bool:
    changed = await tx.execute(
        "UPDATE circle_attendance SET rsvp = ? WHERE session_id = ? AND user_id = ?", (answer, session_id, user_id)
    )
    return changed > 0


async def toggle_attended(tx: Session, session_id: int, user_id: int) -> bool:
    changed = await tx.execute(
        "UPDATE circle_attendance SET attended = 1 - attended WHERE session_id = ? AND user_id = ?",
        (session_id, user_id),
    )
    return changed > 0


async def set_rating(tx: Session, session_id: int, user_id: int, stars: int) -> bool:
    changed = await tx.execute(
        "UPDATE circle_attendance SET rating = ? WHERE session_id = ? AND user_id = ? AND attended = 1",
        (stars, session_id, user_id),
    )
    return changed > 0


async def due_reminders(s: Session | Database, now: datetime) -> list[tuple[int, int, int]]:
    """(reminder, session, recipient) whose moment has come, oldest first."""
    rows = await s.fetchall(
        "SELECT id, session_id, recipient_id FROM circle_session_reminders"
        " WHERE status = 'pending' AND due_at <= ? ORDER BY due_at, id",
        (iso(now),),
    )
    return [tuple(row) for row in rows]


async def settle_reminder(tx: Session, reminder_id: int, status: str) -> bool:
    """Claim it once: True only for the first caller."""
    changed = await tx.execute(
        "UPDATE circle_session_reminders SET status = ? WHERE id = ? AND status = 'pending'", (status, reminder_id)
    )
    return changed > 0


async def ended_unasked(s: Session | Database, now: datetime) -> list[int]:
    rows = await s.fetchall(
        "SELECT id FROM circle_sessions WHERE status = 'scheduled' AND asked_at IS NULL"
        " AND datetime(starts_at, '+' || minutes || ' minutes') <= datetime(?) ORDER BY id",
        (iso(now),),
    )
    return [row[0] for row in rows]


async def zone_of(s: Session | Database, user_id: int | None) -> str:
    return (await s.fetchval("SELECT timezone FROM users WHERE id = ?", (user_id,))) or "Asia/Bishkek"


async def own_link(s: Session | Database, user_id: int) -> str | None:
    return await s.fetchval("SELECT NULLIF(meeting_link, '') FROM profiles WHERE user_id = ?", (user_id,))


async def upcoming(s: Session | Database, circle_id: int, now: datetime) -> list[CircleSession]:
    rows = await s.fetchall(
        f"SELECT {_COLUMNS} FROM circle_sessions WHERE circle_id = ? AND status = 'scheduled' AND starts_at > ?"
        " ORDER BY starts_at",
        (circle_id, iso(now)),
    )
    return [_session(row) for row in rows]
