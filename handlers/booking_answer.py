"""The mentor's answer to a booking: the request card with Confirm and Decline, and what follows."""

from __future__ import annotations

import html

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Update

from bot.callbacks import cb
from bot.context import Context
from bot.i18n import N_
from bot.services import Services
from bot.sessions.rules import Refusal, Refused
from bot.sessions.store.rows import SessionRow
from handlers import common
from handlers.mentoring_common import deliver, name_of, reader_of
from handlers.session_card import both_confirmed, card_text, refusal_text


async def send_request(bot: Bot, services: Services, session: SessionRow) -> None:
    """The mentor's card for a requested session, with Confirm and Decline."""
    t, zone = await reader_of(services, session.mentor_id)
    text = (
        t("{name} would like a session with you:").format(name=await name_of(services, session.mentee_id))
        + "\n\n"
        + await card_text(services, t, zone, session.mentor_id, session)
    )
    await deliver(
        bot,
        services,
        session.mentor_id,
        text,
        InlineKeyboardMarkup(
            [
                [
                    InlineKeyboardButton("✅ " + t("Confirm"), callback_data=cb("book", "ok", session.id)),
                    InlineKeyboardButton("✖️ " + t("Decline"), callback_data=cb("book", "no", session.id)),
                ]
            ]
        ),
    )


async def on_confirm(update: Update, context: Context, session_id: int, _: str) -> None:
    services, t, query = context.services, context.t, update.callback_query
    try:
        session = await services.bookings.confirm(
            session_id,
            query.from_user.id,
            services.clock.now(),
            offsets=services.settings.reminder_offsets,
        )
    except Refused as refused:
        await query.answer(refusal_text(t, refused.code), show_alert=True)
        if refused.code != Refusal.NOT_YOURS:
            await close_request(update, None)
        return
    await query.answer(t("Confirmed ✓"))
    await close_request(update, t("Confirmed ✓"))
    await both_confirmed(context.bot, services, session, N_("Your session is confirmed! 🎉"))


async def on_decline(update: Update, context: Context, session_id: int, _: str) -> None:
    services, t, query = context.services, context.t, update.callback_query
    try:
        session = await services.bookings.decline(session_id, query.from_user.id, services.clock.now())
    except Refused as refused:
        await query.answer(refusal_text(t, refused.code), show_alert=True)
        if refused.code != Refusal.NOT_YOURS:
            await close_request(update, None)
        return
    await query.answer(t("Declined"))
    await close_request(update, t("Declined"))
    their_t, zone = await reader_of(services, session.mentee_id)
    await deliver(
        context.bot,
        services,
        session.mentee_id,
        their_t(N_("{name} can't meet on {when}. Please pick another time with /book. 🌷")).format(
            name=await name_of(services, session.mentor_id),
            when=their_t.datetime(session.starts_at, zone),
        ),
    )


async def close_request(update: Update, verdict: str | None) -> None:
    """Take the buttons off the mentor's request card, noting what happened."""
    query = update.callback_query
    text = None if verdict is None else f"{query.message.text_html}\n\n<b>{html.escape(verdict)}</b>"
    await common.edit(query, text)
