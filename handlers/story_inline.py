"""Inline mode: `@bot` typed in any chat offers the story cards in her language, searched by name and
field in any of the three languages; each shared card carries a button that opens the bot on it."""

from __future__ import annotations

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InlineQueryResultCachedPhoto,
    InputTextMessageContent,
    Update,
)
from telegram.ext import Application, InlineQueryHandler

from bot.context import Context
from bot.domain import FIELD_LABELS
from bot.i18n import SUPPORTED, translator
from bot.stories.models import StoryCard
from bot.telegram.story_card import deep_link

PAGE = 50  # Telegram's limit of results per answer


def searchable(card: StoryCard) -> str:
    """Her name, the title and the field in every language, folded for a case-blind search."""
    parts = [card.slug]
    for language in SUPPORTED:
        text = card.text(language)
        parts += [text.name, text.title, translator(language)(FIELD_LABELS[card.field])]
    return " ".join(parts).casefold()


def matches(card: StoryCard, query: str) -> bool:
    haystack = searchable(card)
    return all(word in haystack for word in query.casefold().split())


async def on_inline_query(update: Update, context: Context) -> None:
    query = update.inline_query
    services = context.services
    language = context.language or "ru"
    t = translator(language)
    visible = [slug for slug in await services.stories.visible_slugs() if slug in services.cards]
    found = [services.cards[slug] for slug in visible if matches(services.cards[slug], query.query)]
    start = int(query.offset) if query.offset.isdigit() else 0
    page = found[start : start + PAGE]
    results = []
    for card in page:
        markup = InlineKeyboardMarkup(
            [[InlineKeyboardButton("📖 " + t("Open in the bot"), url=deep_link(context.bot.username, card.slug))]]
        )
        text = card.text(language)
        file_id = await services.stories.picture_file_id(card.slug, language)
        if file_id is not None:
            results.append(
                InlineQueryResultCachedPhoto(
                    id=card.slug,
                    photo_file_id=file_id,
                    title=text.name,
                    description=text.title,
                    caption=card.caption(language),
                    reply_markup=markup,
                )
            )
        else:
            results.append(
                InlineQueryResultArticle(
                    id=card.slug,
                    title=text.name,
                    description=text.title,
                    input_message_content=InputTextMessageContent(card.caption(language)),
                    reply_markup=markup,
                )
            )
    next_offset = str(start + PAGE) if start + PAGE < len(found) else ""
    await query.answer(results, cache_time=60, is_personal=True, next_offset=next_offset)


def register(app: Application) -> None:
    app.add_handler(InlineQueryHandler(on_inline_query))
