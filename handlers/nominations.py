"""`/nominate`: she names a woman for a story card (name, field, where, why, a link); admins decide in
`/nominations`, where the accepted ones also come as a CSV for the writers."""

from __future__ import annotations

import html

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, MessageHandler

from bot.callbacks import cb, parse_callback, pattern
from bot.context import Context
from bot.domain import FIELD_LABELS
from bot.nominations import flow, rules, store
from bot.notices import Notice
from bot.telegram import conversations, ui
from bot.telegram.ui import hint, refuse_non_admin, stale_button

CONVERSATION = "nominate"
# Her steps, in order; FIELD and REGION are answered with buttons, the others typed.
NAME, FIELD, REGION, WHY, LINK = "name", "field", "region", "why", "link"


async def nominate(update: Update, context: Context) -> object:
    user_id = update.effective_user.id
    nomination_id = await store.start(context.services.db, user_id, context.services.clock.now())
    state = await conversations.enter(update, context, CONVERSATION, NAME, nomination_id)
    await update.effective_message.reply_text(
        context.t(
            "Who is a woman in science or technology you would like others to read about? "
            "Type her full name. (/cancel stops.)"
        )
    )
    return state


async def typed(update: Update, context: Context, step: str) -> tuple[int, str] | None:
    """Her typed answer to `step`, saved on the draft; None (and the question again) when it is not one."""
    t, message = context.t, update.effective_message
    about = await conversations.take(update, context, CONVERSATION)
    if about is None:
        await hint(update, context)
        return None
    nomination_id = int(about)
    limit = rules.LIMITS[step]
    value = rules.clean(message.text, limit + 1)
    if not value or len(value) > limit:
        # Asked again rather than cut: her words are hers to shorten.
        await conversations.enter(update, context, CONVERSATION, step, nomination_id)
        await message.reply_text(
            t("That is longer than {n} characters. Please make it shorter.").format(n=limit)
            if value
            else t("Please type it in words.")
        )
        return None
    if not await store.set_draft_value(context.services.db, nomination_id, update.effective_user.id, step, value):
        await message.reply_text(t("This nomination is already sent. Tap /nominate to start a new one."))
        return None
    return nomination_id, value


async def read_name(update: Update, context: Context) -> object:
    answer = await typed(update, context, NAME)
    if answer is None:
        return await still(update, context)
    nomination_id, name = answer
    t = context.t
    rows = [
        [InlineKeyboardButton(t(label), callback_data=cb("nom", "field", nomination_id, code.value))]
        for code, label in FIELD_LABELS.items()
    ]
    state = await conversations.enter(update, context, CONVERSATION, FIELD, nomination_id)
    await update.effective_message.reply_text(
        t("What is {name}'s field?").format(name=html.escape(name)), reply_markup=InlineKeyboardMarkup(rows)
    )
    return state


async def read_why(update: Update, context: Context) -> object:
    answer = await typed(update, context, WHY)
    if answer is None:
        return await still(update, context)
    nomination_id, t = answer[0], context.t
    state = await conversations.enter(update, context, CONVERSATION, LINK, nomination_id)
    await update.effective_message.reply_text(
        t("Last: a link where the writers can read about her (a news page, her profile). Or tap Skip."),
        reply_markup=skip_keyboard(t, nomination_id),
    )
    return state


async def read_link(update: Update, context: Context) -> object:
    t, message = context.t, update.effective_message
    about = await conversations.take(update, context, CONVERSATION)
    if about is None:
        await hint(update, context)
        return conversations.END
    value = rules.link(message.text)
    if value is None:
        state = await conversations.enter(update, context, CONVERSATION, LINK, about)
        await message.reply_text(
            t("That doesn't look like a web address. Send one starting with https://, or tap Skip."),
            reply_markup=skip_keyboard(t, int(about)),
        )
        return state
    await finish(update, context, int(about), value)
    return conversations.END


async def still(update: Update, context: Context) -> object:
    """After a typed answer that was not taken: the step she is on now (entered again, or none)."""
    services = context.services
    pending = await services.inputs.peek(update.effective_user.id, services.clock.now())
    return None if pending is not None and pending.kind == CONVERSATION else conversations.END


def skip_keyboard(t, nomination_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton(t("Skip"), callback_data=cb("nom", "skip", nomination_id))]])


