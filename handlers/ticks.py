"""Time-driven work: journeys register ticks; one repeating job runs them all.

The database says what is due, so a tick after a restart finds everything that
fell due while the bot was down. The sandbox's clock control and the tests run
the ticks right after moving the clock, instead of waiting.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from telegram.ext import Application, ContextTypes

log = logging.getLogger(__name__)

Tick = Callable[[Application], Awaitable[None]]
TICK_SECONDS = 30


def add_tick(app: Application, name: str, tick: Tick) -> None:
    app.bot_data.ticks.append((name, tick))


async def run_ticks(app: Application) -> None:
    for name, tick in list(app.bot_data.ticks):
        try:
            await tick(app)
        except Exception:  # one broken tick must not stop the others
            log.exception("tick %s failed", name)


async def _job(context: ContextTypes.DEFAULT_TYPE) -> None:
    await run_ticks(context.application)


def schedule_ticks(app: Application, interval: float = TICK_SECONDS) -> None:
    app.job_queue.run_repeating(
        _job,
        interval=interval,
        first=1,
        name="ticks",
        # A late run is still useful, and a backlog of runs is one run.
        job_kwargs={"misfire_grace_time": None, "coalesce": True, "max_instances": 1},
    )
