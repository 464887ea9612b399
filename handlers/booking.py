"""`/book`: a mentee picks one of her mentor's free slots (in her own time zone), adds an
optional agenda, and the mentor confirms; both then get the session card and a .ics file.

Also the session card itself, which every session journey shows.
"""

from __future__ import annotations

import html
import io
import logging
from zoneinfo import ZoneInfo

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest, Forbidden, TelegramError
from telegram.ext import Application, CallbackQueryHandler, CommandHandler

from bot.calendar_file import session_ics
from bot.callbacks import cb, parse_callback, pattern
from bot.context import Context
from bot.db.mentorships import Mentorship
from bot.db.sessions import SessionRow
from bot.i18n import N_, Translator
from bot.mentorship import clean_message
from bot.onboarding import InvalidAnswer
from bot.services import Services
from bot.sessions import (
    AGENDA_MAX,
    MAX_SLOTS_SHOWN,
    MIN_NOTICE,
    REFUSALS,
    Refusal,
    Refused,
    Status,
    parse_slot_code,
    slot_code,
)
from bot.slots import Slot
from bot.video_room import new_room_link
from handlers import inputs
from handlers.mentorship import deliver, name_of, reader_of, stale

log = logging.getLogger(__name__)


def refusal_text(t: Translator, code: Refusal) -> str:
    return t(REFUSALS[code]).format(hours=int(MIN_NOTICE.total_seconds() // 3600))


def when_text(t: Translator, zone: ZoneInfo, session: SessionRow) -> str:
    """'Tue, Mar 11 18:00–19:00' in the reader's zone."""
    return f"{t.datetime(session.starts_at, zone)}–{t.time(session.ends_at, zone)}"


# --- the session card ---------------------------------------------------------------------------


async def card_text(
    services: Services, t: Translator, zone: ZoneInfo, viewer: int, session: SessionRow
) -> str:
    other = session.other(viewer)
    name = await name_of(services, other)
    heading = (
        t("Session with your mentor {name}")
        if viewer == session.mentee_id
        else t("Session with your mentee {name}")
    )
    lines = [
        "📅 <b>" + heading.format(name=name) + "</b>",
        "🕒 "
        + t("{when} (your time, {zone})").format(
            when=when_text(t, zone, session), zone=html.escape(zone.key)
        ),
    ]
    if session.status == Status.CONFIRMED:
        lines.append("✅ " + t("Confirmed"))
    elif session.status == Status.REQUESTED and viewer == session.mentee_id:
        lines.append("⏳ " + t("Waiting for {name} to confirm").format(name=name))
    elif session.status == Status.REQUESTED:
        lines.append("⏳ " + t("Waiting for your confirmation"))
    elif session.status in (Status.CANCELLED, Status.DECLINED):
        lines.append("✖️ " + t("Called off"))
    if session.meeting_link:
        lines.append(
            "🎥 " + t("Meeting link: {link}").format(link=html.escape(session.meeting_link))
        )
    if session.agenda:
        lines.append("📝 " + t("Agenda: {agenda}").format(agenda=html.escape(session.agenda)))
    if session.for_minor and viewer == session.mentee_id:
        lines.append(
            "🛡 "
            + t(
                "Because you are under 18, a parent or another adult you trust is welcome to "
                "join the call as an observer."
            )
        )
    elif session.for_minor:
        lines.append(
            "🛡 "
            + t(
                "{name} is under 18: an adult observer (a parent or teacher) may join the call. "
                "Please meet only through this link and talk through the bot."
            ).format(name=name)
        )
    return "\n".join(lines)


def card_keyboard(t: Translator, session: SessionRow) -> InlineKeyboardMarkup | None:
    if session.status not in (Status.REQUESTED, Status.CONFIRMED):
        return None
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    "🔁 " + t("Reschedule"), callback_data=cb("ses", "mv", session.id)
                ),
                InlineKeyboardButton("✖️ " + t("Cancel"), callback_data=cb("ses", "cx", session.id)),
            ]
        ]
    )


