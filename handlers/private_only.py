"""Commands answer only in a private chat: in a group, one short line and nothing personal (F11)."""

from __future__ import annotations

from telegram import Update
from telegram.ext import Application, ApplicationHandlerStop, MessageHandler, filters

from bot.context import Context
from bot.telegram.loader import LOAD_USER_GROUP


async def refuse_in_group(update: Update, context: Context) -> None:
    try:
        await update.effective_message.reply_text(context.t("I answer only in a private chat with me."))
    finally:
        raise ApplicationHandlerStop  # even if the line fails, no journey answers in the group


def register(app: Application) -> None:
    # Right after her record is loaded (her language), before any journey sees the command.
    app.add_handler(
        MessageHandler(filters.COMMAND & ~filters.ChatType.PRIVATE, refuse_in_group), group=LOAD_USER_GROUP + 2
    )
