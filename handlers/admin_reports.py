"""`/reports`: open safety reports with their context, and what admins can do about them."""

from __future__ import annotations

import html

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import Forbidden
from telegram.ext import Application, CallbackQueryHandler, CommandHandler

from bot.callbacks import cb, parse_callback, pattern
from bot.context import Context
from bot.i18n import N_, translator
from bot.matching import flow as matching
from bot.mentorship.rules import REPORT_LABELS, ReportReason
from bot.notices import Msg, Notice
from bot.safety import CRITICAL_REASONS
from bot.safety_queue import store as safety_queue
from bot.safety_queue.rules import due_alert, is_critical
from bot.telegram import ui
from bot.telegram.ui import name_of, refuse_non_admin

ACTIONS = ("warn", "suspend", "end", "dismiss")


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
    for report, _status, added in waiting:
        reporter = await name_of(services, report.reporter_id) if report.reporter_id else t("(erased account)")
        reported = await name_of(services, report.reported_id) if report.reported_id else t("(erased account)")
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
                sender = await name_of(services, message.sender_id)
                lines.append(f"· {sender}: {html.escape(message.text[:300])}")
        for kind, sender, text, _at in (await services.reports.evidence(report.id))[-10:]:
            who = t("mentee") if sender == "mentee" else t("mentor")
            mark = "?" if kind == "question" else "·"
            lines.append(f"{mark} {who}: {html.escape(text[:300])}")
        rows = [
            [
                InlineKeyboardButton("⚠️ " + t("Warn"), callback_data=cb("report", "warn", report.id)),
                InlineKeyboardButton("⛔ " + t("Suspend"), callback_data=cb("report", "suspend", report.id)),
            ],
            [
                InlineKeyboardButton("✖️ " + t("End the mentorship"), callback_data=cb("report", "end", report.id)),
                InlineKeyboardButton("✔️ " + t("Dismiss"), callback_data=cb("report", "dismiss", report.id)),
            ],
        ]
        await update.effective_message.reply_text("\n".join(lines), reply_markup=InlineKeyboardMarkup(rows))


async def tell(context: Context, user_id: int | None, message: str) -> None:
    """Send one of the texts below in her language (she may have blocked the bot: then nothing)."""
    if user_id is None:
        return
    record = await context.services.users.get(user_id)
    if record is None:
        return
    t = translator(record.language)
    try:
        await context.bot.send_message(user_id, t(message))
    except Forbidden:
        await context.services.users.mark_blocked(user_id, context.services.clock.now())


WARNING = N_(
    "The programme team received a report about your conversation. Please keep every conversation "
    "kind, respectful and inside the bot. Another report may suspend your account."
)
SUSPENDED = N_(
    "The programme team has suspended your account after a safety report. You can no longer be "
    "matched or send messages. If you think this is a mistake, please contact the programme organisers."
)
ENDED = N_("The programme team has ended this mentorship after a safety report. Thank you for telling us.")
ENDED_OTHER = N_(
    "The programme team has ended your mentorship. /mentors can help you find a new one when you are ready."
)
WARNED = N_(
    "The programme team has spoken to the other person about your report. Your mentorship can go on; "
    "you can still block or end it at any time in /mentorship."
)
DISMISSED = N_(
    "The programme team looked at your report carefully and your mentorship can go on. "
    "You can still block or end it at any time in /mentorship."
)


STILL_PAUSED = N_(
    "The programme team has looked at your report. The mentorship stays paused while the team "
    "finishes looking into everything; they will be in touch."
)


async def suspend(context: Context, user_id: int, admin_id: int) -> None:
    """Suspend her and end everything she is part of; the people on the other side are told.

    They learn only that it ended, never why: the report is not theirs to know.
    """
    services = context.services
    now = services.clock.now()
    ended, withdrawn = await services.reports.suspend(user_id, admin_id, now)
    for mentorship in ended:
        await tell(context, mentorship.other(user_id), ENDED_OTHER)
    mentor = await services.users.display_name(user_id)
    await services.sender.send(
        await matching.mentor_paused(services, [r for r in withdrawn if r.mentor_id == user_id], mentor, now)
    )


async def act(update: Update, context: Context) -> None:
    if await refuse_non_admin(update, context):
        return
    query = update.callback_query
    data = parse_callback(query.data)
    t = context.t
    services = context.services
    report_id = data.int_arg(0)
    report = await services.reports.get_report(report_id) if report_id else None
    if report is None or data.action not in ACTIONS:
        await query.answer(t("This button is out of date. Tap /start to begin again."), show_alert=True)
        return
    now = services.clock.now()
    admin_id = query.from_user.id
    decided = await services.reports.decide(report.id, admin_id, data.action, now)
    if decided is None:
        await query.answer(t("Another admin has already dealt with this report."), show_alert=True)
        await query.edit_message_reply_markup(None)
        return
    # A counter-report names the one who reported first: a minor is never warned for having reported.
    spare_minor = report.counter_of is not None and decided.reported_minor
    if data.action == "warn":
        if not spare_minor:
            await tell(context, report.reported_id, WARNING)
        await tell(context, report.reporter_id, WARNED if decided.resumed else STILL_PAUSED)
    elif data.action == "suspend":
        await tell(context, report.reported_id, SUSPENDED)
        await tell(context, report.reporter_id, ENDED)
        if report.reported_id is not None:
            await suspend(context, report.reported_id, admin_id)
    elif data.action == "end":
        await tell(context, report.reporter_id, ENDED)
        await tell(context, report.reported_id, ENDED_OTHER)
    elif data.action == "dismiss":
        await tell(context, report.reporter_id, DISMISSED if decided.resumed else STILL_PAUSED)
    await services.admin.record(
        admin_id,
        f"report_{data.action}",
        now,
        report.id,
        reported=report.reported_id,
        mentorship=report.mentorship_id,
    )
    verdict = {
        "warn": t("Warned"),
        "suspend": t("Suspended"),
        "end": t("Mentorship ended"),
        "dismiss": t("Dismissed"),
    }[data.action]
    await query.answer(t("Saved ✓"))
    await ui.edit(query, f"{query.message.text_html}\n\n<b>{html.escape(verdict)} ✓</b>")


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
