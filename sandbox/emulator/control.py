"""The control API under /_emulator: play users and read the record over HTTP, as JSON.

For the sandbox web page and for tests running outside the emulator's process. Each
route mirrors a method of Emulator; user actions answer with `seq`, the event cursor
right after the action, so a client can wait for what the bot does next.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from aiohttp import web

if TYPE_CHECKING:
    from sandbox.emulator.server import Emulator

Route = Callable[[web.Request], Awaitable[web.StreamResponse]]
MAX_WAIT = 60.0  # seconds a long-poll may hold


def add_control_routes(app: web.Application, emu: Emulator) -> None:
    control = _Control(emu)
    routes = [
        ("GET", "", control.info),
        ("GET", "/users", control.list_users),
        ("POST", "/users", control.create_user),
        ("POST", "/users/{id}/send", control.send),
        ("POST", "/users/{id}/sticker", control.sticker),
        ("POST", "/users/{id}/photo", control.photo),
        ("POST", "/users/{id}/document", control.document),
        ("POST", "/users/{id}/contact", control.contact),
        ("POST", "/users/{id}/edit", control.edit),
        ("POST", "/users/{id}/press", control.press),
        ("POST", "/users/{id}/block", control.block),
        ("POST", "/users/{id}/unblock", control.unblock),
        ("GET", "/chats/{id}", control.chat),
        ("GET", "/chats/{id}/events", control.events),
        ("GET", "/events", control.events),
        ("GET", "/callbacks/{query_id}", control.callback),
        ("GET", "/calls", control.calls),
        ("GET", "/commands", control.commands),
        ("POST", "/fail", control.fail),
        ("POST", "/delay", control.delay),
        ("POST", "/rate", control.rate),
        ("GET", "/files/{file_id}", control.file),
    ]
    add_json_routes(app, "/_emulator", routes)


def add_json_routes(app: web.Application, prefix: str, routes, *, json_posts: bool = False) -> None:
    """(method, path, handler) under `prefix`, bad requests turned into JSON errors: 404 for unknown
    things, 400 for bad input or a missing field of the body (a KeyError). With `json_posts` a POST
    must say it is JSON, so that no other site's form can post to it."""
    for method, path, handler in routes:
        app.router.add_route(method, prefix + path, _guarded(handler, json_posts))


def _guarded(handler: Route, json_posts: bool) -> Route:
    async def route(request: web.Request) -> web.StreamResponse:
        if json_posts and request.method == "POST" and request.content_type != "application/json":
            return web.json_response({"error": "send JSON (Content-Type: application/json)"}, status=415)
        try:
            return await handler(request)
        except KeyError as exc:
            return web.json_response({"error": f"missing field {exc}"}, status=400)
        except LookupError as exc:
            return web.json_response({"error": str(exc)}, status=404)
        except (ValueError, TypeError) as exc:
            return web.json_response({"error": str(exc)}, status=400)

    return route


async def _body(request: web.Request) -> dict[str, Any]:
    if not request.can_read_body:
        return {}
    body = await request.json()
    if not isinstance(body, dict):
        raise ValueError("the body must be a JSON object")
    return body


def _id(request: web.Request, name: str = "id") -> int:
    return int(request.match_info[name])


def _float(request: web.Request, name: str, default: float) -> float:
    return min(float(request.query.get(name, default)), MAX_WAIT)


