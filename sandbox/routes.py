"""The sandbox page's routes on the emulator's server: the page itself and /sandbox/api/*.

What users do (send, sticker, press) goes through the emulator's control API under
/_emulator; these routes add what the page needs on top: personas with labels, chats
as the page draws them (text with entities, file links, the reply keyboard), one
long-poll over every chat, and the clock control.
"""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from aiohttp import web

from bot.jobs import run_jobs
from sandbox.emulator.control import add_json_routes
from sandbox.emulator.model import ChatMessage, Event, StoredFile

if TYPE_CHECKING:
    from sandbox.app import Sandbox

log = logging.getLogger(__name__)

STATIC_DIR = Path(__file__).parent / "static"
API = "/sandbox/api"
MAX_WAIT = 30.0  # seconds a long-poll may hold
MAX_EVENTS = 500  # per answer; the page asks again from the returned seq
MAX_HOURS = 24 * 366  # one clock jump at most a year
LANGUAGE_CODE = re.compile(r"^[a-z]{2,3}(-[A-Za-z]{2,4})?$")
MESSAGE_EVENTS = frozenset({"user_message", "user_edit", "bot_message", "bot_edit"})

Route = Callable[[web.Request], Awaitable[web.StreamResponse]]


def add_page_routes(app: web.Application, sandbox: Sandbox) -> None:
    page = _Page(sandbox)
    app.router.add_get("/", page.index)
    app.router.add_static("/sandbox/static/", STATIC_DIR, append_version=False)
    routes = [
        ("GET", "/personas", page.personas),
        ("POST", "/personas", page.add_persona),
        ("GET", "/chats/{id}", page.chat),
        ("GET", "/events", page.events),
        ("GET", "/clock", page.clock),
        ("POST", "/clock", page.advance_clock),
    ]
    add_json_routes(app, API, routes, json_posts=True)


# --- what the page draws -------------------------------------------------------------


def file_view(stored: StoredFile | None) -> dict[str, Any] | None:
    """A photo or document; only files whose bytes the emulator holds get a URL (never the web)."""
    if stored is None:
        return None
    url = f"/_emulator/files/{quote(stored.file_id)}" if stored.data is not None else None
    return {
        "url": url,
        "file_name": stored.file_name,
        "mime_type": stored.mime_type,
        "size": stored.size,
    }


def _entities(entities: list[dict]) -> list[dict]:
    return [{k: v for k, v in e.items() if not k.startswith("_")} for e in entities]


def message_view(message: ChatMessage) -> dict[str, Any]:
    """A message as the chat shows it now: plain text plus entities, as Telegram apps draw it."""
    return {
        "message_id": message.message_id,
        "from_bot": message.from_bot,
        "date": message.date,
        "text": message.text,
        "entities": _entities(message.entities),
        "caption": message.caption,
        "caption_entities": _entities(message.caption_entities),
        "photo": file_view(message.photo),
        "document": file_view(message.document),
        "sticker": {"emoji": message.sticker.get("emoji")} if message.sticker else None,
        "contact": message.contact,
        "keyboard": message.keyboard,
        "reply_to": message.reply_to,
        "edited": message.edited,
    }


def reply_keyboard(sandbox: Sandbox, chat_id: int) -> dict[str, Any] | None:
    """The keyboard under her text box now: the latest one sent, unless removed or used up."""
    state: dict[str, Any] | None = None
    for message in sandbox.emulator.messages.get(chat_id, {}).values():
        markup = message.reply_markup or {}
        if message.from_bot and "keyboard" in markup:
            rows = [
                [
                    {"text": b.get("text", ""), "request_contact": bool(b.get("request_contact"))}
                    if isinstance(b, dict)
                    else {"text": str(b), "request_contact": False}
                    for b in row
                ]
                for row in markup["keyboard"]
            ]
            state = {
                "rows": rows,
                "one_time": bool(markup.get("one_time_keyboard")),
                "placeholder": markup.get("input_field_placeholder"),
            }
        elif message.from_bot and markup.get("remove_keyboard"):
            state = None
        elif not message.from_bot and state is not None and state["one_time"]:
            state = None  # she answered: a one-time keyboard folds away
    return state


def event_view(sandbox: Sandbox, event: Event) -> dict[str, Any]:
    """An event with the message it touched as it is now, so applying events is idempotent."""
    view: dict[str, Any] = {
        "seq": event.seq,
        "chat_id": event.chat_id,
        "kind": event.kind,
        "message_id": event.message_id,
    }
    if event.kind in MESSAGE_EVENTS and event.message_id is not None:
        message = sandbox.emulator.message(event.chat_id, event.message_id)
        view["message"] = message_view(message) if message is not None else None
    if event.kind in ("press", "callback_answer"):
        view["callback_query_id"] = event.data.get("callback_query_id")
    if event.kind == "callback_answer":
        view.update({k: event.data.get(k) for k in ("text", "show_alert", "url")})
    return view


