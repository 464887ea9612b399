"""The send budget as python-telegram-bot's rate limiter: every Bot API call of the Application
passes here. Who a message is for decides its turn:

- REPLY: a message to the chat whose update is being handled right now (`replying_to`, set by the
  update processor while her update runs);
- otherwise the priority in `sending_as` (the one sender sets NOTICE, the delivery engine BULK);
  NOTICE when nobody said.

A 429 pauses every send for the time Telegram asked, then the request is made again.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Coroutine, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import replace
from datetime import timedelta
from typing import Any

from telegram.error import BadRequest, NetworkError, RetryAfter, TelegramError
from telegram.ext import BaseRateLimiter

from bot.budget import Limits, SendBudget
from bot.notices import Priority

log = logging.getLogger(__name__)

# The Bot API methods that count against Telegram's message limits; the rest go at once.
SENDING = frozenset(
    {
        "sendMessage", "sendPhoto", "sendDocument", "sendVideo", "sendAudio", "sendVoice",
        "sendAnimation", "sendSticker", "sendMediaGroup", "sendLocation", "sendContact", "sendPoll",
        "copyMessage", "forwardMessage", "editMessageText", "editMessageCaption",
        "editMessageMedia", "editMessageReplyMarkup",
    }
)  # fmt: skip
# Edits change a message she already has: Telegram counts them against the overall limit, not
# against her chat's one message a second (pressing through onboarding edits and sends each step).
EDITS = frozenset({"editMessageText", "editMessageCaption", "editMessageMedia", "editMessageReplyMarkup"})
MAX_RETRIES = 3  # 429s in a row for one request before its caller hears of it

replying_to: ContextVar[int | None] = ContextVar("replying_to", default=None)
_priority: ContextVar[Priority] = ContextVar("send_priority", default=Priority.NOTICE)


@contextmanager
def sending_as(priority: Priority) -> Iterator[None]:
    """Sends made inside take this priority."""
    token = _priority.set(priority)
    try:
        yield
    finally:
        _priority.reset(token)


def priority_for(chat: int | None) -> Priority:
    handled = replying_to.get()
    if handled is not None and chat == handled:
        return Priority.REPLY
    return _priority.get()


def _chat_of(data: dict[str, Any]) -> int | None:
    chat = data.get("chat_id")
    try:
        return int(chat) if chat is not None else None
    except (TypeError, ValueError):
        return None  # "@channelname": no per-chat bookkeeping for it


def _answered_by_telegram(error: TelegramError) -> bool:
    # PTB's NetworkError is also the base of BadRequest (an answer); the rest of it (a timeout, a
    # dropped connection) means no answer came, so the request may have arrived at any moment.
    return isinstance(error, BadRequest) or not isinstance(error, NetworkError)


def retry_seconds(value: int | float | timedelta) -> float:
    """A 429's retry_after in seconds: PTB gives int seconds or, in newer versions, a timedelta."""
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


class BudgetRateLimiter(BaseRateLimiter[None]):
    def __init__(self, limits: Limits | None = None, *, bulk_rate: float | None = None) -> None:
        limits = limits or Limits()
        if bulk_rate is not None:
            limits = replace(limits, bulk_rate=bulk_rate)
        self.budget = SendBudget(limits)

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | dict | list[dict]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: None,
    ) -> bool | dict | list[dict]:
        if endpoint not in SENDING:
            return await callback(*args, **kwargs)
        chat = None if endpoint in EDITS else _chat_of(data)
        for attempt in range(MAX_RETRIES + 1):
            ticket = await self.budget.acquire(priority_for(chat), chat)
            reached = False
            try:
                result = await callback(*args, **kwargs)
                reached = True
                return result
            except RetryAfter as error:
                reached = True
                if attempt == MAX_RETRIES:
                    raise
                seconds = retry_seconds(error.retry_after)
                log.warning("Telegram asked to wait %.0f s (%s): every send waits", seconds, endpoint)
                self.budget.pause(seconds + 0.1)
            except TelegramError as error:
                reached = _answered_by_telegram(error)
                raise
            finally:
                self.budget.answered(ticket, reached=reached)
        raise AssertionError("unreachable")
