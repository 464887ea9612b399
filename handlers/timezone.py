"""`/timezone`: anyone sets the zone her times are shown in, from a short list or by its name."""

from __future__ import annotations

import html
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import Application, CommandHandler

from bot.callbacks import cb, parse_callback
from bot.context import Context
from bot.i18n import N_
from bot.sessions.rules import COMMON_ZONES, find_zone, utc_offset_label
from bot.telegram import conversations, ui

CONVERSATION = "timezone"
ZONE_NAME = "zone_name"


async def show_timezone(update: Update, context: Context) -> None:
    t, zone = context.t, context.zone
    now = context.services.clock.now()
    rows = [
        [InlineKeyboardButton(f"{t(label)} ({utc_offset_label(name, now)})", callback_data=cb("tz", "set", index))]
        for index, (name, label) in enumerate(COMMON_ZONES)
    ]
    rows.append([InlineKeyboardButton("⌨️ " + t("Type a different one"), callback_data=cb("tz", "type"))])
    await update.effective_message.reply_text(
        t(
            "Your time zone is {zone} (it's {time} there now). Sessions and reminders are shown "
            "in it. Choose yours, or type its name, like Europe/Berlin."
        ).format(zone=html.escape(zone.key), time=t.time(now, zone)),
        reply_markup=InlineKeyboardMarkup(rows),
    )


async def on_timezone_button(update: Update, context: Context) -> object:
    query, t = update.callback_query, context.t
    data = parse_callback(query.data)
    if data is not None and data.action == "type":
        await query.answer()
        state = await conversations.enter(update, context, CONVERSATION, ZONE_NAME, "")
        await query.message.reply_text(t("Type your time zone's name, like Europe/Berlin or Asia/Almaty."))
        return state
    index = data.int_arg(0) if data else None
    if index is None or index >= len(COMMON_ZONES):
        await ui.stale_button(update, context)
        return
    name = COMMON_ZONES[index][0]
    await set_zone(context, query.from_user.id, name)
    await query.answer(t("Saved ✓"))
    await ui.edit(query, zone_saved(context, name))
    return conversations.END


def zone_saved(context: Context, name: str) -> str:
    t, zone = context.t, ZoneInfo(name)
    return t("Done: your time zone is {zone}. It's {time} there now.").format(
        zone=html.escape(name), time=t.time(context.services.clock.now(), zone)
    )


async def set_zone(context: Context, user_id: int, name: str) -> None:
    await context.services.users.set_timezone(user_id, name)
    context.user_record = await context.services.users.get(user_id)


@ui.text_step(CONVERSATION, ZONE_NAME, limit=64, not_text=N_("Please type the name as text, like Europe/Berlin."))
async def read_timezone(update: Update, context: Context, _: str, text: str) -> object:
    message = update.effective_message
    name = find_zone(text)
    if name is None:
        state = await conversations.enter(update, context, CONVERSATION, ZONE_NAME, "")
        await message.reply_text(
            context.t(
                "I don't know the time zone “{name}”. Please type a name like Europe/Berlin or "
                "Asia/Bishkek, or /cancel."
            ).format(name=html.escape(text))
        )
        return state
    await set_zone(context, update.effective_user.id, name)
    await message.reply_text(zone_saved(context, name))
    return conversations.END


def register(app: Application) -> None:
    app.add_handler(CommandHandler("timezone", show_timezone))
    ui.add_area(app, "tz", on_timezone_button, conversation=CONVERSATION, states={ZONE_NAME: (read_timezone,)})
