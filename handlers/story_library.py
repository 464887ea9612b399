"""The admin's story library: `/cards` (list, preview in each language, hide or show a card) and
cards without a deploy (a card file sent as a document is checked, previewed and published)."""

from __future__ import annotations

import html

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import (
    Application,
    ApplicationHandlerStop,
    CallbackQueryHandler,
    CommandHandler,
    MessageHandler,
    filters,
)

from bot.admin import flow as admin_flow
from bot.callbacks import cb, parse_callback, pattern
from bot.context import Context
from bot.domain import FIELD_LABELS
from bot.i18n import SUPPORTED, translator
from bot.opportunities import flow as opportunities
from bot.story_library import flow
from bot.telegram import ui
from bot.telegram.story_card import send_card
from bot.telegram.ui import refuse_non_admin, stale_button

PER_PAGE = 8


async def library_markup(context: Context, page: int) -> InlineKeyboardMarkup:
    services = context.services
    t = context.t
    hidden = await services.stories.hidden_slugs()
    slugs = sorted(services.cards)
    rows = []
    for slug in slugs[page * PER_PAGE : (page + 1) * PER_PAGE]:
        card = services.cards[slug]
        mark = "🙈 " if slug in hidden else ""
        rows.append(
            [
                InlineKeyboardButton(
                    f"{mark}{card.text(t.language).name} · {t(FIELD_LABELS[card.field])}",
                    callback_data=cb("cards", "open", slug),
                )
            ]
        )
    nav = []
    if page > 0:
        nav.append(InlineKeyboardButton("◀️", callback_data=cb("cards", "page", page - 1)))
    if (page + 1) * PER_PAGE < len(slugs):
        nav.append(InlineKeyboardButton("▶️", callback_data=cb("cards", "page", page + 1)))
    if nav:
        rows.append(nav)
    return InlineKeyboardMarkup(rows)


async def cards(update: Update, context: Context) -> None:
    if await ui.refuse_non_admin(update, context):
        return
    t = context.t
    hidden = await context.services.stories.hidden_slugs()
    total = len(context.services.cards)
    await update.effective_message.reply_text(
        t("<b>Story library</b>: {total} cards, {hidden} hidden. Tap one to preview or hide it.").format(
            total=total, hidden=len(hidden)
        ),
        reply_markup=await library_markup(context, 0),
    )


async def on_library_button(update: Update, context: Context) -> None:
    if await ui.refuse_non_admin(update, context):
        return
    query = update.callback_query
    data = parse_callback(query.data)
    services = context.services
    t = context.t
    if data.action == "page":
        await query.answer()
        await query.edit_message_reply_markup(await library_markup(context, data.int_arg(0) or 0))
        return
    slug = data.arg(0)
    card = services.cards.get(slug)
    if card is None:
        await ui.stale_button(update, context)
        return
    hidden = slug in await services.stories.hidden_slugs()
    if data.action == "open":
        await query.answer()
        toggle = (
            InlineKeyboardButton("👁 " + t("Show it again"), callback_data=cb("cards", "show", slug))
            if hidden
            else InlineKeyboardButton("🙈 " + t("Hide it"), callback_data=cb("cards", "hide", slug))
        )
        await query.message.reply_text(
            t("<b>{name}</b>: preview in each language below. Source: {source}").format(
                name=html.escape(card.text(t.language).name), source=html.escape(card.source)
            ),
            reply_markup=InlineKeyboardMarkup([[toggle]]),
        )
        for language in SUPPORTED:
            await send_card(context.bot, services, query.from_user.id, language, card, record=False)
    elif data.action in ("hide", "show"):
        await admin_flow.set_card_hidden(
            services, query.from_user.id, slug, data.action == "hide", services.clock.now()
        )
        await query.answer(t("Hidden: nobody will get this card.") if data.action == "hide" else t("Shown again."))
        await query.edit_message_reply_markup(None)
    else:
        await ui.stale_button(update, context)


# Before the journeys: an admin's card file is taken here, anyone else's document goes on as before.
UPLOAD_GROUP = -1
PROBLEMS_SHOWN = 25  # a message holds at most 4096 characters


async def on_document(update: Update, context: Context) -> None:
    services = context.services
    message = update.effective_message
    if not services.settings.is_admin(update.effective_user.id):
        return
    if await opportunities.expects_file(services.db, update.effective_user.id, message.caption):
        return  # an opportunities file: the opportunities journey takes it
    t = context.t
    document = message.document
    file_name = document.file_name or ""
    if document.file_size and document.file_size > flow.FILE_SIZE_LIMIT:
        checked = flow.too_large(file_name)  # refused without downloading it
    else:
        data = bytes(await (await document.get_file()).download_as_bytearray())
        checked = await flow.submit(
            services.db, update.effective_user.id, file_name, data, services.cards, services.clock.now()
        )
    if checked.card is None:
        shown = [f"• <code>{html.escape(problem)}</code>" for problem in checked.problems[:PROBLEMS_SHOWN]]
        more = len(checked.problems) - len(shown)
        lines = [
            t("This card file has problems, so nothing was published. Mend them and send the file again:"),
            "",
            *shown,
        ]
        if more:
            lines.append(t("…and {n} more.").format(n=more))
        await message.reply_text("\n".join(lines))
        raise ApplicationHandlerStop
    card = checked.card
    for language in SUPPORTED:
        picture = await services.pictures.fetch(card, language, translator(language)(FIELD_LABELS[card.field]))
        await message.reply_photo(picture, caption=card.caption(language), filename=f"{card.slug}-{language}.jpg")
    intro = (
        t("The card is valid. Above: how it looks in each language. Publish it to replace the current version?")
        if checked.replaces
        else t("The card is valid. Above: how it looks in each language. Publish it to the library?")
    )
    await message.reply_text(
        intro,
        reply_markup=InlineKeyboardMarkup(
            [
                [InlineKeyboardButton("✅ " + t("Publish"), callback_data=cb("lib", "pub", checked.draft_id))],
                [InlineKeyboardButton(t("Cancel"), callback_data=cb("lib", "drop", checked.draft_id))],
            ]
        ),
    )
    raise ApplicationHandlerStop


async def on_upload_button(update: Update, context: Context) -> None:
    if await refuse_non_admin(update, context):
        return
    query = update.callback_query
    data = parse_callback(query.data)
    services = context.services
    t = context.t
    draft_id = data.int_arg(0)
    if draft_id is None or data.action not in ("pub", "drop"):
        await stale_button(update, context)
        return
    if data.action == "drop":
        await flow.discard(services.db, draft_id)
        await query.answer(t("Cancelled: nothing was published."))
        await query.edit_message_reply_markup(None)
        return
    now = services.clock.now()
    published = await flow.publish(services.db, draft_id, services.cards, now)
    if published is None:
        await stale_button(update, context)
        return
    card, version = published
    await services.admin.record(query.from_user.id, "card_publish", now, card.slug, version=version)
    await query.answer(t("Published ✓"))
    await query.edit_message_text(
        t("<b>{name}</b> is in the library (version {version}). /cards lists it; hide it there if needed.").format(
            name=html.escape(card.text(t.language).name), version=version
        )
    )


def register(app: Application) -> None:
    app.add_handler(CommandHandler("cards", cards))
    app.add_handler(CallbackQueryHandler(on_library_button, pattern=pattern("cards")))
    app.add_handler(
        MessageHandler(filters.ChatType.PRIVATE & filters.Document.ALL & ~filters.UpdateType.EDITED, on_document),
        group=UPLOAD_GROUP,
    )
    app.add_handler(CallbackQueryHandler(on_upload_button, pattern=pattern("lib")))
