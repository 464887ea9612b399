"""`/broadcast`: a story card or a composed message, to everyone or a segment, previewed per
language, confirmed, then sent through the paced outbox with one live progress message."""

from __future__ import annotations

import html

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, MessageHandler

from bot.admin import flow
from bot.admin.store import SEGMENT_COLUMNS
from bot.callbacks import cb, parse_callback, pattern
from bot.context import Context
from bot.delivery.engine import Progress
from bot.domain import (
    LANGUAGE_BUTTONS,
    Language,
)
from bot.i18n import SUPPORTED
from bot.telegram import conversations, ui
from bot.telegram.broadcast_view import SEGMENT_NAMES, SEGMENT_VALUES, cancel_markup, report_progress
from bot.telegram.story_card import send_card

CARDS_PER_PAGE = 8
# The composer waits for the message's text in each language in turn (what it is about: the language).
CONVERSATION = "broadcast"
TEXT = "broadcast:text"
FORMATTING_EXAMPLE = '<b>bold</b> <i>italic</i> <a href="https://example.org">link</a>'


def _kb(rows) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton(text, callback_data=data)] for text, data in rows])


async def broadcast(update: Update, context: Context) -> None:
    if await ui.refuse_non_admin(update, context):
        return
    t = context.t
    await context.services.admin.save_draft(
        update.effective_user.id, context.services.clock.now(), payload={}, audience={}
    )
    await update.effective_message.reply_text(
        t("<b>New broadcast</b>\nWhat would you like to send?"),
        reply_markup=_kb(
            [
                ("📖 " + t("A story card"), cb("bc", "cards", 0)),
                ("✍️ " + t("A message"), cb("bc", "compose")),
            ]
        ),
    )


async def on_button(update: Update, context: Context) -> None:
    if await ui.refuse_non_admin(update, context):
        return
    query = update.callback_query
    data = parse_callback(query.data)
    admin_id = query.from_user.id
    services = context.services
    t = context.t
    action = data.action
    if action == "cancel":  # a running broadcast's Cancel button
        await cancel_running(update, context, data.int_arg(0))
        return
    draft = await services.admin.draft(admin_id)
    if draft is None:
        await query.answer(
            t("This broadcast was already sent or dropped. Start again with /broadcast."),
            show_alert=True,
        )
        return
    await query.answer()
    now = services.clock.now()
    if action == "cards":
        page = data.int_arg(0) or 0
        hidden = await services.stories.hidden_slugs()
        slugs = [s for s in sorted(services.cards) if s not in hidden]
        chunk = slugs[page * CARDS_PER_PAGE : (page + 1) * CARDS_PER_PAGE]
        rows = [(services.cards[s].text(t.language).name, cb("bc", "card", s)) for s in chunk]
        if (page + 1) * CARDS_PER_PAGE < len(slugs):
            rows.append((t("More ▶️"), cb("bc", "cards", page + 1)))
        await ui.edit(query, t("Which story card?"), reply_markup=_kb(rows))
    elif action == "card" and data.arg(0) in services.cards:
        await services.admin.save_draft(admin_id, now, payload={"type": "story", "slug": data.arg(0)})
        await ask_audience(query.message, context)
    elif action in ("to", "dim", "seg", "send") and "type" not in draft.payload:
        # A button of an earlier /broadcast, pressed after a new one began: nothing chosen yet.
        await query.message.reply_text(t("Choose what to send first: a story card or a message."))
    elif action == "to":
        if data.arg(0) in ("all", "subscribers"):
            await services.admin.save_draft(admin_id, now, audience={"to": data.arg(0)})
            await preview(query.message, context)
        else:
            await ui.edit(
                query,
                t("Which kind of segment?"),
                reply_markup=_kb([(t(name), cb("bc", "dim", dim)) for dim, name in SEGMENT_NAMES.items()]),
            )
    elif action == "dim" and data.arg(0) in SEGMENT_COLUMNS:
        dim = data.arg(0)
        labels = SEGMENT_VALUES[dim]
        rows = [
            (label if dim == "language" else t(label), cb("bc", "seg", dim, code)) for code, label in labels.items()
        ]
        await ui.edit(query, t("Which one?"), reply_markup=_kb(rows))
    elif action == "seg" and data.arg(0) in SEGMENT_COLUMNS:
        await services.admin.save_draft(
            admin_id, now, audience={"to": "all", "dimension": data.arg(0), "value": data.arg(1)}
        )
        await preview(query.message, context)
    elif action == "send":
        await confirm(update, context)
    elif action == "drop":
        await services.admin.drop_draft(admin_id)
        await ui.edit(query, t("Broadcast dropped. Nothing was sent."))
    else:  # forged or out of date (the button was answered above, so say it in the chat)
        await query.message.reply_text(t("This button is out of date. Tap /start to begin again."))


async def on_compose(update: Update, context: Context) -> object:
    """ "A message": the composer asks for its text, language by language."""
    if await ui.refuse_non_admin(update, context):
        return None
    query, services = update.callback_query, context.services
    if await services.admin.draft(query.from_user.id) is None:
        await query.answer(
            context.t("This broadcast was already sent or dropped. Start again with /broadcast."), show_alert=True
        )
        return conversations.END
    await query.answer()
    await services.admin.save_draft(query.from_user.id, services.clock.now(), payload={"type": "text", "texts": {}})
    return await ask_text(update, context, SUPPORTED[0])


