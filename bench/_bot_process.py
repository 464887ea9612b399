"""A bot of the benchmarks, in its own process: `python bench/_bot_process.py bot|bare|limited`.

Polls the emulator at TELEGRAM_API_BASE_URL with PTB's run_polling, as `python -m bot run` does
(the bare bot with PTB's default poll interval, the bot with its own),
and writes the id of every update it has finished handling to stdout, one per line, so that the
benchmark knows when a user may send her next one.

- `bot`: the real bot (build_application, DATABASE_PATH), with its send budget's limits (Telegram's
  30 messages a second, one a second to a chat) lifted: with them, both bots would measure
  Telegram's cap (bench/updates.py);
- `limited`: the real bot with its send budget as in production (bench/contention.py);
- `bare`: PTB's defaults and one handler that echoes her text back.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from telegram import Update
from telegram.ext import Application, MessageHandler, SimpleUpdateProcessor, filters

import bot.app as composition
from bot.budget import Limits
from bot.cli import POLL_INTERVAL
from bot.config import load_settings
from bot.update_order import PerUserOrder


class Reporting:
    """Says on stdout which update it has just finished with."""

    async def do_process_update(self, update, coroutine) -> None:
        try:
            await super().do_process_update(update, coroutine)
        finally:
            if isinstance(update, Update):
                sys.stdout.write(f"{update.update_id}\n")
                sys.stdout.flush()


class BareProcessor(Reporting, SimpleUpdateProcessor):
    """PTB's default: one update after the other."""

    def __init__(self) -> None:
        super().__init__(max_concurrent_updates=1)


class BotProcessor(Reporting, PerUserOrder):
    """The bot's own: users side by side, each user's updates in order."""


def bare_bot() -> Application:
    app = (
        Application.builder()
        .token(os.environ["BOT_TOKEN"])
        .base_url(os.environ["TELEGRAM_API_BASE_URL"])
        .concurrent_updates(BareProcessor())
        .build()
    )

    async def echo(update: Update, context) -> None:
        await update.effective_message.reply_text(update.effective_message.text)

    app.add_handler(MessageHandler(filters.TEXT, echo))
    return app


def real_bot() -> Application:
    # The bot's own cost, not Telegram's cap: the send budget runs with its limits lifted.
    return limited_bot(Limits(overall=1_000_000, private_burst=1_000_000))


def limited_bot(send_limits: Limits | None = None) -> Application:
    return composition.build_application(
        load_settings(env_file=None), update_processor=BotProcessor(), send_limits=send_limits
    )


if __name__ == "__main__":
    app = {"bot": real_bot, "bare": bare_bot, "limited": limited_bot}[sys.argv[1]]()
    if sys.argv[1] != "bare":
        app.run_polling(poll_interval=POLL_INTERVAL, allowed_updates=Update.ALL_TYPES)  # as `python -m bot run`
    else:
        app.run_polling(allowed_updates=Update.ALL_TYPES)