async def send_card(
    bot: Bot, services: Services, session: SessionRow, viewer: int, *, ics: bool, intro: str = ""
) -> None:
    """The card (and, once confirmed, the .ics) to one side, in her language and zone."""
    t, zone = await reader_of(services, viewer)
    text = await card_text(services, t, zone, viewer, session)
    sent = await deliver(
        bot, services, viewer, f"{intro}\n\n{text}" if intro else text, card_keyboard(t, session)
    )
    if sent is not None and ics:
        await send_ics(bot, services, session, viewer, t)


async def send_ics(
    bot: Bot, services: Services, session: SessionRow, viewer: int, t: Translator
) -> None:
    """The calendar file, with the start in the mentor's zone and the meeting link."""
    _, mentor_zone = await reader_of(services, session.mentor_id)
    names = {
        "mentee": html.unescape(await name_of(services, session.mentee_id)),
        "mentor": html.unescape(await name_of(services, session.mentor_id)),
    }
    description = [t("Mentoring session: {mentee} and {mentor}").format(**names)]
    if session.agenda:
        description.append(t("Agenda: {agenda}").format(agenda=session.agenda))
    if session.meeting_link:
        description.append(t("Meeting link: {link}").format(link=session.meeting_link))
    if session.for_minor:
        description.append(t("An adult observer (a parent or teacher) may join the call."))
    data = session_ics(
        f"session-{await services.sessions.first_id(session.id)}@steminist-mentor-bot",
        session.starts_at,
        session.minutes,
        t("Mentoring session: {mentee} and {mentor}").format(**names),
        "\n".join(description),
        session.meeting_link,
        mentor_zone.key,
        now=services.clock.now(),
        sequence=session.sequence,
    )
    try:
        await bot.send_document(
            viewer,
            io.BytesIO(data),
            filename=f"session-{session.id}.ics",
            caption=t("Add it to your calendar 📅"),
        )
    except Forbidden:
        await services.users.mark_blocked(viewer, services.clock.now())
    except TelegramError as error:
        log.warning("could not send the .ics to %s: %s", viewer, error)


async def both_confirmed(bot: Bot, services: Services, session: SessionRow, intro: str) -> None:
    """A confirmed session: the card and .ics to both, each with `intro` in her language."""
    for viewer in (session.mentee_id, session.mentor_id):
        t, _ = await reader_of(services, viewer)
        await send_card(bot, services, session, viewer, ics=True, intro=t(intro))


# --- /book ------------------------------------------------------------------------------------


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
                t(
                    "Your mentees book sessions in the free time you publish with /slots. "
                    "/sessions lists your sessions."
                )
            )
        else:
            await message.reply_text(refusal_text(t, Refusal.NO_MENTORSHIP))
        return
    text, markup = await slot_list(context, m)
    await message.reply_text(text, reply_markup=markup)


async def slot_list(
    context: Context, m: Mentorship, *, intro: str = ""
) -> tuple[str, InlineKeyboardMarkup | None]:
    """Her mentor's next free slots as buttons, in her own zone."""
    services, t, zone = context.services, context.t, context.zone
    name = await name_of(services, m.mentor_id)
    prefix = f"{intro}\n\n" if intro else ""
    if await services.sessions.is_suspended(m.mentor_id) or await services.sessions.is_suspended(
        m.mentee_id
    ):
        return prefix + refusal_text(t, Refusal.SUSPENDED), None
    free = (await services.sessions.free_slots(m.mentor_id, services.clock.now()))[:MAX_SLOTS_SHOWN]
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
        "Pick a time for a one-hour session with {name}. Times are in your time zone, {zone} "
        "(/timezone changes it)."
    ).format(name=name, zone=html.escape(zone.key))
    return text, slot_buttons(t, zone, free, lambda code: cb("book", "pick", m.id, code))


