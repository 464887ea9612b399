"""Circle sessions on Telegram: the lead schedules (one of her free times or a typed one, then a
topic), members answer, the job reminds and asks who came, members rate."""

from __future__ import annotations

import html
from datetime import datetime

from telegram import Update
from telegram.ext import Application

from bot.callbacks import cb
from bot.circles import meetings
from bot.circles.rules import TOPIC_MAX, CircleRefused, session_time_refusal
from bot.context import Context
from bot.i18n import N_
from bot.notices import Button, Msg, When
from bot.sessions.rules import parse_slot_code, slot_code
from bot.sessions.store.slots import free_slots_in
from bot.telegram import conversations, ui
from bot.telegram.circles import REFUSALS, dispatch, refuse, store_of
from bot.video_room import new_room_link

TYPED_FORMAT = "%Y-%m-%d %H:%M"
# Schedule → one of her free times, or "Another time" → she types WHEN → she types the TOPIC → scheduled.
CONVERSATION = "circle_session"
WHEN, TOPIC = "when", "topic"


async def circle_sessions_tick(app: Application) -> None:
    """Due reminders (once each), then who-came questions for sessions that have ended."""
    services = app.bot_data.services
    store, now = store_of(app), services.clock.now()
    await services.sender.send(await meetings.due_reminders(store, now))
    await services.sender.send(await meetings.ask_attendance(store, now))


async def on_new(update: Update, context: Context, circle_id: int) -> None:
    """Her free times for the next two weeks as buttons, and a typed time."""
    services, user_id = context.services, update.effective_user.id
    await meetings.check_lead(store_of(context), circle_id, user_id)
    await update.callback_query.answer()
    async with services.db.reading() as s:
        free = await free_slots_in(s, user_id, services.clock.now(), days=14, moving=None)
    rows = [
        (Button(Msg("{when}", when=When(slot.start_utc)), cb("circs", "at", circle_id, slot_code(slot.start_utc))),)
        for slot in free[:8]
    ]
    rows.append((Button(Msg(N_("Another time")), cb("circs", "ot", circle_id)),))
    await update.callback_query.message.reply_text(
        context.t("When is the circle session? Your free times, or type another one."),
        reply_markup=ui.buttons(context, tuple(rows)),
    )


async def _ask_topic(update: Update, context: Context, circle_id: int, start: datetime) -> object:
    state = await conversations.enter(update, context, CONVERSATION, TOPIC, f"{circle_id}.{slot_code(start)}")
    await update.effective_message.reply_text(context.t("What is the session about? Type a short topic."))
    return state


async def on_at(update: Update, context: Context, circle_id: int, code: str = "") -> object:
    start = parse_slot_code(code)
    if start is None:
        raise CircleRefused("not_a_member")
    await meetings.check_lead(store_of(context), circle_id, update.effective_user.id)
    await update.callback_query.answer()
    return await _ask_topic(update, context, circle_id, start)


async def on_other_time(update: Update, context: Context, circle_id: int) -> object:
    await meetings.check_lead(store_of(context), circle_id, update.effective_user.id)
    await update.callback_query.answer()
    _, zone = await context.services.sender.reader(update.effective_user.id)
    state = await conversations.enter(update, context, CONVERSATION, WHEN, circle_id)
    await update.effective_message.reply_text(
        context.t("Type the date and time in your zone ({zone}), like 2025-03-14 18:00.").format(
            zone=html.escape(zone.key)
        )
    )
    return state


@ui.text_step(CONVERSATION, WHEN, limit=TOPIC_MAX)
async def read_when(update: Update, context: Context, about: str, text: str) -> object:
    _, zone = await context.services.sender.reader(update.effective_user.id)
    try:
        start = datetime.strptime(text, TYPED_FORMAT).replace(tzinfo=zone)
    except ValueError:
        start, again = None, N_("I could not read that. Please type it like 2025-03-14 18:00.")
    else:
        # Said now, not after she has typed the topic too, which the refusal would throw away.
        refused = session_time_refusal(start, context.services.clock.now())
        again = REFUSALS[refused] if refused else None
    if again:
        state = await conversations.enter(update, context, CONVERSATION, WHEN, about)
        await update.effective_message.reply_text(context.t(again))
        return state
    return await _ask_topic(update, context, int(about), start)


@ui.text_step(CONVERSATION, TOPIC, limit=TOPIC_MAX)
async def read_topic(update: Update, context: Context, about: str, text: str) -> object:
    services, user_id = context.services, update.effective_user.id
    circle_id, _, code = about.partition(".")
    try:
        notices = await meetings.schedule(
            store_of(context),
            int(circle_id),
            user_id,
            parse_slot_code(code),
            text,
            services.clock.now(),
            services.settings.reminder_offsets,
            new_room_link,
        )
    except CircleRefused as refused:
        await refuse(update, context, refused.code)
        return conversations.END
    await update.effective_message.reply_text(context.t("The session is scheduled: every member has the card."))
    await services.sender.send(notices)
    return conversations.END


async def on_answer(update: Update, context: Context, session_id: int, coming: bool) -> None:
    await meetings.answer(store_of(context), session_id, update.effective_user.id, coming, context.services.clock.now())
    await update.callback_query.answer(
        context.t("Noted: you'll be there ✓") if coming else context.t("Noted: you can't come. Thank you for saying!")
    )


async def on_yes(update: Update, context: Context, session_id: int) -> None:
    await on_answer(update, context, session_id, True)


async def on_no(update: Update, context: Context, session_id: int) -> None:
    await on_answer(update, context, session_id, False)


async def on_attended(update: Update, context: Context, session_id: int, member: str = "") -> None:
    store, now = store_of(context), context.services.clock.now()
    await meetings.toggle(store, session_id, update.effective_user.id, int(member), now)
    await update.callback_query.answer()
    lines, rows = await meetings.attendance_view(store, session_id)
    await ui.edit(update.callback_query, ui.text(context, *lines), ui.buttons(context, rows))


async def on_save(update: Update, context: Context, session_id: int) -> None:
    services = context.services
    user_id, now = update.effective_user.id, services.clock.now()
    notices = await meetings.save_attendance(store_of(context), session_id, user_id, now)
    await update.callback_query.answer()
    await ui.drop_buttons(update.callback_query)
    await update.callback_query.message.reply_text(context.t("Saved. Thank you! 🌱"))
    await services.sender.send(notices)


async def on_rate(update: Update, context: Context, session_id: int, stars: str = "") -> None:
    await meetings.rate(store_of(context), session_id, update.effective_user.id, int(stars))
    await update.callback_query.answer()
    await ui.drop_buttons(update.callback_query)
    await update.callback_query.message.reply_text(context.t("Thank you for rating it! 🌸"))


ACTIONS = {
    "new": on_new,
    "at": on_at,
    "ot": on_other_time,
    "y": on_yes,
    "n": on_no,
    "ma": on_attended,
    "sv": on_save,
    "rt": on_rate,
}


async def on_button(update: Update, context: Context) -> object:
    return await dispatch(update, context, ACTIONS)


def register(app: Application) -> None:
    states = {WHEN: (read_when,), TOPIC: (read_topic,)}
    ui.add_area(app, "circs", on_button, conversation=CONVERSATION, starts=["at", "ot"], states=states)
