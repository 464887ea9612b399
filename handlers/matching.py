"""`/mentors` and the `find` area: her best matches one card at a time, narrowing by field, and the
Request button with its optional note (a conversation that waits for her typed text).
"""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import Application, CommandHandler

from bot.callbacks import cb, parse_callback
from bot.context import Context
from bot.i18n import N_
from bot.matching import find, flow, mentor_card, notices
from bot.mentorship.rules import NOTE_MAX, Refused
from bot.telegram import conversations, ui
from bot.telegram.mentoring import refusal_text
from bot.telegram.ui import stale_button

CONVERSATION = "req_note"
NOTE = "note"

# The conversation: the Request button (find:req) asks for her note; she types it, or taps
# "Send without a note" (find:send).


async def mentors_command(update: Update, context: Context) -> None:
    services = context.services
    view = await find.browse(services, update.effective_user.id, 0, None, services.clock.now())
    await update.effective_message.reply_text(
        ui.text(context, *view.lines), reply_markup=ui.buttons(context, view.buttons)
    )


async def on_button(update: Update, context: Context) -> object:
    data = parse_callback(update.callback_query.data)
    action = ACTIONS.get(data.action) if data else None
    if action is None:
        await stale_button(update, context)
        return None
    return await action(update, context, data)


async def on_next(update: Update, context: Context, data) -> None:
    query, services = update.callback_query, context.services
    index = data.int_arg(0)
    if index is None:
        await stale_button(update, context)
        return
    await query.answer()
    view = await find.browse(services, query.from_user.id, index, find.field_of(data.arg(1)), services.clock.now())
    await ui.edit(query, ui.text(context, *view.lines), ui.buttons(context, view.buttons))


async def on_fields(update: Update, context: Context, data) -> None:
    await update.callback_query.answer()
    lines, rows = mentor_card.field_choice()
    await ui.edit(update.callback_query, ui.text(context, *lines), ui.buttons(context, rows))


async def on_request(update: Update, context: Context, data) -> object:
    """Request: the rules first (she types no note in vain), then the question about a note."""
    query, services, t = update.callback_query, context.services, context.t
    mentor_id = data.int_arg(0)
    if mentor_id is None:
        await stale_button(update, context)
        return None
    try:
        mentor = await flow.may_request(services, query.from_user.id, mentor_id)
    except Refused as refused:
        await query.answer(refusal_text(t, refused.code), show_alert=True)
        return None
    await query.answer()
    state = await conversations.enter(update, context, CONVERSATION, NOTE, mentor_id)
    ask = ui.text(context, notices.ask_for_note(mentor, NOTE_MAX))
    send = InlineKeyboardButton("📨 " + t("Send without a note"), callback_data=cb("find", "send", mentor_id))
    await query.message.reply_text(ask, reply_markup=InlineKeyboardMarkup([[send]]))
    return state


async def on_send(update: Update, context: Context, data) -> object:
    """Send without a note."""
    query = update.callback_query
    mentor_id = data.int_arg(0)
    if mentor_id is None:
        await stale_button(update, context)
        return None
    await conversations.forget(update, context, CONVERSATION)
    await query.answer()
    await ui.drop_buttons(query)
    await send_request(update, context, mentor_id, None)
    return conversations.END


@ui.text_step(
    CONVERSATION,
    NOTE,
    limit=NOTE_MAX,
    not_text=N_("Please type your note as text, or tap Send without a note."),
    too_long=N_("That's a bit long: please keep your note under {n} characters."),
)
async def read_note(update: Update, context: Context, about: str, note: str) -> object:
    if not await send_request(update, context, int(about), note):
        return await conversations.enter(update, context, CONVERSATION, NOTE, about)  # she types it again
    return conversations.END


async def send_request(update: Update, context: Context, mentor_id: int, note: str | None) -> bool:
    """False when her note was held back for contact details (she may type it again)."""
    services, message = context.services, update.effective_message
    try:
        done = await flow.request(services, update.effective_user.id, mentor_id, note, services.clock.now())
    except Refused as refused:
        await message.reply_text(refusal_text(context.t, refused.code))
        return True
    await services.sender.send(done.notices)
    if done.held:
        await message.reply_text(ui.text(context, notices.held(done.held)))
        return False
    await message.reply_text(
        ui.text(context, *done.reply), reply_markup=ui.buttons(context, notices.mentee_buttons(done.request.id))
    )
    return True


ACTIONS = {"next": on_next, "fields": on_fields, "req": on_request, "send": on_send}


def register(app: Application) -> None:
    app.add_handler(CommandHandler("mentors", mentors_command))
    ui.add_area(app, "find", on_button, conversation=CONVERSATION, starts=("req",), states={NOTE: (read_note, "send")})
