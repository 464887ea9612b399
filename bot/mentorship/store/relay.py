"""Messages relayed through the bot inside an active mentorship (neither side sees the other's
account), kept for the safeguarding team's view of a report.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.db._rows import iso
from bot.db.database import Repository, Session
from bot.mentorship.rules import Refusal, Refused, Status
from bot.mentorship.store.rows import Mentorship, load_party
from bot.safety import MINOR_CONTACT_HELD_SQL, minor_contact_held


@dataclass(frozen=True, slots=True)
class RelayMessage:
    id: int
    mentorship_id: int
    sender_id: int
    recipient_id: int
    text: str
    sent_at: datetime


class RelayRepository(Repository):
    async def relay(self, mentorship_id: int, sender_id: int, text: str, now: datetime) -> RelayMessage:
        """Store a message for the other side; only in an active mentorship."""
        async with self._db.transaction() as tx:
            mentorship = await load_party(tx, mentorship_id, sender_id)
            await check_may_relay(tx, mentorship, sender_id)
            return await insert(tx, mentorship, sender_id, text, now)

    async def mark_delivered(self, message_id: int) -> None:
        await self._db.execute("UPDATE relay_messages SET delivered = 1 WHERE id = ?", (message_id,))

    async def last_messages(self, mentorship_id: int, limit: int) -> list[RelayMessage]:
        rows = await self._db.fetchall(
            "SELECT * FROM (SELECT * FROM relay_messages WHERE mentorship_id = ? ORDER BY id DESC LIMIT ?) ORDER BY id",
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


async def check_may_relay(tx: Session, mentorship: Mentorship, sender_id: int) -> None:
    """`Refused` unless she may write to the other side now: active, not suspended, and no minor's
    contact held back (bot.safety.minor_contact_held)."""
    if mentorship.status != Status.ACTIVE:
        raise Refused(Refusal.NOT_ACTIVE)
    if await tx.fetchval("SELECT suspended_at FROM users WHERE id = ?", (sender_id,)):
        raise Refused(Refusal.SUSPENDED)
    minor, cleared = await tx.fetchone(MINOR_CONTACT_HELD_SQL, (mentorship.mentee_id, mentorship.mentor_id))
    if minor_contact_held(bool(minor), bool(cleared)):
        raise Refused(Refusal.ACCEPT_CODE if sender_id == mentorship.mentor_id else Refusal.CLEARANCE_HELD)


async def insert(tx: Session, mentorship: Mentorship, sender_id: int, text: str, now: datetime) -> RelayMessage:
    recipient = mentorship.other(sender_id)
    message_id = await tx.insert(
        "INSERT INTO relay_messages (mentorship_id, sender_id, recipient_id, text, sent_at) VALUES (?, ?, ?, ?, ?)",
        (mentorship.id, sender_id, recipient, text, iso(now)),
    )
    return RelayMessage(message_id, mentorship.id, sender_id, recipient, text, now)