def slot_buttons(t: Translator, zone: ZoneInfo, free: list[Slot], data) -> InlineKeyboardMarkup:
    buttons = [
        InlineKeyboardButton(
            t.datetime(slot.start_utc, zone), callback_data=data(slot_code(slot.start_utc))
        )
        for slot in free
    ]
    return InlineKeyboardMarkup([buttons[i : i + 2] for i in range(0, len(buttons), 2)])


async def tell_mentor_no_time(context: Context, m: Mentorship) -> None:
    services = context.services
    their_t, _ = await reader_of(services, m.mentor_id)
    await deliver(
        context.bot,
        services,
        m.mentor_id,
        their_t(
            N_(
                "{name} would like to book a session, but you have no free time in the next two "
                "weeks. /slots adds some."
            )
        ).format(name=await name_of(services, m.mentee_id)),
    )


async def on_button(update: Update, context: Context) -> None:
    query = update.callback_query
    data = parse_callback(query.data)
    target = data.int_arg(0) if data else None
    action = ACTIONS.get(data.action) if data else None
    if target is None or action is None:
        await stale(update, context)
        return
    try:
        await action(update, context, target, data.arg(1))
    except Refused as refused:
        await query.answer(refusal_text(context.t, refused.code), show_alert=True)


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
    await update.callback_query.edit_message_text(text, reply_markup=markup)


async def on_pick(update: Update, context: Context, mentorship_id: int, code: str) -> None:
    query, t = update.callback_query, context.t
    start = parse_slot_code(code)
    if start is None:
        await stale(update, context)
        return
    m = await mentee_side(context, mentorship_id, query.from_user.id)
    try:
        await context.services.sessions.check_bookable(
            m.mentor_id, m.mentee_id, start, context.services.clock.now()
        )
    except Refused as refused:
        await query.answer(refusal_text(t, refused.code), show_alert=True)
        text, markup = await slot_list(context, m, intro=refusal_text(t, refused.code))
        await query.edit_message_text(text, reply_markup=markup)
        return
    await query.answer()
    name = await name_of(context.services, m.mentor_id)
    await query.edit_message_text(
        t("📅 {when} with {name}. Would you like to say what you'd like to talk about?").format(
            when=t.datetime(start, context.zone), name=name
        ),
        reply_markup=InlineKeyboardMarkup(
            [
                [
                    InlineKeyboardButton(
                        "✅ " + t("Book it"), callback_data=cb("book", "go", m.id, code)
                    )
                ],
                [
                    InlineKeyboardButton(
                        "✍️ " + t("Add an agenda first"),
                        callback_data=cb("book", "agenda", m.id, code),
                    )
                ],
                [
                    InlineKeyboardButton(
                        "↩️ " + t("Other times"), callback_data=cb("book", "list", m.id)
                    )
                ],
            ]
        ),
    )


async def on_agenda(update: Update, context: Context, mentorship_id: int, code: str) -> None:
    query = update.callback_query
    if parse_slot_code(code) is None:
        await stale(update, context)
        return
    await mentee_side(context, mentorship_id, query.from_user.id)
    await query.answer()
    await inputs.expect(context, query.from_user.id, "book_agenda", f"{mentorship_id}:{code}")
    await query.message.reply_text(
        context.t(
            "Type what you'd like to talk about, in one message (up to {n} characters). "
            "/cancel if you change your mind."
        ).format(n=AGENDA_MAX)
    )


@inputs.reader("book_agenda")
async def read_agenda(update: Update, context: Context, ref: str, text: str | None) -> None:
    t, user_id, message = context.t, update.effective_user.id, update.effective_message
    mentorship_id, _, code = ref.partition(":")
    try:
        if text is None:
            raise InvalidAnswer("not_text")
        agenda = clean_message(text, AGENDA_MAX)
    except InvalidAnswer as error:
        await inputs.expect(context, user_id, "book_agenda", ref)
        await message.reply_text(
            t("That is too long: please keep it under {n} characters.").format(n=AGENDA_MAX)
            if error.code == "too_long"
            else t("Please type it as text.")
        )
        return
    try:
        await place_booking(update, context, int(mentorship_id), code, agenda)
    except Refused as refused:  # the mentorship ended while she was typing
        await message.reply_text(refusal_text(t, refused.code))


