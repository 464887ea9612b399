"""One of bench/updates.py's two bots, in its own process: `python bench/bot_process.py bot|bare`.

Polls the emulator at TELEGRAM_API_BASE_URL with PTB's run_polling, as `python -m bot run` does,
and writes the id of every update it has finished handling to stdout, one per line, so that the
benchmark knows when a user may send her next one.

- `bot`: the real bot (build_application, DATABASE_PATH), with its AIORateLimiter's overall cap
  (Telegram's 30 messages a second) lifted: with it, both bots would measure Telegram's cap.
- `bare`: PTB's defaults and one handler that echoes her text back.
"""

from __future__ import annotations

import functools
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from telegram import Update
from telegram.ext import AIORateLimiter, Application, MessageHandler, SimpleUpdateProcessor, filters

import bot.app as composition
from bot.config import load_settings


class Reporting(SimpleUpdateProcessor):
    """One update after the other (PTB's default, and the bot's); says on stdout which update it
    has just finished with."""

    def __init__(self) -> None:
        super().__init__(max_concurrent_updates=1)

    async def do_process_update(self, update, coroutine) -> None:
        try:
            await coroutine
        finally:
            if isinstance(update, Update):
                sys.stdout.write(f"{update.update_id}\n")
                sys.stdout.flush()


def bare_bot() -> Application:
    app = (
        Application.builder()
        .token(os.environ["BOT_TOKEN"])
        .base_url(os.environ["TELEGRAM_API_BASE_URL"])
        .concurrent_updates(Reporting())
        .build()
    )

    async def echo(update: Update, context) -> None:
        await update.effective_message.reply_text(update.effective_message.text)

    app.add_handler(MessageHandler(filters.TEXT, echo))
    return app


def real_bot() -> Application:
    composition.AIORateLimiter = functools.partial(AIORateLimiter, overall_max_rate=0)
    return composition.build_application(load_settings(env_file=None), update_processor=Reporting())


if __name__ == "__main__":
    app = {"bot": real_bot, "bare": bare_bot}[sys.argv[1]]()
    app.run_polling(allowed_updates=Update.ALL_TYPES)
