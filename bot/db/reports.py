"""Safety reports: made (pausing the mentorship), added to, listed, closed, and acted on."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.db._rows import iso
from bot.db.database import Database
from bot.db.mentorship_rows import (
    CURRENT_SQL,
    Mentorship,
    exclude_pair,
    load_mentorship,
    load_party,
    move,
    record_event,
)
from bot.db.requests import Request
from bot.mentorship import Status, can_move


@dataclass(frozen=True, slots=True)
class Report:
    id: int
    reporter_id: int
    reported_id: int | None
    mentorship_id: int | None
    reason: str
    created_at: datetime


class ReportRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def report(self, mentorship_id: int, reporter_id: int, reason: str, now: datetime) -> Report:
        """Record a report, pause the mentorship at once and never match the pair again."""
        async with self._db.transaction() as tx:
            mentorship = await load_party(tx, mentorship_id, reporter_id)
            reported = mentorship.other(reporter_id)
            report_id = await tx.insert(
                "INSERT INTO reports (reporter_id, reported_id, mentorship_id, reason, created_at)"
                " VALUES (?, ?, ?, ?, ?)",
                (reporter_id, reported, mentorship_id, reason, iso(now)),
            )
            await move(tx, mentorship, Status.PAUSED, reporter_id, now, detail="report")
            await exclude_pair(tx, mentorship.mentee_id, mentorship.mentor_id, "reported", now)
        return Report(report_id, reporter_id, reported, mentorship_id, reason, now)

    async def get_report(self, report_id: int) -> Report | None:
        row = await self._db.fetchone("SELECT * FROM reports WHERE id = ?", (report_id,))
        if row is None:
            return None
        return Report(
            row["id"],
            row["reporter_id"],
            row["reported_id"],
            row["mentorship_id"],
            row["reason"],
            datetime.fromisoformat(row["created_at"]),
        )

    async def open_reports(self, limit: int = 20) -> list[tuple[Report, str, str | None]]:
        """Reports not yet closed, oldest first, with their status and what the reporter added."""
        rows = await self._db.fetchall(
            "SELECT * FROM reports WHERE status <> 'closed' ORDER BY created_at LIMIT ?", (limit,)
        )
        return [
            (
                Report(
                    r["id"],
                    r["reporter_id"],
                    r["reported_id"],
                    r["mentorship_id"],
                    r["reason"],
                    datetime.fromisoformat(r["created_at"]),
                ),
                r["status"],
                r["text"],
            )
            for r in rows
        ]

    async def close_report(self, report_id: int) -> bool:
        """Close a report once: a second admin acting on it gets False."""
        return 1 == await self._db.execute(
            "UPDATE reports SET status = 'closed' WHERE id = ? AND status <> 'closed'", (report_id,)
        )

    async def admin_move(self, mentorship_id: int, admin_id: int, target: str, now: datetime) -> bool:
        """An admin ends (cancelled) or resumes (active) a mentorship after a report."""
        async with self._db.transaction() as tx:
            mentorship = await load_mentorship(tx, mentorship_id)
            if not can_move(mentorship.status, Status(target)):
                return False
            await move(tx, mentorship, Status(target), admin_id, now, detail="admin")
        return True

    async def suspend(self, user_id: int, admin_id: int, now: datetime) -> tuple[list[Mentorship], list[Request]]:
        """Suspend her: no more matching or messages, and no mentorship or open request is left to her,
        whoever is on the other side; all in one transaction.

        Each current mentorship is cancelled with its future sessions and their reminders (a mentor
        may have several mentees); each pending request to or from her is withdrawn. Returns both,
        for the other people to be told.
        """
        async with self._db.transaction() as tx:
            await tx.execute(
                "UPDATE users SET suspended_at = ? WHERE id = ? AND suspended_at IS NULL", (iso(now), user_id)
            )
            rows = await tx.fetchall(
                f"SELECT * FROM mentorships WHERE ? IN (mentor_id, mentee_id) AND status IN {CURRENT_SQL}",
                (user_id,),
            )
            ended = [Mentorship.from_row(row) for row in rows]
            for mentorship in ended:
                await move(tx, mentorship, Status.CANCELLED, admin_id, now, detail="suspended")
            rows = await tx.fetchall(
                "SELECT * FROM requests WHERE ? IN (mentor_id, mentee_id) AND status = 'pending'", (user_id,)
            )
            withdrawn = [Request.from_row(row) for row in rows]
            for request in withdrawn:
                await tx.execute(
                    "UPDATE requests SET status = 'withdrawn', answered_at = ? WHERE id = ?", (iso(now), request.id)
                )
                await record_event(tx, now, "withdrawn", admin_id, request_id=request.id, detail="suspended")
        return ended, withdrawn

    async def add_report_text(self, report_id: int, reporter_id: int, text: str) -> bool:
        return 1 == await self._db.execute(
            "UPDATE reports SET text = COALESCE(text || char(10) || char(10), '') || ?"
            " WHERE id = ? AND reporter_id = ?",
            (text, report_id, reporter_id),
        )
