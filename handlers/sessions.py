"""`/sessions` and the `ses` buttons: her upcoming and past sessions, a session's card, and
rescheduling or cancelling it (the other side is told).
"""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import Application, CommandHandler

from bot.callbacks import cb
from bot.context import Context
from bot.i18n import N_
from bot.notices import Msg, ZoneName
from bot.sessions import flow, notices
from bot.sessions.rules import (
    MAX_SLOTS_SHOWN,
    MIN_NOTICE,
    REASON_MAX,
    STATUS_LABELS,
    Refusal,
    Refused,
    Status,
    inside_notice,
    parse_slot_code,
)
from bot.sessions.store.rows import People, SessionRow
from bot.telegram import conversations, ui

# A change inside the notice period waits for her reason.
CONVERSATION = "session_change"
MOVE_REASON = "move_reason"
CANCEL_REASON = "cancel_reason"


def refusal_text(context: Context, code: Refusal) -> str:
    return ui.text(context, notices.refusal(code))


async def list_sessions(update: Update, context: Context) -> None:
    services, t, zone = context.services, context.t, context.zone
    user_id, now = update.effective_user.id, services.clock.now()
    upcoming = await services.sessions.upcoming(user_id, now)
    past = await services.sessions.past(user_id, now)
    # One read per pair, not per session: hers are all with the same mentor, a mentor's with a few mentees.
    pairs: dict[tuple[int, int], People] = {}

    async def line(s: SessionRow) -> str:
        pair = (s.mentee_id, s.mentor_id)
        if pair not in pairs:
            pairs[pair] = await services.sessions.people(s)
        people = pairs[pair]
        status = Msg(STATUS_LABELS[Status(s.status)])
        return ui.text(
            context,
            Msg(
                "• {when} · {name} · {status}", when=notices.when(s), name=people.name(s.other(user_id)), status=status
            ),
        )

    lines = ["📅 <b>" + t("Upcoming sessions") + "</b>"]
    lines += [await line(s) for s in upcoming] or [t("None yet. A mentee books one with /book.")]
    if past:
        held = sum(s.status == Status.HELD for s in past)
        lines += ["", "🗂 <b>" + t("Past sessions") + "</b>"]
        lines += [await line(s) for s in past]
        lines.append(t.ngettext("{n} session held", "{n} sessions held", held).format(n=held))
    lines += ["", ui.text(context, Msg(N_("Times are in your time zone, {zone}."), zone=ZoneName()))]
    rows = [
        [InlineKeyboardButton("📅 " + t.datetime(s.starts_at, zone), callback_data=cb("ses", "card", s.id))]
        for s in upcoming
    ]
    await update.effective_message.reply_text(
        "\n".join(lines), reply_markup=InlineKeyboardMarkup(rows) if rows else None
    )


async def on_card(update: Update, context: Context, session_id: int, _: str) -> None:
    query, services = update.callback_query, context.services
    session = await services.sessions.party_of(session_id, query.from_user.id)
    await query.answer()
    card = notices.card(session, query.from_user.id, await services.sessions.people(session))
    await query.message.reply_text(ui.text(context, *card.lines), reply_markup=ui.buttons(context, card.buttons))


async def expire_unconfirmed(app: Application) -> None:
    services = app.bot_data.services
    await services.sender.send(await flow.expire_unconfirmed(services, services.clock.now()))


# --- reschedule ----------------------------------------------------------------------------------


async def on_move(update: Update, context: Context, session_id: int, _: str) -> None:
    query, services = update.callback_query, context.services
    now = services.clock.now()
    session = await services.bookings.check_changeable(session_id, query.from_user.id, now)
    free = await services.slots.free_slots(session.mentor_id, now, moving=session.id)
    free = [slot for slot in free if slot.start_utc != session.starts_at][:MAX_SLOTS_SHOWN]
    await query.answer()
    if not free:
        await query.message.reply_text(
            context.t("There is no other free time in the next two weeks. You can cancel instead.")
        )
        return
    lines = [
        Msg(
            N_("Pick a new time for your session on {when}. Times are in {zone}."),
            when=notices.when(session),
            zone=ZoneName(),
        )
    ]
    if inside_notice(session.starts_at, now):
        lines += ["", notices.refusal(Refusal.REASON_NEEDED)]
    await query.message.reply_text(
        ui.text(context, *lines),
        reply_markup=ui.buttons(context, notices.slot_buttons(free, lambda code: cb("ses", "to", session.id, code))),
    )


