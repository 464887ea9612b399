"""The emulator's record: users' chats, the event log, the call log, files and pending updates.

Plain Python, no HTTP. The Bot API methods and the user actions change it; tests and
the control API read it. Every change notifies one Signal, so anything that waits
(long polling, `wait_for`, the event long-poll) waits on a condition, never on sleeps.
"""

# Waits here take plain `timeout=` seconds, which read better in tests than
# asyncio.timeout blocks; every wait still ends on a condition, not on a sleep.

from __future__ import annotations

import itertools
import json
import time
from collections.abc import Callable
from typing import Any, TypeVar

from sandbox.emulator.model import (
    BOT_EVENTS,
    Call,
    ChatMessage,
    Event,
    Signal,
    StoredFile,
    User,
)

T = TypeVar("T")

BOT_NAME = "STEMinist Mentor Bot (emulator)"
BOT_USERNAME = "steminist_emulator_bot"
DEFAULT_BOT_ID = 7000000001
# Telegram delivers these unless a bot asks for others with allowed_updates.
DEFAULT_UPDATES = frozenset({"message", "edited_message", "callback_query", "my_chat_member", "inline_query"})


class Record:
    """Everything the emulator knows, in the order it happened."""

    def __init__(self, *, strict_html: bool = False) -> None:
        self.strict_html = strict_html
        self.signal = Signal()
        self.bot_id = DEFAULT_BOT_ID
        self.users: dict[int, User] = {}
        self.messages: dict[int, dict[int, ChatMessage]] = {}  # chat id -> message id -> message
        self.events: list[Event] = []
        self.calls_made: list[Call] = []
        self.updates: list[dict] = []  # pending: not yet confirmed by getUpdates' offset
        self.delivered_update_ids: list[int] = []  # every update handed to the bot, in order
        self.allowed_updates: frozenset[str] = DEFAULT_UPDATES
        self.files: dict[str, StoredFile] = {}
        self.commands: dict[tuple[str, str], list[dict]] = {}  # (scope JSON, language) -> list
        self.settings: dict[str, Any] = {}  # names, descriptions, menu buttons
        self.webhook: dict[str, Any] = {"url": ""}
        self.closing = False  # set by stop(): long polls answer at once
        self.polls = 0  # getUpdates calls so far; a newer one ends an older one with 409
        self._seq = 0
        self._update_ids = itertools.count(1)
        self._file_ids = itertools.count(1)

    # --- the bot --------------------------------------------------------------------

    def set_token(self, token: str) -> None:
        """The bot's id is the number before the colon of its token, as on Telegram."""
        head = token.split(":", 1)[0]
        if head.isdigit():
            self.bot_id = int(head)

    @property
    def bot_user(self) -> dict[str, Any]:
        return {"id": self.bot_id, "is_bot": True, "first_name": BOT_NAME, "username": BOT_USERNAME}

    # --- messages and events --------------------------------------------------------

    def user(self, user_id: int) -> User:
        try:
            return self.users[user_id]
        except KeyError:
            raise LookupError(f"no user {user_id}; add her with add_user() first") from None

    def new_message(self, chat_id: int, *, from_bot: bool, **fields: Any) -> ChatMessage:
        """Store a new message with the chat's next id (ids are per chat and increasing)."""
        chat = self.messages.setdefault(chat_id, {})
        message_id = max(chat, default=0) + 1
        message = ChatMessage(message_id, chat_id, from_bot, int(time.time()), **fields)
        chat[message_id] = message
        return message

    def message(self, chat_id: int, message_id: int) -> ChatMessage | None:
        """A message currently in the chat (None if it never existed or was deleted)."""
        message = self.messages.get(chat_id, {}).get(message_id)
        return None if message is None or message.deleted else message

    def chat(self, chat_id: int) -> list[ChatMessage]:
        """The chat as it looks now: edits applied, deleted messages gone, oldest first."""
        return [m for m in self.messages.get(chat_id, {}).values() if not m.deleted]

    def bot_messages(self, chat_id: int) -> list[ChatMessage]:
        return [m for m in self.chat(chat_id) if m.from_bot]

    def add_event(self, chat_id: int, kind: str, message_id: int | None = None, **data: Any) -> Event:
        self._seq += 1
        event = Event(self._seq, chat_id, kind, time.time(), message_id, data)
        self.events.append(event)
        self.signal.notify()
        return event

    def message_event(self, kind: str, message: ChatMessage) -> Event:
        return self.add_event(message.chat_id, kind, message.message_id, message=message.to_dict())

    def record_call(self, method: str, params: dict[str, Any]) -> Call:
        call = Call(len(self.calls_made), method, params, time.time())
        self.calls_made.append(call)
        self.signal.notify()
        return call

    def calls(self, method: str | None = None) -> list[Call]:
        """The calls the bot made, in order; only those of `method` if given."""
        if method is None:
            return list(self.calls_made)
        return [c for c in self.calls_made if c.method.lower() == method.lower()]

    # --- the Bot API shapes ---------------------------------------------------------

    def message_api(self, message: ChatMessage, *, nested: bool = True) -> dict[str, Any]:
        """The Bot API Message object for a stored message."""
        user = self.users[message.chat_id]
        api: dict[str, Any] = {
            "message_id": message.message_id,
            "chat": user.chat_api(),
            "date": message.date,
        }
        if user.id > 0:  # a post in a channel has no sender user
            api["from"] = self.bot_user if message.from_bot else user.to_api()
        if message.edit_date:
            api["edit_date"] = message.edit_date
        if message.text is not None:
            api["text"] = message.text
            if message.entities:
                api["entities"] = message.entities
        if message.photo:
            api["photo"] = message.photo.to_api()
        if message.document:
            api["document"] = message.document.to_api()
        if message.sticker:
            api["sticker"] = message.sticker
        if message.contact:
            api["contact"] = message.contact
        if message.caption:
            api["caption"] = message.caption
            if message.caption_entities:
                api["caption_entities"] = message.caption_entities
        # Telegram echoes only inline keyboards in Message.reply_markup.
        if message.reply_markup and "inline_keyboard" in message.reply_markup:
            api["reply_markup"] = {"inline_keyboard": message.reply_markup["inline_keyboard"]}
        replied = self.message(message.chat_id, message.reply_to) if message.reply_to else None
        if replied and nested:
            api["reply_to_message"] = self.message_api(replied, nested=False)
        return api

    def resolve_mentions(self, entities: list[dict]) -> list[dict]:
        """Fill text_mention users in from known users; mentions of strangers become plain text."""
        resolved = []
        for entity in entities:
            if entity["type"] == "text_mention":
                user = self.users.get(int(entity["user"]["id"]))
                if user is None:
                    continue
                entity = {**entity, "user": user.to_api()}
            resolved.append(entity)
        return resolved

    # --- files ----------------------------------------------------------------------

    def store_file(self, kind: str, *, extension: str = "", **fields: Any) -> StoredFile:
        n = next(self._file_ids)
        prefix = {"photo": "AgAC", "document": "BQAC", "sticker": "CAAC"}.get(kind, "AAAC")
        folder = {"photo": "photos", "document": "documents", "sticker": "stickers"}.get(kind, kind)
        stored = StoredFile(
            file_id=f"{prefix}emu{n:06d}_{kind}",
            file_unique_id=f"AQADemu{n:06d}",
            kind=kind,
            file_path=f"{folder}/file_{n}{extension}",
            **fields,
        )
        self.files[stored.file_id] = stored
        return stored

    def file_by_path(self, path: str) -> StoredFile | None:
        return next((f for f in self.files.values() if f.file_path == path), None)

    # --- updates --------------------------------------------------------------------

    def enqueue_update(self, kind: str, payload: dict[str, Any]) -> dict[str, Any]:
        """Queue an update for getUpdates or the webhook; Telegram never delivers unasked kinds."""
        update = {"update_id": next(self._update_ids), kind: payload}
        if kind in self.allowed_updates:
            self.delivered_update_ids.append(update["update_id"])
            self.updates.append(update)
            self.signal.notify()
        return update

    def confirm_updates(self, offset: int | None) -> None:
        """getUpdates' offset forgets every update before it; a negative one keeps the last -N."""
        if offset is None:
            return
        if offset < 0:
            del self.updates[: max(len(self.updates) + offset, 0)]
        else:
            self.updates = [u for u in self.updates if u["update_id"] >= offset]

    def set_allowed_updates(self, value: list[str] | None) -> None:
        if value is not None:
            self.allowed_updates = frozenset(value) if value else DEFAULT_UPDATES

    def commands_key(self, scope: Any, language_code: str) -> tuple[str, str]:
        scope = scope or {"type": "default"}
        return json.dumps(scope, sort_keys=True), language_code

    # --- reading and waiting --------------------------------------------------------

    def cursor(self) -> int:
        """The sequence number of the latest event; pass it as `after` to see only newer ones."""
        return self._seq

    def events_after(self, after: int, chat_id: int | None = None) -> list[Event]:
        # Sequence numbers are 1-based list positions, so slicing finds the start at once.
        return [e for e in self.events[max(after, 0) :] if chat_id in (None, e.chat_id)]

    async def wait_for(
        self,
        predicate: Callable[[], T],
        timeout: float = 5.0,
        *,
        chat_id: int | None = None,
    ) -> T:
        """Wait until `predicate()` is truthy and return its value; TimeoutError says why not."""
        value = await self.signal.wait_until(predicate, timeout)
        if not value:
            raise TimeoutError(f"condition not met within {timeout} s; {self.describe(chat_id)}")
        return value

    async def next_bot_events(
        self,
        chat_id: int,
        after: int,
        count: int = 1,
        timeout: float = 5.0,
    ) -> list[Event]:
        """The first `count` bot events (messages, edits, deletions, answers) after `after`."""

        def found() -> list[Event]:
            events = [e for e in self.events_after(after, chat_id) if e.kind in BOT_EVENTS]
            return events[:count] if len(events) >= count else []

        events = await self.signal.wait_until(found, timeout)
        if not events:
            raise TimeoutError(
                f"expected {count} bot event(s) in chat {chat_id} after #{after} "
                f"within {timeout} s; {self.describe(chat_id)}"
            )
        return events

    def describe(self, chat_id: int | None = None, last: int = 6) -> str:
        """A short account of what a chat (or every chat) holds, for failure messages."""
        chat_ids = [chat_id] if chat_id is not None else list(self.messages)
        if not chat_ids:
            return "no chat has any message"
        parts = []
        for cid in chat_ids:
            lines = [
                f"  #{m.message_id} {'bot' if m.from_bot else 'user'}: "
                f"{(m.text or m.caption or ('[photo]' if m.photo else '[media]'))[:120]!r}"
                + (f" buttons={[b['text'] for r in m.keyboard for b in r]}" if m.keyboard else "")
                for m in self.chat(cid)[-last:]
            ]
            parts.append(f"chat {cid} holds:\n" + ("\n".join(lines) or "  (nothing)"))
        return "\n".join(parts)
