"""A mentee's request to a mentor and its answer: accepted, declined, or questioned first."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime

from bot.db._rows import by_id, iso, load
from bot.db.database import Repository, Session
from bot.matching.rules import MenteeProfile, MentorProfile, eligible
from bot.matching.rules import score as match_score
from bot.matching.store import check_pair, excluded_in, mentee_in, mentor_in
from bot.mentorship.rules import MAX_PENDING_REQUESTS, Refusal, Refused, Status, expires_at
from bot.mentorship.store.rows import (
    Mentorship,
    count_current,
    exclude_pair,
    load_mentorship,
    record_event,
)
from bot.safety import MAX_QUESTIONS


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
        return load(cls, row)


@dataclass(frozen=True, slots=True)
class Accepted:
    request: Request
    mentorship: Mentorship
    withdrawn: list[Request]  # her other pending requests, closed by this acceptance


async def load_request(tx: Session, request_id: int, *, missing: Refusal | None = None) -> Request:
    request = await by_id(tx, Request, "requests", request_id)
    if request is None:
        raise Refused(missing or Refusal.NOT_FOUND)
    return request


async def withdraw_pending(
    tx: Session, user_id: int, now: datetime, *, side: str, actor_id: int | None, detail: str
) -> list[Request]:
    """Close her pending requests as `side` ("mentee_id", "mentor_id" or "either"), each with its event;
    the requests as they were, oldest first."""
    where = "? IN (mentee_id, mentor_id)" if side == "either" else f"{side} = ?"
    rows = await tx.fetchall(f"SELECT * FROM requests WHERE {where} AND status = 'pending' ORDER BY id", (user_id,))
    for row in rows:
        await tx.execute(
            "UPDATE requests SET status = 'withdrawn', answered_at = ? WHERE id = ?", (iso(now), row["id"])
        )
        await record_event(tx, now, "withdrawn", actor_id, request_id=row["id"], detail=detail)
    return [Request.from_row(row) for row in rows]


async def requestable(tx: Session, mentee_id: int, mentor_id: int) -> tuple[MenteeProfile, MentorProfile]:
    """Both people, if she may ask this mentor now (the limits, the matching hard rules and
    bot.safety's pair rules); else `Refused`. The one place these rules run for a request."""
    mentee = await mentee_in(tx, mentee_id)
    if mentee is None:
        raise Refused(Refusal.NOT_A_MENTEE)
    if await count_current(tx, "mentee_id", mentee_id):
        raise Refused(Refusal.HAS_MENTOR)
    pending = await tx.fetchall(
        "SELECT mentor_id FROM requests WHERE mentee_id = ? AND status = 'pending'",
        (mentee_id,),
    )
    if any(r[0] == mentor_id for r in pending):
        raise Refused(Refusal.ALREADY_ASKED)
    if len(pending) >= MAX_PENDING_REQUESTS:
        raise Refused(Refusal.TOO_MANY_PENDING)
    mentor = await mentor_in(tx, mentor_id)
    if mentor is None or eligible(mentee, mentor, await excluded_in(tx, mentee_id, mentor_id)):
        raise Refused(Refusal.MENTOR_UNAVAILABLE)
    await check_pair(tx, mentee_id, mentor_id)
    return mentee, mentor


class RequestRepository(Repository):
    """Every rule that two people could race on (three pending requests, one mentor per mentee,
    a mentor's capacity, a request answered once) is checked and written in one transaction."""

    async def get_request(self, request_id: int) -> Request | None:
        return await by_id(self._db, Request, "requests", request_id)

    async def pending_requests(self, *, mentee_id: int | None = None, mentor_id: int | None = None) -> list[Request]:
        column, value = ("mentee_id", mentee_id) if mentee_id is not None else ("mentor_id", mentor_id)
        rows = await self._db.fetchall(
            f"SELECT * FROM requests WHERE {column} = ? AND status = 'pending' ORDER BY created_at, id",
            (value,),
        )
        return [Request.from_row(row) for row in rows]

    async def check_requestable(self, mentee_id: int, mentor_id: int) -> None:
        """`Refused` now if she may not ask this mentor (before asking her for a note)."""
        async with self._db.reading() as s:
            await requestable(s, mentee_id, mentor_id)

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
            mentee, mentor = await requestable(tx, mentee_id, mentor_id)
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
                    iso(now),
                    iso(expires_at(now)),
                ),
            )
            actor = mentee_id if actor_id is None else actor_id
            await record_event(tx, now, "requested", actor, request_id=request_id, detail=source)
            return await load_request(tx, request_id)

    async def accept(self, request_id: int, mentor_id: int, now: datetime) -> Accepted:
        """The mentor says yes: a mentorship starts and her other requests close, or `Refused`."""
        async with self._db.transaction() as tx:
            request = await self._answerable(tx, request_id, mentor_id, now)
            if await count_current(tx, "mentee_id", request.mentee_id):
                raise Refused(Refusal.MENTEE_TAKEN)
            mentor = await mentor_in(tx, mentor_id)
            if mentor is None or not mentor.approved:
                raise Refused(Refusal.MENTOR_UNAVAILABLE)
            if mentor.paused:
                raise Refused(Refusal.MENTOR_PAUSED)
            if mentor.active_mentees >= mentor.capacity:
                raise Refused(Refusal.MENTOR_FULL)
            await check_pair(tx, request.mentee_id, mentor_id)
            await tx.execute(
                "UPDATE requests SET status = 'accepted', answered_at = ? WHERE id = ? AND status = 'pending'",
                (iso(now), request_id),
            )
            mentorship_id = await tx.insert(
                "INSERT INTO mentorships (mentee_id, mentor_id, request_id, status, started_at)"
                " VALUES (?, ?, ?, 'active', ?)",
                (request.mentee_id, mentor_id, request_id, iso(now)),
            )
            await record_event(tx, now, "accepted", mentor_id, request_id=request_id)
            await record_event(tx, now, Status.ACTIVE, mentor_id, mentorship_id=mentorship_id, detail="requested")
            others = await withdraw_pending(
                tx, request.mentee_id, now, side="mentee_id", actor_id=None, detail="matched"
            )
            await tx.execute("UPDATE profiles SET missed_requests = 0 WHERE user_id = ?", (mentor_id,))
            return Accepted(
                await load_request(tx, request_id),
                await load_mentorship(tx, mentorship_id),
                others,
            )

    async def decline(self, request_id: int, mentor_id: int, reason: str, now: datetime) -> Request:
        async with self._db.transaction() as tx:
            request = await self._answerable(tx, request_id, mentor_id, now)
            await tx.execute(
                "UPDATE requests SET status = 'declined', decline_reason = ?, answered_at = ? WHERE id = ?",
                (reason, iso(now), request_id),
            )
            await exclude_pair(tx, request.mentee_id, mentor_id, "declined", now)
            await tx.execute("UPDATE profiles SET missed_requests = 0 WHERE user_id = ?", (mentor_id,))
            await record_event(tx, now, "declined", mentor_id, request_id=request_id, detail=reason)
            return await load_request(tx, request_id)

    async def check_answerable(self, request_id: int, mentor_id: int, now: datetime) -> Request:
        """The request if this mentor may still answer it (before asking her which reason)."""
        async with self._db.reading() as s:
            return await self._answerable(s, request_id, mentor_id, now)

    async def ask(self, request_id: int, mentor_id: int, question: str, now: datetime) -> Request:
        """The mentor's question to the mentee before she answers the request."""
        async with self._db.transaction() as tx:
            await self._answerable(tx, request_id, mentor_id, now)
            asked = await _count(tx, request_id, "question")
            if asked >= MAX_QUESTIONS:
                raise Refused(Refusal.TOO_MANY_QUESTIONS)
            await tx.execute(
                "UPDATE requests SET question = ?, answer = NULL WHERE id = ?",
                (question, request_id),
            )
            await _keep(tx, request_id, mentor_id, "question", question, now)
            await record_event(tx, now, "asked", mentor_id, request_id=request_id)
            return await load_request(tx, request_id)

    async def answer(self, request_id: int, mentee_id: int, text: str, now: datetime) -> Request:
        """Her answer to the mentor's question; the request stays pending."""
        async with self._db.transaction() as tx:
            request = await load_request(tx, request_id, missing=Refusal.NOT_FOUND)
            if request.mentee_id != mentee_id:
                raise Refused(Refusal.NOT_YOURS)
            self._still_pending(request, now)
            if request.question is None or await _count(tx, request_id, "answer") >= await _count(
                tx, request_id, "question"
            ):
                raise Refused(Refusal.ANSWERED)
            await tx.execute("UPDATE requests SET answer = ? WHERE id = ?", (text, request_id))
            await _keep(tx, request_id, mentee_id, "answer", text, now)
            await record_event(tx, now, "answered", mentee_id, request_id=request_id)
            return await load_request(tx, request_id)

    async def withdraw(self, request_id: int, mentee_id: int, now: datetime, *, block: bool = False) -> Request:
        """She takes her pending request back (and with `block`, is never matched with that mentor again)."""
        async with self._db.transaction() as tx:
            request = await load_request(tx, request_id)
            if request.mentee_id != mentee_id:
                raise Refused(Refusal.NOT_YOURS)
            self._still_pending(request, now)
            await tx.execute(
                "UPDATE requests SET status = 'withdrawn', answered_at = ? WHERE id = ? AND status = 'pending'",
                (iso(now), request_id),
            )
            await record_event(
                tx, now, "withdrawn", mentee_id, request_id=request_id, detail="block" if block else None
            )
            if block:
                await exclude_pair(tx, mentee_id, request.mentor_id, "blocked", now)
            return await load_request(tx, request_id)

    async def withdraw_all(self, user_id: int, now: datetime) -> tuple[list[Request], list[Request]]:
        """Close every pending request she is part of (she is leaving): (hers as mentee, hers as mentor)."""
        async with self._db.transaction() as tx:
            closed = await withdraw_pending(tx, user_id, now, side="either", actor_id=None, detail="erased")
        return [r for r in closed if r.mentee_id == user_id], [r for r in closed if r.mentor_id == user_id]

    async def request_messages(self, request_id: int) -> list[tuple[int, str, str]]:
        """(sender, kind, text) of every question and answer on a request, oldest first."""
        rows = await self._db.fetchall(
            "SELECT sender_id, kind, text FROM request_messages WHERE request_id = ? ORDER BY id", (request_id,)
        )
        return [(r[0], r[1], r[2]) for r in rows]

    # --- inside a transaction -----------------------------------------------------------

    @staticmethod
    def _still_pending(request: Request, now: datetime) -> None:
        if request.status == "expired" or (request.status == "pending" and now >= request.expires_at):
            raise Refused(Refusal.EXPIRED)
        if request.status != "pending":
            raise Refused(Refusal.ANSWERED)

    async def _answerable(self, tx: Session, request_id: int, mentor_id: int, now: datetime) -> Request:
        """Who pressed first (a third person learns nothing about the state), then the state."""
        request = await load_request(tx, request_id)
        if request.mentee_id == mentor_id:
            raise Refused(Refusal.OWN_REQUEST)
        if request.mentor_id != mentor_id:
            raise Refused(Refusal.NOT_YOURS)
        self._still_pending(request, now)
        return request


async def _count(tx: Session, request_id: int, kind: str) -> int:
    return await tx.fetchval(
        "SELECT COUNT(*) FROM request_messages WHERE request_id = ? AND kind = ?", (request_id, kind)
    )


async def _keep(tx: Session, request_id: int, sender_id: int, kind: str, text: str, now: datetime) -> None:
    """Every question and answer is kept with the relay log, never overwritten (F10)."""
    await tx.execute(
        "INSERT INTO request_messages (request_id, sender_id, kind, text, sent_at) VALUES (?, ?, ?, ?, ?)",
        (request_id, sender_id, kind, text, iso(now)),
    )
