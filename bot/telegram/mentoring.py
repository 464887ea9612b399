"""What the mentoring screens (requests, mentorships, reports, cohorts) share: a refusal in her words,
the other person's name, whether a side is a minor."""

from __future__ import annotations

import html

from bot.i18n import Translator
from bot.mentorship.rules import MAX_PENDING_REQUESTS, REFUSALS, Refusal
from bot.services import Services


def refusal_text(t: Translator, code: Refusal) -> str:
    return t(REFUSALS[code]).format(n=MAX_PENDING_REQUESTS)


async def name_of(services: Services, user_id: int) -> str:
    """Her display name, escaped for HTML."""
    return html.escape(await services.users.display_name(user_id))


async def is_minor(services: Services, user_id: int) -> bool:
    profile = await services.profiles.get(user_id)
    return bool(profile and profile.is_minor)
