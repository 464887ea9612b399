"""The emulator's plain data: users, files, chat messages, chat events and recorded calls.

Each knows how to render itself as the Bot API object PTB parses (`to_api`) or as the
JSON the control API and the sandbox read (`to_dict`).
"""

# Waits here take plain `timeout=` seconds, which read better in tests than
# asyncio.timeout blocks; every wait still ends on a condition, not on a sleep.

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

T = TypeVar("T")

BOT_EVENTS = frozenset({"bot_message", "bot_edit", "bot_delete", "callback_answer"})


class Signal:
    """A condition that plain (non-async) code can notify and coroutines can wait on.

    asyncio.Condition needs its lock held to notify, which sync callers such as
    `emu.send_text` cannot take; one future per waiter does the same job.
    """

    def __init__(self) -> None:
        self._waiters: set[asyncio.Future[None]] = set()

    def notify(self) -> None:
        for waiter in self._waiters:
            if not waiter.done():
                waiter.set_result(None)
        self._waiters.clear()

    async def wait(self, timeout: float) -> None:
        """Return at the next notify, or after `timeout` seconds."""
        if timeout <= 0:
            return
        waiter = asyncio.get_running_loop().create_future()
        self._waiters.add(waiter)
        try:
            await asyncio.wait_for(waiter, timeout)
        except TimeoutError:
            pass
        finally:
            self._waiters.discard(waiter)

    async def wait_until(self, predicate: Callable[[], T], timeout: float) -> T:
        """Re-check `predicate` at every notify; return its first truthy value or the last one."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            value = predicate()
            remaining = deadline - loop.time()
            if value or remaining <= 0:
                return value
            await self.wait(remaining)


@dataclass
class User:
    id: int
    first_name: str
    language_code: str | None = "ru"
    username: str | None = None
    last_name: str | None = None
    blocked: bool = False
    started: bool = True  # False: she never wrote to the bot, so the bot cannot write first

    def to_api(self) -> dict[str, Any]:
        user = {"id": self.id, "is_bot": False, "first_name": self.first_name}
        for key in ("last_name", "username", "language_code"):
            if getattr(self, key):
                user[key] = getattr(self, key)
        return user

    def chat_api(self) -> dict[str, Any]:
        chat = {"id": self.id, "type": "private", "first_name": self.first_name}
        for key in ("last_name", "username"):
            if getattr(self, key):
                chat[key] = getattr(self, key)
        return chat

    def to_dict(self) -> dict[str, Any]:
        return {**self.to_api(), "blocked": self.blocked, "started": self.started}


@dataclass
class Channel(User):
    """A public channel the bot posts in (an admin of it): chat ids like -100…, nobody to block it."""

    title: str = ""

    def chat_api(self) -> dict[str, Any]:
        chat = {"id": self.id, "type": "channel", "title": self.title}
        if self.username:
            chat["username"] = self.username
        return chat


@dataclass
class StoredFile:
    """A file the emulator holds: uploaded bytes, or the URL / file_id string it was given."""

    file_id: str
    file_unique_id: str
    kind: str  # photo, document or sticker
    file_path: str
    data: bytes | None = None
    source: str | None = None  # the URL when sent by URL
    file_name: str | None = None
    mime_type: str | None = None

    @property
    def size(self) -> int | None:
        return len(self.data) if self.data is not None else None

    def ids(self) -> dict[str, Any]:
        ids: dict[str, Any] = {"file_id": self.file_id, "file_unique_id": self.file_unique_id}
        if self.size is not None:
            ids["file_size"] = self.size
        return ids

    def to_api(self) -> Any:
        """A `photo` array of one PhotoSize, or a `document` object."""
        if self.kind == "photo":
            return [{**self.ids(), "width": 512, "height": 512}]
        doc = self.ids()
        for key in ("file_name", "mime_type"):
            if getattr(self, key):
                doc[key] = getattr(self, key)
        return doc

    def to_dict(self) -> dict[str, Any]:
        return {**_pick(self, "file_id", "file_name", "mime_type", "size"), "url": self.source}


@dataclass
class ChatMessage:
    """A message as the chat currently shows it (edits applied)."""

    message_id: int
    chat_id: int
    from_bot: bool
    date: int
    text: str | None = None  # plain, after HTML parsing
    html: str | None = None  # the text exactly as the bot sent it
    entities: list[dict] = field(default_factory=list)
    caption: str | None = None
    caption_html: str | None = None
    caption_entities: list[dict] = field(default_factory=list)
    photo: StoredFile | None = None
    document: StoredFile | None = None
    sticker: dict | None = None
    contact: dict | None = None
    reply_markup: dict | None = None
    reply_to: int | None = None
    edited: bool = False
    edit_date: int | None = None
    deleted: bool = False

    @property
    def keyboard(self) -> list[list[dict]]:
        """The inline keyboard as rows of {text, callback_data | url}."""
        rows = (self.reply_markup or {}).get("inline_keyboard") or []
        return [[{k: b[k] for k in ("text", "callback_data", "url") if k in b} for b in row] for row in rows]

    @property
    def reply_keyboard(self) -> list[list[str]] | None:
        rows = (self.reply_markup or {}).get("keyboard")
        if rows is None:
            return None
        return [[b["text"] if isinstance(b, dict) else b for b in row] for row in rows]

    def find_button(self, text: str) -> dict | None:
        for row in self.keyboard:
            for button in row:
                if button["text"] == text:
                    return button
        return None

    def to_dict(self) -> dict[str, Any]:
        return {
            **_pick(self, "message_id", "chat_id", "from_bot", "date", "text", "html", "caption"),
            "photo": self.photo.to_dict() if self.photo else None,
            "document": self.document.to_dict() if self.document else None,
            **_pick(self, "sticker", "contact", "keyboard", "reply_keyboard", "reply_to", "edited", "deleted"),
        }


def _pick(thing: object, *names: str) -> dict[str, Any]:
    """The named attributes as a JSON object's fields, in that order."""
    return {name: getattr(thing, name) for name in names}


@dataclass
class Event:
    """One entry of a chat's log; `seq` increases across all chats."""

    seq: int
    chat_id: int
    kind: str  # user_message, user_edit, press, bot_message, bot_edit, bot_delete, ...
    time: float
    message_id: int | None = None
    data: dict[str, Any] = field(default_factory=dict)

    @property
    def from_bot(self) -> bool:
        return self.kind in BOT_EVENTS

    @property
    def message(self) -> dict[str, Any] | None:
        """The message snapshot of a message or edit event."""
        return self.data.get("message")

    def to_dict(self) -> dict[str, Any]:
        return {
            "seq": self.seq,
            "chat_id": self.chat_id,
            "kind": self.kind,
            "time": self.time,
            "message_id": self.message_id,
            "from_bot": self.from_bot,
            **self.data,
        }


@dataclass
class Call:
    """One Bot API request the bot made, with its outcome."""

    index: int
    method: str
    params: dict[str, Any]
    time: float
    ok: bool = True
    result: Any = None
    error_code: int | None = None
    description: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "index": self.index,
            "method": self.method,
            "params": self.params,
            "time": self.time,
            "ok": self.ok,
            "result": self.result,
            "error_code": self.error_code,
            "description": self.description,
        }
