"""One paced sender for everything sent to many people: broadcasts and story pushes.

Lanes run side by side (a story push never waits behind a broadcast), batches
within a lane one after another, and every send of every lane takes a token
from one shared limiter at BROADCAST_RATE, leaving Telegram's remaining room
for interactive replies. The engine knows nothing of Telegram: it is handed a
`send` function that turns one outbox row into an Outcome.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum

from aiolimiter import AsyncLimiter

from bot.clock import Clock
from bot.delivery.store import Batch, OutboxRepository, OutboxRow

log = logging.getLogger(__name__)

LANES = ("broadcast", "stories")
MAX_ATTEMPTS = 4
BACKOFF = (1.0, 3.0, 10.0)  # seconds before the 2nd, 3rd and 4th try of a network failure
PROGRESS_EVERY = 3.0  # seconds between edits of the progress message


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
        rate: float,
        send: Send,
        on_progress: OnProgress | None = None,
    ) -> None:
        self._outbox = outbox
        self._clock = clock
        # One token every 1/rate seconds and no bursts: a bucket of `rate` tokens would let a
        # full second's worth go out at once and cross Telegram's ~30/s with everything else.
        self._limiter = AsyncLimiter(1, 1.0 / rate)
        self._send = send
        self._on_progress = on_progress
        self._wake = {lane: asyncio.Event() for lane in LANES}
        self._idle = {lane: asyncio.Event() for lane in LANES}
        self._tasks: list[asyncio.Task[None]] = []
        self.rate = rate

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
        started, sent_here, last_report = time.monotonic(), 0, 0.0
        while True:
            if await self._outbox.is_cancelled(batch.id):
                break
            row = await self._outbox.claim_next(batch.id, self._clock.now())
            if row is None:
                await self._outbox.finish_batch(batch.id, self._clock.now())
                break
            await self._deliver(batch, row)
            sent_here += 1
            now = time.monotonic()
            if self._on_progress and now - last_report >= PROGRESS_EVERY:
                last_report = now
                await self._report(batch, sent_here / max(now - started, 1e-6), finished=False)
        if self._on_progress:
            await self._report(batch, sent_here / max(time.monotonic() - started, 1e-6), finished=True)

    async def _deliver(self, batch: Batch, row: OutboxRow) -> None:
        attempt = 0
        while True:
            await self._not_in_flight(row, self._limiter.acquire())
            try:
                result = await self._send(batch, row)
            except Exception as error:  # a bug in rendering must not stop the batch
                log.exception("sending outbox row %s failed", row.id)
                result = Result(Outcome.FAILED, f"{type(error).__name__}: {error}")
            if result.outcome is not Outcome.RETRY:
                await self._outbox.finish_row(row.id, result.outcome.value, self._clock.now(), result.error)
                return
            attempt += 1
            if result.retry_after is not None:
                # Telegram said how long to wait; the row stays claimed meanwhile.
                await self._not_in_flight(row, asyncio.sleep(result.retry_after))
                continue
            if attempt >= MAX_ATTEMPTS:
                await self._outbox.finish_row(row.id, Outcome.FAILED.value, self._clock.now(), result.error)
                return
            await self._not_in_flight(row, asyncio.sleep(BACKOFF[min(attempt - 1, len(BACKOFF) - 1)]))

    async def _not_in_flight(self, row: OutboxRow, wait) -> None:
        """A wait during which the claimed row is not being sent. Stopped there (a SIGTERM), it goes
        back to pending for the next start: only a row caught mid-send may become 'uncertain'."""
        try:
            await wait
        except asyncio.CancelledError:
            await asyncio.shield(self._outbox.release(row.id, "stopped before sending"))
            raise

    async def _report(self, batch: Batch, rate: float, *, finished: bool) -> None:
        try:
            counts = await self._outbox.counts(batch.id)
            fresh = await self._outbox.batch(batch.id) or batch
            await self._on_progress(Progress(fresh, counts, rate, finished))
        except Exception:  # progress is a courtesy; the delivery goes on
            log.warning("progress report for batch %s failed", batch.id, exc_info=True)
