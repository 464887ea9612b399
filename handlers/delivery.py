"""The Telegram side of the paced sender: render one outbox row, send it, and judge the outcome."""

from __future__ import annotations

import logging

from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut
from telegram.ext import Application

from bot.delivery.engine import DeliveryEngine, Outcome, Result
from bot.delivery.store import Batch, OutboxRow
from bot.notices import Priority
from bot.telegram.budget import retry_seconds, sending_as
from bot.telegram.story_card import send_card

log = logging.getLogger(__name__)


def make_engine(app: Application, on_progress) -> DeliveryEngine:
    services = app.bot_data.services

    async def send(batch: Batch, row: OutboxRow) -> Result:
        with sending_as(Priority.BULK):
            return await send_row(batch, row)

    async def send_row(batch: Batch, row: OutboxRow) -> Result:
        payload = batch.payload
        try:
            if payload["type"] == "story":
                card = services.cards.get(row.item or payload.get("slug", ""))
                if card is None:
                    return Result(Outcome.FAILED, "no such story card")
                await send_card(app.bot, services, row.user_id, row.language, card)
            elif payload["type"] == "text":
                text = payload["texts"].get(row.language) or next(iter(payload["texts"].values()))
                await app.bot.send_message(row.user_id, text)
            elif payload["type"] == "photo":
                caption = payload["captions"].get(row.language) or next(iter(payload["captions"].values()))
                await app.bot.send_photo(row.user_id, payload["file_id"], caption=caption or None)
            else:
                return Result(Outcome.FAILED, f"unknown payload type {payload['type']!r}")
        except Forbidden as error:
            await services.users.mark_blocked(row.user_id, services.clock.now())
            return Result(Outcome.BLOCKED, error.message)
        except RetryAfter as error:
            return Result(Outcome.RETRY, error.message, retry_after=retry_seconds(error.retry_after))
        except BadRequest as error:  # before NetworkError: PTB makes BadRequest one of them
            return Result(Outcome.FAILED, error.message)
        except TimedOut as error:
            # Telegram may have delivered it before the answer was lost: sending again could send twice.
            return Result(Outcome.UNCERTAIN, error.message)
        except NetworkError as error:
            return Result(Outcome.RETRY, error.message)
        return Result(Outcome.SENT)

    return DeliveryEngine(services.outbox, services.clock, app.bot.rate_limiter.budget, send, on_progress)
