"""Open reports as the re-alert job sees them, and the claim that makes each alert go once."""

from __future__ import annotations

from datetime import datetime

from bot.db import Database
from bot.db._rows import iso
from bot.safety_queue.rules import CRITICAL_AFTER


async def open_past(db: Database, now: datetime) -> list[tuple[int, str, datetime, int, bool]]:
    """(id, reason, created at, alerts sent, reviewed) of open reports older than the first threshold."""
    rows = await db.fetchall(
        "SELECT id, reason, created_at, alerts_sent, status <> 'open' OR decided_at IS NOT NULL AS reviewed"
        " FROM reports WHERE status <> 'closed' AND created_at <= ? AND alerts_sent < 2 ORDER BY id",
        (iso(now - CRITICAL_AFTER),),
    )
    return [(r[0], r[1], datetime.fromisoformat(r[2]), r[3], bool(r[4])) for r in rows]


async def claim(db: Database, report_id: int, level: int) -> bool:
    """Mark the alert of this threshold as sent; False if another run already did (never twice)."""
    return 1 == await db.execute(
        "UPDATE reports SET alerts_sent = ? WHERE id = ? AND alerts_sent < ? AND status <> 'closed'",
        (level, report_id, level),
    )
