"""What every mentoring journey shares: writing to the other side, and refused or stale buttons."""

from __future__ import annotations

import html
import logging
from zoneinfo import ZoneInfo

from telegram import Bot, InlineKeyboardMarkup, Message, Update
from telegram.error import Forbidden, TelegramError

from bot.context import Context
from bot.i18n import Translator, translator
from bot.mentorship.rules import MAX_PENDING_REQUESTS, REFUSALS, Refusal
from bot.services import Services

log = logging.getLogger(__name__)


def refusal_text(t: Translator, code: Refusal) -> str:
    return t(REFUSALS[code]).format(n=MAX_PENDING_REQUESTS)


async def stale(update: Update, context: Context) -> None:
    await update.callback_query.answer(
        context.t("This button is out of date. Tap /start to begin again."), show_alert=True
    )


async def reader_of(services: Services, user_id: int) -> tuple[Translator, ZoneInfo]:
    """Her translator and time zone, for writing to someone other than who pressed."""
    record = await services.users.get(user_id)
    if record is None:
        return translator(None), services.settings.default_timezone
    return translator(record.language), ZoneInfo(record.timezone)


async def name_of(services: Services, user_id: int) -> str:
    """Her display name, escaped for HTML."""
    profile = await services.profiles.get(user_id)
    if profile is not None and profile.answers.display_name:
        return html.escape(profile.answers.display_name)
    record = await services.users.get(user_id)
    return html.escape(record.first_name) if record and record.first_name else "—"


async def deliver(
    bot: Bot,
    services: Services,
    user_id: int,
    text: str,
    markup: InlineKeyboardMarkup | None = None,
) -> Message | None:
    """Send to someone who did not just write to us; None if she cannot be reached."""
    try:
        return await bot.send_message(user_id, text, reply_markup=markup)
    except Forbidden:
        await services.users.mark_blocked(user_id, services.clock.now())
    except TelegramError as error:
        log.warning("could not write to %s: %s", user_id, error)
    return None


async def is_minor(services: Services, user_id: int) -> bool:
    profile = await services.profiles.get(user_id)
    return bool(profile and profile.is_minor)
