"""One budget for everything the bot sends, within Telegram's limits: people before broadcasts.

`Schedule` is the pure decision (the time passed in); `SendBudget` waits on it in asyncio.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
import time
from collections import deque
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass, field

from bot.notices import Priority

# Answers before the quickest round trip among them is trusted to be near the floor (see `Schedule`).
ROUND_TRIPS_KNOWN = 50
# How late a timer may wake and a bulk turn still keep its place in step (see `_cadence`).
TIMER_LATENESS = 0.005  # seconds


@dataclass(frozen=True, slots=True)
class Limits:
    """Telegram's limits as the bot keeps them. Telegram counts a message when it arrives there,
    at some moment between our sending it and its answer coming back; a send therefore counts in
    the overall window from its turn until about a window after Telegram counted it (see `Schedule`)."""

    overall: int = 30  # messages in any one window
    window: float = 1.0  # seconds
    # Slack for the quickest round trip seen not being quite the quickest one possible (the two
    # legs, to Telegram and back, each a little above its floor even in the quickest of 50). Not
    # for jitter: a late request is covered by its late answer. See `Schedule`: safety rests on it.
    margin: float = 0.01  # seconds
    bulk_rate: float = 30.0  # BROADCAST_RATE: the ceiling for bulk sending, a second
    private_burst: int = 3  # messages to one private chat at once
    private_rate: float = 1.0  # and then a second
    group_count: int = 20  # messages to one group
    group_window: float = 61.0  # in this many seconds (Telegram's is a minute)

    @property
    def spacing(self) -> float:
        # Sends evenly apart, never a burst: a reply then waits at most one spacing for its turn.
        # A tenth under 1/30 s: timers wake a millisecond or two late, and a spacing of exactly
        # 1/30 s then held everyone to 28.5 a second; the window above keeps to the 30.
        return 1.0 / (self.overall * 1.1)


@dataclass(slots=True)
class _Chat:
    tokens: float
    at: float
    sent: deque[float] = field(default_factory=deque)  # groups: when, in the last window


@dataclass(slots=True)
class Ticket:
    priority: Priority
    chat: int | None
    order: int


class Schedule:
    """Who may send next. Waiting tickets go by priority, then in arrival order; a ticket whose chat
    is still at its limit lets the next one pass. Bulk also keeps to its own ceiling.

    The overall limit is kept where Telegram counts, not where we grant. Telegram counts a send at
    some moment A between its turn G and its answer R: A = G + d (on the way: our own event loop,
    the network, Telegram's queue) and R = A + r (back). A granted send therefore counts from G
    while it is in flight, and after its answer until

        R + window - (quickest round trip seen - margin)

    Why no 31 sends can then arrive within one of Telegram's seconds, however each is delayed: take
    the one of them granted last, L; every other one j must still count at G_L, or L would not have
    had its turn. G_L = A_L - d_L < A_j + window - d_L = R_j - r_j + window - d_L, which is below
    j's end as soon as the quickest round trip seen is at most d_L + r_j + margin. Each leg has a
    floor (d >= d0, r >= r0) and the quickest of many round trips comes within `margin` of d0 + r0.
    So a request held back on its way (a loaded machine, a stalled emulator, a retransmitted packet)
    is covered by its own late answer, whichever leg the delay was on; and with a steady latency a
    send holds the room for a window and a margin instead of a window and its round trip (at 60 ms,
    29.7 sends a second instead of 28.3). Counting from when the bytes leave the bot would not be
    safe: a request held back after leaving (the network, Telegram's queue) could then bunch.
    Until `ROUND_TRIPS_KNOWN` answers have come the quickest is not trusted and a send counts until
    a full window after its answer. A request with no answer (a network error) may have arrived at
    any moment before it failed: a full window after, too.
    The quickest round trip is kept from the start: a lasting rise in latency costs room, never safety."""

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self._waiting: list[Ticket] = []
        self._flying: dict[int, float] = {}  # tickets granted, not yet answered: when granted
        self._counted: list[float] = []  # a heap: when each answered send leaves the window
        self._last = float("-inf")
        self._last_bulk = float("-inf")
        self._chats: dict[int, _Chat] = {}
        self._order = itertools.count()
        self.paused_until = float("-inf")
        self.quickest = float("inf")  # the quickest round trip seen, turn to answer
        self._round_trips = 0

    # --- requests -------------------------------------------------------------------

    def push(self, priority: Priority, chat: int | None) -> Ticket:
        ticket = Ticket(priority, chat, next(self._order))
        self._waiting.append(ticket)
        self._waiting.sort(key=lambda t: (t.priority, t.order))
        return ticket

    def drop(self, ticket: Ticket) -> None:
        """It will not send: still waiting, or given its turn but stopped before its request went
        out (a turn kept in flight would hold a place of the overall limit for good)."""
        if ticket in self._waiting:
            self._waiting.remove(ticket)
        else:
            self._flying.pop(ticket.order, None)

    def pause(self, until: float) -> None:
        """Telegram said 429: nobody sends before `until`."""
        self.paused_until = max(self.paused_until, until)

    def poll(self, now: float) -> tuple[list[Ticket], float | None]:
        """The tickets that may go now, in order, and when to look again (None: nobody waits)."""
        granted: list[Ticket] = []
        while self._waiting:
            ticket = next((t for t in self._waiting if self._ready_at(t, now) <= now), None)
            if ticket is None:
                break
            self._waiting.remove(ticket)
            self._record(ticket, now)
            granted.append(ticket)
        wake = min((self._ready_at(t, now) for t in self._waiting), default=None)
        return granted, (None if wake == float("inf") else wake)  # inf: until an answer comes

    def answered(self, ticket: Ticket, now: float, *, reached: bool = True) -> None:
        """Its answer came back (`reached`: from Telegram, even an error), or it failed without one:
        Telegram counted it by now, if at all."""
        granted = self._flying.pop(ticket.order, None)
        if granted is None:
            return
        credit = 0.0
        if reached:
            self.quickest = min(self.quickest, now - granted)
            self._round_trips += 1
            if self._round_trips >= ROUND_TRIPS_KNOWN:
                credit = max(0.0, self.quickest - self.limits.margin)
        heapq.heappush(self._counted, max(now, now + self.limits.window - credit))

    # --- the sliding windows and buckets ------------------------------------------------

    def _ready_at(self, ticket: Ticket, now: float) -> float:
        limits = self.limits
        while self._counted and self._counted[0] <= now:
            heapq.heappop(self._counted)
        at = max(self.paused_until, self._last + limits.spacing)
        over = len(self._flying) + len(self._counted) - limits.overall + 1
        if over > 0:
            # `over` of them must leave first; those in flight leave only after their answer.
            at = max(at, heapq.nsmallest(over, self._counted)[-1] if over <= len(self._counted) else float("inf"))
        if ticket.priority is Priority.BULK:
            at = max(at, self._last_bulk + 1.0 / limits.bulk_rate)
        return max(at, self.chat_ready_at(ticket.chat, now))

    def chat_ready_at(self, chat: int | None, now: float) -> float:
        """When this chat may get its next message, as far as its own limit goes."""
        if chat is None or chat not in self._chats:
            return now
        state, limits = self._chats[chat], self.limits
        if chat < 0:  # a group
            while state.sent and state.sent[0] <= now - limits.group_window:
                state.sent.popleft()
            if len(state.sent) < limits.group_count:
                return now
            return state.sent[-limits.group_count] + limits.group_window
        tokens = min(limits.private_burst, state.tokens + (now - state.at) * limits.private_rate)
        return now if tokens >= 1 else now + (1 - tokens) / limits.private_rate

    def note_chat(self, chat: int | None, now: float) -> None:
        """One message to this chat now."""
        if chat is None:
            return
        limits = self.limits
        state = self._chats.setdefault(chat, _Chat(tokens=limits.private_burst, at=now))
        if chat < 0:
            state.sent.append(now)
            return
        state.tokens = min(limits.private_burst, state.tokens + (now - state.at) * limits.private_rate) - 1
        state.at = now
        if len(self._chats) > 10_000:  # forget chats whose bucket is full again
            self._forget(now)

    def _record(self, ticket: Ticket, now: float) -> None:
        self._flying[ticket.order] = now
        self._last = now
        if ticket.priority is Priority.BULK:
            self._last_bulk = _cadence(self._last_bulk, 1.0 / self.limits.bulk_rate, now)
        self.note_chat(ticket.chat, now)

    def _forget(self, now: float) -> None:
        limits = self.limits
        for chat, state in list(self._chats.items()):
            if chat < 0:
                full = not state.sent or state.sent[-1] <= now - limits.group_window
            else:
                full = state.tokens + (now - state.at) * limits.private_rate >= limits.private_burst
            if full:
                del self._chats[chat]


def _cadence(last: float, spacing: float, now: float) -> float:
    """The slot a bulk turn given `now` takes: the one in step if the timer woke a little late.
    Counting each turn from its waking added a millisecond or two to every spacing (28.5 a second
    for a ceiling of 30)."""
    due = last + spacing
    return due if 0 <= now - due < TIMER_LATENESS else now


# Set by a caller that must know whether its request went out (the outbox: a row stopped before
# its turn goes back to pending); `acquire` appends to it when the turn is given.
turn_taken: ContextVar[list[bool] | None] = ContextVar("turn_taken", default=None)


class SendBudget:
    """The schedule in asyncio: `await acquire(priority, chat)` returns when it is her turn."""

    def __init__(self, limits: Limits, clock: Callable[[], float] = time.monotonic) -> None:
        self.schedule = Schedule(limits)
        self._clock = clock
        self._events: dict[int, asyncio.Event] = {}
        self._timer: asyncio.TimerHandle | None = None

    @property
    def limits(self) -> Limits:
        return self.schedule.limits

    def paused_for(self) -> float:
        """Seconds left of a flood wait Telegram asked for (0 when there is none)."""
        return max(0.0, self.schedule.paused_until - self._clock())

    def pause(self, seconds: float) -> None:
        self.schedule.pause(self._clock() + seconds)
        self._pump()

    def answered(self, ticket: Ticket, *, reached: bool = True) -> None:
        """The request of this turn has its answer (`reached`), or failed without one: see `Schedule`."""
        self.schedule.answered(ticket, self._clock(), reached=reached)
        self._pump()

    async def acquire(self, priority: Priority, chat: int | None) -> Ticket:
        """Wait for her turn; call `answered(ticket)` once the request is back."""
        ticket = self.schedule.push(priority, chat)
        event = self._events[ticket.order] = asyncio.Event()
        self._pump()
        try:
            await event.wait()
        except asyncio.CancelledError:
            self.schedule.drop(ticket)
            self._pump()
            raise
        finally:
            self._events.pop(ticket.order, None)
        taken = turn_taken.get()
        if taken is not None:
            taken.append(True)
        return ticket

    def _pump(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        granted, wake = self.schedule.poll(self._clock())
        for ticket in granted:
            event = self._events.get(ticket.order)
            if event is not None:
                event.set()
        if wake is not None:
            loop = asyncio.get_running_loop()
            self._timer = loop.call_later(max(0.0, wake - self._clock()), self._pump)
