"""Circles in SQL: who is waiting, the circles and their members, messages and their per-member
queue, reports and events. Every change and its event in one transaction."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.circles.rules import CURRENT, Lead
from bot.db._rows import iso, load
from bot.db.database import Database, Session
from bot.matching.rules import MenteeProfile
from bot.matching.store import _MENTEES, CandidateRepository, _mentee, person_in
from bot.safety import Person

CURRENT_SQL = "('forming', 'active', 'paused')"
assert CURRENT_SQL == str(CURRENT)


@dataclass(frozen=True, slots=True)
class Circle:
    id: int
    name: str
    mentor_id: int | None
    co_mentor_id: int | None
    field: str
    language: str
    age_band: str
    status: str
    batch: int | None
    open_to_join: bool

    @property
    def leads(self) -> tuple[int, ...]:
        return tuple(i for i in (self.mentor_id, self.co_mentor_id) if i is not None)


@dataclass(frozen=True, slots=True)
class Queued:
    """One message waiting for one member, in message order."""

    message_id: int
    user_id: int
    circle_id: int
    sender_id: int
    text: str
    reply_text: str | None
    reply_sender_id: int | None


async def record(
    tx: Session, circle_id: int, now: datetime, kind: str, actor: int | None, subject: int | None = None, detail=None
) -> None:
    await tx.execute(
        "INSERT INTO circle_events (circle_id, at, kind, actor_id, subject_id, detail) VALUES (?, ?, ?, ?, ?, ?)",
        (circle_id, iso(now), kind, actor, subject, detail),
    )


async def circle_in(s: Session | Database, circle_id: int) -> Circle | None:
    row = await s.fetchone(
        "SELECT id, name, mentor_id, co_mentor_id, field, language, age_band, status, batch, open_to_join"
        " FROM circles WHERE id = ?",
        (circle_id,),
    )
    return None if row is None else load(Circle, row)


async def member_status(s: Session | Database, circle_id: int, user_id: int) -> str | None:
    return await s.fetchval(
        "SELECT status FROM circle_members WHERE circle_id = ? AND user_id = ?", (circle_id, user_id)
    )


async def received(s: Session | Database, message_id: int, user_id: int) -> tuple[int, int, str] | None:
    """(circle, sender, text) of a message queued for her (delivered or not), else None: no one presses
    Reply or Report on a message she was never sent."""
    row = await s.fetchone(
        "SELECT m.circle_id, m.sender_id, m.text FROM circle_messages m JOIN circle_deliveries d"
        " ON d.message_id = m.id AND d.user_id = ? WHERE m.id = ?",
        (user_id, message_id),
    )
    return None if row is None else (row[0], row[1], row[2])


async def drop_queue(tx: Session, circle_id: int, user_id: int) -> None:
    """What the circle had not yet sent her is not sent: she is out of it."""
    await tx.execute(
        "DELETE FROM circle_deliveries WHERE user_id = ? AND delivered_at IS NULL"
        " AND message_id IN (SELECT id FROM circle_messages WHERE circle_id = ?)",
        (user_id, circle_id),
    )


async def take_out(tx: Session, circle_id: int, user_id: int, status: str, now: datetime) -> None:
    """A member leaves ('left') or is taken out ('removed'): no more messages, nothing still queued."""
    await tx.execute(
        "UPDATE circle_members SET status = ?, left_at = ? WHERE circle_id = ? AND user_id = ?",
        (status, iso(now), circle_id, user_id),
    )
    await drop_queue(tx, circle_id, user_id)


async def members(s: Session | Database, circle_id: int, statuses=("active", "paused")) -> list[int]:
    """Her circle's mentees, in the order they joined; a suspended account is no one's circle-mate
    (it neither reads the circle nor gets its sessions)."""
    marks = ",".join("?" * len(statuses))
    rows = await s.fetchall(
        "SELECT cm.user_id FROM circle_members cm JOIN users u ON u.id = cm.user_id"
        f" WHERE cm.circle_id = ? AND cm.status IN ({marks}) AND u.suspended_at IS NULL"
        " ORDER BY cm.joined_at, cm.user_id",
        (circle_id, *statuses),
    )
    return [row[0] for row in rows]


async def not_suspended(s: Session | Database, user_ids: Iterable[int]) -> set[int]:
    """Those of these accounts an admin has not suspended."""
    ids = list(user_ids)
    marks = ",".join("?" * len(ids))
    rows = await s.fetchall(f"SELECT id FROM users WHERE id IN ({marks}) AND suspended_at IS NULL", ids) if ids else []
    return {row[0] for row in rows}


async def in_a_circle(s: Session | Database, user_id: int) -> bool:
    return bool(
        await s.fetchval(
            "SELECT COUNT(*) FROM circle_members cm JOIN circles c ON c.id = cm.circle_id"
            f" WHERE cm.user_id = ? AND cm.status IN ('asked', 'active', 'paused') AND c.status IN {CURRENT_SQL}",
            (user_id,),
        )
    )


async def reported(s: Session | Database, reporter_id: int, leads: tuple[int, ...]) -> bool:
    """She has an open report (one-to-one or in a circle) against one of these mentors."""
    for lead in leads:
        if await s.fetchval(
            "SELECT (SELECT COUNT(*) FROM reports WHERE status <> 'closed' AND reporter_id = ? AND reported_id = ?)"
            " + (SELECT COUNT(*) FROM circle_reports WHERE status = 'open' AND reporter_id = ? AND reported_id = ?)",
            (reporter_id, lead, reporter_id, lead),
        ):
            return True
    return False


async def person(s: Session | Database, user_id: int) -> Person | None:
    return await person_in(s, user_id)


async def display_name(tx, user_id: int | None) -> str:
    """Her display name (never an account or a username), or a dash."""
    if user_id is None:
        return "—"
    value = await tx.fetchval(
        "SELECT COALESCE(NULLIF(p.display_name, ''), NULLIF(u.first_name, ''))"
        " FROM users u LEFT JOIN profiles p ON p.user_id = u.id WHERE u.id = ?",
        (user_id,),
    )
    return value or "—"


class CircleStore:
    EXPORT_COLUMNS = tuple("id name status field language age_band starts_on ends_on members messages reports".split())

    def __init__(self, db: Database) -> None:
        self.db = db

    async def get(self, circle_id: int) -> Circle | None:
        return await circle_in(self.db, circle_id)

    async def waiting_mentees(self) -> list[MenteeProfile]:
        """Mentees who can hear from the bot and are in no current circle (a one-to-one mentorship is fine);
        matching's own filter (14+, a minor's guardian consent, not suspended), in one query."""
        rows = await self.db.fetchall(
            f"{_MENTEES} AND u.blocked_bot = 0"
            " AND NOT EXISTS (SELECT 1 FROM circle_members cm JOIN circles c ON c.id = cm.circle_id"
            f" WHERE cm.user_id = u.id AND cm.status IN ('asked', 'active', 'paused') AND c.status IN {CURRENT_SQL})"
            " ORDER BY u.id"
        )
        return [m for m in map(_mentee, rows) if m is not None]

    async def leads(self) -> list[Lead]:
        """Approved mentors taking mentees (not paused, reachable) with a circle still free."""
        free = dict(
            await self.db.fetchall(
                "SELECT p.user_id, p.circle_capacity - (SELECT COUNT(*) FROM circles c"
                f" WHERE c.mentor_id = p.user_id AND c.status IN {CURRENT_SQL}) FROM profiles p"
            )
        )
        return [
            Lead(m.user_id, m.languages, m.fields, m.availability, m.region, m.cleared_for_minors, free[m.user_id])
            for m in await CandidateRepository(self.db).mentor_profiles()
            if m.approved and not m.paused and free.get(m.user_id, 0) > 0
        ]

    async def excluded(self) -> set[tuple[int, int]]:
        """(mentee, mentor) never together: exclusions of one-to-one matching and every open report."""
        rows = await self.db.fetchall(
            "SELECT mentee_id, mentor_id FROM exclusions"
            " UNION SELECT reporter_id, reported_id FROM reports WHERE status <> 'closed' AND reported_id IS NOT NULL"
            " UNION SELECT reporter_id, reported_id FROM circle_reports WHERE status = 'open'"
            " AND reporter_id IS NOT NULL AND reported_id IS NOT NULL"
        )
        return {(row[0], row[1]) for row in rows}

    async def of_member(self, user_id: int) -> list[Circle]:
        """Her current circles, as a mentee or as a mentor."""
        rows = await self.db.fetchall(
            "SELECT id FROM circles c WHERE c.status IN ('active', 'paused') AND (c.mentor_id = ? OR c.co_mentor_id = ?"
            " OR EXISTS (SELECT 1 FROM circle_members cm WHERE cm.circle_id = c.id AND cm.user_id = ?"
            " AND cm.status IN ('active', 'paused'))) ORDER BY c.id",
            (user_id, user_id, user_id),
        )
        return [await circle_in(self.db, row[0]) for row in rows]

    async def queued(self, circle_id: int) -> list[Queued]:
        """Every message still waiting for someone in this circle, oldest first."""
        rows = await self.db.fetchall(
            "SELECT d.message_id, d.user_id, m.circle_id, m.sender_id, m.text,"
            " r.text AS reply_text, r.sender_id AS reply_sender_id"
            " FROM circle_deliveries d JOIN circle_messages m ON m.id = d.message_id"
            " LEFT JOIN circle_messages r ON r.id = m.reply_to"
            " WHERE m.circle_id = ? AND d.delivered_at IS NULL ORDER BY d.message_id, d.user_id",
            (circle_id,),
        )
        return [load(Queued, row) for row in rows]

    async def delivered(self, pairs: list[tuple[int, int]], now: datetime) -> None:
        async with self.db.transaction() as tx:
            await tx.executemany(
                "UPDATE circle_deliveries SET delivered_at = ? WHERE message_id = ? AND user_id = ?",
                [(iso(now), message_id, user_id) for message_id, user_id in pairs],
            )

    async def circles_with_queues(self) -> list[int]:
        rows = await self.db.fetchall(
            "SELECT DISTINCT m.circle_id FROM circle_deliveries d JOIN circle_messages m ON m.id = d.message_id"
            " WHERE d.delivered_at IS NULL"
        )
        return [row[0] for row in rows]

    async def overview(self, now: datetime) -> list[dict]:
        """Each current circle with its size, its last 30 days' messages, sessions and attendance (who
        came of those expected at the sessions held), and its open reports."""
        since, until = iso(now - timedelta(days=30)), iso(now)
        recent = "s.circle_id = c.id AND s.status <> 'cancelled' AND s.starts_at >= ? AND s.starts_at <= ?"
        rows = await self.db.fetchall(
            "SELECT c.id, c.name, c.status, c.age_band, c.language, c.open_to_join, c.co_mentor_id,"
            " (SELECT COUNT(*) FROM circle_members cm WHERE cm.circle_id = c.id AND cm.status IN ('active', 'paused'))"
            " AS size,"
            " (SELECT COUNT(*) FROM circle_messages m WHERE m.circle_id = c.id AND m.sent_at >= ?) AS messages,"
            f" (SELECT COUNT(*) FROM circle_sessions s WHERE {recent}) AS sessions,"
            " (SELECT COALESCE(SUM(a.attended), 0) FROM circle_attendance a JOIN circle_sessions s"
            f" ON s.id = a.session_id WHERE {recent} AND s.status = 'held') AS came,"
            " (SELECT COUNT(*) FROM circle_attendance a JOIN circle_sessions s"
            f" ON s.id = a.session_id WHERE {recent} AND s.status = 'held') AS expected,"
            " (SELECT COUNT(*) FROM circle_reports r WHERE r.circle_id = c.id AND r.status = 'open') AS reports"
            f" FROM circles c WHERE c.status IN {CURRENT_SQL} ORDER BY c.id",
            (since, since, until, since, until, since, until),
        )
        return [dict(row) for row in rows]

    async def quiet(self, now: datetime) -> list[tuple[int, int, datetime, datetime | None]]:
        """Active circles: (id, mentor, last activity, nudged at). A message, a session scheduled or a
        session that has begun each count as activity."""
        rows = await self.db.fetchall(
            "SELECT c.id, c.mentor_id, MAX(c.created_at,"
            " COALESCE((SELECT MAX(m.sent_at) FROM circle_messages m WHERE m.circle_id = c.id), ''),"
            " COALESCE((SELECT MAX(MAX(s.created_at, CASE WHEN s.starts_at <= ? THEN s.starts_at ELSE '' END))"
            " FROM circle_sessions s WHERE s.circle_id = c.id AND s.status <> 'cancelled'), '')) AS last, c.nudged_at"
            " FROM circles c WHERE c.status = 'active' AND c.mentor_id IS NOT NULL",
            (iso(now),),
        )
        return [
            (row[0], row[1], datetime.fromisoformat(row[2]), datetime.fromisoformat(row[3]) if row[3] else None)
            for row in rows
        ]

    async def mark_nudged(self, circle_id: int, now: datetime) -> None:
        async with self.db.transaction() as tx:
            await tx.execute("UPDATE circles SET nudged_at = ? WHERE id = ?", (iso(now), circle_id))
            await record(tx, circle_id, now, "nudged", None)

    async def export_rows(self) -> list[dict]:
        rows = await self.db.fetchall(
            "SELECT c.id, c.name, c.status, c.field, c.language, c.age_band, c.starts_on, c.ends_on,"
            " (SELECT COUNT(*) FROM circle_members cm WHERE cm.circle_id = c.id AND cm.status IN ('active', 'paused'))"
            " AS members, (SELECT COUNT(*) FROM circle_messages m WHERE m.circle_id = c.id) AS messages,"
            " (SELECT COUNT(*) FROM circle_reports r WHERE r.circle_id = c.id) AS reports FROM circles c ORDER BY c.id"
        )
        return [dict(row) for row in rows]
