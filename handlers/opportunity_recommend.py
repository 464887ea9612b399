"""A mentor's `/opportunities` buttons: Next, and "Recommend to <mentee>", then her own line (typed,
or Skip), sent to the mentee with the card."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, MessageHandler

from bot.callbacks import cb, parse_callback, pattern
from bot.context import Context
from bot.notices import render_msg, render_text
from bot.opportunities import recommend
from bot.telegram import conversations, ui
from bot.telegram.send import keyboard

CONVERSATION = "opportunity_note"
NOTE = "note"


async def _send(update: Update, context: Context, mentee_id: int, opportunity_id: int, note: str | None) -> bool:
    """False when her line was refused for contact details (she may write it again)."""
    services = context.services
    reply, notices = await recommend.recommend(
        services.db, update.effective_user.id, mentee_id, opportunity_id, note, services.clock.now()
    )
    await update.effective_message.reply_text(render_msg(reply, context.t, context.zone))
    await services.sender.send(notices)
    return reply.message != recommend.CONTACTS.message


async def on_button(update: Update, context: Context) -> object:
    query, services = update.callback_query, context.services
    data = parse_callback(query.data)
    opportunity_id = data.int_arg(0) if data else None
    mentee_id = data.int_arg(1) if data else None
    if data is None or opportunity_id is None:
        await ui.stale_button(update, context)
        return None
    if data.action == "next":
        notice = await recommend.browse(services.db, query.from_user.id, services.clock.now(), after=opportunity_id)
        await query.answer()
        if notice is not None:
            t, zone = context.t, context.zone
            await ui.edit(query, render_text(notice, t, zone), keyboard(notice, t, zone))
        return None
    if mentee_id is None or data.action not in ("pick", "skip"):
        await ui.stale_button(update, context)
        return None
    refused = await recommend.check(services.db, query.from_user.id, mentee_id, opportunity_id, services.clock.now())
    if refused is not None:
        await query.answer(render_msg(refused, context.t, context.zone), show_alert=True)
        return conversations.END
    await query.answer()
    if data.action == "skip":
        await conversations.forget(update, context, CONVERSATION)
        await _send(update, context, mentee_id, opportunity_id, None)
        return conversations.END
    name = await services.users.display_name(mentee_id)
    state = await conversations.enter(update, context, CONVERSATION, NOTE, f"{opportunity_id}:{mentee_id}")
    skip = InlineKeyboardButton(context.t("Skip"), callback_data=cb(recommend.AREA, "skip", opportunity_id, mentee_id))
    await query.message.reply_text(
        context.t("Type a short line for {name} to go with it, or tap Skip.").format(name=name),
        reply_markup=InlineKeyboardMarkup([[skip]]),
    )
    return state


@ui.text_step(CONVERSATION, NOTE, limit=recommend.NOTE_MAX)
async def read_note(update: Update, context: Context, about: str, note: str) -> object:
    opportunity_id, mentee_id = (int(part) for part in about.split(":"))
    if await _send(update, context, mentee_id, opportunity_id, note):
        return conversations.END
    return await conversations.enter(update, context, CONVERSATION, NOTE, about)


def register(app: Application) -> None:
    app.add_handler(
        conversations.Conversation(
            CONVERSATION,
            entry_points=[CallbackQueryHandler(on_button, pattern=pattern(recommend.AREA))],
            states={
                NOTE: [
                    MessageHandler(conversations.ANYTHING, read_note),
                    CallbackQueryHandler(on_button, pattern=pattern(recommend.AREA)),
                ]
            },
            fallbacks=[CommandHandler("cancel", ui.stop_waiting)],
        )
    )
