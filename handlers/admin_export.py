"""`/export`: CSV files for reports over a date range (free-text fields only when asked)."""

from __future__ import annotations

from datetime import datetime

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler

from bot.admin import flow
from bot.callbacks import Callback, cb, pattern
from bot.context import Context
from bot.i18n import N_
from bot.labelled import Labelled
from bot.telegram import ui


class Period(Labelled):
    """The periods /export offers; the value is what bot.admin.flow.export reads."""

    DAYS_30 = "30", N_("Last 30 days")
    DAYS_90 = "90", N_("Last 90 days")
    MONTHS_12 = "365", N_("Last 12 months")
    ALL = "all", N_("Everything")


async def export(update: Update, context: Context) -> None:
    if await ui.refuse_non_admin(update, context):
        return
    t = context.t
    rows = [[InlineKeyboardButton(t(period.label), callback_data=cb("exp", "go", period, 0))] for period in Period]
    rows.append([InlineKeyboardButton(t("Everything, with names and bios"), callback_data=cb("exp", "go", "all", 1))])
    await update.effective_message.reply_text(
        t("Which period? Profiles, mentorships, sessions with feedback and deliveries come as CSV files."),
        reply_markup=InlineKeyboardMarkup(rows),
    )


async def on_go(update: Update, context: Context, data: Callback, admin_id: int, now: datetime) -> None:
    query = update.callback_query
    key = data.arg(0)
    if key not in Period.labels():
        await ui.stale_button(update, context)
        return
    await query.answer(context.t("Preparing the files…"))
    files = await flow.export(context.services, admin_id, key, data.arg(1) == "1", now)
    for filename, content in files:
        await query.message.reply_document(content, filename=filename)


def register(app: Application) -> None:
    app.add_handler(CommandHandler("export", export))
    app.add_handler(CallbackQueryHandler(ui.admin_area({"go": on_go}), pattern=pattern("exp")))