async def finish(update: Update, context: Context, nomination_id: int, link: str) -> None:
    services = context.services
    user_id = update.effective_user.id
    notices = await flow.submit(
        services.db, nomination_id, user_id, link, context.t.language, services.settings.admin_ids
    )
    if notices is None:
        await update.effective_message.reply_text(
            context.t("This nomination is already sent. Tap /nominate to start a new one.")
        )
        return
    await conversations.forget(update, context, CONVERSATION)
    await update.effective_message.reply_text(
        context.t("Thank you! The programme team will read your nomination, and I'll tell you what they decide. 🌷")
    )
    await services.sender.send(notices)


async def on_button(update: Update, context: Context) -> object:
    query = update.callback_query
    data = parse_callback(query.data)
    services = context.services
    t = context.t
    user_id = query.from_user.id
    nomination_id = data.int_arg(0)
    if data.action in ("ok", "no", "csv"):
        if await refuse_non_admin(update, context):
            return
        if data.action == "csv":
            await query.answer()
            await send_export(update, context)
            return
        notice = (
            None
            if nomination_id is None
            else await flow.decide(services.db, nomination_id, data.action == "ok", user_id, services.clock.now())
        )
        if notice is None:
            await query.answer(t("Another admin has decided this one already."), show_alert=True)
            await query.edit_message_reply_markup(None)
            return
        await services.admin.record(user_id, f"nomination_{data.action}", services.clock.now(), nomination_id)
        await query.answer(t("Accepted ✓") if data.action == "ok" else t("Declined."))
        await query.edit_message_reply_markup(None)
        await services.sender.send([notice])
        return
    if nomination_id is None:
        await stale_button(update, context)
        return
    if data.action == "field" and data.arg(1) in {code.value for code in FIELD_LABELS}:
        if not await store.set_draft_value(services.db, nomination_id, user_id, "field", data.arg(1)):
            await stale_button(update, context)
            return
        await query.answer()
        rows = [
            [InlineKeyboardButton(t(label), callback_data=cb("nom", "reg", nomination_id, code))]
            for code, label in flow.REGION_NAMES.items()
        ]
        state = await conversations.enter(update, context, CONVERSATION, REGION, nomination_id)
        await query.edit_message_text(t("Where is she from?"), reply_markup=InlineKeyboardMarkup(rows))
        return state
    elif data.action == "reg" and data.arg(1) in rules.REGIONS:
        if not await store.set_draft_value(services.db, nomination_id, user_id, "region", data.arg(1)):
            await stale_button(update, context)
            return
        await query.answer()
        state = await conversations.enter(update, context, CONVERSATION, WHY, nomination_id)
        await query.edit_message_text(t("Why does she inspire you? A few sentences are enough."))
        return state
    elif data.action == "skip":
        await query.answer()
        await query.edit_message_reply_markup(None)
        await finish(update, context, nomination_id, "")
        return conversations.END
    else:
        await stale_button(update, context)


async def nominations(update: Update, context: Context) -> None:
    """Admins: the pending queue, one message each with Accept / Decline, and the CSV button."""
    if await refuse_non_admin(update, context):
        return
    services = context.services
    t = context.t
    queue = await store.pending(services.db)
    admin_id = update.effective_user.id
    await update.effective_message.reply_text(
        t("<b>Nominations</b>: {n} waiting.").format(n=await store.waiting(services.db)),
        reply_markup=InlineKeyboardMarkup(
            [[InlineKeyboardButton("📄 " + t("Accepted ones as CSV"), callback_data=cb("nom", "csv"))]]
        ),
    )
    await services.sender.send([Notice(admin_id, flow.describe(item), flow.admin_buttons(item.id)) for item in queue])


async def send_export(update: Update, context: Context) -> None:
    services = context.services
    content = rules.to_csv(store.EXPORT_COLUMNS, await store.accepted_rows(services.db))
    stamp = services.clock.now().strftime("%Y-%m-%d")
    await update.effective_message.reply_document(content, filename=f"nominations-{stamp}.csv")
    await services.admin.record(update.effective_user.id, "export", services.clock.now(), "nominations")


def register(app: Application) -> None:
    step_buttons = CallbackQueryHandler(on_button, pattern=pattern("nom"))
    app.add_handler(
        conversations.Conversation(
            CONVERSATION,
            entry_points=[CommandHandler("nominate", nominate)],
            states={
                NAME: [MessageHandler(conversations.ANYTHING, read_name)],
                FIELD: [step_buttons],
                REGION: [step_buttons],
                WHY: [MessageHandler(conversations.ANYTHING, read_why)],
                LINK: [MessageHandler(conversations.ANYTHING, read_link), step_buttons],
            },
            fallbacks=[CommandHandler("cancel", ui.stop_waiting)],
        )
    )
    app.add_handler(CommandHandler("nominations", nominations))
    app.add_handler(CallbackQueryHandler(on_button, pattern=pattern("nom")))
