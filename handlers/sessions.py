"""`/sessions`, and what either side does with a session: open its card, reschedule it to
another free slot, cancel it (inside the minimum notice only with a reason), and, once it
has ended, say whether it happened, how long it lasted and how it went.
"""

from __future__ import annotations

import html

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest
from telegram.ext import Application, CallbackQueryHandler, CommandHandler

from bot.callbacks import cb, parse_callback, pattern
from bot.context import Context
from bot.db.sessions import SessionRow
from bot.i18n import N_, Translator
from bot.mentorship import clean_message, parse_code
from bot.onboarding import InvalidAnswer
from bot.services import Services
from bot.sessions import (
    COMMENT_MAX,
    FEEDBACK_MINUTES,
    MAX_SLOTS_SHOWN,
    MIN_NOTICE,
    RATINGS,
    REASON_MAX,
    STATUS_LABELS,
    Outcome,
    Refusal,
    Refused,
    Status,
    inside_notice,
    parse_slot_code,
)
from handlers import inputs
from handlers.booking import (
    card_keyboard,
    card_text,
    refusal_text,
    send_card,
    send_request,
    slot_buttons,
    when_text,
)
from handlers.mentorship import deliver, name_of, reader_of, stale
from handlers.ticks import add_tick

# --- /sessions ----------------------------------------------------------------------------------


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
        [
            InlineKeyboardButton(
                "📅 " + t.datetime(s.starts_at, zone), callback_data=cb("ses", "card", s.id)
            )
        ]
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


# --- reschedule ----------------------------------------------------------------------------------


async def on_move(update: Update, context: Context, session_id: int, _: str) -> None:
    query, services, t = update.callback_query, context.services, context.t
    now = services.clock.now()
    session = await services.sessions.check_changeable(session_id, query.from_user.id, now)
    free = await services.sessions.free_slots(session.mentor_id, now, moving=session.id)
    free = [slot for slot in free if slot.start_utc != session.starts_at][:MAX_SLOTS_SHOWN]
    await query.answer()
    if not free:
        await query.message.reply_text(
            t("There is no other free time in the next two weeks. You can cancel instead.")
        )
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
        reply_markup=slot_buttons(
            t, context.zone, free, lambda code: cb("ses", "to", session.id, code)
        ),
    )


async def on_move_to(update: Update, context: Context, session_id: int, code: str) -> None:
    query, services = update.callback_query, context.services
    if parse_slot_code(code) is None:
        await stale(update, context)
        return
    now = services.clock.now()
    session = await services.sessions.check_changeable(session_id, query.from_user.id, now)
    if inside_notice(session.starts_at, now):
        await query.answer()
        await ask_reason(update, context, session, "move_reason", f"{session_id}:{code}")
        return
    await move(update, context, session_id, code, None)


async def ask_reason(
    update: Update, context: Context, session: SessionRow, kind: str, ref: str
) -> None:
    user_id = update.effective_user.id
    await inputs.expect(context, user_id, kind, ref)
    name = await name_of(context.services, session.other(user_id))
    await update.effective_message.reply_text(
        context.t(
            "It's less than {hours} hours before the start, so please type a short reason "
            "for {name}. /cancel to keep the session as it is."
        ).format(hours=int(MIN_NOTICE.total_seconds() // 3600), name=name)
    )


async def typed_reason(
    update: Update, context: Context, kind: str, ref: str, text: str | None
) -> str | None:
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


async def move(
    update: Update, context: Context, session_id: int, code: str, reason: str | None
) -> None:
    services, t, user_id = context.services, context.t, update.effective_user.id
    query, message = update.callback_query, update.effective_message
    start = parse_slot_code(code)
    try:
        if start is None:
            raise Refused(Refusal.SLOT_GONE)
        old, new = await services.sessions.reschedule(
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
    session = await services.sessions.check_changeable(session_id, query.from_user.id, now)
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
                [
                    InlineKeyboardButton(
                        "✖️ " + t("Yes, cancel it"), callback_data=cb("ses", "cxok", session_id)
                    )
                ],
                [
                    InlineKeyboardButton(
                        "↩️ " + t("Keep it"), callback_data=cb("ses", "keep", session_id)
                    )
                ],
            ]
        ),
    )


async def on_keep(update: Update, context: Context, session_id: int, _: str) -> None:
    await context.services.sessions.party_of(session_id, update.callback_query.from_user.id)
    await update.callback_query.answer(context.t("Kept ✓"))
    await update.callback_query.edit_message_text(context.t("Good: the session stays. 🌷"))


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
        session = await services.sessions.cancel(session_id, user_id, services.clock.now(), reason)
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


# --- after the session ---------------------------------------------------------------------------

OUTCOME_LABELS = {
    Outcome.HELD: N_("✅ It took place"),
    Outcome.NO_SHOW: N_("🙈 {name} didn't come"),
    Outcome.CANCELLED: N_("✖️ It was called off"),
}


