"""Updates of different users are handled side by side; one user's updates one at a time, in order.

PTB's default handles every update after the one before, so everyone waits while the bot waits on
Telegram for one user (a round trip from Bishkek is a tenth of a second, and an update costs one
to three of them). Handling all updates at once instead breaks what a conversation needs: her
second tap must see what her first one did. So each user gets a lane and her updates queue in it.
What two users share (a mentor's free slot, a request between them) is guarded by transactions
and unique indexes, as it already was against the reminder and broadcast jobs.
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Awaitable, Callable

from telegram import Update
from telegram.ext import BaseUpdateProcessor

from bot.telegram.budget import replying_to

# Updates handled at once: enough to keep the process busy while some wait on Telegram or the
# database, few enough that a burst cannot start unbounded work.
MAX_CONCURRENT_UPDATES = 16
# PTB's own limit counts updates still waiting for their user's turn too; it only bounds how many
# wait in memory, so that one user's burst cannot take the places of everyone else.
MAX_WAITING_UPDATES = 1024
# One user's backlog: past this, her updates are dropped (with one "slow down" note per burst), so
# that her flood never holds the places everyone else's updates wait in (F7).
MAX_QUEUED_PER_USER = 32


def lane_of(update: object) -> int | None:
    """Whose update this is: her user id, or her chat's id if Telegram names no user."""
    if not isinstance(update, Update):
        return None
    if update.effective_user is not None:
        return update.effective_user.id
    if update.effective_chat is not None:
        return update.effective_chat.id
    return None


def chat_of(update: object) -> int | None:
    """The chat her replies go to."""
    if isinstance(update, Update) and update.effective_chat is not None:
        return update.effective_chat.id
    return lane_of(update)


class PerUserOrder(BaseUpdateProcessor):
    """A lock per user, held while her update is handled; asyncio's locks wake waiters in order.
    At most `max_concurrent_updates` are handled at once."""

    def __init__(self, max_concurrent_updates: int = MAX_CONCURRENT_UPDATES) -> None:
        super().__init__(MAX_WAITING_UPDATES)
        self._running = asyncio.BoundedSemaphore(max_concurrent_updates)
        self._lanes: dict[int, asyncio.Lock] = {}
        self._queued: dict[int, int] = {}
        self._noted: set[int] = set()  # told to slow down in this burst
        # Set by bot.app once the Application exists: tells her to slow down, in her language.
        self.on_overflow: Callable[[int], Awaitable[None]] | None = None

    async def do_process_update(self, update: object, coroutine: Awaitable[object]) -> None:
        # What the bot sends to her chat while her update is handled is a reply: it goes first
        # (bot/telegram/budget.py). Each update runs in its own task, so this stays with hers.
        replying_to.set(chat_of(update))
        lane = lane_of(update)
        if lane is None:
            async with self._running:
                await coroutine
            return
        if self._queued.get(lane, 0) >= MAX_QUEUED_PER_USER:
            if inspect.iscoroutine(coroutine):
                coroutine.close()  # dropped unrun
            if lane not in self._noted and self.on_overflow is not None:
                self._noted.add(lane)
                await self.on_overflow(lane)
            return
        lock = self._lanes.setdefault(lane, asyncio.Lock())
        self._queued[lane] = self._queued.get(lane, 0) + 1
        try:
            # Her turn first, then a place: waiting for her turn takes no place from others.
            async with lock, self._running:
                await coroutine
        finally:
            # Forget the lock of a user with nothing queued: memory follows who is active now.
            self._queued[lane] -= 1
            if not self._queued[lane]:
                del self._queued[lane], self._lanes[lane]
                self._noted.discard(lane)  # the burst is over

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass
