"""`/book` and the `book` buttons: a mentee picks one of her mentor's free slots (in her own time
zone), adds an optional agenda and books it; the mentor confirms or declines.
"""

from __future__ import annotations

import html

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import Application, CommandHandler

from bot.callbacks import cb
from bot.context import Context
from bot.i18n import N_, Translator
from bot.mentorship.store.rows import Mentorship
from bot.sessions import flow
from bot.sessions.notices import refusal, slot_buttons
from bot.sessions.rules import (
    AGENDA_MAX,
    MAX_SLOTS_SHOWN,
    Refusal,
    Refused,
    parse_slot_code,
)
from bot.telegram import conversations, ui
from bot.video_room import new_room_link

CONVERSATION = "booking"
TOPIC = "topic"


def refusal_text(t: Translator, code: Refusal) -> str:
    return t(refusal(code).message).format(**refusal(code).values)


async def her_mentorship(context: Context, user_id: int) -> Mentorship | None:
    for m in await context.services.mentorships.current(user_id):
        if m.mentee_id == user_id and m.status == "active":
            return m
    return None


async def book(update: Update, context: Context) -> None:
    t, user_id = context.t, update.effective_user.id
    message = update.effective_message
    m = await her_mentorship(context, user_id)
    if m is None:
        role = context.user_record.role if context.user_record else None
        if role == "mentor":
            await message.reply_text(
                t("Your mentees book sessions in the free time you publish with /slots. /sessions lists your sessions.")
            )
        else:
            await message.reply_text(refusal_text(t, Refusal.NO_MENTORSHIP))
        return
    text, markup = await slot_list(context, m)
    await message.reply_text(text, reply_markup=markup)


async def slot_list(context: Context, m: Mentorship, *, intro: str = "") -> tuple[str, InlineKeyboardMarkup | None]:
    """Her mentor's next free slots as buttons, in her own zone."""
    services, t, zone = context.services, context.t, context.zone
    name = html.escape(await services.users.display_name(m.mentor_id))
    prefix = f"{intro}\n\n" if intro else ""
    if await services.bookings.is_suspended(m.mentor_id) or await services.bookings.is_suspended(m.mentee_id):
        return prefix + refusal_text(t, Refusal.SUSPENDED), None
    free = (await services.slots.free_slots(m.mentor_id, services.clock.now()))[:MAX_SLOTS_SHOWN]
    if not free:
        await tell_mentor_no_time(context, m)
        return (
            prefix
            + t(
                "{name} has no free time in the next two weeks yet. I've let her know you'd "
                "like to meet: try /book again in a day or two. 🌷"
            ).format(name=name),
            None,
        )
    text = prefix + t(
        "Pick a time for a one-hour session with {name}. Times are in your time zone, {zone} (/timezone changes it)."
    ).format(name=name, zone=html.escape(zone.key))
    return text, ui.buttons(context, slot_buttons(free, lambda code: cb("book", "pick", m.id, code)))


async def tell_mentor_no_time(context: Context, m: Mentorship) -> None:
    services = context.services
    await services.sender.send(await flow.no_free_time(services, m.id, m.mentor_id, m.mentee_id, services.clock.now()))


async def mentee_side(context: Context, mentorship_id: int, user_id: int) -> Mentorship:
    m = await context.services.mentorships.get(mentorship_id)
    if m is None:
        raise Refused(Refusal.NOT_FOUND)
    if m.mentee_id != user_id:
        raise Refused(Refusal.NOT_YOURS)
    if m.status != "active":
        raise Refused(Refusal.NO_MENTORSHIP)
    return m


async def on_list(update: Update, context: Context, mentorship_id: int, _: str) -> None:
    m = await mentee_side(context, mentorship_id, update.callback_query.from_user.id)
    await update.callback_query.answer()
    text, markup = await slot_list(context, m)
    await ui.edit(update.callback_query, text, reply_markup=markup)


async def on_pick(update: Update, context: Context, mentorship_id: int, code: str) -> None:
    query, t = update.callback_query, context.t
    start = parse_slot_code(code)
    if start is None:
        await ui.stale_button(update, context)
        return
    m = await mentee_side(context, mentorship_id, query.from_user.id)
    try:
        await context.services.bookings.check_bookable(m.mentor_id, m.mentee_id, start, context.services.clock.now())
    except Refused as refused:
        await query.answer(refusal_text(t, refused.code), show_alert=True)
        text, markup = await slot_list(context, m, intro=refusal_text(t, refused.code))
        await ui.edit(query, text, reply_markup=markup)
        return
    await query.answer()
    name = html.escape(await context.services.users.display_name(m.mentor_id))
    await ui.edit(
        query,
        t("📅 {when} with {name}. Would you like to say what you'd like to talk about?").format(
            when=t.datetime(start, context.zone), name=name
        ),
        reply_markup=InlineKeyboardMarkup(
            [
                [InlineKeyboardButton("✅ " + t("Book it"), callback_data=cb("book", "go", m.id, code))],
                [
                    InlineKeyboardButton(
                        "✍️ " + t("Add a topic first"),
                        callback_data=cb("book", "agenda", m.id, code),
                    )
                ],
                [InlineKeyboardButton("↩️ " + t("Other times"), callback_data=cb("book", "list", m.id))],
            ]
        ),
    )