async def on_go(update: Update, context: Context, mentorship_id: int, code: str) -> None:
    await place_booking(update, context, mentorship_id, code, None)


async def place_booking(
    update: Update, context: Context, mentorship_id: int, code: str, agenda: str | None
) -> None:
    services, t, user_id = context.services, context.t, update.effective_user.id
    query, message = update.callback_query, update.effective_message
    start = parse_slot_code(code)
    if start is None:
        await stale(update, context)
        return
    try:
        session = await services.sessions.book(
            mentorship_id,
            user_id,
            start,
            services.clock.now(),
            offsets=services.settings.reminder_offsets,
            new_link=new_room_link,
            agenda=agenda,
        )
    except Refused as refused:
        mine = [
            s
            for s in await services.sessions.upcoming(user_id, services.clock.now())
            if s.starts_at == start and s.mentee_id == user_id
        ]
        if mine:  # a double tap: she booked it herself a moment ago
            if query is not None:
                await query.answer(t("You've already booked this time ✓"))
            return
        if refused.code not in (Refusal.SLOT_TAKEN, Refusal.SLOT_GONE):
            if query is not None:
                await query.answer(refusal_text(t, refused.code), show_alert=True)
            else:
                await message.reply_text(refusal_text(t, refused.code))
            return
        # Someone was a moment quicker: say so and offer what is still free.
        if query is not None:
            await query.answer(refusal_text(t, refused.code), show_alert=True)
        m = await mentee_side(context, mentorship_id, user_id)
        text, markup = await slot_list(context, m, intro=refusal_text(t, refused.code))
        await message.reply_text(text, reply_markup=markup)
        return
    if query is not None:
        await query.answer(t("Booked ✓"))
        try:
            await query.edit_message_reply_markup(None)
        except BadRequest:
            pass
    if session.status == Status.CONFIRMED:
        await both_confirmed(context.bot, services, session, N_("Your session is booked! 🎉"))
        return
    await send_card(
        context.bot,
        services,
        session,
        user_id,
        ics=False,
        intro=t(
            "Booked! ⏳ I've asked {name} to confirm and will tell you as soon as she does."
        ).format(name=await name_of(services, session.mentor_id)),
    )
    await send_request(context.bot, services, session)


async def send_request(bot: Bot, services: Services, session: SessionRow) -> None:
    """The mentor's card for a requested session, with Confirm and Decline."""
    t, zone = await reader_of(services, session.mentor_id)
    text = (
        t("{name} would like a session with you:").format(
            name=await name_of(services, session.mentee_id)
        )
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
                    InlineKeyboardButton(
                        "✅ " + t("Confirm"), callback_data=cb("book", "ok", session.id)
                    ),
                    InlineKeyboardButton(
                        "✖️ " + t("Decline"), callback_data=cb("book", "no", session.id)
                    ),
                ]
            ]
        ),
    )


async def on_confirm(update: Update, context: Context, session_id: int, _: str) -> None:
    services, t, query = context.services, context.t, update.callback_query
    try:
        session = await services.sessions.confirm(
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
        session = await services.sessions.decline(
            session_id, query.from_user.id, services.clock.now()
        )
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
    try:
        if verdict is None:
            await query.edit_message_reply_markup(None)
        else:
            await query.edit_message_text(
                f"{query.message.text_html}\n\n<b>{html.escape(verdict)}</b>"
            )
    except BadRequest as error:
        if "not modified" not in str(error):
            raise


ACTIONS = {
    "list": on_list,
    "pick": on_pick,
    "agenda": on_agenda,
    "go": on_go,
    "ok": on_confirm,
    "no": on_decline,
}


def register(app: Application) -> None:
    app.add_handler(CommandHandler("book", book))
    app.add_handler(CallbackQueryHandler(on_button, pattern=pattern("book")))
