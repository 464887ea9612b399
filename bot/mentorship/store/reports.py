"""Safety reports: made (pausing the mentorship), added to, listed, closed, and acted on."""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from datetime import datetime

from bot.db._rows import by_id, iso, load
from bot.db.accountability import DEV_KEY, note_account
from bot.db.database import Database, Session
from bot.mentorship.rules import Refusal, Refused, Status, can_move
from bot.mentorship.store.mentorships import current_in
from bot.mentorship.store.requests import Request, load_request, withdraw_pending
from bot.mentorship.store.rows import (
    Mentorship,
    exclude_pair,
    load_mentorship,
    load_party,
    move,
    record_event,
)
from bot.safety import account_hash, counter_report_of, may_resume


@dataclass(frozen=True, slots=True)
class Report:
    id: int
    reporter_id: int
    reported_id: int | None
    mentorship_id: int | None
    reason: str
    created_at: datetime
    counter_of: int | None = None
    status: str = "open"
    alerts_sent: int = 0

    @classmethod
    def from_row(cls, row) -> Report:
        return load(cls, row)


@dataclass(frozen=True, slots=True)
class Decided:
    report: Report
    resumed: bool  # the mentorship is active again (no other report on it is open)
    reported_minor: bool


class ReportRepository:
    def __init__(self, db: Database, key: bytes = DEV_KEY) -> None:
        self._db = db
        self._key = key

    async def report(self, mentorship_id: int, reporter_id: int, reason: str, now: datetime) -> Report:
        """Record a report, pause the mentorship at once and never match the pair again."""
        async with self._db.transaction() as tx:
            mentorship = await load_party(tx, mentorship_id, reporter_id)
            reported = mentorship.other(reporter_id)
            open_ones = await tx.fetchall(
                "SELECT id, reported_id FROM reports WHERE mentorship_id = ? AND status <> 'closed' ORDER BY id",
                (mentorship_id,),
            )
            counter_of = counter_report_of(mentorship.status, reporter_id, [(r[0], r[1]) for r in open_ones])
            await move(tx, mentorship, Status.PAUSED, reporter_id, now, detail="report")
            report = Report(0, reporter_id, reported, mentorship_id, reason, now, counter_of)
            report_id = await self._file(tx, report, mentorship.mentee_id, mentorship.mentor_id)
        return replace(report, id=report_id)

    async def report_request(self, request_id: int, mentee_id: int, reason: str, now: datetime) -> Report:
        """She reports the mentor of her pending request: it is withdrawn, and they are never matched again."""
        async with self._db.transaction() as tx:
            request = await load_request(tx, request_id)
            if request.mentee_id != mentee_id:
                raise Refused(Refusal.NOT_YOURS)
            await tx.execute(
                "UPDATE requests SET status = 'withdrawn', answered_at = ? WHERE id = ? AND status = 'pending'",
                (iso(now), request_id),
            )
            await record_event(tx, now, "withdrawn", mentee_id, request_id=request_id, detail="report")
            report = Report(0, mentee_id, request.mentor_id, None, reason, now)
            report_id = await self._file(tx, report, mentee_id, request.mentor_id, request_id=request_id)
        return replace(report, id=report_id)

    async def _file(
        self, tx: Session, report: Report, mentee_id: int, mentor_id: int, *, request_id: int | None = None
    ) -> int:
        """Store the report with both sides' keyed hashes (they outlive an erasure), exclude the pair for
        good and note it on the reported account; its id."""
        minor = await tx.fetchval(
            "SELECT COALESCE(age_band, '') <> '18+' FROM profiles WHERE user_id = ?", (report.reporter_id,)
        )
        report_id = await tx.insert(
            "INSERT INTO reports (reporter_id, reported_id, mentorship_id, request_id, reason, created_at,"
            " reporter_hash, reported_hash, reporter_minor, counter_of) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                report.reporter_id,
                report.reported_id,
                report.mentorship_id,
                request_id,
                report.reason,
                iso(report.created_at),
                account_hash(self._key, report.reporter_id),
                account_hash(self._key, report.reported_id),
                int(bool(minor)),
                report.counter_of,
            ),
        )
        await exclude_pair(tx, mentee_id, mentor_id, "reported", report.created_at)
        await tx.execute(
            "INSERT INTO kept_exclusions (mentee_hash, mentor_hash, created_at) VALUES (?, ?, ?)"
            " ON CONFLICT DO NOTHING",
            (account_hash(self._key, mentee_id), account_hash(self._key, mentor_id), iso(report.created_at)),
        )
        what = "counter-reported" if report.counter_of else "reported"
        await note_account(
            tx, self._key, report.reported_id, report.created_at, what=f"{what}:{report.reason}", report=report_id
        )
        return report_id

    async def get_report(self, report_id: int) -> Report | None:
        return await by_id(self._db, Report, "reports", report_id)

    async def decide(self, report_id: int, admin_id: int, decision: str, now: datetime) -> Decided | None:
        """Close a report once (None if someone already did) and apply the decision to its mentorship.

        Warn and Dismiss resume it only when no other report on it is still open (F1).
        """
        async with self._db.transaction() as tx:
            return await decide_in(tx, report_id, admin_id, decision, now)

    async def open_reports(self, limit: int = 20) -> list[tuple[Report, str, str | None]]:
        """Reports not yet closed, oldest first, with their status and what the reporter added."""
        # A counter-report comes right after the report it answers.
        rows = await self._db.fetchall(
            "SELECT * FROM reports WHERE status <> 'closed' ORDER BY COALESCE(counter_of, id), id LIMIT ?", (limit,)
        )
        return [(Report.from_row(r), r["status"], r["text"]) for r in rows]

    async def evidence(self, report_id: int) -> list[tuple[str, str, str, datetime]]:
        """(kind, sender role, text, when) kept for a report after an erasure, oldest first."""
        rows = await self._db.fetchall(
            "SELECT kind, sender, text, at FROM report_evidence WHERE report_id = ? ORDER BY id", (report_id,)
        )
        return [(r[0], r[1], r[2], datetime.fromisoformat(r[3])) for r in rows]

    async def suspend(self, user_id: int, admin_id: int, now: datetime) -> tuple[list[Mentorship], list[Request]]:
        """Suspend her: no more matching or messages, and no mentorship or open request is left to her,
        whoever is on the other side; all in one transaction.

        Each current mentorship is cancelled with its future sessions and their reminders (a mentor
        may have several mentees); each pending request to or from her is withdrawn. Returns both,
        for the other people to be told.
        """
        async with self._db.transaction() as tx:
            return await self.suspend_in(tx, user_id, admin_id, now)

    async def suspend_in(
        self, tx: Session, user_id: int, admin_id: int, now: datetime
    ) -> tuple[list[Mentorship], list[Request]]:
        """`suspend`, inside the caller's transaction."""
        await tx.execute("UPDATE users SET suspended_at = ? WHERE id = ? AND suspended_at IS NULL", (iso(now), user_id))
        await note_account(tx, self._key, user_id, now, what="suspended", suspended=True)
        ended = await current_in(tx, user_id)
        for mentorship in ended:
            await move(tx, mentorship, Status.CANCELLED, admin_id, now, detail="suspended")
        withdrawn = await withdraw_pending(tx, user_id, now, side="either", actor_id=admin_id, detail="suspended")
        return ended, withdrawn

    async def add_report_text(self, report_id: int, reporter_id: int, text: str) -> bool:
        return 1 == await self._db.execute(
            "UPDATE reports SET text = COALESCE(text || char(10) || char(10), '') || ?"
            " WHERE id = ? AND reporter_id = ?",
            (text, report_id, reporter_id),
        )


