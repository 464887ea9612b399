"""What every handler shares: edits that never raise, buttons, callback areas, refusals, typed-text
steps (the loader every update passes through and the fallbacks: bot.telegram.loader)."""

from __future__ import annotations

import functools
import logging

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest, TelegramError
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    MessageHandler,
)

from bot.callbacks import Callback, parse_callback, pattern
from bot.context import Context
from bot.i18n import N_
from bot.mentorship.rules import clean_message
from bot.notices import Button, Line, Notice, render_line
from bot.onboarding.rules import InvalidAnswer
from bot.telegram import conversations
from bot.telegram.send import keyboard

log = logging.getLogger(__name__)


async def hint(update: Update, context: Context) -> None:
    """Anything she sends that no journey is waiting for."""
    message = update.effective_message
    if message is None:
        return
    t = context.t
    if message.text and message.text.startswith("/"):
        await message.reply_text(t("I don't know that command. /help shows what I can do."))
    else:
        await message.reply_text(
            t("I answer to buttons and commands. Tap /start for the main menu or /help for the list.")
        )


async def settle(query, text: str | None, reply_markup=None) -> None:
    """`edit` after a change is stored: a failed edit is logged, never raised, so the notices to
    the other person (sent before it, and any after it) are not lost to it."""
    try:
        await edit(query, text, reply_markup)
    except TelegramError as error:
        log.warning("could not mark the pressed message: %s", error)


async def edit(query, text: str | None, reply_markup=None) -> None:
    """Replace the pressed message's text (or, with no text, only its buttons). On a message with
    no text to replace (a story card's picture) the text comes below it instead. Drawing what she
    already sees (a double tap) is not an error."""
    try:
        if text is None:
            await query.edit_message_reply_markup(reply_markup)
        elif query.message is not None and query.message.text is None:
            await query.message.reply_text(text, reply_markup=reply_markup)
        else:
            await query.edit_message_text(text, reply_markup=reply_markup)
    except BadRequest as error:
        if "not modified" not in str(error):
            raise


async def ask(update: Update, context: Context, conversation: str, state: str, about, text: str, skip=None) -> str:
    """A conversation step from a pressed button: she is now at `state` (about `about`) and the
    pressed message becomes its question, with a Skip button when `skip` gives its callback data."""
    state = await conversations.enter(update, context, conversation, state, about)
    markup = InlineKeyboardMarkup([[InlineKeyboardButton(context.t("Skip"), callback_data=skip)]]) if skip else None
    await edit(update.callback_query, text, reply_markup=markup)
    return state


async def admin_typed(update: Update, context: Context, conversation: str) -> str | None:
    """What the admin's `conversation` waits for her text about; None when she is no admin (then
    nothing is said) or nothing is awaited (then a hint)."""
    if not context.services.settings.is_admin(update.effective_user.id):
        return None
    about = await conversations.take(update, context, conversation)
    if about is None:
        await hint(update, context)
    return about


async def tell(update: Update, text: str, *, alert: bool = False) -> None:
    """Her press answered (an alert when `alert`), or, when she typed instead, a reply."""
    if update.callback_query is not None:
        await update.callback_query.answer(text, show_alert=alert)
    else:
        await update.effective_message.reply_text(text)


async def went_through(update: Update, context: Context, text: str, notices) -> None:
    """A use case went through: her press is answered with `text`, its notices go out, and the
    message's buttons are dropped (when she typed, the notices alone tell her)."""
    query = update.callback_query
    if query is not None:
        await query.answer(text)
    await context.services.sender.send(notices)
    if query is not None:
        await drop_buttons(query)


def text(context: Context, *lines: Line) -> str:
    """Notice lines for the one who pressed or wrote, in her language and zone."""
    return "\n".join(render_line(line, context.t, context.zone) for line in lines)


def buttons(context: Context, rows: tuple[tuple[Button, ...], ...]) -> InlineKeyboardMarkup | None:
    return keyboard(Notice(0, (), rows), context.t, context.zone)


async def drop_buttons(query) -> None:
    """Take the buttons off the pressed message; a failure here must not stop what follows."""
    try:
        await query.edit_message_reply_markup(None)
    except TelegramError as error:
        log.info("could not take the buttons off: %s", error)


async def refuse_non_admin(update: Update, context: Context) -> bool:
    """True (and a short refusal, nothing else) when she is not an admin."""
    if context.services.settings.is_admin(update.effective_user.id):
        return False
    await tell(update, context.t("This is for programme admins only."), alert=True)
    return True


async def stale_button(update: Update, context: Context) -> None:
    """A button from an old message, or data we never made."""
    query = update.callback_query
    await query.answer(context.t("This button is out of date. Tap /start to begin again."), show_alert=True)


