"""The one "slow down" note for someone whose updates come faster than the bot can take them (F7)."""

from __future__ import annotations

from telegram.ext import Application

from bot.limits.rules import SLOW_DOWN
from bot.notices import Msg, Notice


async def slow_down(app: Application, user_id: int) -> None:
    await app.bot_data.services.sender.send([Notice(user_id, (Msg(SLOW_DOWN),))])
