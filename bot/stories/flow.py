"""The stories feature's use cases: no Telegram; the delivery engine sends what they queue."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from bot.stories.schedule import Frequency, TimeOfDay, next_due

if TYPE_CHECKING:
    from bot.services import Services


DEFAULT_FREQUENCY = Frequency.TWICE_WEEKLY
DEFAULT_TIME = TimeOfDay.EVENING


async def subscribe(
    services: Services, user_id: int, now: datetime, frequency: str = DEFAULT_FREQUENCY, time_of_day: str = DEFAULT_TIME
) -> None:
    """Stories on her schedule, the first one due at the next such time in her zone."""
    record = await services.users.get(user_id)
    zone = ZoneInfo(record.timezone if record else services.settings.default_timezone.key)
    due = next_due(Frequency(frequency), TimeOfDay(time_of_day), zone, now)
    await services.stories.subscribe(user_id, frequency, time_of_day, due, now)


async def queue_due_push(services: Services, now: datetime) -> bool:
    """The next unseen card for every subscriber whose time has come, queued in one transaction
    with her next due time; True if anything was queued (the outbox then sends it)."""
    items = []
    for sub in await services.stories.due(now):
        if sub.slug is None:
            continue
        due = next_due(Frequency(sub.frequency), TimeOfDay(sub.time_of_day), ZoneInfo(sub.timezone), now)
        items.append((sub.user_id, sub.language, sub.slug, due))
    return await services.stories.queue_push(now, items) is not None
