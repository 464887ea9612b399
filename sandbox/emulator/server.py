"""The emulator's HTTP face: the Bot API on /bot<token>/<method>, file downloads, webhooks.

`Emulator` is the record and the users (see users.py) served by an in-process aiohttp
server on loopback, so the real bot runs against it unchanged:

    async with Emulator() as emu:
        app = Application.builder().token("123:ABC").base_url(emu.api_base_url).build()
"""

from __future__ import annotations

import asyncio
import inspect
import logging
import time
from typing import Any

import aiohttp
from aiohttp import web

from sandbox.emulator import api_bot, api_messages
from sandbox.emulator.checks import ApiError
from sandbox.emulator.control import add_control_routes
from sandbox.emulator.faults import Faults
from sandbox.emulator.limits import TelegramLimits
from sandbox.emulator.params import Params, Upload
from sandbox.emulator.users import Users

log = logging.getLogger(__name__)

MAX_UPLOAD = 50 * 1024 * 1024  # Telegram's limit for files bots upload


class Emulator(Users):
    """A local Telegram Bot API: the record, the users, and the server that speaks the API."""

    def __init__(
        self,
        token: str | None = None,
        *,
        rate_limit: float | None = None,
        strict_html: bool = False,
        latency: float = 0.0,
        telegram_limits: bool = False,
    ) -> None:
        super().__init__(strict_html=strict_html)
        self.token = token  # when given, other tokens get 401 Unauthorized
        if token:
            self.set_token(token)
        self.faults = Faults(rate_limit)
        # Trouble on demand: the next calls of a method fail (500 by default, 429 with retry_after).
        self.fail_next = self.faults.fail_next
        # A real round trip to Telegram (half on the way there, half back), in seconds.
        self.latency = latency
        # Telegram's message limits enforced with 429s (sandbox/emulator/limits.py); None: off.
        self.limits: TelegramLimits | None = TelegramLimits() if telegram_limits else None
        handlers = {**api_bot.METHODS, **api_messages.METHODS}
        # Telegram matches method names case-insensitively.
        self._methods = {name.lower(): (name, handler) for name, handler in handlers.items()}
        # Add routes here (e.g. a sandbox page) before start(); aiohttp freezes them then.
        self.app = web.Application(client_max_size=MAX_UPLOAD)
        self.app.router.add_route("*", "/bot{token}/{method}", self._bot_api)
        self.app.router.add_get("/file/bot{token}/{path:.+}", self._download)
        add_control_routes(self.app, self)
        self._runner: web.AppRunner | None = None
        self._webhook_task: asyncio.Task[None] | None = None
        self._host = "127.0.0.1"
        self._port = 0

    # --- life cycle -----------------------------------------------------------------

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> Emulator:
        """Serve on host:port (port 0 picks a free one)."""
        self.closing = False
        self._runner = web.AppRunner(self.app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, host, port)
        await site.start()
        self._host = host
        self._port = self._runner.addresses[0][1]
        self._webhook_task = asyncio.create_task(self._send_webhooks(), name="emulator-webhook")
        log.info("Bot API emulator listening on %s", self.base_url)
        return self

    async def stop(self) -> None:
        self.closing = True
        self.signal.notify()  # long polls and the webhook sender return at once
        if self._webhook_task is not None:
            self._webhook_task.cancel()
            await asyncio.gather(self._webhook_task, return_exceptions=True)
            self._webhook_task = None
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> Emulator:
        return await self.start()

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    @property
    def port(self) -> int:
        return self._port

    @property
    def base_url(self) -> str:
        return f"http://{self._host}:{self._port}"

    @property
    def api_base_url(self) -> str:
        """What PTB's `base_url` takes: the token and method are appended to it."""
        return f"{self.base_url}/bot"

    @property
    def base_file_url(self) -> str:
        """What PTB's `base_file_url` takes, for File.download_to_memory()."""
        return f"{self.base_url}/file/bot"

    @property
    def control_url(self) -> str:
        return f"{self.base_url}/_emulator"

    # --- trouble on demand ----------------------------------------------------------

    def delay(self, method: str, seconds: float, count: int = 1) -> None:
        """Answer the next `count` calls of `method` after `seconds`; the work is done at once."""
        self.faults.delay(method, seconds, count)

    @property
    def rate_limit(self) -> float | None:
        return self.faults.rate_limit

    @rate_limit.setter
    def rate_limit(self, per_second: float | None) -> None:
        self.faults.rate_limit = per_second

    # --- the Bot API ----------------------------------------------------------------

    async def _bot_api(self, request: web.Request) -> web.Response:
        token, name = request.match_info["token"], request.match_info["method"]
        if self.token and token != self.token:
            return _answer(ApiError(401, "Unauthorized"))
        if name.lower() not in self._methods:
            # PTB turns this 404 into InvalidToken, as with Telegram; say what really happened.
            log.warning("the emulator does not implement the Bot API method %r", name)
            return _answer(ApiError(404, "Not Found"))
        method, handler = self._methods[name.lower()]
        self.set_token(token)
        try:
            params = await _read_params(request)
        except ApiError as exc:
            return _answer(exc)
        if self.latency:
            await asyncio.sleep(self.latency / 2)
        call = self.record_call(method, params.summary())
        try:
            sends = method in api_messages.SEND_METHODS
            fault = self.faults.check(method, time.monotonic(), counts_as_send=sends)
            if fault is None and sends and self.limits is not None:
                chat = None if method.startswith("edit") else _chat_id(params)  # edits: the overall limit only
                fault = self.limits.check(chat, time.monotonic())
            if fault is not None:
                raise fault
            result = handler(self, params)
            if inspect.isawaitable(result):
                result = await result
        except ApiError as exc:
            call.ok, call.error_code, call.description = False, exc.code, exc.description
            outcome: ApiError | dict[str, Any] = exc
        except Exception as exc:  # an emulator bug: answer like a server error, loudly
            log.exception("emulator failed in %s", method)
            call.ok, call.error_code, call.description = False, 500, repr(exc)
            outcome = ApiError(500, f"Internal Server Error: emulator bug: {exc!r}")
        else:
            call.result = result
            outcome = {"ok": True, "result": result}
        self.signal.notify()
        if seconds := self.faults.take_delay(method) + self.latency / 2:
            await asyncio.sleep(seconds)  # a slow server is the point here
        return _answer(outcome)

    async def _download(self, request: web.Request) -> web.Response:
        if self.token and request.match_info["token"] != self.token:
            return _answer(ApiError(401, "Unauthorized"))
        stored = self.file_by_path(request.match_info["path"])
        if stored is None or stored.data is None:
            return _answer(ApiError(404, "Not Found"))
        return web.Response(body=stored.data, content_type=stored.mime_type or "application/octet-stream")

    # --- webhook --------------------------------------------------------------------

    async def _send_webhooks(self) -> None:
        """While a webhook is set, POST pending updates to it one by one, in order."""
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10)) as session:
            failures = 0
            while not self.closing:
                await self.signal.wait_until(lambda: self.closing or (self.webhook["url"] and self.updates), 3600)
                if self.closing or not (self.webhook["url"] and self.updates):
                    continue
                update = self.updates[0]
                error = await _post_update(session, self.webhook, update)
                if error is None:
                    failures = 0
                    if self.updates and self.updates[0] is update:
                        self.updates.pop(0)
                    continue
                self.webhook["last_error_date"] = int(time.time())
                self.webhook["last_error_message"] = error
                failures += 1
                # Telegram retries a failing webhook later; so do we, backing off.
                await asyncio.sleep(min(0.05 * 2**failures, 2.0))


