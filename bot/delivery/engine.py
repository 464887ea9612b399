"""One paced sender for everything sent to many people: broadcasts and story pushes.

Lanes run side by side (a story push never waits behind a broadcast), batches within a lane one
after another. Every send waits for a bulk turn of the one send budget (bot/budget.py), taken by
the rate limiter the moment the request goes out: as fast as the room people's replies leave
allows, never above BROADCAST_RATE. A few rows are claimed at once (a round trip to Telegram
outlasts the gap between turns); one stopped while it waited for its turn goes back to pending,
and a kill -9 can leave 'uncertain' only those few.
The engine knows nothing of Telegram: it is handed a `send` function that turns one outbox row
into an Outcome.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum
from functools import partial

from bot.budget import SendBudget, turn_taken
from bot.clock import Clock
from bot.delivery.store import Batch, OutboxRepository, OutboxRow

log = logging.getLogger(__name__)

LANES = ("broadcast", "stories")
MAX_ATTEMPTS = 4
BACKOFF = (1.0, 3.0, 10.0)  # seconds before the 2nd, 3rd and 4th try of a network failure
PROGRESS_EVERY = 3.0  # seconds between edits of the progress message
# Rows of one lane claimed at once: being rendered, waiting for their turn or awaiting Telegram's
# answer. Enough to keep up with the budget (30 a second × a round trip and a picture's drawing),
# few, because a kill -9 leaves each of them 'uncertain'.
MAX_IN_FLIGHT = 6
CANCEL_CHECK = 0.5  # seconds between looks at whether an admin cancelled the batch, while waiting
STOP_GRACE = 5.0  # seconds a stop lets sends in flight finish


class Outcome(StrEnum):
    SENT = "sent"
    BLOCKED = "blocked"  # she blocked the bot or deleted her account: mark her and skip
    FAILED = "failed"  # Telegram refused this message: record why, go on
    UNCERTAIN = "uncertain"  # the request went out but no answer came: it may have arrived; never resend
    RETRY = "retry"  # not sent (no connection) or a 429: try again later


@dataclass(frozen=True, slots=True)
class Result:
    outcome: Outcome
    error: str | None = None
    retry_after: float | None = None  # seconds, from a 429


@dataclass(frozen=True, slots=True)
class Progress:
    batch: Batch
    counts: dict[str, int]
    rate: float  # messages per second so far
    finished: bool
    wait: float = 0.0  # seconds left of a flood wait Telegram asked for

    @property
    def done(self) -> int:
        return sum(self.counts[s] for s in ("sent", "failed", "blocked", "uncertain"))

    @property
    def left(self) -> int:
        return self.counts["pending"] + self.counts["sending"]

    @property
    def eta(self) -> timedelta | None:
        return eta(self.left, self.rate)


def eta(left: int, rate: float) -> timedelta | None:
    """Time to finish at the current rate; None before there is a rate to go by."""
    if left == 0:
        return timedelta(0)
    if rate <= 0:
        return None
    return timedelta(seconds=round(left / rate))


Send = Callable[[Batch, OutboxRow], Awaitable[Result]]
OnProgress = Callable[[Progress], Awaitable[None]]


class DeliveryEngine:
    def __init__(
        self,
        outbox: OutboxRepository,
        clock: Clock,
        budget: SendBudget,
        send: Send,
        on_progress: OnProgress | None = None,
    ) -> None:
        self._outbox = outbox
        self._clock = clock
        self._budget = budget
        self._send = send
        self._on_progress = on_progress
        self._wake = {lane: asyncio.Event() for lane in LANES}
        self._idle = {lane: asyncio.Event() for lane in LANES}
        self._tasks: list[asyncio.Task[None]] = []
        self._in_flight: set[asyncio.Task[None]] = set()
        self._resting: set[asyncio.Task[None]] = set()  # of those, the ones between two tries

    async def start(self) -> None:
        recovered = await self._outbox.recover()
        if recovered:
            log.warning(
                "%d deliveries were mid-send at the last stop; marked uncertain, not resent",
                recovered,
            )
        self._tasks = [asyncio.create_task(self._lane(lane), name=f"delivery-{lane}") for lane in LANES]

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self._tasks = []
        # Sends in flight finish (their answer says whether she got it); a row waiting to be
        # tried again goes back to pending.
        for task in self._resting:
            task.cancel()
        if self._in_flight:
            _, late = await asyncio.wait(self._in_flight, timeout=STOP_GRACE)
            for task in late:
                task.cancel()
            await asyncio.gather(*late, return_exceptions=True)

    def kick(self, lane: str) -> None:
        """A new batch is in the outbox: wake the lane's worker."""
        self._wake[lane].set()

    async def wait_idle(self, lane: str, timeout: float = 30.0) -> None:
        """Until the lane has found nothing left to send (tests, benchmarks, the sandbox)."""
        self._idle[lane].clear()
        self._wake[lane].set()
        async with asyncio.timeout(timeout):
            await self._idle[lane].wait()

    async def _lane(self, lane: str) -> None:
        while True:
            batch = await self._outbox.next_batch(lane)
            if batch is None:
                self._wake[lane].clear()
                # Re-check after clearing: a batch created in between must not wait for the next kick.
                if await self._outbox.next_batch(lane) is None:
                    self._idle[lane].set()
                    await self._wake[lane].wait()
                continue
            try:
                await self._run(batch)
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("delivery of batch %s failed; retrying shortly", batch.id)
                await asyncio.sleep(5)

    async def _run(self, batch: Batch) -> None:
        await self._outbox.start_batch(batch.id, self._clock.now())
        pace = _Pace(time.monotonic())
        slots = asyncio.Semaphore(MAX_IN_FLIGHT)
        mine: dict[asyncio.Task[None], list[bool]] = {}  # each send, and whether its turn came
        while not await self._outbox.is_cancelled(batch.id):
            if not await self._slot(batch, pace, slots):
                await self._withdraw(batch, mine)
                break
            try:
                row = await self._outbox.claim_next(batch.id, self._clock.now())
            except BaseException:
                slots.release()
                raise
            if row is None:
                slots.release()
                break
            went: list[bool] = []
            task = asyncio.create_task(self._deliver(batch, row, went), name=f"delivery-row-{row.id}")
            mine[task] = went
            self._in_flight.add(task)
            task.add_done_callback(partial(self._done, pace, slots, mine))
            if pace.due(time.monotonic()):
                await self._report(batch, pace, finished=False)
        while mine:  # the last sends; an admin may still cancel those waiting for their turn
            await asyncio.wait(list(mine), timeout=CANCEL_CHECK)
            if mine and await self._outbox.is_cancelled(batch.id):
                await self._withdraw(batch, mine)
        if not await self._outbox.is_cancelled(batch.id):
            await self._outbox.finish_batch(batch.id, self._clock.now())
        await self._report(batch, pace, finished=True)

    def _done(
        self,
        pace: _Pace,
        slots: asyncio.Semaphore,
        mine: dict[asyncio.Task[None], list[bool]],
        task: asyncio.Task[None],
    ) -> None:
        mine.pop(task, None)
        self._in_flight.discard(task)
        slots.release()
        pace.sent += 1

    async def _slot(self, batch: Batch, pace: _Pace, slots: asyncio.Semaphore) -> bool:
        """Until a send of this batch has finished (True), or the batch is cancelled meanwhile
        (False); the progress message meanwhile shows a wait."""
        turn = asyncio.ensure_future(slots.acquire())
        try:
            while not turn.done():
                done, _ = await asyncio.wait({turn}, timeout=CANCEL_CHECK)
                if done:
                    break
                if await self._outbox.is_cancelled(batch.id):
                    return False
                if pace.due(time.monotonic()):
                    await self._report(batch, pace, finished=False)
            return True
        finally:
            if not turn.done():
                turn.cancel()
                await asyncio.gather(turn, return_exceptions=True)

    async def _withdraw(self, batch: Batch, mine: dict[asyncio.Task[None], list[bool]]) -> None:
        """A cancelled batch: its sends still waiting for their turn are not made."""
        for task, went in list(mine.items()):
            if not went:
                task.cancel()
        await asyncio.gather(*mine, return_exceptions=True)
        await self._outbox.cancel(batch.id, self._clock.now())  # the rows put back are cancelled too

    async def _deliver(self, batch: Batch, row: OutboxRow, went: list[bool]) -> None:
        attempt = 0
        while True:
            went.clear()  # a new try: its turn is still to come
            token = turn_taken.set(went)  # the budget notes here when this row's turn came
            try:
                result = await self._send(batch, row)
            except asyncio.CancelledError:
                if not went:  # stopped while it waited for its turn: never sent
                    await asyncio.shield(self._outbox.release(row.id, "stopped before sending"))
                raise
            except Exception as error:  # a bug in rendering must not stop the batch
                log.exception("sending outbox row %s failed", row.id)
                result = Result(Outcome.FAILED, f"{type(error).__name__}: {error}")
            finally:
                turn_taken.reset(token)
            if result.outcome is not Outcome.RETRY:
                await self._outbox.finish_row(row.id, result.outcome.value, self._clock.now(), result.error)
                return
            attempt += 1
            if result.retry_after is None and attempt >= MAX_ATTEMPTS:
                await self._outbox.finish_row(row.id, Outcome.FAILED.value, self._clock.now(), result.error)
                return
            # Telegram said how long to wait (a 429 the limiter could not outwait), or a network
            # failure backs off; the row stays claimed meanwhile.
            pause = result.retry_after or BACKOFF[min(attempt - 1, len(BACKOFF) - 1)]
            await self._not_in_flight(row, asyncio.sleep(pause))

    async def _not_in_flight(self, row: OutboxRow, wait) -> None:
        """A wait during which the claimed row is not being sent. Stopped there (a SIGTERM), it goes
        back to pending for the next start: only a row caught mid-send may become 'uncertain'."""
        task = asyncio.current_task()
        self._resting.add(task)
        try:
            await wait
        except asyncio.CancelledError:
            await asyncio.shield(self._outbox.release(row.id, "stopped before sending"))
            raise
        finally:
            self._resting.discard(task)

    async def _report(self, batch: Batch, pace: _Pace, *, finished: bool) -> None:
        if not self._on_progress:
            return
        now = time.monotonic()
        pace.reported = now
        try:
            counts = await self._outbox.counts(batch.id)
            fresh = await self._outbox.batch(batch.id) or batch
            wait = 0.0 if finished else self._budget.paused_for()
            await self._on_progress(Progress(fresh, counts, pace.rate(now), finished, wait))
        except Exception:  # progress is a courtesy; the delivery goes on
            log.warning("progress report for batch %s failed", batch.id, exc_info=True)


@dataclass(slots=True)
class _Pace:
    started: float
    sent: int = 0
    reported: float = 0.0

    def rate(self, now: float) -> float:
        return self.sent / max(now - self.started, 1e-6)

    def due(self, now: float) -> bool:
        return now - self.reported >= PROGRESS_EVERY
