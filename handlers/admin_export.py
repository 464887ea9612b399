"""`/export`: CSV files for reports over a date range (free-text fields only when asked)."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler

from bot.admin import flow
from bot.callbacks import cb, parse_callback, pattern
from bot.context import Context
from bot.i18n import N_
from bot.telegram import ui

RANGES = {
    "30": N_("Last 30 days"),
    "90": N_("Last 90 days"),
    "365": N_("Last 12 months"),
    "all": N_("Everything"),
}


async def export(update: Update, context: Context) -> None:
    if await ui.refuse_non_admin(update, context):
        return
    t = context.t
    rows = [[InlineKeyboardButton(t(label), callback_data=cb("exp", "go", key, 0))] for key, label in RANGES.items()]
    rows.append([InlineKeyboardButton(t("Everything, with names and bios"), callback_data=cb("exp", "go", "all", 1))])
    await update.effective_message.reply_text(
        t("Which period? Profiles, mentorships, sessions with feedback and deliveries come as CSV files."),
        reply_markup=InlineKeyboardMarkup(rows),
    )


async def on_button(update: Update, context: Context) -> None:
    if await ui.refuse_non_admin(update, context):
        return
    query = update.callback_query
    data = parse_callback(query.data)
    key = data.arg(0)
    if data.action != "go" or key not in RANGES:
        await query.answer(context.t("This button is out of date. Tap /start to begin again."), show_alert=True)
        return
    await query.answer(context.t("Preparing the files…"))
    services = context.services
    files = await flow.export(services, query.from_user.id, key, data.arg(1) == "1", services.clock.now())
    for filename, content in files:
        await query.message.reply_document(content, filename=filename)


def register(app: Application) -> None:
    app.add_handler(CommandHandler("export", export))
    app.add_handler(CallbackQueryHandler(on_button, pattern=pattern("exp")))
