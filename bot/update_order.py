"""Updates of different users are handled side by side; one user's updates one at a time, in order.

PTB's default handles every update after the one before, so everyone waits while the bot waits on
Telegram for one user (a round trip from Bishkek is a tenth of a second, and an update costs one
to three of them). Handling all updates at once instead breaks what a conversation needs: her
second tap must see what her first one did. So each user gets a lane and her updates queue in it.
What two users share (a mentor's free slot, a request between them) is guarded by transactions
and unique indexes, as it already was against the reminder and broadcast jobs.

One user's flood is cut before PTB parses it (ScreenedGetUpdates): parsing an update costs about
a third of a millisecond, so 2,000 of them held everyone's later updates back by a second (F7).
"""

from __future__ import annotations

import asyncio
import inspect
import time
from collections.abc import Awaitable, Callable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor
from telegram.request import RequestData
from telegram.request._requestparameter import RequestParameter

from bot.telegram.budget import replying_to
from bot.telegram_http import AiohttpRequest

# Updates handled at once: enough to keep the process busy while some wait on Telegram or the
# database, few enough that a burst cannot start unbounded work.
MAX_CONCURRENT_UPDATES = 16
# PTB's own limit counts updates still waiting for their user's turn too; it only bounds how many
# wait in memory, so that one user's burst cannot take the places of everyone else.
MAX_WAITING_UPDATES = 1024
# One user's backlog: past this, her updates are dropped (with one "slow down" note per burst), so
# that her flood never holds the places everyone else's updates wait in (F7).
MAX_QUEUED_PER_USER = 32
# A burst ends when none of her updates has been dropped for this long: one note per burst, however
# often her queue empties in between (the note asks her to wait a few minutes).
BURST_QUIET_SECONDS = 120.0
# Pages fetched at once after a full answer the screen mostly dropped (ScreenedGetUpdates).
MAX_EXTRA_PAGES = 20


def lane_of(update: object) -> int | None:
    """Whose update this is: her user id, or her chat's id if Telegram names no user."""
    if not isinstance(update, Update):
        return None
    if update.effective_user is not None:
        return update.effective_user.id
    if update.effective_chat is not None:
        return update.effective_chat.id
    return None


def raw_lane_of(update: dict[str, Any]) -> int | None:
    """lane_of for an update as Telegram sent it, before PTB parses it; None if unsure.

    Only the sender Telegram names in "from" (messages, button presses, member changes...) counts:
    it is the user PTB's effective_user gives for those. Anything else is left to PerUserOrder."""
    for kind, payload in update.items():
        if kind != "update_id" and isinstance(payload, dict):
            sender = payload.get("from")
            if isinstance(sender, dict) and isinstance(sender.get("id"), int):
                return sender["id"]
            return None
    return None


def chat_of(update: object) -> int | None:
    """The chat her replies go to."""
    if isinstance(update, Update) and update.effective_chat is not None:
        return update.effective_chat.id
    return lane_of(update)


