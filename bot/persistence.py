"""PTB persistence in the bot's own SQLite file: conversation states only, as JSON.

Profiles, answers and everything else live in their own tables; user_data,
chat_data and bot_data are not persisted because nothing important may hide there.
"""

from __future__ import annotations

import asyncio
import json

from telegram.ext import BasePersistence, PersistenceInput
from telegram.ext._utils.types import ConversationDict, ConversationKey

from bot.db import Database
from bot.db.database import utcnow_iso

# How often PTB hands us changed conversation states. Each answer is also
# written to the database at once, so this only bounds how stale a state can be.
UPDATE_INTERVAL_SECONDS = 1.0


class SqlitePersistence(BasePersistence[dict, dict, dict]):
    def __init__(self, db: Database) -> None:
        super().__init__(
            store_data=PersistenceInput(bot_data=False, chat_data=False, user_data=False, callback_data=False),
            update_interval=UPDATE_INTERVAL_SECONDS,
        )
        self._db = db
        self._pending: dict[tuple[str, str], str | None] = {}  # (name, key) -> state as JSON; None: gone
        self._writing: asyncio.Future | None = None

    async def _ready(self) -> Database:
        # PTB reads persistence before post_init opens the services.
        if not self._db.is_open:
            await self._db.open()
        return self._db

    async def get_conversations(self, name: str) -> ConversationDict:
        db = await self._ready()
        rows = await db.fetchall("SELECT key, state FROM conversations WHERE name = ?", (name,))
        return {tuple(json.loads(row["key"])): json.loads(row["state"]) for row in rows}

    async def update_conversation(self, name: str, key: ConversationKey, new_state: object | None) -> None:
        """PTB's interval flush: nothing to do. Every conversation is a `bot.telegram.conversations.
        Conversation`, which saves its state the moment it changes; a flush would write a state it read
        a moment earlier after a newer one (an ended onboarding came back as "summary")."""

    async def save_conversation(self, name: str, key: ConversationKey, new_state: object | None) -> None:
        """Her state in conversation `name` (None: she left it). Calls made together are written in
        one transaction, which every call waits for, instead of one transaction each."""
        await self._ready()
        self._pending[(name, json.dumps(list(key)))] = None if new_state is None else json.dumps(new_state)
        if self._writing is None:
            # Runs after the other gathered calls have added theirs.
            self._writing = asyncio.ensure_future(self._write_pending())
        await asyncio.shield(self._writing)

    async def _write_pending(self) -> None:
        pending, self._pending, self._writing = self._pending, {}, None
        now = utcnow_iso()
        async with self._db.transaction() as tx:
            gone = [(name, key) for (name, key), state in pending.items() if state is None]
            if gone:
                await tx.executemany("DELETE FROM conversations WHERE name = ? AND key = ?", gone)
            states = [(name, key, state, now) for (name, key), state in pending.items() if state is not None]
            if states:
                await tx.executemany(
                    "INSERT INTO conversations (name, key, state, updated_at) VALUES (?, ?, ?, ?)"
                    " ON CONFLICT (name, key) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at",
                    states,
                )

    # Nothing else is stored: see the module docstring.
    async def get_user_data(self) -> dict[int, dict]:
        return {}

    async def get_chat_data(self) -> dict[int, dict]:
        return {}

    async def get_bot_data(self) -> dict:
        return {}

    async def get_callback_data(self) -> None:
        return None

    async def _nothing(self, *_args: object, **_kwargs: object) -> None:
        """PTB hands over user, chat, bot and callback data and asks to flush: none is kept."""

    update_user_data = update_chat_data = update_bot_data = update_callback_data = _nothing
    drop_chat_data = drop_user_data = _nothing
    refresh_user_data = refresh_chat_data = refresh_bot_data = _nothing
    flush = _nothing
