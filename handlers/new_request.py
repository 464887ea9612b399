"""Her request to a mentor: the rules checked first (bot.mentorship.store.requests.requestable),
an optional intro note, then the request."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update

from bot.callbacks import cb
from bot.context import Context
from bot.mentorship.rules import NOTE_MAX, Refused, clean_message
from bot.onboarding.rules import InvalidAnswer
from bot.telegram.ui import name_of, refusal_text
from handlers import contact_guard, inputs
from handlers.request_card import mentee_keyboard, send_request_card


async def ask_for_note(update: Update, context: Context, mentor_id: int) -> None:
    query, services, t = update.callback_query, context.services, context.t
    try:  # the same rules the request runs again when it is sent: refused now, she types no note in vain
        await services.requests.check_requestable(query.from_user.id, mentor_id)
    except Refused as refused:
        await query.answer(refusal_text(t, refused.code), show_alert=True)
        return
    await query.answer()
    await inputs.expect(context, query.from_user.id, "req_note", mentor_id)
    await query.message.reply_text(
        t(
            "Would you like to add a short note for {name}? Say who you are and what you hope for. "
            "Type it now (up to {n} characters), or send your request without one."
        ).format(name=await name_of(services, mentor_id), n=NOTE_MAX),
        reply_markup=InlineKeyboardMarkup(
            [
                [
                    InlineKeyboardButton(
                        "📨 " + t("Send without a note"),
                        callback_data=cb("find", "send", mentor_id),
                    )
                ]
            ]
        ),
    )


@inputs.reader("req_note")
async def read_note(update: Update, context: Context, ref: str, text: str | None) -> None:
    t, user_id, message = context.t, update.effective_user.id, update.effective_message
    try:
        if text is None:
            raise InvalidAnswer("not_text")
        note = clean_message(text, NOTE_MAX)
    except InvalidAnswer as error:
        await inputs.expect(context, user_id, "req_note", ref)
        await message.reply_text(
            t("That's a bit long: please keep your note under {n} characters.").format(n=NOTE_MAX)
            if error.code == "too_long"
            else t("Please type your note as text, or tap Send without a note.")
        )
        return
    if not await contact_guard.let_through(
        update, context, source="note", recipient_id=int(ref), text=note, kind="req_note", ref=ref
    ):
        return
    await send_request(message, context, user_id, int(ref), note)


async def send_request(message: Message, context: Context, mentee_id: int, mentor_id: int, note: str | None) -> None:
    services, t = context.services, context.t
    try:
        request = await services.requests.create_request(mentee_id, mentor_id, services.clock.now(), note=note)
    except Refused as refused:
        await message.reply_text(refusal_text(t, refused.code))
        return
    await message.reply_text(
        t(
            "Sent! 📨 I'll tell you as soon as {name} answers. If she can't answer within a week, "
            "I'll suggest someone else."
        ).format(name=await name_of(services, mentor_id)),
        reply_markup=mentee_keyboard(t, request.id),
    )
    await send_request_card(context.bot, services, request)
