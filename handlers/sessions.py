"""`/sessions`: her upcoming and past sessions, each card's buttons (reschedule and cancel are in
handlers.session_changes), and the tick that closes bookings the mentor never confirmed.
"""

from __future__ import annotations

import html

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler

from bot.callbacks import cb, parse_callback, pattern
from bot.context import Context
from bot.sessions.rules import STATUS_LABELS, Refused, Status
from bot.sessions.store.rows import SessionRow
from handlers.mentoring_common import deliver, name_of, reader_of, stale
from handlers.session_card import card_keyboard, card_text, refusal_text, when_text
from handlers.session_changes import on_cancel, on_cancel_confirmed, on_keep, on_move, on_move_to


async def list_sessions(update: Update, context: Context) -> None:
    services, t, zone = context.services, context.t, context.zone
    user_id, now = update.effective_user.id, services.clock.now()
    upcoming = await services.sessions.upcoming(user_id, now)
    past = await services.sessions.past(user_id, now)

    async def line(s: SessionRow) -> str:
        name = await name_of(services, s.other(user_id))
        return f"• {when_text(t, zone, s)} · {name} · {t(STATUS_LABELS[Status(s.status)])}"

    lines = ["📅 <b>" + t("Upcoming sessions") + "</b>"]
    lines += [await line(s) for s in upcoming] or [t("None yet. A mentee books one with /book.")]
    if past:
        held = sum(s.status == Status.HELD for s in past)
        lines += ["", "🗂 <b>" + t("Past sessions") + "</b>"]
        lines += [await line(s) for s in past]
        lines.append(t.ngettext("{n} session held", "{n} sessions held", held).format(n=held))
    lines += ["", t("Times are in your time zone, {zone}.").format(zone=html.escape(zone.key))]
    rows = [
        [InlineKeyboardButton("📅 " + t.datetime(s.starts_at, zone), callback_data=cb("ses", "card", s.id))]
        for s in upcoming
    ]
    await update.effective_message.reply_text(
        "\n".join(lines), reply_markup=InlineKeyboardMarkup(rows) if rows else None
    )


async def on_button(update: Update, context: Context) -> None:
    query = update.callback_query
    data = parse_callback(query.data)
    session_id = data.int_arg(0) if data else None
    action = ACTIONS.get(data.action) if data else None
    if session_id is None or action is None:
        await stale(update, context)
        return
    try:
        await action(update, context, session_id, data.arg(1))
    except Refused as refused:
        await query.answer(refusal_text(context.t, refused.code), show_alert=True)


async def on_card(update: Update, context: Context, session_id: int, _: str) -> None:
    query, services, t = update.callback_query, context.services, context.t
    session = await services.sessions.party_of(session_id, query.from_user.id)
    await query.answer()
    await query.message.reply_text(
        await card_text(services, t, context.zone, query.from_user.id, session),
        reply_markup=card_keyboard(t, session),
    )


async def expire_requests_tick(app: Application) -> None:
    """Bookings the mentor never confirmed before their start: the mentee is told kindly."""
    services = app.bot_data.services
    for session in await services.bookings.expire_unconfirmed(services.clock.now()):
        t, zone = await reader_of(services, session.mentee_id)
        await deliver(
            app.bot,
            services,
            session.mentee_id,
            t(
                "{name} didn't confirm your session on {when} in time, so it's off. "
                "Please pick another time with /book. 🌷"
            ).format(
                name=await name_of(services, session.mentor_id),
                when=t.datetime(session.starts_at, zone),
            ),
        )


ACTIONS = {
    "card": on_card,
    "mv": on_move,
    "to": on_move_to,
    "cx": on_cancel,
    "cxok": on_cancel_confirmed,
    "keep": on_keep,
}


def register(app: Application) -> None:
    app.add_handler(CommandHandler("sessions", list_sessions))
    app.add_handler(CallbackQueryHandler(on_button, pattern=pattern("ses")))
