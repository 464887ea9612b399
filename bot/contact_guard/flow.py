"""Screening one typed text for contact details, as a use case: the verdict (None: it may go) and,
for a minor's text, the flag to every admin. Relayed messages screen with `hold_in` inside their
own transaction (bot.mentorship.flow.relay); requests' notes, questions and answers call `check`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from bot.contact_guard import notices, store
from bot.contact_guard.rules import Action, Verdict, screen
from bot.db.database import Session
from bot.notices import Notice

if TYPE_CHECKING:
    from bot.services import Services


@dataclass(frozen=True)
class Held:
    """The text did not go: `action` says why (a minor: HOLD; adults: SHARE)."""

    action: Action
    flag_id: int
    notices: list[Notice] = field(default_factory=list)


async def hold_in(
    tx: Session, source: str, sender_id: int, recipient_id: int, text: str, now: datetime
) -> tuple[Verdict, int] | None:
    """In the caller's transaction: the verdict and its stored flag, or None if the text may go."""
    verdict = screen(text, minor=await store.any_minor(tx, sender_id, recipient_id))
    if verdict is None:
        return None
    return verdict, await store.record_in(tx, verdict, source, sender_id, recipient_id, text, now)


async def admin_notices(
    services: Services, verdict: Verdict, flag_id: int, source: str, sender_id: int, recipient_id: int, text: str
) -> list[Notice]:
    if verdict.action is not Action.HOLD:
        return []  # between adults the text stays private: she is only asked to use Share my contact
    sender = (sender_id, await services.users.display_name(sender_id))
    recipient = (recipient_id, await services.users.display_name(recipient_id))
    return notices.flagged(sorted(services.settings.admin_ids), flag_id, source, sender, recipient, text)


async def check(
    services: Services, source: str, sender_id: int, recipient_id: int, text: str, now: datetime
) -> Held | None:
    """None if the text may go; else what was held, with the admins' flag for a minor's text."""
    async with services.db.transaction() as tx:
        held = await hold_in(tx, source, sender_id, recipient_id, text, now)
    if held is None:
        return None
    verdict, flag_id = held
    told = await admin_notices(services, verdict, flag_id, source, sender_id, recipient_id, text)
    return Held(verdict.action, flag_id, told)
