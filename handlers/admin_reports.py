"""`/reports`: open safety reports with their context, and what admins can do about them."""

from __future__ import annotations

import html

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler

from bot.callbacks import cb, parse_callback, pattern
from bot.context import Context
from bot.i18n import N_
from bot.mentorship.flow import DECISIONS, decide
from bot.mentorship.rules import REPORT_LABELS, ReportReason
from bot.notices import Msg, Notice
from bot.safety import CRITICAL_REASONS
from bot.safety_queue import store as safety_queue
from bot.safety_queue.rules import due_alert, is_critical
from bot.telegram import ui
from bot.telegram.mentoring import name_of
from bot.telegram.ui import refuse_non_admin


async def reports(update: Update, context: Context) -> None:
    if await refuse_non_admin(update, context):
        return
    t = context.t
    services = context.services
    waiting = await services.reports.open_reports()
    if not waiting:
        await update.effective_message.reply_text(t("No open safety reports. 🌿"))
        return
    now = services.clock.now()
    names: dict[int, str] = {}  # the same people recur across reports and their messages

    async def named(user_id: int | None) -> str:
        if not user_id:
            return t("(erased account)")
        if user_id not in names:
            names[user_id] = await name_of(services, user_id)
        return names[user_id]

    for report, _status, added in waiting:
        reporter, reported = await named(report.reporter_id), await named(report.reported_id)
        if report.counter_of:
            title = t("<b>Counter-report #{id}</b>, to report #{first}: the reported side reported back").format(
                id=report.id, first=report.counter_of
            )
        else:
            title = t("<b>Safety report #{id}</b>").format(id=report.id)
        critical = report.reason in CRITICAL_REASONS
        hours = int((now - report.created_at).total_seconds() // 3600)
        lines = [
            title,
            t("From: {name} (id {id})").format(name=reporter, id=report.reporter_id or "—"),
            t("About: {name} (id {id})").format(name=reported, id=report.reported_id or "—"),
            t("Reason: {reason}").format(reason=t(REPORT_LABELS[ReportReason(report.reason)])),
            ("🔴 " + t("Critical") if critical else "🟡 " + t("Routine"))
            + " · "
            + t("open for {hours} h").format(hours=hours),
            t("When: {date}").format(date=t.datetime(report.created_at, context.zone)),
        ]
        if added:
            lines.append(t("In her words: {text}").format(text=html.escape(added)))
        if report.mentorship_id:
            for message in await services.relay.last_messages(report.mentorship_id, 5):
                sender = await named(message.sender_id)
                lines.append(f"· {sender}: {html.escape(message.text[:300])}")
        for kind, sender, text, _at in (await services.reports.evidence(report.id))[-10:]:
            who = t("mentee") if sender == "mentee" else t("mentor")
            mark = "?" if kind == "question" else "·"
            lines.append(f"{mark} {who}: {html.escape(text[:300])}")
        dismiss = InlineKeyboardButton("✔️ " + t("Dismiss"), callback_data=cb("report", "dismiss", report.id))
        rows = [
            [
                InlineKeyboardButton("⚠️ " + t("Warn"), callback_data=cb("report", "warn", report.id)),
                InlineKeyboardButton("⛔ " + t("Suspend"), callback_data=cb("report", "suspend", report.id)),
            ],
            # A report on a pending request has no mentorship to end: the request was withdrawn.
            [
                InlineKeyboardButton("✖️ " + t("End the mentorship"), callback_data=cb("report", "end", report.id)),
                dismiss,
            ]
            if report.mentorship_id
            else [dismiss],
        ]
        await update.effective_message.reply_text("\n".join(lines), reply_markup=InlineKeyboardMarkup(rows))


async def act(update: Update, context: Context) -> None:
    if await refuse_non_admin(update, context):
        return
    query, t, services = update.callback_query, context.t, context.services
    data = parse_callback(query.data)
    report_id = data.int_arg(0) if data else None
    if report_id is None or data.action not in DECISIONS:
        await ui.stale_button(update, context)
        return
    decision = await decide(services, report_id, query.from_user.id, data.action, services.clock.now())
    if decision is None and await services.reports.get_report(report_id) is None:
        await ui.stale_button(update, context)
        return
    if decision is None:
        await query.answer(t("Another admin has already dealt with this report."), show_alert=True)
        await ui.settle(query, None)
        return
    await query.answer(t("Saved ✓"))
    await services.sender.send(decision.notices)  # first: a failed edit must not cost them
    verdict = {
        "warn": t("Warned"),
        "suspend": t("Suspended"),
        "end": t("Mentorship ended"),
        "dismiss": t("Dismissed"),
    }[data.action]
    await ui.settle(query, f"{query.message.text_html}\n\n<b>{html.escape(verdict)} ✓</b>")


async def realert_overdue(app: Application) -> None:
    """Reports waiting too long alert every admin again, once per threshold (the claim is durable)."""
    services = app.bot_data.services
    now = services.clock.now()
    for report_id, reason, created_at, alerts_sent, reviewed in await safety_queue.open_past(services.db, now):
        level = due_alert(reason, now - created_at, alerts_sent, reviewed=reviewed)
        if level is None or not await safety_queue.claim(services.db, report_id, level):
            continue
        hours = int((now - created_at).total_seconds() // 3600)
        lines = (
            Msg(N_("⏰ Safety report #{id} is still open after {hours} h."), id=report_id, hours=hours),
            Msg(
                N_("🔴 Critical: {reason}") if is_critical(reason) else N_("🟡 Routine: {reason}"),
                reason=Msg(REPORT_LABELS[ReportReason(reason)]),
            ),
            Msg(N_("Please look at it now: /reports")),
        )
        await services.sender.send([Notice(admin_id, lines) for admin_id in sorted(services.settings.admin_ids)])


def register(app: Application) -> None:
    app.add_handler(CommandHandler("reports", reports))
    app.add_handler(CallbackQueryHandler(act, pattern=pattern("report")))
