"""The budget as PTB's rate limiter: a 429 holds every send, not just the one that got it."""

import asyncio
import time

import pytest
from telegram.error import BadRequest, RetryAfter, TimedOut

from bot.budget import Limits, SendBudget
from bot.notices import Priority
from bot.telegram.budget import BudgetRateLimiter, priority_for, replying_to, sending_as


async def test_a_429_pauses_every_send_then_the_request_is_made_again():
    limiter = BudgetRateLimiter()
    calls: list[tuple[str, float]] = []
    first = True
    flood = asyncio.Event()

    async def flooded(name):
        nonlocal first
        calls.append((name, time.monotonic()))
        if first:
            first = False
            flood.set()
            raise RetryAfter(1)
        return True

    async def send(name, chat):
        return await limiter.process_request(flooded, (name,), {}, "sendMessage", {"chat_id": chat}, None)

    started = time.monotonic()
    one = asyncio.create_task(send("one", 1))
    await flood.wait()
    other = await send("other", 2)  # asked while Telegram's wait runs
    assert await one is True and other is True
    assert sorted(name for name, _ in calls) == ["one", "one", "other"] and calls[0][0] == "one"
    assert all(at - started >= 1.0 for _, at in calls[1:])


async def test_calls_that_send_nothing_do_not_wait():
    limiter = BudgetRateLimiter()
    limiter.budget.pause(30)

    async def answer():
        return True

    assert await limiter.process_request(answer, (), {}, "answerCallbackQuery", {}, None) is True


def test_her_own_chat_while_her_update_is_handled_is_a_reply():
    token = replying_to.set(7)
    try:
        assert priority_for(7) is Priority.REPLY
        assert priority_for(8) is Priority.NOTICE
        with sending_as(Priority.BULK):
            assert priority_for(8) is Priority.BULK
            assert priority_for(7) is Priority.REPLY
    finally:
        replying_to.reset(token)
    assert priority_for(7) is Priority.NOTICE


async def test_only_an_answer_from_telegram_tells_the_budget_a_round_trip():
    """A timeout may have reached Telegram at any moment before it: it keeps its full window and
    says nothing of the round trip; an error Telegram answered (a bad request) is a round trip."""
    limiter = BudgetRateLimiter()

    def failing(error):
        async def call():
            raise error

        return call

    with pytest.raises(TimedOut):
        await limiter.process_request(failing(TimedOut()), (), {}, "sendMessage", {"chat_id": 1}, None)
    assert limiter.budget.schedule.quickest == float("inf")
    with pytest.raises(BadRequest):
        await limiter.process_request(failing(BadRequest("no")), (), {}, "sendMessage", {"chat_id": 2}, None)
    assert limiter.budget.schedule.quickest < 1.0


async def test_a_send_stopped_just_as_its_turn_came_gives_its_place_back():
    # An admin's cancel stops the sends whose turn has not come; one whose turn came an instant
    # before (the timer gave it, its task had not run yet) must not hold a place of the 30 for good.
    now = [0.0]
    budget = SendBudget(Limits(), clock=lambda: now[0])
    for i in range(Limits().overall):
        budget.pause(0.05)  # something to wait for
        send = asyncio.create_task(budget.acquire(Priority.BULK, 1000 + i))
        await asyncio.sleep(0)
        now[0] += 0.1
        budget._pump()  # the timer gives it its turn...
        send.cancel()  # ...and it is stopped before it could send
        await asyncio.gather(send, return_exceptions=True)
    now[0] += 1.0
    async with asyncio.timeout(1):
        budget.answered(await budget.acquire(Priority.REPLY, 7))