async def _open_on(tx: Session, mentorship_id: int) -> int:
    return await tx.fetchval(
        "SELECT COUNT(*) FROM reports WHERE mentorship_id = ? AND status <> 'closed'", (mentorship_id,)
    )


async def decide_in(tx: Session, report_id: int, admin_id: int, decision: str, now: datetime) -> Decided | None:
    """`ReportRepository.decide`, inside the caller's transaction."""
    row = await tx.fetchone("SELECT * FROM reports WHERE id = ? AND status <> 'closed'", (report_id,))
    if row is None:
        return None
    report = Report.from_row(row)
    await tx.execute(
        "UPDATE reports SET status = 'closed', decision = ?, decided_at = COALESCE(decided_at, ?) WHERE id = ?",
        (decision, iso(now), report_id),
    )
    await tx.execute("DELETE FROM report_evidence WHERE report_id = ?", (report_id,))
    reported_minor = bool(
        report.reported_id is not None
        and await tx.fetchval(
            "SELECT COALESCE(age_band, '') <> '18+' FROM profiles WHERE user_id = ?", (report.reported_id,)
        )
    )
    resumed = False
    if report.mentorship_id is not None:
        mentorship = await load_mentorship(tx, report.mentorship_id)
        if decision in ("warn", "dismiss"):
            still_open = await _open_on(tx, mentorship.id)
            if may_resume(still_open) and can_move(mentorship.status, Status.ACTIVE):
                await move(tx, mentorship, Status.ACTIVE, admin_id, now, detail="admin")
                resumed = True
        elif can_move(mentorship.status, Status.CANCELLED):
            await move(tx, mentorship, Status.CANCELLED, admin_id, now, detail="admin")
    return Decided(report, resumed, reported_minor)


async def audit_in(tx: Session, admin_id: int, action: str, now: datetime, target: int, **details: int | None) -> None:
    """The admin audit's row for a decision, in the decision's own transaction (bot.admin.store reads it)."""
    await tx.execute(
        "INSERT INTO admin_audit (admin_id, action, target, details, at) VALUES (?, ?, ?, ?, ?)",
        (admin_id, action, str(target), json.dumps(details, ensure_ascii=False), iso(now)),
    )