class _Control:
    def __init__(self, emu: Emulator) -> None:
        self.emu = emu

    def _acted(self, message: dict[str, Any] | None = None, **extra: Any) -> web.Response:
        return web.json_response({"seq": self.emu.cursor(), "message": message, **extra})

    async def info(self, request: web.Request) -> web.Response:
        emu = self.emu
        return web.json_response(
            {
                "api_base_url": emu.api_base_url,
                "bot": emu.bot_user,
                "users": len(emu.users),
                "seq": emu.cursor(),
                "webhook": emu.webhook["url"],
                "rate_limit": emu.rate_limit,
            }
        )

    async def list_users(self, request: web.Request) -> web.Response:
        return web.json_response([u.to_dict() for u in self.emu.users.values()])

    async def create_user(self, request: web.Request) -> web.Response:
        body = await _body(request)
        fields = ("user_id", "first_name", "language_code", "username", "last_name", "started")
        user_id = self.emu.add_user(**{k: body[k] for k in fields if k in body})
        return web.json_response(self.emu.users[user_id].to_dict(), status=201)

    async def send(self, request: web.Request) -> web.Response:
        body = await _body(request)
        if not isinstance(body.get("text"), str):
            raise ValueError("text is required")
        return self._acted(self.emu.send_text(_id(request), body["text"], reply_to=body.get("reply_to")))

    async def sticker(self, request: web.Request) -> web.Response:
        body = await _body(request)
        return self._acted(self.emu.send_sticker(_id(request), body.get("emoji", "👍")))

    async def photo(self, request: web.Request) -> web.Response:
        body = await _body(request)
        return self._acted(self.emu.send_photo(_id(request), caption=body.get("caption")))

    async def document(self, request: web.Request) -> web.Response:
        body = await _body(request)
        if not isinstance(body.get("file_name"), str) or not isinstance(body.get("text"), str):
            raise ValueError("file_name and text are required")
        sent = self.emu.send_document(
            _id(request), body["text"].encode(), body["file_name"], caption=body.get("caption")
        )
        return self._acted(sent)

    async def contact(self, request: web.Request) -> web.Response:
        body = await _body(request)
        phone = body.get("phone_number", "+996700123456")
        return self._acted(self.emu.send_contact(_id(request), phone))

    async def edit(self, request: web.Request) -> web.Response:
        body = await _body(request)
        message = self.emu.edit_text(_id(request), int(body["message_id"]), body["text"])
        return self._acted(message)

    async def press(self, request: web.Request) -> web.Response:
        """Press by button text (in the given or latest message holding it) or by raw data."""
        body, user_id = await _body(request), _id(request)
        message_id = body.get("message_id")
        if body.get("text") is not None:
            query_id = self.emu.press_button(user_id, body["text"], message_id)
        elif body.get("callback_data") is not None and message_id is not None:
            query_id = self.emu.press(user_id, int(message_id), body["callback_data"])
        else:
            raise ValueError("give text, or message_id and callback_data")
        return self._acted(callback_query_id=query_id)

    async def block(self, request: web.Request) -> web.Response:
        self.emu.block(_id(request))
        return self._acted()

    async def unblock(self, request: web.Request) -> web.Response:
        self.emu.unblock(_id(request))
        return self._acted()

    async def chat(self, request: web.Request) -> web.Response:
        chat_id = _id(request)
        self.emu.user(chat_id)
        return web.json_response([m.to_dict() for m in self.emu.chat(chat_id)])

    async def events(self, request: web.Request) -> web.Response:
        """Long-poll: answer once events after `after` exist, or when `timeout` passes."""
        chat_id = _id(request) if "id" in request.match_info else None
        after = int(request.query.get("after", 0))
        events = await self.emu.signal.wait_until(
            lambda: self.emu.events_after(after, chat_id), _float(request, "timeout", 0)
        )
        return web.json_response({"events": [e.to_dict() for e in events], "seq": self.emu.cursor()})

    async def callback(self, request: web.Request) -> web.Response:
        """The bot's answer to a press, waiting up to `timeout` for it to arrive."""
        query_id = request.match_info["query_id"]
        if query_id not in self.emu.callback_queries:
            raise LookupError(f"no callback query {query_id}")
        answer = await self.emu.signal.wait_until(
            lambda: self.emu.callback_answer(query_id), _float(request, "timeout", 0)
        )
        return web.json_response({"answered": answer is not None, "answer": answer})

    async def calls(self, request: web.Request) -> web.Response:
        calls = self.emu.calls(request.query.get("method"))
        return web.json_response([c.to_dict() for c in calls])

    async def commands(self, request: web.Request) -> web.Response:
        menus = [
            {"scope": json.loads(scope), "language_code": language, "commands": commands}
            for (scope, language), commands in self.emu.commands.items()
        ]
        return web.json_response(menus)

    async def fail(self, request: web.Request) -> web.Response:
        body = await _body(request)
        keys = ("count", "error_code", "description", "retry_after")
        self.emu.fail_next(body["method"], **{k: body[k] for k in keys if k in body})
        return web.json_response({"ok": True})

    async def delay(self, request: web.Request) -> web.Response:
        body = await _body(request)
        self.emu.delay(body["method"], float(body["seconds"]), int(body.get("count", 1)))
        return web.json_response({"ok": True})

    async def rate(self, request: web.Request) -> web.Response:
        body = await _body(request)
        self.emu.rate_limit = body.get("per_second")
        return web.json_response({"rate_limit": self.emu.rate_limit})

    async def file(self, request: web.Request) -> web.Response:
        stored = self.emu.files.get(request.match_info["file_id"])
        if stored is None or stored.data is None:
            raise LookupError(f"no file {request.match_info['file_id']} held by the emulator")
        return web.Response(body=stored.data, content_type=stored.mime_type or "application/octet-stream")
