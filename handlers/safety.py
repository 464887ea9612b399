"""Kept only for handlers/requests.py, which still imports `tell_ended` (a request-card block that
ends a mentorship); delete this module when it calls bot.mentorship.notices.ended itself.
The mentorship's own reports, blocks and ends are in handlers/mentorship.py and bot.mentorship.flow.
"""

from __future__ import annotations

from telegram import Bot

from bot.mentorship.notices import ended
from bot.mentorship.rules import EndReason
from bot.services import Services


async def tell_ended(bot: Bot, services: Services, user_id: int, by: int, reason: EndReason | None) -> None:
    record = await services.users.get(user_id)
    name = await services.users.display_name(by)
    await services.sender.send([ended(user_id, name, reason, to_mentee=bool(record and record.role == "mentee"))])
