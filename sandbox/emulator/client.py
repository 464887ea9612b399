"""A small async client for the emulator's control API, for tests and scripts.

    async with EmulatorClient(emu.control_url) as client:
        aida = await client.user(first_name="Aida", language_code="ky")
        await aida.send("/start")
        reply = await aida.next_bot_message()
        await aida.press("Кыргызча")

Each session keeps a cursor into the event log. It moves to the user's latest action,
so `next_bot_message` never misses a reply that came before it was called.
"""

# Waits here take plain `timeout=` seconds, which read better in tests than
# asyncio.timeout blocks; every wait still ends on a condition, not on a sleep.

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import httpx

Message = dict[str, Any]
_REPLIES = ("bot_message", "bot_edit")
_POLL = 10.0  # seconds one events long-poll may hold; longer waits loop
_HTTP_TIMEOUT = 65.0  # above the server's own cap on any wait (60 s)


class EmulatorClient:
    """The control API over HTTP (httpx), one method per route worth calling from a test."""

    def __init__(self, control_url: str, *, http: httpx.AsyncClient | None = None) -> None:
        self.control_url = control_url.rstrip("/")
        self.http = http or httpx.AsyncClient(timeout=_HTTP_TIMEOUT)

    async def __aenter__(self) -> EmulatorClient:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self.http.aclose()

    async def request(self, method: str, path: str, **kwargs: Any) -> Any:
        response = await self.http.request(method, self.control_url + path, **kwargs)
        if response.status_code >= 400:
            detail = response.json().get("error", response.text)
            raise LookupError(detail) if response.status_code == 404 else ValueError(detail)
        return response.json()

    async def user(self, first_name: str = "Aida", language_code: str | None = "ru", **fields: Any) -> UserSession:
        """Create a user (fields: user_id, username, last_name, started) and play her."""
        body = {"first_name": first_name, "language_code": language_code, **fields}
        created = await self.request("POST", "/users", json=body)
        return UserSession(self, created["id"])

    async def calls(self, method: str | None = None) -> list[dict[str, Any]]:
        return await self.request("GET", "/calls", params={"method": method} if method else {})

    async def commands(self) -> list[dict[str, Any]]:
        return await self.request("GET", "/commands")

    async def fail_next(self, method: str, count: int = 1, **fault: Any) -> None:
        """fault: error_code, description, retry_after."""
        await self.request("POST", "/fail", json={"method": method, "count": count, **fault})

    async def set_rate(self, per_second: float | None) -> None:
        await self.request("POST", "/rate", json={"per_second": per_second})

    async def events(self, chat_id: int, after: int, wait: float = 0) -> tuple[list[dict[str, Any]], int]:
        """Events in a chat after `after`, waiting up to `wait` s for one; and the latest seq."""
        answer = await self.request("GET", f"/chats/{chat_id}/events", params={"after": after, "timeout": wait})
        return answer["events"], answer["seq"]


class UserSession:
    """One user talking to the bot."""

    def __init__(self, client: EmulatorClient, user_id: int) -> None:
        self.client = client
        self.id = user_id
        self.cursor = 0

    async def _act(self, action: str, **body: Any) -> dict[str, Any]:
        answer = await self.client.request("POST", f"/users/{self.id}/{action}", json=body)
        self.cursor = answer["seq"]
        return answer

    async def send(self, text: str) -> Message:
        """She writes `text`; returns her message as the bot will receive it."""
        return (await self._act("send", text=text))["message"]

    async def send_sticker(self) -> Message:
        return (await self._act("sticker"))["message"]

    async def send_photo(self, caption: str | None = None) -> Message:
        return (await self._act("photo", caption=caption))["message"]

    async def block(self) -> None:
        await self._act("block")

    async def unblock(self) -> None:
        await self._act("unblock")

    async def press(self, button_text: str, message_id: int | None = None, timeout: float = 5.0) -> str | None:
        """Press a button by its label; return the text of the bot's answer.

        None when the answer has no text, or when no answer came within `timeout`.
        """
        answer = await self._act("press", text=button_text, message_id=message_id)
        query_id = answer["callback_query_id"]
        callback = await self.client.request("GET", f"/callbacks/{query_id}", params={"timeout": timeout})
        return (callback["answer"] or {}).get("text")

    async def messages(self) -> list[Message]:
        """Her chat as it looks now, the bot's messages and hers, oldest first."""
        return await self.client.request("GET", f"/chats/{self.id}")

    async def last_bot_message(self) -> Message | None:
        bot = [m for m in await self.messages() if m["from_bot"]]
        return bot[-1] if bot else None

    async def next_bot_message(self, timeout: float = 5.0) -> Message:
        """The next bot message or edit after the cursor (moving the cursor past it)."""
        return await self.wait_bot_message(lambda message: True, timeout)

    async def wait_bot_message(self, predicate: Callable[[Message], bool], timeout: float = 5.0) -> Message:
        """The first bot message or edit after the cursor that `predicate` accepts.

        The cursor moves past everything looked at, so non-matching replies are consumed.
        """
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            remaining = deadline - loop.time()
            events, _ = await self.client.events(self.id, self.cursor, wait=max(min(remaining, _POLL), 0))
            for event in events:
                self.cursor = event["seq"]
                if event["kind"] in _REPLIES and predicate(event["message"]):
                    return event["message"]
            if loop.time() >= deadline:
                texts = [m.get("text") or m.get("caption") for m in await self.messages()]
                raise TimeoutError(
                    f"no matching bot message for user {self.id} within {timeout} s; her chat holds: {texts[-6:]}"
                )