async def on_move_to(update: Update, context: Context, session_id: int, code: str) -> object:
    query, services = update.callback_query, context.services
    if parse_slot_code(code) is None:
        await ui.stale_button(update, context)
        return
    now = services.clock.now()
    session = await services.bookings.check_changeable(session_id, query.from_user.id, now)
    if inside_notice(session.starts_at, now):
        await query.answer()
        return await ask_reason(update, context, session, MOVE_REASON, f"{session_id}:{code}")
    await move(update, context, session_id, code, None)
    return conversations.END


async def ask_reason(update: Update, context: Context, session: SessionRow, state: str, about: str) -> str:
    user_id = update.effective_user.id
    await conversations.enter(update, context, CONVERSATION, state, about)
    people = await context.services.sessions.people(session)
    ask = N_(
        "It's less than {hours} hours before the start, so please type a short reason "
        "for {name}. /cancel to keep the session as it is."
    )
    hours = int(MIN_NOTICE.total_seconds() // 3600)
    await update.effective_message.reply_text(
        ui.text(context, Msg(ask, hours=hours, name=people.name(session.other(user_id))))
    )
    return state


@ui.text_step(CONVERSATION, MOVE_REASON, limit=REASON_MAX, not_text=N_("Please type the reason as text."))
async def read_move_reason(update: Update, context: Context, about: str, reason: str) -> object:
    session_id, _, code = about.partition(":")
    await move(update, context, int(session_id), code, reason)
    return conversations.END


async def move(update: Update, context: Context, session_id: int, code: str, reason: str | None) -> None:
    services, t, user_id = context.services, context.t, update.effective_user.id
    start = parse_slot_code(code)
    try:
        if start is None:
            raise Refused(Refusal.SLOT_GONE)
        done = await flow.reschedule(services, session_id, user_id, start, services.clock.now(), reason)
    except Refused as refused:
        await ui.tell(update, refusal_text(context, refused.code), alert=True)
        return
    await ui.went_through(update, context, t("Moved ✓"), done.notices)


# --- cancel --------------------------------------------------------------------------------------


async def on_cancel(update: Update, context: Context, session_id: int, _: str) -> object:
    query, services, t = update.callback_query, context.services, context.t
    now = services.clock.now()
    session = await services.bookings.check_changeable(session_id, query.from_user.id, now)
    await query.answer()
    if inside_notice(session.starts_at, now):
        return await ask_reason(update, context, session, CANCEL_REASON, str(session_id))
    people = await services.sessions.people(session)
    ask = Msg(
        N_("Cancel your session on {when} with {name}?"),
        when=notices.when(session),
        name=people.name(session.other(query.from_user.id)),
    )
    await query.message.reply_text(
        ui.text(context, ask),
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
    await ui.edit(update.callback_query, context.t("Good: the session stays. 🌷"))


async def on_cancel_confirmed(update: Update, context: Context, session_id: int, _: str) -> object:
    return await cancel(update, context, session_id, None)


@ui.text_step(CONVERSATION, CANCEL_REASON, limit=REASON_MAX, not_text=N_("Please type the reason as text."))
async def read_cancel_reason(update: Update, context: Context, about: str, reason: str) -> object:
    return await cancel(update, context, int(about), reason)


async def cancel(update: Update, context: Context, session_id: int, reason: str | None) -> object:
    services, t, user_id = context.services, context.t, update.effective_user.id
    query, message = update.callback_query, update.effective_message
    try:
        done = await flow.cancel(services, session_id, user_id, services.clock.now(), reason)
    except Refused as refused:
        if refused.code == Refusal.REASON_NEEDED:  # the notice began while she was deciding
            if query is not None:
                await query.answer()
            current = await services.sessions.party_of(session_id, user_id)
            return await ask_reason(update, context, current, CANCEL_REASON, str(session_id))
        if query is not None:
            await query.answer(refusal_text(context, refused.code), show_alert=True)
        else:
            await message.reply_text(refusal_text(context, refused.code))
        return conversations.END
    if query is not None:
        await query.answer(t("Cancelled ✓"))
    cancelled = N_("Cancelled ✓ Your session on {when} is off, and its reminders too.")
    await message.reply_text(ui.text(context, Msg(cancelled, when=notices.when(done.session))))
    await services.sender.send(done.notices)
    if query is not None:
        await ui.drop_buttons(query)
    return conversations.END


ACTIONS = {
    "card": on_card,
    "mv": on_move,
    "to": on_move_to,
    "cx": on_cancel,
    "cxok": on_cancel_confirmed,
    "keep": on_keep,
}
on_button = ui.by_id(ACTIONS, Refused, refusal_text)


def register(app: Application) -> None:
    app.add_handler(CommandHandler("sessions", list_sessions))
    reasons = {MOVE_REASON: (read_move_reason,), CANCEL_REASON: (read_cancel_reason,)}
    ui.add_area(app, "ses", on_button, conversation=CONVERSATION, starts=["to", "cx", "cxok"], states=reasons)
