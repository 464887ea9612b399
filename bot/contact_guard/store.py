"""The contact_flags table: texts held back or refused for their contact details."""

from __future__ import annotations

import json
from datetime import datetime

from bot.contact_guard.rules import Action, Verdict
from bot.db import Database
from bot.db._rows import iso
from bot.db.database import Session


async def any_minor(db: Database | Session, *user_ids: int) -> bool:
    """True if one of them is not a stated adult (a missing band never loosens the rule)."""
    marks = ", ".join("?" for _ in user_ids)
    adults = await db.fetchval(
        f"SELECT COUNT(*) FROM profiles WHERE user_id IN ({marks}) AND age_band = '18+'", tuple(user_ids)
    )
    return adults < len(set(user_ids))


async def record_in(
    tx: Session, verdict: Verdict, source: str, sender_id: int, recipient_id: int, text: str, now: datetime
) -> int:
    """Store the flag; the text itself only when a minor is involved (admins need it, adults' stays private)."""
    kept = text if verdict.action is Action.HOLD else ""
    return await tx.insert(
        "INSERT INTO contact_flags (sender_id, recipient_id, source, minor, kinds, text, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        (
            sender_id,
            recipient_id,
            source,
            int(verdict.action is Action.HOLD),
            json.dumps(verdict.kinds),
            kept,
            iso(now),
        ),
    )