async def _post_update(session: aiohttp.ClientSession, webhook: dict[str, Any], update: dict) -> str | None:
    """Deliver one update; return None on success or Telegram-style error text."""
    headers = {}
    if webhook.get("secret_token"):
        headers["X-Telegram-Bot-Api-Secret-Token"] = webhook["secret_token"]
    try:
        async with session.post(webhook["url"], json=update, headers=headers) as response:
            if response.status < 300:
                return None
            return f"Wrong response from the webhook: {response.status} {response.reason}"
    except (aiohttp.ClientError, TimeoutError) as exc:
        return f"Connection failed: {exc!r}"


async def _read_params(request: web.Request) -> Params:
    """Merge the query string with a JSON, urlencoded or multipart body, as Telegram does."""
    values: dict[str, Any] = dict(request.query)
    if request.method != "POST" or not request.can_read_body:
        return Params(values)
    if request.content_type == "application/json":
        try:
            body = await request.json()
        except ValueError:
            raise ApiError(400, "Bad Request: can't parse JSON encoded request") from None
        if isinstance(body, dict):
            values.update(body)
    elif request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
        for key, value in (await request.post()).items():
            if isinstance(value, web.FileField):
                values[key] = Upload(value.filename, value.content_type, value.file.read())
            else:
                values[key] = value
    return Params(values)


def _chat_id(params: Params) -> int | None:
    try:
        return params.integer("chat_id")
    except ApiError:
        return None  # "@channel", or none: no per-chat limit to keep


def _answer(outcome: ApiError | dict[str, Any]) -> web.Response:
    if isinstance(outcome, ApiError):
        return web.json_response(outcome.payload(), status=outcome.code)
    return web.json_response(outcome)
