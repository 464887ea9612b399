"""`/cards`: the story library for admins: list, preview in each language, hide or show a card."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler

from bot.admin import flow
from bot.callbacks import cb, parse_callback, pattern
from bot.context import Context
from bot.domain import FIELD_LABELS
from bot.i18n import SUPPORTED
from bot.telegram.story_card import send_card
from handlers import common

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
    if await common.refuse_non_admin(update, context):
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


async def on_button(update: Update, context: Context) -> None:
    if await common.refuse_non_admin(update, context):
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
        await common.stale_button(update, context)
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
                name=card.text(t.language).name, source=card.source
            ),
            reply_markup=InlineKeyboardMarkup([[toggle]]),
        )
        for language in SUPPORTED:
            await send_card(context.bot, services, query.from_user.id, language, card, record=False)
    elif data.action in ("hide", "show"):
        await flow.set_card_hidden(services, query.from_user.id, slug, data.action == "hide", services.clock.now())
        await query.answer(t("Hidden: nobody will get this card.") if data.action == "hide" else t("Shown again."))
        await query.edit_message_reply_markup(None)
    else:
        await common.stale_button(update, context)


def register(app: Application) -> None:
    app.add_handler(CommandHandler("cards", cards))
    app.add_handler(CallbackQueryHandler(on_button, pattern=pattern("cards")))
