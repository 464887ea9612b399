"""Messages no journey's handler took (no conversation waits for them): a short hint."""

from __future__ import annotations

from telegram import Update

from bot.context import Context
from bot.telegram import ui


async def stray_message(update: Update, context: Context) -> None:
    await ui.hint(update, context)
