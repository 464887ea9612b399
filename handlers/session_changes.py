"""Changing a session from its card: reschedule or cancel it, and the other side is told."""

from __future__ import annotations

import html

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest

from bot.callbacks import cb
from bot.context import Context
from bot.i18n import N_
from bot.mentorship import clean_message
from bot.onboarding import InvalidAnswer
from bot.sessions.rules import (
    MAX_SLOTS_SHOWN,
    MIN_NOTICE,
    REASON_MAX,
    Refusal,
    Refused,
    Status,
    inside_notice,
    parse_slot_code,
)
from bot.sessions.store.rows import SessionRow
from handlers import common, inputs
from handlers.booking import slot_buttons
from handlers.booking_answer import send_request
from handlers.mentoring_common import deliver, name_of, reader_of, stale
from handlers.session_card import refusal_text, send_card, when_text

# --- reschedule ----------------------------------------------------------------------------------


async def on_move(update: Update, context: Context, session_id: int, _: str) -> None:
    query, services, t = update.callback_query, context.services, context.t
    now = services.clock.now()
    session = await services.bookings.check_changeable(session_id, query.from_user.id, now)
    free = await services.slots.free_slots(session.mentor_id, now, moving=session.id)
    free = [slot for slot in free if slot.start_utc != session.starts_at][:MAX_SLOTS_SHOWN]
    await query.answer()
    if not free:
        await query.message.reply_text(t("There is no other free time in the next two weeks. You can cancel instead."))
        return
    lines = [
        t("Pick a new time for your session on {when}. Times are in {zone}.").format(
            when=when_text(t, context.zone, session), zone=html.escape(context.zone.key)
        )
    ]
    if inside_notice(session.starts_at, now):
        lines.append(refusal_text(t, Refusal.REASON_NEEDED))
    await query.message.reply_text(
        "\n\n".join(lines),
        reply_markup=slot_buttons(t, context.zone, free, lambda code: cb("ses", "to", session.id, code)),
    )


async def on_move_to(update: Update, context: Context, session_id: int, code: str) -> None:
    query, services = update.callback_query, context.services
    if parse_slot_code(code) is None:
        await stale(update, context)
        return
    now = services.clock.now()
    session = await services.bookings.check_changeable(session_id, query.from_user.id, now)
    if inside_notice(session.starts_at, now):
        await query.answer()
        await ask_reason(update, context, session, "move_reason", f"{session_id}:{code}")
        return
    await move(update, context, session_id, code, None)


