"""The loader every update passes through before any journey (her record, forged button data, her
blocking the bot), and the fallbacks that answer what no journey took."""

from __future__ import annotations

import logging

from telegram import ChatMember, Update
from telegram.ext import (
    Application,
    ApplicationHandlerStop,
    CallbackQueryHandler,
    ChatMemberHandler,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot.callbacks import parse_callback
from bot.context import Context
from bot.telegram.ui import stale_button

log = logging.getLogger(__name__)

# Handler groups: the loader runs before every journey (group 0).
LOAD_USER_GROUP = -10


async def load_user(update: Update, context: Context) -> None:
    """Load (or create) her record once per update, so handlers know her language."""
    user = update.effective_user
    if user is None or user.is_bot:
        return
    context.telegram_language = user.language_code
    services = context.services
    if update.my_chat_member is not None:
        # A membership change is not her writing to us: it must not clear "blocked".
        context.user_record = await services.users.get(user.id)
        return
    context.user_record = await services.users.seen(
        user.id, user.first_name or "", user.language_code, services.clock.now(), user.username
    )
    query = update.callback_query
    if query is not None and parse_callback(query.data) is None:
        # Data we never made (forged, from an old version, or none at all): no journey sees it.
        await stale_button(update, context)
        raise ApplicationHandlerStop


async def track_blocking(update: Update, context: Context) -> None:
    """Mark her as unreachable when she blocks the bot, and reachable when she comes back."""
    change = update.my_chat_member
    if change is None or change.chat.type != "private":
        return
    status = change.new_chat_member.status
    if status in (ChatMember.BANNED, ChatMember.LEFT):
        await context.services.users.mark_blocked(change.from_user.id, context.services.clock.now())
        log.info("user %s blocked the bot", change.from_user.id)
    elif status == ChatMember.MEMBER:
        await context.services.users.mark_unblocked(change.from_user.id)


def register_loader(app: Application) -> None:
    app.add_handler(TypeHandler(Update, load_user), group=LOAD_USER_GROUP)
    app.add_handler(
        ChatMemberHandler(track_blocking, ChatMemberHandler.MY_CHAT_MEMBER),
        group=LOAD_USER_GROUP + 1,
    )


def register_fallbacks(app: Application, stray_message) -> None:
    """Last in group 0: only what no journey took reaches these."""
    app.add_handler(CallbackQueryHandler(stale_button))
    app.add_handler(MessageHandler(filters.ChatType.PRIVATE & ~filters.UpdateType.EDITED, stray_message))