def persona_view(sandbox: Sandbox, user_id: int) -> dict[str, Any]:
    user = sandbox.emulator.users[user_id]
    return {
        "id": user.id,
        "name": user.first_name,
        "language_code": user.language_code,
        "label": sandbox.labels.get(user.id, ""),
        "admin": sandbox.settings is not None and sandbox.settings.is_admin(user.id),
    }


def clock_view(sandbox: Sandbox) -> dict[str, Any]:
    now = sandbox.clock.now()
    zone = sandbox.settings.default_timezone if sandbox.settings else UTC
    ahead = (now - datetime.now(UTC)).total_seconds() / 3600
    return {
        "now": now.isoformat(timespec="seconds"),
        "display": now.astimezone(zone).strftime("%a %d %b %Y, %H:%M"),
        "timezone": str(zone),
        "ahead_hours": round(max(ahead, 0.0), 2),
    }


# --- routes --------------------------------------------------------------------------


async def _body(request: web.Request) -> dict[str, Any]:
    try:
        body = await request.json()
    except ValueError:
        raise ValueError("the body is not valid JSON") from None
    if not isinstance(body, dict):
        raise ValueError("the body must be a JSON object")
    return body


def _wait(request: web.Request) -> float:
    value = float(request.query.get("timeout", 0))
    return min(max(value, 0.0), MAX_WAIT) if math.isfinite(value) else 0.0


class _Page:
    def __init__(self, sandbox: Sandbox) -> None:
        self.sb = sandbox

    async def index(self, request: web.Request) -> web.StreamResponse:
        return web.FileResponse(STATIC_DIR / "index.html", headers={"Cache-Control": "no-cache"})

    async def personas(self, request: web.Request) -> web.Response:
        emu = self.sb.emulator
        return web.json_response({"personas": [persona_view(self.sb, i) for i in emu.users], "bot": emu.bot_user})

    async def add_persona(self, request: web.Request) -> web.Response:
        body = await _body(request)
        name = body.get("name")
        if not isinstance(name, str) or not name.strip() or len(name.strip()) > 64:
            raise ValueError("give a name of 1 to 64 characters")
        code = body.get("language_code") or None
        if code is not None and (not isinstance(code, str) or not LANGUAGE_CODE.match(code)):
            raise ValueError('language_code looks like "ky", "ru" or "en" (or leave it empty)')
        user_id = self.sb.add_persona(name.strip(), code)
        return web.json_response(persona_view(self.sb, user_id), status=201)

    async def chat(self, request: web.Request) -> web.Response:
        chat_id = int(request.match_info["id"])
        emu = self.sb.emulator
        emu.user(chat_id)  # LookupError: 404
        # No await from here on: the messages and the seq describe the same moment.
        return web.json_response(
            {
                "seq": emu.cursor(),
                "persona": persona_view(self.sb, chat_id),
                "messages": [message_view(m) for m in emu.chat(chat_id)],
                "reply_keyboard": reply_keyboard(self.sb, chat_id),
            }
        )

    async def events(self, request: web.Request) -> web.Response:
        """Long-poll over every chat: answer once events after `after` exist, or at `timeout`."""
        emu = self.sb.emulator
        after = int(request.query.get("after", 0))
        if after > emu.cursor():
            # The page knew an earlier sandbox (a restart): it must load afresh.
            return web.json_response({"reset": True, "seq": emu.cursor(), "events": []})
        await emu.signal.wait_until(lambda: emu.closing or bool(emu.events_after(after)), _wait(request))
        events = emu.events_after(after)[:MAX_EVENTS]
        chats = sorted({e.chat_id for e in events})
        return web.json_response(
            {
                "seq": events[-1].seq if events else emu.cursor(),
                "events": [event_view(self.sb, e) for e in events],
                "keyboards": {str(c): reply_keyboard(self.sb, c) for c in chats},
            }
        )

    async def clock(self, request: web.Request) -> web.Response:
        return web.json_response(clock_view(self.sb))

    async def advance_clock(self, request: web.Request) -> web.Response:
        """Move the bot's clock forward and run every time-driven job at once."""
        body = await _body(request)
        hours = body.get("hours")
        if isinstance(hours, bool) or not isinstance(hours, int | float) or not math.isfinite(hours):
            raise ValueError("hours must be a number")
        if not 0 < hours <= MAX_HOURS:
            raise ValueError(f"hours must be above 0 and at most {MAX_HOURS}")
        self.sb.clock.advance(timedelta(hours=hours))
        if self.sb.app is not None:
            await run_jobs(self.sb.app)
        log.info("sandbox clock moved %s hour(s) ahead", hours)
        return web.json_response(clock_view(self.sb))
