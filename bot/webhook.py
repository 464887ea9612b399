"""Webhook mode: one small aiohttp server on PORT takes Telegram's updates and answers /healthz.

Why not PTB's `run_webhook`: its tornado server takes no extra routes, so /healthz would
need a second port, and it needs PTB's `webhooks` extra (tornado), a second web stack.
aiohttp is already here (the emulator), and putting updates on `application.update_queue`
is PTB's own documented way to run a custom webhook server (its customwebhookbot example).
The lifecycle mirrors `run_webhook`: initialize, post_init, start, listen, setWebhook ...
stop listening, stop (pending updates and running handlers finish), post_stop, shutdown,
post_shutdown.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
import signal
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from urllib.parse import urlparse

from aiohttp import web
from apscheduler.schedulers.base import STATE_RUNNING
from telegram import Update
from telegram.ext import Application

from bot.config import Settings

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
HEALTH_PATH = "/healthz"
HEALTH_TIMEOUT = 3.0  # seconds the database has to answer SELECT 1
MAX_UPDATE_BYTES = 1024 * 1024  # an update is a few kilobytes; refuse anything absurd
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)
# Telegram may hold this many updates in flight at once; handlers still run one at a time.
MAX_CONNECTIONS = 40


def webhook_path(url: str) -> str:
    """The path Telegram POSTs to: the path of WEBHOOK_URL ("/" when it has none)."""
    path = urlparse(url).path or "/"
    if path == HEALTH_PATH:
        raise ValueError(f"WEBHOOK_URL: the path {HEALTH_PATH} is taken by the health check")
    return path


async def health_problems(app: Application) -> list[str]:
    """What keeps the bot from working: empty when the database answers and the scheduler runs."""
    problems = []
    services = app.bot_data.services
    if services is None:
        problems.append("the services are not open")
    else:
        try:
            async with asyncio.timeout(HEALTH_TIMEOUT):
                answer = await services.db.fetchval("SELECT 1")
            if answer != 1:
                problems.append("the database gave a wrong answer")
        except TimeoutError:
            problems.append("the database did not answer in time")
        except Exception as error:  # closed, locked, gone: whatever it is, we are not healthy
            log.warning("health check: the database does not answer: %s", error)
            problems.append(f"the database does not answer ({type(error).__name__})")
    job_queue = app.job_queue
    if job_queue is None or job_queue.scheduler.state != STATE_RUNNING:  # stopped or paused
        problems.append("the scheduler is not running")
    return problems


def make_web_app(app: Application, path: str, secret: str) -> web.Application:
    """The routes: POST `path` (Telegram, with the secret header) and GET /healthz."""
    expected = secret.encode()

    async def receive(request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "").encode("utf-8", "surrogateescape")
        if not hmac.compare_digest(given, expected):
            log.warning("refused a webhook request without the secret from %s", request.remote)
            return web.Response(status=403, text="forbidden")
        if not app.running:
            return web.Response(status=503, text="stopping")  # Telegram will try again later
        try:
            data = await request.json()
            update = Update.de_json(data, app.bot)
        # JSON, but not an update; or a number out of range (1e300 as a date), or nested too deep (F17).
        except (ValueError, TypeError, KeyError, AttributeError, OverflowError, OSError, RecursionError):
            log.warning("refused a webhook request that is not an update")
            return web.Response(status=400, text="not an update")
        if update is None:
            return web.Response(status=400, text="not an update")
        await app.update_queue.put(update)
        return web.Response(text="ok")

    async def healthz(request: web.Request) -> web.Response:
        problems = await health_problems(app)
        if problems:
            return web.json_response({"ok": False, "problems": problems}, status=503)
        return web.json_response({"ok": True})

    web_app = web.Application(client_max_size=MAX_UPDATE_BYTES)
    web_app.router.add_post(path, receive)
    web_app.router.add_get(HEALTH_PATH, healthz)
    return web_app


@asynccontextmanager
async def serving(app: Application, settings: Settings, *, listen: str = "0.0.0.0") -> AsyncIterator[web.AppRunner]:
    """Run the bot in webhook mode inside the current loop until the block ends."""
    if not (settings.webhook_url and settings.webhook_secret):
        raise ValueError("webhook mode needs WEBHOOK_URL and WEBHOOK_SECRET")
    path = webhook_path(settings.webhook_url)
    web_app = make_web_app(app, path, settings.webhook_secret)
    runner = web.AppRunner(web_app, access_log=None, handle_signals=False, shutdown_timeout=5.0)
    await app.initialize()
    try:
        if app.post_init:
            await app.post_init(app)
        await app.start()
        try:
            await runner.setup()
            await web.TCPSite(runner, listen, settings.port).start()
            # Listen first, then tell Telegram: its first POST finds us ready.
            await app.bot.set_webhook(
                settings.webhook_url,
                secret_token=settings.webhook_secret,
                allowed_updates=Update.ALL_TYPES,
                max_connections=MAX_CONNECTIONS,
            )
            log.info("webhook mode: listening on %s:%s%s", listen, settings.port, path)
            yield runner
        finally:
            # Stop taking updates; what was taken is handled by app.stop(), which waits for
            # the update queue and for running handlers and jobs. The webhook stays set, so
            # Telegram keeps new updates until the next start.
            await runner.cleanup()
            if app.running:
                await app.stop()
            if app.post_stop:  # stops the paced sender (bot.app)
                await app.post_stop(app)
    finally:
        await app.shutdown()
        if app.post_shutdown:
            await app.post_shutdown(app)


async def serve_until_stopped(app: Application, settings: Settings, *, listen: str = "0.0.0.0") -> None:
    """Serve until SIGTERM or SIGINT, then stop gracefully."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in STOP_SIGNALS:
        loop.add_signal_handler(sig, stop.set)
    try:
        async with serving(app, settings, listen=listen):
            await stop.wait()
            log.info("stop signal received: finishing what was taken, then stopping")
    finally:
        for sig in STOP_SIGNALS:
            loop.remove_signal_handler(sig)


def run_webhook(app: Application, settings: Settings, *, listen: str = "0.0.0.0") -> None:
    asyncio.run(serve_until_stopped(app, settings, listen=listen))