def add_area(app: Application, area: str, on_button, *, conversation: str = "", starts=(), states=None) -> None:
    """One callback area behind `on_button` (its ACTIONS table) and, when `conversation` is named, the
    typed-text steps its buttons lead to: `starts` are the actions that begin them; `states` maps each
    state to (the reader of her text, *the area's actions she may still press while it waits).
    With no `starts`, every press of the area may begin them."""
    if conversation:

        def presses(*actions: str) -> list:
            return [CallbackQueryHandler(on_button, pattern=pattern(area, action)) for action in actions]

        steps = {
            state: [MessageHandler(conversations.ANYTHING, read), *presses(*also)]
            for state, (read, *also) in states.items()
        }
        app.add_handler(
            conversations.Conversation(
                conversation,
                entry_points=presses(*starts) if starts else [CallbackQueryHandler(on_button, pattern=pattern(area))],
                states=steps,
                fallbacks=[CommandHandler("cancel", stop_waiting)],
            )
        )
        if not starts:
            return  # every press of the area is the conversation's
    app.add_handler(CallbackQueryHandler(on_button, pattern=pattern(area)))


def by_id(
    actions: dict,
    refused: type[Exception],
    explain,
    *,
    second=lambda data: data.arg(1),
    load=None,
    after_refusal=None,
):
    """The on_button of an area whose buttons carry an id first: `actions[action](update, context,
    id, second(data))`, or with `load`, the thing `await load(context, id, presser_id)` returns in
    place of the id (a load that refuses stops the press). A press with no id or an unknown action
    is stale; a `refused` raised is her alert, `explain(context, code)`, then
    `await after_refusal(update, context, id, code)` if given."""

    async def on_button(update: Update, context: Context) -> object:
        query = update.callback_query
        data: Callback | None = parse_callback(query.data)
        target = data.int_arg(0) if data else None
        action = actions.get(data.action) if data else None
        if target is None or action is None:
            await stale_button(update, context)
            return None
        try:
            subject = target if load is None else await load(context, target, query.from_user.id)
            return await action(update, context, subject, second(data))
        except refused as error:
            await query.answer(explain(context, error.code), show_alert=True)
            if after_refusal is not None:
                await after_refusal(update, context, target, error.code)
            return None

    return on_button


def coded(enum: type):
    """For an action of `by_id` whose second argument is a code of `enum`: it gets the member; a code
    forged or from an older version is a stale button."""

    def wrap(action):
        @functools.wraps(action)
        async def checked(update: Update, context: Context, subject, code: str) -> object:
            member = enum._value2member_map_.get(code)
            if member is None:
                await stale_button(update, context)
                return None
            return await action(update, context, subject, member)

        return checked

    return wrap


def admin_area(actions: dict, *, default=None):
    """The on_button of an admin-only area: `actions[action](update, context, data, admin_id, now)`
    (`default` for an action not in the table). Anyone else is refused; a press with no handler is stale."""

    async def on_button(update: Update, context: Context) -> object:
        if await refuse_non_admin(update, context):
            return None
        data: Callback | None = parse_callback(update.callback_query.data)
        handler = actions.get(data.action, default) if data else None
        if handler is None:
            await stale_button(update, context)
            return None
        return await handler(update, context, data, update.effective_user.id, context.services.clock.now())

    return on_button


# --- typed-text steps of a bot.telegram.conversations.Conversation ----------------------------

TOO_LONG = N_("That is too long: please keep it under {n} characters.")


def text_step(
    name: str, state: str, *, limit: int, not_text: str = N_("Please type it as text."), too_long: str = TOO_LONG
):
    """Decorator for a waiting state's reader, `fn(update, context, about, text) -> next state`.

    It claims the wait (a wait that ended or expired gets the usual hint), cleans her text and
    asks again, in the same state, for a non-text or a too long one.
    """

    def wrap(fn):
        async def read(update: Update, context: Context) -> object:
            about = await conversations.take(update, context, name)
            if about is None:
                await hint(update, context)
                return conversations.END
            message = update.effective_message
            try:
                if message.text is None:
                    raise InvalidAnswer("not_text")
                text = clean_message(message.text, limit)
            except InvalidAnswer as error:
                await conversations.enter(update, context, name, state, about)
                long = error.code == "too_long"
                await message.reply_text(context.t(too_long).format(n=limit) if long else context.t(not_text))
                return state
            return await fn(update, context, about, text)

        return read

    return wrap


async def stop_waiting(update: Update, context: Context) -> object:
    """/cancel (outside onboarding, which keeps her place): every wait ends, nothing she typed
    before is lost."""
    if await conversations.leave(update, context):
        await update.effective_message.reply_text(context.t("Stopped. Tap /start for the main menu."))
    else:
        await update.effective_message.reply_text(context.t("Nothing to cancel. Tap /start for the main menu."))
    return conversations.END
