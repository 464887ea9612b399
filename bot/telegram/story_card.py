"""Sending one story card to Telegram: the picture (uploaded once per card and language, then
reused by file_id), the caption in her language, and the buttons that lead on."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING
from urllib.parse import quote

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Message

from bot.callbacks import cb
from bot.domain import FIELD_LABELS
from bot.i18n import Translator, translator
from bot.stories.models import StoryCard

if TYPE_CHECKING:
    from bot.services import Services

log = logging.getLogger(__name__)

DEEP_LINK_PREFIX = "story_"


def deep_link(bot_username: str, slug: str) -> str:
    return f"https://t.me/{bot_username}?start={DEEP_LINK_PREFIX}{slug}"


def card_keyboard(t: Translator, card: StoryCard, bot_username: str, *, can_find_mentor: bool) -> InlineKeyboardMarkup:
    rows = [[InlineKeyboardButton("📖 " + t("Another story"), callback_data=cb("st", "next"))]]
    if can_find_mentor:
        rows.append(
            [
                InlineKeyboardButton(
                    "🤝 " + t("Find a mentor in this field"),
                    callback_data=cb("st", "mentor", card.field.value),
                )
            ]
        )
    share = "https://t.me/share/url?url=" + quote(deep_link(bot_username, card.slug), safe="")
    rows.append([InlineKeyboardButton("💌 " + t("Share"), url=share)])
    return InlineKeyboardMarkup(rows)


async def can_find_mentor(services: Services, user_id: int) -> bool:
    """Only a mentee (14 and over) is offered the road from a story to a mentor."""
    profile = await services.profiles.get(user_id)
    return profile is None or (profile.answers.role in (None, "mentee") and not profile.answers.stories_only)


async def send_card(
    bot: Bot,
    services: Services,
    user_id: int,
    language: str,
    card: StoryCard,
    *,
    record: bool = True,
) -> Message:
    """Send the card and count it as seen (unless it is an admin's preview).
    Raises Telegram's errors for the caller to judge."""
    t = translator(language)
    markup = card_keyboard(t, card, bot.username, can_find_mentor=await can_find_mentor(services, user_id))
    caption = card.caption(language)
    file_id = await services.stories.picture_file_id(card.slug, language)
    if file_id is not None:
        message = await bot.send_photo(user_id, file_id, caption=caption, reply_markup=markup)
    else:
        picture = await services.pictures.fetch(card, language, t(FIELD_LABELS[card.field]))
        message = await bot.send_photo(
            user_id,
            picture,
            caption=caption,
            reply_markup=markup,
            filename=f"{card.slug}-{language}.jpg",
        )
        if message.photo:
            await services.stories.remember_picture(card.slug, language, message.photo[-1].file_id)
    if record:
        await services.stories.record_view(user_id, card.slug, services.clock.now())
    return message