async def ask_text(update: Update, context: Context, language: str) -> str:
    t, message = context.t, update.effective_message
    await conversations.enter(update, context, CONVERSATION, TEXT, language)
    text = t("Send the message in {language}. Telegram formatting works, for example: {example}").format(
        language=LANGUAGE_BUTTONS[Language(language)], example=html.escape(FORMATTING_EXAMPLE)
    )
    index = SUPPORTED.index(language)
    markup = None
    if index > 0:
        markup = _kb(
            [
                (
                    t("Same text as in {language}").format(language=LANGUAGE_BUTTONS[Language(SUPPORTED[index - 1])]),
                    cb("bc", "same", language),
                )
            ]
        )
    await message.reply_text(text, reply_markup=markup)
    return TEXT


async def read_text(update: Update, context: Context) -> object:
    """The text for the language the composer asked for (or a photo, which it cannot send)."""
    language = await ui.admin_typed(update, context, CONVERSATION)
    if language is None:
        return conversations.END
    return await take_text(update, context, language, update.effective_message.text)


async def on_same(update: Update, context: Context) -> object:
    """ "Same text as in …": the previous language's text for this one."""
    if await ui.refuse_non_admin(update, context):
        return None
    query = update.callback_query
    await query.answer()
    language = parse_callback(query.data).arg(0)
    if await conversations.take(update, context, CONVERSATION) != language:
        await query.message.reply_text(context.t("This button is out of date. Tap /start to begin again."))
        return None
    previous = await flow.previous_text(context.services, query.from_user.id, language)
    return await take_text(update, context, language, previous)


async def take_text(update: Update, context: Context, language: str, text: str | None) -> object:
    services, t = context.services, context.t
    taken = await flow.add_text(services, update.effective_user.id, language, text, services.clock.now())
    if taken is None:
        return conversations.END
    if taken.problem == "empty":
        await update.effective_message.reply_text(t("I need text here (a photo broadcast is not supported yet)."))
    elif taken.problem is not None:
        detail = t("too long") if taken.problem == "too_long" else html.escape(taken.problem)
        await update.effective_message.reply_text(
            t("Telegram would refuse this text: {problem}. Please send it again.").format(problem=detail)
        )
    if taken.problem is not None or taken.next is not None:
        return await ask_text(update, context, taken.next or language)
    await ask_audience(update.effective_message, context)
    return conversations.END


async def ask_audience(message, context: Context) -> None:
    t = context.t
    await message.reply_text(
        t("Who should receive it?"),
        reply_markup=_kb(
            [
                (t("Story subscribers"), cb("bc", "to", "subscribers")),
                (t("Everyone"), cb("bc", "to", "all")),
                (t("A segment…"), cb("bc", "to", "segment")),
            ]
        ),
    )


async def preview(message, context: Context) -> None:
    """Show exactly what each language will receive, and how many people will get it."""
    services = context.services
    t = context.t
    admin_id = context.user_record.id
    draft = await services.admin.draft(admin_id)
    recipients = await services.admin.audience(draft.audience)
    per_language = {lang: sum(1 for _, lg in recipients if lg == lang) for lang in SUPPORTED}
    for language in SUPPORTED:
        header = t("Preview for {language} ({n}):").format(
            language=LANGUAGE_BUTTONS[Language(language)], n=per_language[language]
        )
        await message.reply_text(f"<b>{html.escape(header)}</b>")
        if draft.payload["type"] == "story":
            await send_card(
                context.bot,
                services,
                admin_id,
                language,
                services.cards[draft.payload["slug"]],
                record=False,
            )
        else:
            await message.reply_text(draft.payload["texts"][language])
    total = len(recipients)
    await message.reply_text(
        t.ngettext("It will go to {n} person. Send it?", "It will go to {n} people. Send it?", total).format(n=total),
        reply_markup=_kb([("✅ " + t("Send"), cb("bc", "send")), ("✖️ " + t("Drop it"), cb("bc", "drop"))]),
    )


async def confirm(update: Update, context: Context) -> None:
    services, query, t = context.services, update.callback_query, context.t
    queued = await flow.queue(services, query.from_user.id, query.message.chat.id, services.clock.now())
    if queued is None:
        return  # a double tap: the first one sent it
    batch_id = queued.batch_id
    await query.edit_message_reply_markup(None)
    progress = await query.message.reply_text(
        t("Broadcast #{id} queued for {n}.").format(id=batch_id, n=queued.recipients),
        reply_markup=cancel_markup(t, batch_id),
    )
    await services.outbox.set_progress_message(batch_id, progress.message_id)
    batch = await services.outbox.batch(batch_id)
    if batch.status in ("done", "cancelled"):
        # A small broadcast can finish before its progress message existed: report it now.
        counts = await services.outbox.counts(batch_id)
        await report_progress(context.application, Progress(batch, counts, rate=0.0, finished=True))


async def cancel_running(update: Update, context: Context, batch_id: int | None) -> None:
    services = context.services
    query = update.callback_query
    if batch_id is None or not await services.outbox.cancel(batch_id, services.clock.now()):
        await query.answer(context.t("This broadcast has already ended."), show_alert=True)
        return
    await services.admin.record(query.from_user.id, "broadcast_cancel", services.clock.now(), batch_id)
    await query.answer(context.t("Stopping… What was sent stays sent."))


def register(app: Application) -> None:
    app.add_handler(CommandHandler("broadcast", broadcast))
    app.add_handler(
        conversations.Conversation(
            CONVERSATION,
            entry_points=[CallbackQueryHandler(on_compose, pattern=pattern("bc", "compose"))],
            states={
                TEXT: [
                    MessageHandler(conversations.ANYTHING, read_text),
                    CallbackQueryHandler(on_same, pattern=pattern("bc", "same")),
                ]
            },
            fallbacks=[CommandHandler("cancel", ui.stop_waiting)],
        )
    )
    app.add_handler(CallbackQueryHandler(on_button, pattern=pattern("bc")))