async def ask_feedback(bot: Bot, services: Services, session: SessionRow, viewer: int) -> None:
    t, zone = await reader_of(services, viewer)
    name = await name_of(services, session.other(viewer))
    rows = [
        [
            InlineKeyboardButton(
                t(label).format(name=html.unescape(name)),
                callback_data=cb("fb", "out", session.id, outcome),
            )
        ]
        for outcome, label in OUTCOME_LABELS.items()
    ]
    await deliver(
        bot,
        services,
        viewer,
        t("How was your session with {name} on {when}? Did it take place?").format(
            name=name, when=t.datetime(session.starts_at, zone)
        ),
        InlineKeyboardMarkup(rows),
    )


async def ask_feedback_tick(app: Application) -> None:
    """Sessions that have ended: both are asked, once."""
    services = app.bot_data.services
    now = services.clock.now()
    for session_id in await services.sessions.due_feedback(now):
        session = await services.sessions.claim_feedback(session_id, now)
        if session is not None:
            for viewer in (session.mentee_id, session.mentor_id):
                await ask_feedback(app.bot, services, session, viewer)


async def expire_requests_tick(app: Application) -> None:
    """Bookings the mentor never confirmed before their start: the mentee is told kindly."""
    services = app.bot_data.services
    for session in await services.sessions.expire_unconfirmed(services.clock.now()):
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


def choice_rows(t: Translator, session_id: int, action: str, values, label) -> list[list]:
    buttons = [
        InlineKeyboardButton(label(value), callback_data=cb("fb", action, session_id, value))
        for value in values
    ]
    return [buttons[i : i + 4] for i in range(0, len(buttons), 4)]


async def on_feedback(update: Update, context: Context) -> None:
    query, services, t = update.callback_query, context.services, context.t
    data = parse_callback(query.data)
    session_id = data.int_arg(0) if data else None
    if data is None or session_id is None:
        await stale(update, context)
        return
    user_id, now, value = query.from_user.id, services.clock.now(), data.arg(1)
    try:
        if data.action == "out":
            outcome = parse_code(Outcome, value)
            if outcome is None:
                await stale(update, context)
                return
            await services.sessions.record_outcome(session_id, user_id, outcome, now)
            if outcome != Outcome.HELD:
                await query.answer(t("Thank you for telling me. 💛"))
                await query.edit_message_text(
                    t("Thank you for telling me. 💛 /book finds a new time.")
                )
                return
            await query.answer(t("Saved ✓"))
            await query.edit_message_text(
                t("How long did it last?"),
                reply_markup=InlineKeyboardMarkup(
                    choice_rows(
                        t, session_id, "min", FEEDBACK_MINUTES, lambda n: t("{n} min").format(n=n)
                    )
                ),
            )
        elif data.action == "min" and value.isdigit() and int(value) in FEEDBACK_MINUTES:
            await services.sessions.record_feedback(session_id, user_id, "minutes", int(value), now)
            await query.answer(t("Saved ✓"))
            await query.edit_message_text(
                t("How did it go, from 1 (not well) to 5 (wonderful)?"),
                reply_markup=InlineKeyboardMarkup(
                    choice_rows(t, session_id, "rate", RATINGS, lambda n: "⭐" * n)
                ),
            )
        elif data.action == "rate" and value.isdigit() and int(value) in RATINGS:
            await services.sessions.record_feedback(session_id, user_id, "rating", int(value), now)
            await query.answer(t("Saved ✓"))
            await inputs.expect(context, user_id, "fb_comment", session_id)
            await query.edit_message_text(
                t("Anything you'd like to add? Type a comment, or tap Skip."),
                reply_markup=InlineKeyboardMarkup(
                    [[InlineKeyboardButton(t("Skip"), callback_data=cb("fb", "skip", session_id))]]
                ),
            )
        elif data.action == "skip":
            await services.sessions.party_of(session_id, user_id)
            await services.inputs.clear(user_id)
            await query.answer()
            await query.edit_message_text(thanks(t))
        else:
            await stale(update, context)
    except Refused as refused:
        await query.answer(refusal_text(t, refused.code), show_alert=True)


def thanks(t: Translator) -> str:
    return t("Thank you! 💛 Your answers help the programme count its hours of mentoring.")


@inputs.reader("fb_comment")
async def read_comment(update: Update, context: Context, ref: str, text: str | None) -> None:
    services, t, user_id = context.services, context.t, update.effective_user.id
    try:
        if text is None:
            raise InvalidAnswer("not_text")
        comment = clean_message(text, COMMENT_MAX)
    except InvalidAnswer as error:
        await inputs.expect(context, user_id, "fb_comment", ref)
        await update.effective_message.reply_text(
            t("That is too long: please keep it under {n} characters.").format(n=COMMENT_MAX)
            if error.code == "too_long"
            else t("Please type your comment as text.")
        )
        return
    try:
        await services.sessions.record_feedback(
            int(ref), user_id, "comment", comment, services.clock.now()
        )
    except Refused as refused:
        await update.effective_message.reply_text(refusal_text(t, refused.code))
        return
    await update.effective_message.reply_text(thanks(t))


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
    app.add_handler(CallbackQueryHandler(on_feedback, pattern=pattern("fb")))
    # Unconfirmed bookings are closed before feedback is asked about anything.
    add_tick(app, "unconfirmed sessions", expire_requests_tick)
    add_tick(app, "session feedback", ask_feedback_tick)
