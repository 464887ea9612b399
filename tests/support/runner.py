"""The real bot for a test: in this process against the emulator (`BotRunner`), or as its own
process (`start_bot_process`) for the kill and restart tests.
"""

from __future__ import annotations

import signal
from contextlib import asynccontextmanager
from pathlib import Path

from telegram import Update
from telegram.ext import Application

from bot.app import build_application
from bot.budget import Limits
from bot.clock import Clock
from bot.config import Settings, load_settings
from bot.runner import polling
from bot.update_order import PerUserOrder
from sandbox.emulator.server import Emulator
from sandbox.process import TOKEN, start_polling_bot

# seconds: generous, since CI shares two cores; waits end as soon as the condition holds
WAIT = 10.0
# Telegram's limits (30 messages a second, evenly spaced; a message a second to one chat after a
# short burst) are tested on their own: the send budget's unit tests, tests/e2e/test_contention.py
# and the broadcast tests that set their own. Everywhere else they would only make tests wait, so
# the budget runs with room to spare (its code path is the same).
QUICK_CHATS = Limits(overall=1000, private_burst=1000, private_rate=1000.0)


def settings_for_test(emulator: Emulator, database_path: Path, *, admin_ids=(), **extra: str) -> Settings:
    env = {
        "BOT_TOKEN": TOKEN,
        "TELEGRAM_API_BASE_URL": emulator.api_base_url,
        "DATABASE_PATH": str(database_path),
        "ADMIN_IDS": ",".join(str(i) for i in admin_ids),
        "LOG_LEVEL": "DEBUG",
        **extra,
    }
    return load_settings(env, env_file=None)


class TrackingProcessor(PerUserOrder):
    """Processes updates as production does (users side by side, each user's in order) and tells the
    emulator when each is done, so a test can wait for the bot to have finished with everything."""

    def __init__(self, emulator: Emulator, done: set[int]) -> None:
        super().__init__()
        self.emulator = emulator
        self.done = done

    def skipped(self, update_id: int) -> None:
        self.done.add(update_id)  # dropped before parsing: the bot is finished with it too
        self.emulator.signal.notify()

    async def do_process_update(self, update, coroutine) -> None:
        try:
            await super().do_process_update(update, coroutine)
        finally:
            if isinstance(update, Update):
                self.done.add(update.update_id)
                self.emulator.signal.notify()


class BotRunner:
    """The bot as a test sees it: start, stop, start again on the same database."""

    def __init__(self, emulator: Emulator, database_path: Path, clock: Clock, *, admin_ids=()) -> None:
        self.emulator = emulator
        self.database_path = database_path
        self.clock = clock
        self.admin_ids = list(admin_ids)
        self.app: Application | None = None
        self._running = None
        self.done: set[int] = set()  # update ids the bot has finished handling, across restarts
        self._mark = 0

    async def start(self, *, send_limits: Limits = QUICK_CHATS, **env: str) -> Application:
        settings = settings_for_test(self.emulator, self.database_path, admin_ids=self.admin_ids, **env)
        self.processor = TrackingProcessor(self.emulator, self.done)
        self._mark = len(self.emulator.delivered_update_ids)
        self.app = build_application(
            settings, clock=self.clock, update_processor=self.processor, send_limits=send_limits
        )
        self._running = polling(self.app, poll_timeout=1)
        await self._running.__aenter__()
        return self.app

    async def stop(self) -> None:
        if self._running is not None:
            running, self._running = self._running, None
            await running.__aexit__(None, None, None)

    async def settled(self, timeout: float = WAIT) -> None:
        """Wait until the bot has finished handling every update the emulator has given it."""

        def settled() -> bool:
            since_start = self.emulator.delivered_update_ids[self._mark :]
            unconfirmed = [u["update_id"] for u in self.emulator.updates]
            return self.done.issuperset(since_start) and self.done.issuperset(unconfirmed)

        await self.emulator.wait_for(settled, timeout)

    async def restart(self, *, send_limits: Limits = QUICK_CHATS, **env: str) -> Application:
        await self.stop()
        return await self.start(send_limits=send_limits, **env)

    @property
    def services(self):
        return self.app.bot_data.services


async def start_bot_process(emulator, database_path, *, admin_ids=()):
    """`python -m bot run` as a real process against the emulator; returns once it polls."""
    return await start_polling_bot(emulator, database_path, ADMIN_IDS=",".join(str(i) for i in admin_ids))


@asynccontextmanager
async def bot_process_killed_after(emulator, database_path, *, admin_ids=()):
    """`python -m bot run` for the block, then kill -9: whatever the block did must survive it."""
    process = await start_bot_process(emulator, database_path, admin_ids=admin_ids)
    try:
        yield process
    finally:
        process.send_signal(signal.SIGKILL)
        await process.wait()
    assert process.returncode == -signal.SIGKILL
