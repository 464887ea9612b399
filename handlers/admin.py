"""`/admin`: the programme team's menu, and `/audit`: who did what."""

from __future__ import annotations

import html

from telegram import Update
from telegram.ext import Application, CommandHandler

from bot.context import Context
from bot.telegram import ui


async def admin_menu(update: Update, context: Context) -> None:
    if await ui.refuse_non_admin(update, context):
        return
    t = context.t
    lines = [
        t("<b>Programme admin</b>"),
        "",
        "/broadcast — " + t("send a story or a message to everyone or a segment"),
        "/cards — " + t("the story library: preview, hide or show a card"),
        "📎 " + t("send a card file (slug.toml) to check, preview and publish it"),
        "/nominations — " + t("women users suggested for a card: accept, decline, CSV"),
        "/pending — " + t("mentors waiting for approval"),
        "/cohort — " + t("match all waiting mentees at once"),
        "/opportunity_new — " + t("add an opportunity step by step, with a preview"),
        "/opportunities_admin — " + t("opportunities: counts, edit, close early, verify"),
        "/stats — " + t("the programme in numbers"),
        "/outcomes — " + t("what changed for mentees: survey indicators, a chart and a workbook (optional dates)"),
        "/experiments — " + t("experiments: list, define, stop, report"),
        "/export — " + t("CSV files for reports"),
        "/reports — " + t("safety reports"),
        "/audit — " + t("the latest admin actions"),
    ]
    await update.effective_message.reply_text("\n".join(lines))


async def audit(update: Update, context: Context) -> None:
    if await ui.refuse_non_admin(update, context):
        return
    t = context.t
    entries = await context.services.admin.audit(limit=20)
    if not entries:
        await update.effective_message.reply_text(t("No admin actions yet."))
        return
    lines = [t("<b>Latest admin actions</b>"), ""]
    for entry in entries:
        when = t.datetime(entry.at, context.zone)
        lines.append(f"{when} · {entry.admin_id} · {html.escape(entry.action)} {html.escape(entry.target)}")
    await update.effective_message.reply_text("\n".join(lines))


def register(app: Application) -> None:
    app.add_handler(CommandHandler("admin", admin_menu))
    app.add_handler(CommandHandler("audit", audit))
