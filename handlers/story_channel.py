"""The timed job that posts a story card to each configured public channel, with a button into the bot."""

from __future__ import annotations

import logging

from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import TelegramError
from telegram.ext import Application

from bot.domain import FIELD_LABELS
from bot.i18n import translator
from bot.story_channel import flow, store
from bot.telegram.story_card import deep_link

log = logging.getLogger(__name__)


async def post_due_cards(app: Application) -> None:
    services = app.bot_data.services
    settings = services.settings
    if not settings.story_channels:
        return
    visible = [slug for slug in await services.stories.visible_slugs() if slug in services.cards]
    for language, chat_id in settings.story_channels:
        claimed = await flow.claim_next(
            services.db, chat_id, visible, settings.story_channel_every, services.clock.now()
        )
        if claimed is None:
            continue
        post_id, slug = claimed
        card = services.cards[slug]
        t = translator(language)
        markup = InlineKeyboardMarkup(
            [[InlineKeyboardButton("📖 " + t("Open in the bot"), url=deep_link(app.bot.username, slug))]]
        )
        picture = await services.stories.picture_file_id(slug, language)
        if picture is None:
            picture = await services.pictures.fetch(card, language, t(FIELD_LABELS[card.field]))
        try:
            message = await app.bot.send_photo(chat_id, picture, caption=card.caption(language), reply_markup=markup)
        except TelegramError:
            # The row stays: the card counts as posted rather than risk posting it twice.
            log.exception("story card %s could not be posted to channel %s", slug, chat_id)
            continue
        await store.mark_sent(services.db, post_id, message.message_id)
        log.info("story card %s posted to channel %s", slug, chat_id)