class PerUserOrder(BaseUpdateProcessor):
    """A lock per user, held while her update is handled; asyncio's locks wake waiters in order.
    At most `max_concurrent_updates` are handled at once."""

    def __init__(
        self,
        max_concurrent_updates: int = MAX_CONCURRENT_UPDATES,
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(MAX_WAITING_UPDATES)
        self._running = asyncio.BoundedSemaphore(max_concurrent_updates)
        self._lanes: dict[int, asyncio.Lock] = {}
        self._queued: dict[int, int] = {}
        self._admitted: dict[int, int] = {}  # update id -> lane: counted by screen(), not yet here
        self._last_drop: dict[int, float] = {}  # lane -> when her latest update was dropped
        self._clock = clock
        self._notes: set[asyncio.Task] = set()
        # Set by bot.app once the Application exists: tells her to slow down, in her language.
        self.on_overflow: Callable[[int], Awaitable[None]] | None = None

    def screen(self, updates: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Of a getUpdates answer, the updates to parse and process: a user's past her cap go now.
        The last one always stays, so that PTB's offset confirms the whole answer; PerUserOrder
        then decides on it as on any other. Another user's update is never dropped, and what is
        kept keeps its order."""
        kept = []
        for n, update in enumerate(updates):
            lane = raw_lane_of(update)
            # Already counted: PTB asks again for an answer it failed to parse.
            if lane is None or n == len(updates) - 1 or update["update_id"] in self._admitted:
                kept.append(update)
            elif self._queued.get(lane, 0) >= MAX_QUEUED_PER_USER:
                self._drop(lane)
                self.skipped(update["update_id"])
            else:
                self._queued[lane] = self._queued.get(lane, 0) + 1
                self._admitted[update["update_id"]] = lane
                kept.append(update)
        return kept

    def skipped(self, update_id: int) -> None:
        """Called for each update screen() dropped before it was parsed (tests track them)."""

    def _drop(self, lane: int) -> None:
        """Her update goes unrun; the first drop of a burst tells her to slow down."""
        now = self._clock()
        last = self._last_drop.get(lane)
        self._last_drop[lane] = now
        if last is not None and now - last < BURST_QUIET_SECONDS:
            return
        # Forget bursts that are over, so memory follows who is flooding now.
        for other in [u for u, t in self._last_drop.items() if now - t >= BURST_QUIET_SECONDS]:
            del self._last_drop[other]
        if self.on_overflow is not None:
            note = asyncio.get_running_loop().create_task(self.on_overflow(lane))
            self._notes.add(note)  # a reference, so the task is not collected half-way
            note.add_done_callback(self._notes.discard)

    async def do_process_update(self, update: object, coroutine: Awaitable[object]) -> None:
        # What the bot sends to her chat while her update is handled is a reply: it goes first
        # (bot/telegram/budget.py). Each update runs in its own task, so this stays with hers.
        replying_to.set(chat_of(update))
        lane = self._admitted.pop(update.update_id, None) if isinstance(update, Update) else None
        if lane is None:  # not counted by screen() yet
            lane = lane_of(update)
            if lane is None:
                async with self._running:
                    await coroutine
                return
            if self._queued.get(lane, 0) >= MAX_QUEUED_PER_USER:
                if inspect.iscoroutine(coroutine):
                    coroutine.close()  # dropped unrun
                self._drop(lane)
                return
            self._queued[lane] = self._queued.get(lane, 0) + 1
        lock = self._lanes.setdefault(lane, asyncio.Lock())
        try:
            # Her turn first, then a place: waiting for her turn takes no place from others.
            async with lock, self._running:
                await coroutine
        finally:
            # Forget the lock of a user with nothing queued: memory follows who is active now.
            self._queued[lane] -= 1
            if not self._queued[lane]:
                del self._queued[lane], self._lanes[lane]

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass


class ScreenedGetUpdates(AiohttpRequest):
    """The getUpdates client: hands PTB only the updates `order` will run (PerUserOrder.screen).

    When an answer was full but the screen left little of it, the next page is fetched at once (no
    long poll), until a page's worth is kept: PTB pauses POLL_INTERVAL between calls, and twenty
    pauses behind a flood of 2,000 would hold everyone else's updates back again."""

    def __init__(self, order: PerUserOrder) -> None:
        super().__init__(connection_pool_size=1)
        self._order = order

    async def post(self, url: str, request_data: RequestData | None = None, *args: Any, **kwargs: Any) -> Any:
        result = await super().post(url, request_data, *args, **kwargs)
        if not (url.endswith("/getUpdates") and isinstance(result, list) and result):
            return result
        params = dict(request_data.json_parameters) if request_data is not None else {}
        limit = int(params.get("limit") or 100)
        kept = self._order.screen(result)
        for _ in range(MAX_EXTRA_PAGES):
            if len(result) < limit or len(kept) >= limit:
                break
            params.update(offset=str(result[-1]["update_id"] + 1), timeout="0")
            page = RequestData([RequestParameter(name, value, None) for name, value in params.items()])
            result = await super().post(url, page, *args, **kwargs)
            if not result:
                break
            kept += self._order.screen(result)
        return kept