async def ask_reason(update: Update, context: Context, session: SessionRow, kind: str, ref: str) -> None:
    user_id = update.effective_user.id
    await inputs.expect(context, user_id, kind, ref)
    name = await name_of(context.services, session.other(user_id))
    await update.effective_message.reply_text(
        context.t(
            "It's less than {hours} hours before the start, so please type a short reason "
            "for {name}. /cancel to keep the session as it is."
        ).format(hours=int(MIN_NOTICE.total_seconds() // 3600), name=name)
    )


async def typed_reason(update: Update, context: Context, kind: str, ref: str, text: str | None) -> str | None:
    try:
        if text is None:
            raise InvalidAnswer("not_text")
        return clean_message(text, REASON_MAX)
    except InvalidAnswer as error:
        await inputs.expect(context, update.effective_user.id, kind, ref)
        await update.effective_message.reply_text(
            context.t("That is too long: please keep it under {n} characters.").format(n=REASON_MAX)
            if error.code == "too_long"
            else context.t("Please type the reason as text.")
        )
        return None


@inputs.reader("move_reason")
async def read_move_reason(update: Update, context: Context, ref: str, text: str | None) -> None:
    reason = await typed_reason(update, context, "move_reason", ref, text)
    session_id, _, code = ref.partition(":")
    if reason is not None:
        await move(update, context, int(session_id), code, reason)


async def move(update: Update, context: Context, session_id: int, code: str, reason: str | None) -> None:
    services, t, user_id = context.services, context.t, update.effective_user.id
    query, message = update.callback_query, update.effective_message
    start = parse_slot_code(code)
    try:
        if start is None:
            raise Refused(Refusal.SLOT_GONE)
        old, new = await services.bookings.reschedule(
            session_id,
            user_id,
            start,
            services.clock.now(),
            offsets=services.settings.reminder_offsets,
            reason=reason,
        )
    except Refused as refused:
        if query is not None:
            await query.answer(refusal_text(t, refused.code), show_alert=True)
        else:
            await message.reply_text(refusal_text(t, refused.code))
        return
    if query is not None:
        await query.answer(t("Moved ✓"))
        await drop_buttons(update)
    confirmed = new.status == Status.CONFIRMED
    await send_card(context.bot, services, new, user_id, ics=confirmed, intro=t("Moved ✓"))
    other = new.other(user_id)
    their_t, zone = await reader_of(services, other)
    lines = [
        their_t(N_("{name} moved your session from {old} to {new}.")).format(
            name=await name_of(services, user_id),
            old=their_t.datetime(old.starts_at, zone),
            new=their_t.datetime(new.starts_at, zone),
        )
    ]
    if reason:
        lines.append(their_t(N_("Reason: {reason}")).format(reason=html.escape(reason)))
    if confirmed:
        await send_card(context.bot, services, new, other, ics=True, intro="\n".join(lines))
    else:
        await deliver(context.bot, services, other, "\n".join(lines))
        await send_request(context.bot, services, new)


# --- cancel --------------------------------------------------------------------------------------


async def on_cancel(update: Update, context: Context, session_id: int, _: str) -> None:
    query, services, t = update.callback_query, context.services, context.t
    now = services.clock.now()
    session = await services.bookings.check_changeable(session_id, query.from_user.id, now)
    await query.answer()
    if inside_notice(session.starts_at, now):
        await ask_reason(update, context, session, "cancel_reason", str(session_id))
        return
    await query.message.reply_text(
        t("Cancel your session on {when} with {name}?").format(
            when=when_text(t, context.zone, session),
            name=await name_of(services, session.other(query.from_user.id)),
        ),
        reply_markup=InlineKeyboardMarkup(
            [
                [InlineKeyboardButton("✖️ " + t("Yes, cancel it"), callback_data=cb("ses", "cxok", session_id))],
                [InlineKeyboardButton("↩️ " + t("Keep it"), callback_data=cb("ses", "keep", session_id))],
            ]
        ),
    )


async def on_keep(update: Update, context: Context, session_id: int, _: str) -> None:
    await context.services.sessions.party_of(session_id, update.callback_query.from_user.id)
    await update.callback_query.answer(context.t("Kept ✓"))
    await common.edit(update.callback_query, context.t("Good: the session stays. 🌷"))


async def on_cancel_confirmed(update: Update, context: Context, session_id: int, _: str) -> None:
    await cancel(update, context, session_id, None)


@inputs.reader("cancel_reason")
async def read_cancel_reason(update: Update, context: Context, ref: str, text: str | None) -> None:
    reason = await typed_reason(update, context, "cancel_reason", ref, text)
    if reason is not None:
        await cancel(update, context, int(ref), reason)


async def cancel(update: Update, context: Context, session_id: int, reason: str | None) -> None:
    services, t, user_id = context.services, context.t, update.effective_user.id
    query, message = update.callback_query, update.effective_message
    try:
        session = await services.bookings.cancel(session_id, user_id, services.clock.now(), reason)
    except Refused as refused:
        if refused.code == Refusal.REASON_NEEDED:  # the notice began while she was deciding
            if query is not None:
                await query.answer()
            current = await services.sessions.party_of(session_id, user_id)
            await ask_reason(update, context, current, "cancel_reason", str(session_id))
        elif query is not None:
            await query.answer(refusal_text(t, refused.code), show_alert=True)
        else:
            await message.reply_text(refusal_text(t, refused.code))
        return
    if query is not None:
        await query.answer(t("Cancelled ✓"))
        await drop_buttons(update)
    await message.reply_text(
        t("Cancelled ✓ Your session on {when} is off, and its reminders too.").format(
            when=when_text(t, context.zone, session)
        )
    )
    other = session.other(user_id)
    their_t, zone = await reader_of(services, other)
    lines = [
        their_t(N_("{name} cancelled your session on {when}.")).format(
            name=await name_of(services, user_id), when=when_text(their_t, zone, session)
        )
    ]
    if reason:
        lines.append(their_t(N_("Reason: {reason}")).format(reason=html.escape(reason)))
    if other == session.mentee_id:
        lines.append(their_t(N_("/book finds another time.")))
    await deliver(context.bot, services, other, "\n".join(lines))


async def drop_buttons(update: Update) -> None:
    try:
        await update.callback_query.edit_message_reply_markup(None)
    except BadRequest:  # already without buttons
        pass
