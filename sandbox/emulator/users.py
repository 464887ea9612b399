"""What users do: write, send stickers, photos and contacts, press buttons, block the bot.

Each action stores the user's side in her chat, logs an event and queues the update
Telegram would deliver to the bot.
"""

# Waits here take plain `timeout=` seconds, which read better in tests than
# asyncio.timeout blocks; every wait still ends on a condition, not on a sleep.

from __future__ import annotations

import itertools
import re
import time
from typing import Any

from sandbox.emulator.model import Channel, ChatMessage, User
from sandbox.emulator.state import Record

FIRST_USER_ID = 100001
_COMMAND = re.compile(r"^/[A-Za-z0-9_]{1,32}(@[A-Za-z0-9_]+)?")
# A 1x1 PNG: what a user's "photo" holds when a test gives no bytes.
TINY_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4"
    "890000000b49444154789c6360000200000500017a5eab3f0000000049454e44ae426082"
)


class Users(Record):
    """The record plus the users who talk to the bot."""

    def __init__(self, *, strict_html: bool = False) -> None:
        super().__init__(strict_html=strict_html)
        self._user_ids = itertools.count(FIRST_USER_ID)
        self._query_ids = itertools.count(1)
        self.callback_queries: dict[str, dict[str, Any]] = {}
        self.inline_queries: dict[str, dict[str, Any]] = {}

    def add_user(
        self,
        user_id: int | None = None,
        first_name: str = "Aida",
        language_code: str | None = "ru",
        username: str | None = None,
        *,
        last_name: str | None = None,
        started: bool = True,
    ) -> int:
        """Add a user with a private chat (chat id == user id); return her id."""
        if user_id is None:
            user_id = next(i for i in self._user_ids if i not in self.users)
        if user_id in self.users:
            raise ValueError(f"user {user_id} already exists")
        self.users[user_id] = User(user_id, first_name, language_code, username, last_name, started=started)
        self.messages.setdefault(user_id, {})
        return user_id

    def add_channel(self, chat_id: int, title: str = "STEMinist stories", username: str | None = None) -> int:
        """A channel the bot is an admin of (it may post there); `chat_id` is -100… as on Telegram."""
        if not str(chat_id).startswith("-100"):
            raise ValueError(f"a channel's id starts with -100, not {chat_id}")
        if chat_id in self.users:
            raise ValueError(f"chat {chat_id} already exists")
        self.users[chat_id] = Channel(chat_id, title, None, username, title=title)
        self.messages.setdefault(chat_id, {})
        return chat_id

    def _user_writes(self, user_id: int, **fields: Any) -> dict[str, Any]:
        user = self.user(user_id)
        user.started = True  # writing to the bot lets it write back
        message = self.new_message(user_id, from_bot=False, **fields)
        self.message_event("user_message", message)
        api = self.message_api(message)
        self.enqueue_update("message", api)
        return api

    def send_text(self, user_id: int, text: str, *, reply_to: int | None = None) -> dict[str, Any]:
        """She writes `text`; a leading /command gets its bot_command entity."""
        entities = []
        if match := _COMMAND.match(text):
            entities.append({"type": "bot_command", "offset": 0, "length": len(match.group())})
        return self._user_writes(user_id, text=text, entities=entities, reply_to=reply_to)

    def send_sticker(self, user_id: int, emoji: str = "👍") -> dict[str, Any]:
        stored = self.store_file("sticker", extension=".webp", mime_type="image/webp")
        sticker = {
            **stored.ids(),
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
            "emoji": emoji,
        }
        return self._user_writes(user_id, sticker=sticker)

    def send_photo(self, user_id: int, caption: str | None = None, data: bytes | None = None) -> dict[str, Any]:
        stored = self.store_file("photo", extension=".png", data=data or TINY_PNG, mime_type="image/png")
        return self._user_writes(user_id, photo=stored, caption=caption)

    def send_document(
        self, user_id: int, data: bytes, file_name: str, *, mime_type: str | None = None, caption: str | None = None
    ) -> dict[str, Any]:
        """She sends a file; the bot can fetch it with getFile and download it."""
        suffix = "." + file_name.rsplit(".", 1)[-1] if "." in file_name else ""
        stored = self.store_file(
            "document",
            extension=suffix,
            data=data,
            file_name=file_name,
            mime_type=mime_type or "application/octet-stream",
        )
        return self._user_writes(user_id, document=stored, caption=caption)

    def inline_query(self, user_id: int, query: str, offset: str = "", chat_type: str = "sender") -> str:
        """She types `@bot query` in some chat: an `inline_query` update; returns its id."""
        user = self.user(user_id)
        query_id = f"iq{user_id}{next(self._query_ids):08d}"
        self.inline_queries[query_id] = {"user_id": user_id, "query": query, "answer": None}
        self.add_event(user_id, "inline_query", inline_query_id=query_id, query=query)
        self.enqueue_update(
            "inline_query",
            {"id": query_id, "from": user.to_api(), "query": query, "offset": offset, "chat_type": chat_type},
        )
        return query_id

    async def wait_inline_answer(self, query_id: str, timeout: float = 5.0) -> dict[str, Any]:
        """What the bot answered to an inline query: {results, cache_time, is_personal, next_offset, button}."""
        return await self.wait_for(lambda: self.inline_queries[query_id]["answer"], timeout)

    def send_contact(self, user_id: int, phone_number: str = "+996700123456") -> dict[str, Any]:
        """She shares her own contact."""
        user = self.user(user_id)
        contact = {"phone_number": phone_number, "first_name": user.first_name, "user_id": user.id}
        return self._user_writes(user_id, contact=contact)

    def edit_text(self, user_id: int, message_id: int, new_text: str) -> dict[str, Any]:
        """She edits one of her own text messages: an `edited_message` update."""
        message = self.message(user_id, message_id)
        if message is None or message.from_bot or message.text is None:
            raise LookupError(f"user {user_id} has no text message {message_id} to edit")
        message.text, message.edited, message.edit_date = new_text, True, int(time.time())
        self.message_event("user_edit", message)
        api = self.message_api(message)
        self.enqueue_update("edited_message", api)
        return api

    def press(self, user_id: int, message_id: int, callback_data: str) -> str:
        """She presses a button carrying `callback_data` (any data: tests may forge it)."""
        user = self.user(user_id)
        message = self.message(user_id, message_id)
        if message is None or not message.from_bot:
            raise LookupError(f"chat {user_id} has no bot message {message_id} to press on")
        query_id = f"{user_id}{next(self._query_ids):08d}"
        self.callback_queries[query_id] = {
            "user_id": user_id,
            "message_id": message_id,
            "data": callback_data,
            "time": time.time(),
            "answer": None,
        }
        self.add_event(user_id, "press", message_id, callback_query_id=query_id, data=callback_data)
        self.enqueue_update(
            "callback_query",
            {
                "id": query_id,
                "from": user.to_api(),
                "message": self.message_api(message),
                "chat_instance": f"-{user_id}{self.bot_id}",
                "data": callback_data,
            },
        )
        return query_id

    def find_button(self, user_id: int, text: str, message_id: int | None = None) -> ChatMessage:
        """The message holding an inline button labelled exactly `text` (latest first)."""
        if message_id is not None:
            candidates = [m for m in [self.message(user_id, message_id)] if m]
        else:
            candidates = list(reversed(self.bot_messages(user_id)))
        for message in candidates:
            if message.from_bot and message.find_button(text):
                return message
        where = f"message {message_id}" if message_id is not None else "any bot message"
        raise LookupError(f"no button {text!r} in {where}; {self.describe(user_id)}")

    def press_button(self, user_id: int, text: str, message_id: int | None = None) -> str:
        """Press the button labelled `text`; return the callback query id."""
        message = self.find_button(user_id, text, message_id)
        button = message.find_button(text) or {}
        if "callback_data" not in button:
            raise LookupError(f"button {text!r} is a link ({button.get('url')}), not a callback")
        return self.press(user_id, message.message_id, button["callback_data"])

    def callback_answer(self, query_id: str) -> dict[str, Any] | None:
        """What the bot answered to a press ({text, show_alert, url}), or None so far."""
        return self.callback_queries[query_id]["answer"]

    async def wait_callback_answer(
        self,
        query_id: str,
        timeout: float = 5.0,
    ) -> dict[str, Any]:
        return await self.wait_for(lambda: self.callback_answer(query_id), timeout)

    def block(self, user_id: int) -> None:
        """She blocks the bot: sends to her fail with 403; the bot gets my_chat_member."""
        self._membership(user_id, blocked=True)

    def unblock(self, user_id: int) -> None:
        self._membership(user_id, blocked=False)

    def _membership(self, user_id: int, *, blocked: bool) -> None:
        user = self.user(user_id)
        if user.blocked == blocked:
            return
        user.blocked = blocked
        old, new = ("member", "kicked") if blocked else ("kicked", "member")
        self.add_event(user_id, "block" if blocked else "unblock")

        def member(status: str) -> dict[str, Any]:
            # Telegram gives a kicked member until_date 0: banned forever.
            extra = {"until_date": 0} if status == "kicked" else {}
            return {"user": self.bot_user, "status": status, **extra}

        self.enqueue_update(
            "my_chat_member",
            {
                "chat": user.chat_api(),
                "from": user.to_api(),
                "date": int(time.time()),
                "old_chat_member": member(old),
                "new_chat_member": member(new),
            },
        )
