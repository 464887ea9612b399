"""Stories: `/story` now, `/stories` on her schedule, a shared card's link, the cards in inline
mode (`@bot` in any chat), the timed posts to the story channels, and the road from a story to a mentor."""

from __future__ import annotations

import logging

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InlineQueryResultCachedPhoto,
    InputTextMessageContent,
    Update,
)
from telegram.error import TelegramError
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, InlineQueryHandler

from bot.callbacks import cb, parse_callback, pattern
from bot.context import Context
from bot.domain import FIELD_LABELS
from bot.i18n import SUPPORTED, Translator, translator
from bot.matching import find
from bot.stories import flow
from bot.stories.models import StoryCard
from bot.stories.schedule import FREQUENCY_LABELS, TIME_LABELS, Frequency, TimeOfDay, subscription_text
from bot.story_channel import flow as channel_flow
from bot.story_channel import store as channel_store
from bot.telegram import ui
from bot.telegram.story_card import deep_link, send_card

log = logging.getLogger(__name__)

DEFAULT_FREQUENCY = flow.DEFAULT_FREQUENCY
DEFAULT_TIME = flow.DEFAULT_TIME


async def send_next_story(update: Update, context: Context) -> None:
    services = context.services
    user_id = update.effective_user.id
    slug = await services.stories.next_unseen(user_id)
    card = services.cards.get(slug) if slug else None
    if card is None:
        await update.effective_message.reply_text(context.t("No stories yet: the library is being prepared. 🌱"))
        return
    await send_card(context.bot, services, user_id, context.t.language, card)


async def story(update: Update, context: Context) -> None:
    await send_next_story(update, context)


async def on_story_button(update: Update, context: Context) -> None:
    query = update.callback_query
    data = parse_callback(query.data)
    await query.answer()
    if data.action == "next":
        await send_next_story(update, context)
    elif data.action == "mentor":
        view = await find.browse(
            context.services, query.from_user.id, 0, find.field_of(data.arg(0)), context.services.clock.now()
        )
        await context.services.sender.send([view.to(query.from_user.id)])


def subscription_keyboard(t: Translator, active: bool, frequency: str, time_of_day: str) -> InlineKeyboardMarkup:
    def mark(chosen: bool, text: str) -> str:
        return ("✅ " if chosen else "") + text

    rows = [
        [InlineKeyboardButton(mark(f == frequency, t(label)), callback_data=cb("sub", "freq", f.value))]
        for f, label in FREQUENCY_LABELS.items()
    ]
    rows += [
        [InlineKeyboardButton(mark(d == time_of_day, t(label)), callback_data=cb("sub", "time", d.value))]
        for d, label in TIME_LABELS.items()
    ]
    switch = (
        InlineKeyboardButton("🔕 " + t("Turn off"), callback_data=cb("sub", "off"))
        if active
        else InlineKeyboardButton("🔔 " + t("Turn on"), callback_data=cb("sub", "on"))
    )
    rows.append([switch])
    return InlineKeyboardMarkup(rows)


async def stories_settings(update: Update, context: Context) -> None:
    sub = await context.services.stories.subscription(update.effective_user.id)
    active = bool(sub and sub.active)
    frequency = sub.frequency if sub else DEFAULT_FREQUENCY.value
    time_of_day = sub.time_of_day if sub else DEFAULT_TIME.value
    await update.effective_message.reply_text(
        subscription_text(context.t, active, frequency, time_of_day),
        reply_markup=subscription_keyboard(context.t, active, frequency, time_of_day),
    )


async def on_subscription_button(update: Update, context: Context) -> None:
    query = update.callback_query
    data = parse_callback(query.data)
    services = context.services
    user_id = query.from_user.id
    sub = await services.stories.subscription(user_id)
    frequency = sub.frequency if sub else DEFAULT_FREQUENCY.value
    time_of_day = sub.time_of_day if sub else DEFAULT_TIME.value
    active = bool(sub and sub.active)
    value = data.arg(0)
    if data.action == "freq" and value in Frequency._value2member_map_:
        frequency, active = value, True
    elif data.action == "time" and value in TimeOfDay._value2member_map_:
        time_of_day, active = value, True
    elif data.action == "on":
        active = True
    elif data.action == "off":
        active = False
    else:
        await ui.stale_button(update, context)
        return
    if active:
        await flow.subscribe(services, user_id, services.clock.now(), frequency, time_of_day)
        await query.answer(context.t("Saved ✓"))
    else:
        await services.stories.unsubscribe(user_id, services.clock.now())
        await query.answer(context.t("Stories are off. You can turn them on here any time."))
    await ui.edit(
        query,
        subscription_text(context.t, active, frequency, time_of_day),
        subscription_keyboard(context.t, active, frequency, time_of_day),
    )


async def push_due_stories(app: Application) -> None:
    services = app.bot_data.services
    if await flow.queue_due_push(services, services.clock.now()):
        services.delivery.kick("stories")


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
    pictures = await services.stories.picture_file_ids([card.slug for card in page], language)
    results = []
    for card in page:
        markup = InlineKeyboardMarkup(
            [[InlineKeyboardButton("📖 " + t("Open in the bot"), url=deep_link(context.bot.username, card.slug))]]
        )
        text = card.text(language)
        file_id = pictures.get(card.slug)
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


async def post_due_cards(app: Application) -> None:
    services = app.bot_data.services
    settings = services.settings
    if not settings.story_channels:
        return
    visible = [slug for slug in await services.stories.visible_slugs() if slug in services.cards]
    for language, chat_id in settings.story_channels:
        claimed = await channel_flow.claim_next(
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
        await channel_store.mark_sent(services.db, post_id, message.message_id)
        log.info("story card %s posted to channel %s", slug, chat_id)


def register(app: Application) -> None:
    app.add_handler(CommandHandler("story", story))
    app.add_handler(CommandHandler("stories", stories_settings))
    app.add_handler(CallbackQueryHandler(on_story_button, pattern=pattern("st")))
    app.add_handler(CallbackQueryHandler(on_subscription_button, pattern=pattern("sub")))
    app.add_handler(InlineQueryHandler(on_inline_query))
