"""/deleteme, before her data goes: everyone with her or waiting on her is told, while her name exists
(her mentorships end, her requests close, her circles go on without her)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from bot.circles import membership as circles
from bot.circles.store import CircleStore
from bot.matching import flow as matching
from bot.mentorship.flow import end_all_for_erasure
from bot.notices import Notice

if TYPE_CHECKING:
    from bot.services import Services


async def farewells(services: Services, user_id: int, now: datetime) -> list[Notice]:
    return [
        *await end_all_for_erasure(services, user_id, now),
        *await matching.withdraw_all(services, user_id, now),
        *await circles.erasing(CircleStore(services.db), user_id, now),
    ]
