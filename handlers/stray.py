"""Messages no journey's handler took: a typed answer someone waits for, else a short hint."""

from __future__ import annotations

from telegram import Update

from bot.context import Context
from bot.telegram import ui
from handlers import inputs


async def stray_message(update: Update, context: Context) -> None:
    if await inputs.route(update, context):
        return
    await ui.hint(update, context)
