"""Requests, mentorships and what happens in them: events, relayed messages, exclusions,
reports, cohort runs and contact consent.

Every rule that two people could race on (three pending requests, one mentor per mentee,
a mentor's capacity, a request answered once) is checked and written in one transaction.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, fields
from datetime import UTC, datetime
from typing import Any

from bot.db.database import Database, Session
from bot.domain import Availability, Field, Goal, Language, MeetingFormat, Region, Stage
from bot.matching import Exclusions, MenteeProfile, MentorProfile, eligible
from bot.matching import score as match_score
from bot.mentorship import (
    CURRENT,
    MAX_PENDING_REQUESTS,
    MISSED_TO_PAUSE,
    Refusal,
    Refused,
    Status,
    can_move,
    expires_at,
)

_CURRENT_SQL = "('" + "', '".join(CURRENT) + "')"


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


@dataclass(frozen=True, slots=True)
class Request:
    id: int
    mentee_id: int
    mentor_id: int
    status: str
    source: str
    note: str | None
    score: int | None
    decline_reason: str | None
    question: str | None
    answer: str | None
    created_at: datetime
    answered_at: datetime | None
    nudged_at: datetime | None
    expires_at: datetime

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> Request:
        return _load(cls, row)


@dataclass(frozen=True, slots=True)
class Mentorship:
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
        return _load(cls, row)

    def other(self, user_id: int) -> int:
        return self.mentor_id if user_id == self.mentee_id else self.mentee_id

    def shares(self, user_id: int) -> bool:
        return (
            self.mentee_shares_contact if user_id == self.mentee_id else self.mentor_shares_contact
        )


@dataclass(frozen=True, slots=True)
class Accepted:
    request: Request
    mentorship: Mentorship
    withdrawn: list[Request]  # her other pending requests, closed by this acceptance


@dataclass(frozen=True, slots=True)
class Expired:
    request: Request
    mentor_paused: bool  # this expiry was her MISSED_TO_PAUSE-th in a row
    withdrawn: list[Request]  # the paused mentor's other pending requests, closed


@dataclass(frozen=True, slots=True)
class RelayMessage:
    id: int
    mentorship_id: int
    sender_id: int
    recipient_id: int
    text: str
    sent_at: datetime


@dataclass(frozen=True, slots=True)
class Report:
    id: int
    reporter_id: int
    reported_id: int | None
    mentorship_id: int | None
    reason: str
    created_at: datetime


def _codes(enum: type, raw: str) -> frozenset:
    """JSON codes as enum members; a code from an older version is dropped."""
    return frozenset(enum(code) for code in json.loads(raw) if code in enum._value2member_map_)


def _member(enum: type, value: str | None):
    return enum._value2member_map_.get(value) if value else None


def _mentee(row: sqlite3.Row) -> MenteeProfile | None:
    stage, region = _member(Stage, row["stage"]), _member(Region, row["region"])
    meeting = _member(MeetingFormat, row["meeting_format"])
    if stage is None or region is None or meeting is None:
        return None
    return MenteeProfile(
        user_id=row["user_id"],
        fields=_codes(Field, row["fields"]),
        goals=_codes(Goal, row["goals"]),
        stage=stage,
        languages=_codes(Language, row["languages"]),
        availability=_codes(Availability, row["availability"]),
        meeting_format=meeting,
        region=region,
        is_minor=bool(row["is_minor"]),
    )


def _mentor(row: sqlite3.Row) -> MentorProfile | None:
    stage, region = _member(Stage, row["stage"]), _member(Region, row["region"])
    meeting = _member(MeetingFormat, row["meeting_format"])
    if stage is None or region is None or meeting is None:
        return None
    return MentorProfile(
        user_id=row["user_id"],
        fields=_codes(Field, row["fields"]),
        topics=_codes(Goal, row["goals"]),
        stage=stage,
        languages=_codes(Language, row["languages"]),
        availability=_codes(Availability, row["availability"]),
        meeting_format=meeting,
        region=region,
        approved=row["mentor_status"] == "approved",
        # A mentor who blocked the bot cannot hear of requests: as good as paused.
        paused=bool(row["mentor_paused"]) or bool(row["blocked_bot"]),
        cleared_for_minors=bool(row["cleared_for_minors"]),
        capacity=row["capacity"] or 0,
        active_mentees=row["current_mentees"],
        last_new_mentee_at=_time(row["last_new_mentee_at"]),
        last_active_at=_time(row["last_seen_at"]),
    )


_MENTEES = (
    "SELECT p.*, u.blocked_bot FROM profiles p JOIN users u ON u.id = p.user_id"
    " WHERE u.role = 'mentee' AND p.completed_at IS NOT NULL AND u.suspended_at IS NULL"
)
_MENTORS = (
    "SELECT p.*, u.last_seen_at, u.blocked_bot,"
    " (SELECT COUNT(*) FROM mentorships m"
    f" WHERE m.mentor_id = p.user_id AND m.status IN {_CURRENT_SQL})"
    " AS current_mentees,"
    " (SELECT MAX(m.started_at) FROM mentorships m WHERE m.mentor_id = p.user_id)"
    " AS last_new_mentee_at"
    " FROM profiles p JOIN users u ON u.id = p.user_id"
    " WHERE u.role = 'mentor' AND p.completed_at IS NOT NULL AND u.suspended_at IS NULL"
)


class MentorshipRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    # --- who can be matched -------------------------------------------------------------

    async def mentee_profile(self, user_id: int) -> MenteeProfile | None:
        """Her matching profile, if she is a mentee who finished onboarding."""
        row = await self._db.fetchone(f"{_MENTEES} AND p.user_id = ?", (user_id,))
        return None if row is None else _mentee(row)

    async def mentor_profile(self, user_id: int) -> MentorProfile | None:
        row = await self._db.fetchone(f"{_MENTORS} AND p.user_id = ?", (user_id,))
        return None if row is None else _mentor(row)

    async def mentor_profiles(self) -> list[MentorProfile]:
        """Every mentor who finished onboarding (approved or not: `why_no_match` counts all)."""
        rows = await self._db.fetchall(f"{_MENTORS} ORDER BY p.user_id")
        return [m for m in map(_mentor, rows) if m is not None]

    async def waiting_mentees(self) -> list[MenteeProfile]:
        """Mentees with no current mentorship and no pending request: a cohort's candidates."""
        rows = await self._db.fetchall(
            f"{_MENTEES} AND u.blocked_bot = 0"
            " AND NOT EXISTS (SELECT 1 FROM mentorships m"
            f" WHERE m.mentee_id = p.user_id AND m.status IN {_CURRENT_SQL})"
            " AND NOT EXISTS (SELECT 1 FROM requests r"
            " WHERE r.mentee_id = p.user_id AND r.status = 'pending')"
            " ORDER BY p.completed_at, p.user_id"
        )
        return [m for m in map(_mentee, rows) if m is not None]

    async def exclusions(self, mentee_id: int | None = None) -> set[tuple[int, int]]:
        """Pairs not to suggest: declined, blocked, reported, let expire, or already asked."""
        where, params = ("WHERE mentee_id = ?", (mentee_id,)) if mentee_id is not None else ("", ())
        rows = await self._db.fetchall(
            f"SELECT mentee_id, mentor_id FROM exclusions {where}"
            " UNION SELECT mentee_id, mentor_id FROM requests"
            f" {where + ' AND' if where else 'WHERE'} status IN ('pending', 'expired')",
            params * 2,
        )
        return {(row[0], row[1]) for row in rows}

    # --- requests -----------------------------------------------------------------------

    async def get_request(self, request_id: int) -> Request | None:
        row = await self._db.fetchone("SELECT * FROM requests WHERE id = ?", (request_id,))
        return None if row is None else Request.from_row(row)

    async def pending_requests(
        self, *, mentee_id: int | None = None, mentor_id: int | None = None
    ) -> list[Request]:
        column, value = (
            ("mentee_id", mentee_id) if mentee_id is not None else ("mentor_id", mentor_id)
        )
        rows = await self._db.fetchall(
            f"SELECT * FROM requests WHERE {column} = ? AND status = 'pending'"
            " ORDER BY created_at, id",
            (value,),
        )
        return [Request.from_row(row) for row in rows]

    async def create_request(
        self,
        mentee_id: int,
        mentor_id: int,
        now: datetime,
        *,
        note: str | None = None,
        source: str = "mentee",
        actor_id: int | None = None,
    ) -> Request:
        """Her request, if every limit and hard rule allows it; else `Refused`."""
        async with self._db.transaction() as tx:
            row = await tx.fetchone(f"{_MENTEES} AND p.user_id = ?", (mentee_id,))
            mentee = None if row is None else _mentee(row)
            if mentee is None:
                raise Refused(Refusal.NOT_A_MENTEE)
            if await self._current(tx, "mentee_id", mentee_id):
                raise Refused(Refusal.HAS_MENTOR)
            pending = await tx.fetchall(
                "SELECT mentor_id FROM requests WHERE mentee_id = ? AND status = 'pending'",
                (mentee_id,),
            )
            if any(r[0] == mentor_id for r in pending):
                raise Refused(Refusal.ALREADY_ASKED)
            if len(pending) >= MAX_PENDING_REQUESTS:
                raise Refused(Refusal.TOO_MANY_PENDING)
            row = await tx.fetchone(f"{_MENTORS} AND p.user_id = ?", (mentor_id,))
            mentor = None if row is None else _mentor(row)
            if mentor is None or eligible(
                mentee, mentor, await self._excluded(tx, mentee_id, mentor_id)
            ):
                raise Refused(Refusal.MENTOR_UNAVAILABLE)
            request_id = await tx.insert(
                "INSERT INTO requests"
                " (mentee_id, mentor_id, source, note, score, created_at, expires_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    mentee_id,
                    mentor_id,
                    source,
                    note,
                    match_score(mentee, mentor, now).score,
                    _iso(now),
                    _iso(expires_at(now)),
                ),
            )
            actor = mentee_id if actor_id is None else actor_id
            await self._event(tx, now, "requested", actor, request_id=request_id, detail=source)
            return await self._request(tx, request_id)

    async def accept(self, request_id: int, mentor_id: int, now: datetime) -> Accepted:
        """The mentor says yes: a mentorship starts and her other requests close, or `Refused`."""
        async with self._db.transaction() as tx:
            request = await self._answerable(tx, request_id, mentor_id, now)
            if await self._current(tx, "mentee_id", request.mentee_id):
                raise Refused(Refusal.MENTEE_TAKEN)
            row = await tx.fetchone(f"{_MENTORS} AND p.user_id = ?", (mentor_id,))
            mentor = None if row is None else _mentor(row)
            if mentor is None or not mentor.approved:
                raise Refused(Refusal.MENTOR_UNAVAILABLE)
            if mentor.paused:
                raise Refused(Refusal.MENTOR_PAUSED)
            if mentor.active_mentees >= mentor.capacity:
                raise Refused(Refusal.MENTOR_FULL)
            minor = await tx.fetchval(
                "SELECT is_minor FROM profiles WHERE user_id = ?", (request.mentee_id,)
            )
            if minor and not mentor.cleared_for_minors:
                raise Refused(Refusal.MENTOR_UNAVAILABLE)
            await tx.execute(
                "UPDATE requests SET status = 'accepted', answered_at = ?"
                " WHERE id = ? AND status = 'pending'",
                (_iso(now), request_id),
            )
            mentorship_id = await tx.insert(
                "INSERT INTO mentorships (mentee_id, mentor_id, request_id, status, started_at)"
                " VALUES (?, ?, ?, 'active', ?)",
                (request.mentee_id, mentor_id, request_id, _iso(now)),
            )
            await self._event(tx, now, "accepted", mentor_id, request_id=request_id)
            await self._event(
                tx, now, Status.ACTIVE, mentor_id, mentorship_id=mentorship_id, detail="requested"
            )
            others = await tx.fetchall(
                "SELECT * FROM requests WHERE mentee_id = ? AND status = 'pending' ORDER BY id",
                (request.mentee_id,),
            )
            for other in others:
                await tx.execute(
                    "UPDATE requests SET status = 'withdrawn', answered_at = ? WHERE id = ?",
                    (_iso(now), other["id"]),
                )
                await self._event(
                    tx, now, "withdrawn", None, request_id=other["id"], detail="matched"
                )
            await tx.execute(
                "UPDATE profiles SET missed_requests = 0 WHERE user_id = ?", (mentor_id,)
            )
            return Accepted(
                await self._request(tx, request_id),
                await self._mentorship(tx, mentorship_id),
                [Request.from_row(row) for row in others],
            )

    async def decline(self, request_id: int, mentor_id: int, reason: str, now: datetime) -> Request:
        async with self._db.transaction() as tx:
            request = await self._answerable(tx, request_id, mentor_id, now)
            await tx.execute(
                "UPDATE requests SET status = 'declined', decline_reason = ?, answered_at = ?"
                " WHERE id = ?",
                (reason, _iso(now), request_id),
            )
            await self._exclude(tx, request.mentee_id, mentor_id, "declined", now)
            await tx.execute(
                "UPDATE profiles SET missed_requests = 0 WHERE user_id = ?", (mentor_id,)
            )
            await self._event(tx, now, "declined", mentor_id, request_id=request_id, detail=reason)
            return await self._request(tx, request_id)

    async def check_answerable(self, request_id: int, mentor_id: int, now: datetime) -> Request:
        """The request if this mentor may still answer it (before asking her which reason)."""
        async with self._db.reading() as s:
            return await self._answerable(s, request_id, mentor_id, now)

    async def ask(self, request_id: int, mentor_id: int, question: str, now: datetime) -> Request:
        """The mentor's question to the mentee before she answers the request."""
        async with self._db.transaction() as tx:
            await self._answerable(tx, request_id, mentor_id, now)
            await tx.execute(
                "UPDATE requests SET question = ?, answer = NULL WHERE id = ?",
                (question, request_id),
            )
            await self._event(tx, now, "asked", mentor_id, request_id=request_id)
            return await self._request(tx, request_id)

    async def answer(self, request_id: int, mentee_id: int, text: str, now: datetime) -> Request:
        """Her answer to the mentor's question; the request stays pending."""
        async with self._db.transaction() as tx:
            request = await self._request(tx, request_id, missing=Refusal.NOT_FOUND)
            if request.mentee_id != mentee_id:
                raise Refused(Refusal.NOT_YOURS)
            self._still_pending(request, now)
            if request.question is None:
                raise Refused(Refusal.ANSWERED)
            await tx.execute("UPDATE requests SET answer = ? WHERE id = ?", (text, request_id))
            await self._event(tx, now, "answered", mentee_id, request_id=request_id)
            return await self._request(tx, request_id)

    async def due_nudges(self, now: datetime, after) -> list[int]:
        rows = await self._db.fetchall(
            "SELECT id FROM requests"
            " WHERE status = 'pending' AND nudged_at IS NULL AND created_at <= ?"
            " AND expires_at > ? ORDER BY id",
            (_iso(now - after), _iso(now)),
        )
        return [row[0] for row in rows]

    async def claim_nudge(self, request_id: int, now: datetime) -> Request | None:
        """Mark the reminder as sent; None if another run sent it or the request moved on."""
        async with self._db.transaction() as tx:
            claimed = await tx.execute(
                "UPDATE requests SET nudged_at = ?"
                " WHERE id = ? AND status = 'pending' AND nudged_at IS NULL",
                (_iso(now), request_id),
            )
            if not claimed:
                return None
            await self._event(tx, now, "nudged", None, request_id=request_id)
            return await self._request(tx, request_id)

    async def due_expiries(self, now: datetime) -> list[int]:
        rows = await self._db.fetchall(
            "SELECT id FROM requests WHERE status = 'pending' AND expires_at <= ?"
            " ORDER BY expires_at, id",
            (_iso(now),),
        )
        return [row[0] for row in rows]

    async def expire(self, request_id: int, now: datetime) -> Expired | None:
        """Close an unanswered request once; the MISSED_TO_PAUSE-th in a row pauses the mentor."""
        async with self._db.transaction() as tx:
            claimed = await tx.execute(
                "UPDATE requests SET status = 'expired', answered_at = ?"
                " WHERE id = ? AND status = 'pending' AND expires_at <= ?",
                (_iso(now), request_id, _iso(now)),
            )
            if not claimed:
                return None
            request = await self._request(tx, request_id)
            await self._event(tx, now, "expired", None, request_id=request_id)
            await tx.execute(
                "UPDATE profiles SET missed_requests = missed_requests + 1 WHERE user_id = ?",
                (request.mentor_id,),
            )
            missed = await tx.fetchval(
                "SELECT missed_requests FROM profiles WHERE user_id = ?", (request.mentor_id,)
            )
            if (missed or 0) < MISSED_TO_PAUSE:
                return Expired(request, False, [])
            await tx.execute(
                "UPDATE profiles SET mentor_paused = 1, missed_requests = 0 WHERE user_id = ?",
                (request.mentor_id,),
            )
            others = await tx.fetchall(
                "SELECT * FROM requests WHERE mentor_id = ? AND status = 'pending' ORDER BY id",
                (request.mentor_id,),
            )
            for other in others:
                await tx.execute(
                    "UPDATE requests SET status = 'withdrawn', answered_at = ? WHERE id = ?",
                    (_iso(now), other["id"]),
                )
                await self._event(
                    tx, now, "withdrawn", None, request_id=other["id"], detail="mentor_paused"
                )
            return Expired(request, True, [Request.from_row(row) for row in others])

    # --- mentorships --------------------------------------------------------------------

    async def get(self, mentorship_id: int) -> Mentorship | None:
        row = await self._db.fetchone("SELECT * FROM mentorships WHERE id = ?", (mentorship_id,))
        return None if row is None else Mentorship.from_row(row)

    async def current(self, user_id: int) -> list[Mentorship]:
        """Her current (active or paused) mentorships, as mentee or as mentor."""
        rows = await self._db.fetchall(
            "SELECT * FROM mentorships"
            f" WHERE (mentee_id = ? OR mentor_id = ?) AND status IN {_CURRENT_SQL}"
            " ORDER BY started_at, id",
            (user_id, user_id),
        )
        return [Mentorship.from_row(row) for row in rows]

    async def party_of(self, mentorship_id: int, user_id: int) -> Mentorship:
        """The mentorship if she is one of its two people, else `Refused` (forged buttons)."""
        async with self._db.reading() as s:
            return await self._party(s, mentorship_id, user_id)

    async def share_contact(
        self, mentorship_id: int, user_id: int, now: datetime
    ) -> tuple[Mentorship, bool]:
        """Her consent to share; True the one time both have agreed (send the contacts then)."""
        async with self._db.transaction() as tx:
            mentorship = await self._party(tx, mentorship_id, user_id)
            if mentorship.status != Status.ACTIVE:
                raise Refused(Refusal.NOT_ACTIVE)
            if await tx.fetchval(
                "SELECT is_minor FROM profiles WHERE user_id = ?", (mentorship.mentee_id,)
            ):
                raise Refused(Refusal.MINOR)
            column = (
                "mentee_shares_contact"
                if user_id == mentorship.mentee_id
                else "mentor_shares_contact"
            )
            if await tx.execute(
                f"UPDATE mentorships SET {column} = 1 WHERE id = ? AND {column} = 0",
                (mentorship_id,),
            ):
                await self._event(tx, now, "contact_consent", user_id, mentorship_id=mentorship_id)
            both = await tx.execute(
                "UPDATE mentorships SET contacts_sent_at = ?"
                " WHERE id = ? AND mentee_shares_contact = 1"
                " AND mentor_shares_contact = 1 AND contacts_sent_at IS NULL",
                (_iso(now), mentorship_id),
            )
            if both:
                await self._event(tx, now, "contacts_shared", None, mentorship_id=mentorship_id)
            return await self._mentorship(tx, mentorship_id), bool(both)

    async def relay(
        self, mentorship_id: int, sender_id: int, text: str, now: datetime
    ) -> RelayMessage:
        """Store a message for the other side; only in an active mentorship."""
        async with self._db.transaction() as tx:
            mentorship = await self._party(tx, mentorship_id, sender_id)
            if mentorship.status != Status.ACTIVE:
                raise Refused(Refusal.NOT_ACTIVE)
            if await tx.fetchval("SELECT suspended_at FROM users WHERE id = ?", (sender_id,)):
                raise Refused(Refusal.SUSPENDED)
            recipient = mentorship.other(sender_id)
            message_id = await tx.insert(
                "INSERT INTO relay_messages (mentorship_id, sender_id, recipient_id, text, sent_at)"
                " VALUES (?, ?, ?, ?, ?)",
                (mentorship_id, sender_id, recipient, text, _iso(now)),
            )
        return RelayMessage(message_id, mentorship_id, sender_id, recipient, text, now)

    async def mark_delivered(self, message_id: int) -> None:
        await self._db.execute(
            "UPDATE relay_messages SET delivered = 1 WHERE id = ?", (message_id,)
        )

    async def last_messages(self, mentorship_id: int, limit: int) -> list[RelayMessage]:
        rows = await self._db.fetchall(
            "SELECT * FROM (SELECT * FROM relay_messages WHERE mentorship_id = ?"
            " ORDER BY id DESC LIMIT ?) ORDER BY id",
            (mentorship_id, limit),
        )
        return [
            RelayMessage(
                r["id"],
                r["mentorship_id"],
                r["sender_id"],
                r["recipient_id"],
                r["text"],
                datetime.fromisoformat(r["sent_at"]),
            )
            for r in rows
        ]

    async def report(
        self, mentorship_id: int, reporter_id: int, reason: str, now: datetime
    ) -> Report:
        """Record a report, pause the mentorship at once and never match the pair again."""
        async with self._db.transaction() as tx:
            mentorship = await self._party(tx, mentorship_id, reporter_id)
            reported = mentorship.other(reporter_id)
            report_id = await tx.insert(
                "INSERT INTO reports (reporter_id, reported_id, mentorship_id, reason, created_at)"
                " VALUES (?, ?, ?, ?, ?)",
                (reporter_id, reported, mentorship_id, reason, _iso(now)),
            )
            await self._move(tx, mentorship, Status.PAUSED, reporter_id, now, detail="report")
            await self._exclude(tx, mentorship.mentee_id, mentorship.mentor_id, "reported", now)
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
            (Report(r["id"], r["reporter_id"], r["reported_id"], r["mentorship_id"], r["reason"],
                    datetime.fromisoformat(r["created_at"])), r["status"], r["text"])
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
            mentorship = await self._mentorship(tx, mentorship_id)
            if not can_move(mentorship.status, Status(target)):
                return False
            await self._move(tx, mentorship, Status(target), admin_id, now, detail="admin")
        return True

    async def add_report_text(self, report_id: int, reporter_id: int, text: str) -> bool:
        return 1 == await self._db.execute(
            "UPDATE reports SET text = COALESCE(text || char(10) || char(10), '') || ?"
            " WHERE id = ? AND reporter_id = ?",
            (text, report_id, reporter_id),
        )

    async def block(self, mentorship_id: int, user_id: int, now: datetime) -> Mentorship:
        """End the mentorship at once and never match the pair again."""
        async with self._db.transaction() as tx:
            mentorship = await self._party(tx, mentorship_id, user_id)
            await self._move(
                tx, mentorship, Status.CANCELLED, user_id, now, detail="blocked", strict=True
            )
            await self._exclude(tx, mentorship.mentee_id, mentorship.mentor_id, "blocked", now)
            return await self._mentorship(tx, mentorship_id)

    async def end(self, mentorship_id: int, user_id: int, reason: str, now: datetime) -> Mentorship:
        async with self._db.transaction() as tx:
            mentorship = await self._party(tx, mentorship_id, user_id)
            await self._move(
                tx, mentorship, Status.COMPLETED, user_id, now, detail=reason, strict=True
            )
            return await self._mentorship(tx, mentorship_id)

    async def events(
        self, *, mentorship_id: int | None = None, request_id: int | None = None
    ) -> list[dict[str, Any]]:
        column, value = (
            ("mentorship_id", mentorship_id)
            if mentorship_id is not None
            else ("request_id", request_id)
        )
        rows = await self._db.fetchall(
            f"SELECT * FROM mentorship_events WHERE {column} = ? ORDER BY id", (value,)
        )
        return [dict(row) for row in rows]

    # --- cohort runs --------------------------------------------------------------------

    async def save_cohort_run(self, admin_id: int, preview: dict[str, Any], now: datetime) -> int:
        return await self._insert(
            "INSERT INTO cohort_runs (created_by, preview, created_at) VALUES (?, ?, ?)",
            (admin_id, json.dumps(preview), _iso(now)),
        )

    async def claim_cohort_run(self, run_id: int, now: datetime) -> dict[str, Any] | None:
        """The preview to send, once: a second Confirm (or a discarded run) gets None."""
        async with self._db.transaction() as tx:
            if not await tx.execute(
                "UPDATE cohort_runs SET status = 'confirmed', confirmed_at = ?"
                " WHERE id = ? AND status = 'preview'",
                (_iso(now), run_id),
            ):
                return None
            return json.loads(
                await tx.fetchval("SELECT preview FROM cohort_runs WHERE id = ?", (run_id,))
            )

    async def finish_cohort_run(self, run_id: int, summary: dict[str, Any], sent: int) -> None:
        """Keep only counts: the pairs live on as requests with source 'cohort'."""
        await self._db.execute(
            "UPDATE cohort_runs SET preview = ?, sent = ? WHERE id = ?",
            (json.dumps(summary), sent, run_id),
        )

    async def discard_cohort_run(self, run_id: int) -> bool:
        return 1 == await self._db.execute(
            "UPDATE cohort_runs SET status = 'discarded', preview = '{}'"
            " WHERE id = ? AND status = 'preview'",
            (run_id,),
        )

    async def cohort_run_status(self, run_id: int) -> str | None:
        return await self._db.fetchval("SELECT status FROM cohort_runs WHERE id = ?", (run_id,))

    # --- her data -----------------------------------------------------------------------

    async def export(self, user_id: int) -> dict[str, list[dict[str, Any]]]:
        """Every row of these tables about her (for /mydata)."""
        queries = {
            "requests": "SELECT * FROM requests WHERE mentee_id = ?1 OR mentor_id = ?1",
            "mentorships": "SELECT * FROM mentorships WHERE mentee_id = ?1 OR mentor_id = ?1",
            "relay_messages": "SELECT * FROM relay_messages"
            " WHERE sender_id = ?1 OR recipient_id = ?1",
            "reports_made": "SELECT id, reported_id, mentorship_id, reason, text, status,"
            " created_at FROM reports WHERE reporter_id = ?1",
        }
        async with self._db.reading() as s:
            return {
                name: [dict(r) for r in await s.fetchall(sql, (user_id,))]
                for name, sql in queries.items()
            }

    # --- inside a transaction -----------------------------------------------------------

    async def _insert(self, sql: str, params) -> int:
        async with self._db.transaction() as tx:
            return await tx.insert(sql, params)

    @staticmethod
    async def _event(
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
            (request_id, mentorship_id, actor_id, str(event), detail, _iso(now)),
        )

    @staticmethod
    async def _exclude(
        tx: Session, mentee_id: int, mentor_id: int, reason: str, now: datetime
    ) -> None:
        await tx.execute(
            "INSERT INTO exclusions (mentee_id, mentor_id, reason, created_at) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (mentee_id, mentor_id) DO UPDATE SET reason = excluded.reason",
            (mentee_id, mentor_id, reason, _iso(now)),
        )

    @staticmethod
    async def _excluded(tx: Session, mentee_id: int, mentor_id: int) -> Exclusions:
        row = await tx.fetchone(
            "SELECT 1 FROM exclusions WHERE mentee_id = ? AND mentor_id = ?", (mentee_id, mentor_id)
        )
        return {(mentee_id, mentor_id)} if row else set()

    @staticmethod
    async def _current(tx: Session, column: str, user_id: int) -> int:
        return await tx.fetchval(
            f"SELECT COUNT(*) FROM mentorships WHERE {column} = ? AND status IN {_CURRENT_SQL}",
            (user_id,),
        )

    @staticmethod
    async def _request(tx: Session, request_id: int, *, missing: Refusal | None = None) -> Request:
        row = await tx.fetchone("SELECT * FROM requests WHERE id = ?", (request_id,))
        if row is None:
            raise Refused(missing or Refusal.NOT_FOUND)
        return Request.from_row(row)

    @staticmethod
    async def _mentorship(tx: Session, mentorship_id: int) -> Mentorship:
        row = await tx.fetchone("SELECT * FROM mentorships WHERE id = ?", (mentorship_id,))
        if row is None:
            raise Refused(Refusal.NOT_FOUND)
        return Mentorship.from_row(row)

    @staticmethod
    def _still_pending(request: Request, now: datetime) -> None:
        if request.status == "expired" or (
            request.status == "pending" and now >= request.expires_at
        ):
            raise Refused(Refusal.EXPIRED)
        if request.status != "pending":
            raise Refused(Refusal.ANSWERED)

    async def _answerable(
        self, tx: Session, request_id: int, mentor_id: int, now: datetime
    ) -> Request:
        """Who pressed first (a third person learns nothing about the state), then the state."""
        request = await self._request(tx, request_id)
        if request.mentee_id == mentor_id:
            raise Refused(Refusal.OWN_REQUEST)
        if request.mentor_id != mentor_id:
            raise Refused(Refusal.NOT_YOURS)
        self._still_pending(request, now)
        return request

    async def _party(self, tx: Session, mentorship_id: int, user_id: int) -> Mentorship:
        mentorship = await self._mentorship(tx, mentorship_id)
        if user_id not in (mentorship.mentee_id, mentorship.mentor_id):
            raise Refused(Refusal.NOT_YOURS)
        return mentorship

    async def _move(
        self,
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
            (target, ended, _iso(now), ended, detail, mentorship.id, mentorship.status),
        )
        await self._event(tx, now, target, actor_id, mentorship_id=mentorship.id, detail=detail)
