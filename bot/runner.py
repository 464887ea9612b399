"""Run the Application inside an existing event loop (the sandbox and the tests).

`python -m bot run` uses PTB's own run_polling; this mirrors its lifecycle
(initialize, post_init, start, poll ... stop, shutdown, post_shutdown) for callers
that already have a loop.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from telegram import Update
from telegram.ext import Application


@asynccontextmanager
async def polling(app: Application, *, poll_timeout: float = 10.0) -> AsyncIterator[Application]:
    await app.initialize()
    try:
        if app.post_init:
            await app.post_init(app)
        await app.start()
        await app.updater.start_polling(poll_interval=0, timeout=int(poll_timeout), allowed_updates=Update.ALL_TYPES)
        try:
            yield app
        finally:
            if app.updater.running:
                await app.updater.stop()
            if app.running:
                await app.stop()
            if app.post_stop:
                await app.post_stop(app)
    finally:
        await app.shutdown()
        if app.post_shutdown:
            await app.post_shutdown(app)
