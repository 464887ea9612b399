"""Session reminders: the tick that sends what is due, once, and the reminder's buttons.

Each reminder is a row (planned at confirmation from REMINDER_OFFSETS). The tick claims a
row (pending -> sending) before it sends, renders it in the recipient's language and zone
at that moment, and marks it sent; a network failure is retried with backoff, then the
admins hear of it. A reminder found due after downtime is still sent if the session has
not started, else marked missed.
"""

from __future__ import annotations

import html
import logging
from datetime import datetime, timedelta

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut
from telegram.ext import Application, CallbackQueryHandler

from bot.callbacks import cb, parse_callback, pattern
from bot.context import Context
from bot.i18n import N_, Translator
from bot.notices import Msg, Notice, When
from bot.services import Services
from bot.sessions.notices import refusal
from bot.sessions.reminder_plan import backoff_delays, catch_up_decision
from bot.sessions.rules import Refused, Status
from bot.sessions.store.reminders import DueReminder
from bot.sessions.store.rows import SessionRow
from bot.telegram import ui

log = logging.getLogger(__name__)

RETRY_DELAYS = backoff_delays()  # 30 s, 1, 2, 4 and 8 minutes


def time_left(t: Translator, left: timedelta) -> str:
    """'in 1 hour', 'in 24 hours', 'in 90 minutes', 'in 45 minutes'."""
    minutes = max(1, round(left.total_seconds() / 60))
    if minutes % 60 == 0 or minutes >= 180:
        hours = round(minutes / 60)
        return t.ngettext("in {n} hour", "in {n} hours", hours).format(n=hours)
    return t.ngettext("in {n} minute", "in {n} minutes", minutes).format(n=minutes)


async def reminder_message(
    services: Services, session: SessionRow, recipient: int, now: datetime
) -> tuple[str, InlineKeyboardMarkup]:
    """The reminder as she reads it now: her language, her zone, the time still left."""
    t, zone = await services.sender.reader(recipient)
    name = html.escape(await services.users.display_name(session.other(recipient)))
    lines = [
        "⏰ "
        + t("Reminder: your session with {name} starts {left}, on {when} ({zone}).").format(
            name=name,
            left=time_left(t, session.starts_at - now),
            when=t.datetime(session.starts_at, zone),
            zone=html.escape(zone.key),
        )
    ]
    if session.meeting_link:
        lines.append("🎥 " + t("Meeting link: {link}").format(link=html.escape(session.meeting_link)))
    if session.for_minor:
        lines.append("🛡 " + t("An adult observer (a parent or teacher) may join the call."))
    markup = InlineKeyboardMarkup(
        [
            [InlineKeyboardButton("✅ " + t("I'll be there"), callback_data=cb("rem", "there", session.id))],
            [
                InlineKeyboardButton("🔁 " + t("Reschedule"), callback_data=cb("ses", "mv", session.id)),
                InlineKeyboardButton("✖️ " + t("Cancel"), callback_data=cb("ses", "cx", session.id)),
            ],
        ]
    )
    return "\n".join(lines), markup


async def send_due(app: Application) -> None:
    services: Services = app.bot_data.services
    now = services.clock.now()
    due_now = await services.reminders.due_reminders(now)
    # After downtime several reminders of one session may be due for her at once: only the
    # latest still helps ("in 1 hour"), the earlier ones are missed rather than sent together.
    latest = {(d.session_id, d.recipient_id): d.id for d in due_now}  # sorted by due_at
    for due in due_now:
        if latest[(due.session_id, due.recipient_id)] != due.id:
            await services.reminders.reminder_skipped(due.id, "missed")
            continue
        if due.session_status != Status.CONFIRMED:
            # Cancelling a session cancels its reminders; this catches any that slipped by.
            await services.reminders.reminder_skipped(due.id, "cancelled")
            continue
        decision = catch_up_decision(due.due_at, due.session_start, now)
        if decision == "missed":
            await services.reminders.reminder_skipped(due.id, "missed")
            continue
        if decision == "send" and await services.reminders.claim_reminder(due.id):
            await send_one(app.bot, services, due, now)


async def send_one(bot: Bot, services: Services, due: DueReminder, now: datetime) -> None:
    """Send one claimed reminder and record how it went."""
    session = await services.sessions.get(due.session_id)
    if session is None:
        return
    text, markup = await reminder_message(services, session, due.recipient_id, now)
    try:
        await bot.send_message(due.recipient_id, text, reply_markup=markup)
    except Forbidden as error:
        await services.users.mark_blocked(due.recipient_id, now)
        await services.reminders.reminder_failed(due.id, f"blocked: {error.message}")
    except BadRequest as error:  # before NetworkError: PTB makes BadRequest one of them
        await services.reminders.reminder_failed(due.id, error.message)
        await report_failure(services, due, error.message)
    except TimedOut as error:
        # Telegram may have delivered it before the answer was lost: never send it twice.
        await services.reminders.reminder_sent(due.id, now, f"uncertain: {error.message}")
    except (NetworkError, RetryAfter) as error:
        attempt = due.attempts + 1  # the claim counted this one
        if attempt <= len(RETRY_DELAYS):
            await services.reminders.reminder_retry(due.id, now + RETRY_DELAYS[attempt - 1], error.message)
        else:
            await services.reminders.reminder_failed(due.id, error.message)
            await report_failure(services, due, error.message)
    else:
        await services.reminders.reminder_sent(due.id, now)


async def report_failure(services: Services, due: DueReminder, error: str) -> None:
    """Every admin hears of a reminder that could not be sent, so someone can step in."""
    name = await services.users.display_name(due.recipient_id)
    failed = N_("A session reminder could not be sent to {name} (id {id}) for the session on {when}: {error}")
    line = Msg("⚠️ {s}", s=Msg(failed, name=name, id=str(due.recipient_id), when=When(due.session_start), error=error))
    await services.sender.send([Notice(admin_id, (line,)) for admin_id in sorted(services.settings.admin_ids)])


async def on_there(update: Update, context: Context) -> None:
    """'I'll be there': noted once, and the other side is told once."""
    query, services, t = update.callback_query, context.services, context.t
    data = parse_callback(query.data)
    session_id = data.int_arg(0) if data else None
    if session_id is None:
        await ui.stale_button(update, context)
        return
    user_id = query.from_user.id
    try:
        session, first = await services.sessions.coming(session_id, user_id, services.clock.now())
    except Refused as refused:
        await query.answer(ui.text(context, refusal(refused.code)), show_alert=True)
        return
    if not first:
        await query.answer(t("Already noted ✓ See you there!"))
        return
    await query.answer(t("Wonderful, see you there! ✓"))
    people = await services.sessions.people(session)
    there = Msg(N_("{name} will be there: {when}."), name=people.name(user_id), when=When(session.starts_at))
    await services.sender.send([Notice(session.other(user_id), (Msg("✅ {s}", s=there),))])


def register(app: Application) -> None:
    app.add_handler(CallbackQueryHandler(on_there, pattern=pattern("rem", "there")))


async def settle_interrupted(app: Application) -> None:
    """A row still 'sending' was claimed by a bot that then died mid-send: counted as sent."""
    services = app.bot_data.services
    count = await services.reminders.settle_interrupted_sends(services.clock.now())
    if count:
        log.warning("%d reminder(s) were being sent when the bot stopped: not resent", count)
