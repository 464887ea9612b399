"""No request waits forever: a nudge to the mentor, then expiry (pausing a mentor who misses)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.db._rows import iso
from bot.db.database import Repository
from bot.mentorship.rules import MISSED_TO_PAUSE
from bot.mentorship.store.requests import Request, load_request, withdraw_pending
from bot.mentorship.store.rows import record_event


@dataclass(frozen=True, slots=True)
class Expired:
    request: Request
    mentor_paused: bool  # this expiry was her MISSED_TO_PAUSE-th in a row
    withdrawn: list[Request]  # the paused mentor's other pending requests, closed


class RequestExpiryRepository(Repository):
    async def due_nudges(self, now: datetime, after) -> list[int]:
        rows = await self._db.fetchall(
            "SELECT id FROM requests"
            " WHERE status = 'pending' AND nudged_at IS NULL AND created_at <= ?"
            " AND expires_at > ? ORDER BY id",
            (iso(now - after), iso(now)),
        )
        return [row[0] for row in rows]

    async def claim_nudge(self, request_id: int, now: datetime) -> Request | None:
        """Mark the reminder as sent; None if another run sent it or the request moved on."""
        async with self._db.transaction() as tx:
            claimed = await tx.execute(
                "UPDATE requests SET nudged_at = ? WHERE id = ? AND status = 'pending' AND nudged_at IS NULL",
                (iso(now), request_id),
            )
            if not claimed:
                return None
            await record_event(tx, now, "nudged", None, request_id=request_id)
            return await load_request(tx, request_id)

    async def due_expiries(self, now: datetime) -> list[int]:
        rows = await self._db.fetchall(
            "SELECT id FROM requests WHERE status = 'pending' AND expires_at <= ? ORDER BY expires_at, id",
            (iso(now),),
        )
        return [row[0] for row in rows]

    async def expire(self, request_id: int, now: datetime) -> Expired | None:
        """Close an unanswered request once; the MISSED_TO_PAUSE-th in a row pauses the mentor."""
        async with self._db.transaction() as tx:
            claimed = await tx.execute(
                "UPDATE requests SET status = 'expired', answered_at = ?"
                " WHERE id = ? AND status = 'pending' AND expires_at <= ?",
                (iso(now), request_id, iso(now)),
            )
            if not claimed:
                return None
            request = await load_request(tx, request_id)
            await record_event(tx, now, "expired", None, request_id=request_id)
            await tx.execute(
                "UPDATE profiles SET missed_requests = missed_requests + 1 WHERE user_id = ?",
                (request.mentor_id,),
            )
            missed = await tx.fetchval("SELECT missed_requests FROM profiles WHERE user_id = ?", (request.mentor_id,))
            if (missed or 0) < MISSED_TO_PAUSE:
                return Expired(request, False, [])
            await tx.execute(
                "UPDATE profiles SET mentor_paused = 1, missed_requests = 0 WHERE user_id = ?",
                (request.mentor_id,),
            )
            others = await withdraw_pending(
                tx, request.mentor_id, now, side="mentor_id", actor_id=None, detail="mentor_paused"
            )
            return Expired(request, True, others)
