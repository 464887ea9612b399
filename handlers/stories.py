"""Stories: `/story` now, `/stories` on her schedule, and the road from a story to a mentor."""

from __future__ import annotations

import logging

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler

from bot.callbacks import cb, parse_callback, pattern
from bot.context import Context
from bot.i18n import Translator
from bot.stories import flow
from bot.stories.schedule import FREQUENCY_LABELS, TIME_LABELS, Frequency, TimeOfDay
from bot.telegram.story_card import send_card
from handlers import common
from handlers.matching import show_mentors

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
        await show_mentors(update, context, data.arg(0) or None)


async def open_story(update: Update, context: Context, slug: str) -> bool:
    """A shared deep link (/start story_<slug>): show that card. False if there is no such card."""
    card = context.services.cards.get(slug)
    if card is None or slug in await context.services.stories.hidden_slugs():
        return False
    await send_card(context.bot, context.services, update.effective_user.id, context.t.language, card)
    return True


def subscription_text(t: Translator, active: bool, frequency: str, time_of_day: str) -> str:
    lines = [t("<b>Stories of women in STEM, on your schedule</b>"), ""]
    if active:
        lines.append(
            t("You get a story: {frequency}, {time}.").format(
                frequency=t(FREQUENCY_LABELS[Frequency(frequency)]).lower(),
                time=t(TIME_LABELS[TimeOfDay(time_of_day)]).lower(),
            )
        )
    else:
        lines.append(t("Stories are off. Choose how often and when, and turn them on."))
    return "\n".join(lines)


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
        await query.answer(context.t("This button is out of date. Tap /start to begin again."), show_alert=True)
        return
    if active:
        await flow.subscribe(services, user_id, services.clock.now(), frequency, time_of_day)
        await query.answer(context.t("Saved ✓"))
    else:
        await services.stories.unsubscribe(user_id, services.clock.now())
        await query.answer(context.t("Stories are off. You can turn them on here any time."))
    await common.edit(
        query,
        subscription_text(context.t, active, frequency, time_of_day),
        subscription_keyboard(context.t, active, frequency, time_of_day),
    )


async def push_due_stories(app: Application) -> None:
    services = app.bot_data.services
    if await flow.queue_due_push(services, services.clock.now()):
        services.delivery.kick("stories")


def register(app: Application) -> None:
    app.add_handler(CommandHandler("story", story))
    app.add_handler(CommandHandler("stories", stories_settings))
    app.add_handler(CallbackQueryHandler(on_story_button, pattern=pattern("st")))
    app.add_handler(CallbackQueryHandler(on_subscription_button, pattern=pattern("sub")))