async def on_agenda(update: Update, context: Context, mentorship_id: int, code: str) -> object:
    query = update.callback_query
    if parse_slot_code(code) is None:
        await ui.stale_button(update, context)
        return
    await mentee_side(context, mentorship_id, query.from_user.id)
    await query.answer()
    state = await conversations.enter(update, context, CONVERSATION, TOPIC, f"{mentorship_id}:{code}")
    await query.message.reply_text(
        context.t(
            "Type what you'd like to talk about, in one message (up to {n} characters). "
            "/cancel if you change your mind."
        ).format(n=AGENDA_MAX)
    )
    return state


@ui.text_step(CONVERSATION, TOPIC, limit=AGENDA_MAX)
async def read_agenda(update: Update, context: Context, about: str, agenda: str) -> object:
    mentorship_id, _, code = about.partition(":")
    try:
        await place_booking(update, context, int(mentorship_id), code, agenda)
    except Refused as refused:  # the mentorship ended while she was typing
        await update.effective_message.reply_text(refusal_text(context.t, refused.code))
    return conversations.END


async def on_go(update: Update, context: Context, mentorship_id: int, code: str) -> object:
    # Booked without an agenda after all: her next text is no longer one (nor books a second time).
    await conversations.forget(update, context, CONVERSATION)
    await place_booking(update, context, mentorship_id, code, None)
    return conversations.END


async def place_booking(update: Update, context: Context, mentorship_id: int, code: str, agenda: str | None) -> None:
    services, t, user_id = context.services, context.t, update.effective_user.id
    query, message = update.callback_query, update.effective_message
    start = parse_slot_code(code)
    if start is None:
        await ui.stale_button(update, context)
        return
    try:
        done = await flow.book(
            services, mentorship_id, user_id, start, services.clock.now(), new_link=new_room_link, agenda=agenda
        )
    except Refused as refused:
        mine = [
            s
            for s in await services.sessions.upcoming(user_id, services.clock.now())
            if s.starts_at == start and s.mentee_id == user_id
        ]
        if mine:  # a double tap: she booked it herself a moment ago
            await ui.tell(update, t("You've already booked this time ✓"))
            return
        if refused.code not in (Refusal.SLOT_TAKEN, Refusal.SLOT_GONE):
            await ui.tell(update, refusal_text(t, refused.code), alert=True)
            return
        # Someone was a moment quicker: say so and offer what is still free.
        if query is not None:
            await query.answer(refusal_text(t, refused.code), show_alert=True)
        m = await mentee_side(context, mentorship_id, user_id)
        text, markup = await slot_list(context, m, intro=refusal_text(t, refused.code))
        await message.reply_text(text, reply_markup=markup)
        return
    await ui.went_through(update, context, t("Booked ✓"), done.notices)


# --- the mentor's answer ------------------------------------------------------------------------


async def on_confirm(update: Update, context: Context, session_id: int, _: str) -> None:
    await answer(update, context, session_id, flow.confirm, N_("Confirmed ✓"))


async def on_decline(update: Update, context: Context, session_id: int, _: str) -> None:
    await answer(update, context, session_id, flow.decline, N_("Declined"))


async def answer(update: Update, context: Context, session_id: int, use_case, verdict: str) -> None:
    services, t, query = context.services, context.t, update.callback_query
    try:
        done = await use_case(services, session_id, query.from_user.id, services.clock.now())
    except Refused as refused:
        await query.answer(refusal_text(t, refused.code), show_alert=True)
        if refused.code != Refusal.NOT_YOURS:
            await ui.edit(query, None)
        return
    await query.answer(t(verdict))
    # The mentee hears first: a failed edit of the mentor's card must not swallow her message.
    await services.sender.send(done.notices)
    await ui.edit(query, f"{query.message.text_html}\n\n<b>{html.escape(t(verdict))}</b>")


ACTIONS = {
    "list": on_list,
    "pick": on_pick,
    "agenda": on_agenda,
    "go": on_go,
    "ok": on_confirm,
    "no": on_decline,
}
on_button = ui.by_id(ACTIONS, Refused, lambda context, code: refusal_text(context.t, code))


def register(app: Application) -> None:
    app.add_handler(CommandHandler("book", book))
    ui.add_area(
        app, "book", on_button, conversation=CONVERSATION, starts=["agenda"], states={TOPIC: (read_agenda, "go")}
    )
