"""PTB persistence in the bot's own SQLite file: conversation states only, as JSON.

Profiles, answers and everything else live in their own tables; user_data,
chat_data and bot_data are not persisted because nothing important may hide there.
"""

from __future__ import annotations

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
        db = await self._ready()
        encoded_key = json.dumps(list(key))
        if new_state is None:
            await db.execute("DELETE FROM conversations WHERE name = ? AND key = ?", (name, encoded_key))
        else:
            await db.execute(
                "INSERT INTO conversations (name, key, state, updated_at) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (name, key) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at",
                (name, encoded_key, json.dumps(new_state), utcnow_iso()),
            )

    async def drop_user_conversations(self, user_id: int) -> None:
        """Forget where she was (her data is being erased)."""
        db = await self._ready()
        await db.execute(
            "DELETE FROM conversations WHERE EXISTS (SELECT 1 FROM json_each(conversations.key) WHERE value = ?)",
            (user_id,),
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

    async def update_user_data(self, user_id: int, data: dict) -> None:
        pass

    async def update_chat_data(self, chat_id: int, data: dict) -> None:
        pass

    async def update_bot_data(self, data: dict) -> None:
        pass

    async def update_callback_data(self, data: object) -> None:
        pass

    async def drop_chat_data(self, chat_id: int) -> None:
        pass

    async def drop_user_data(self, user_id: int) -> None:
        pass

    async def refresh_user_data(self, user_id: int, user_data: dict) -> None:
        pass

    async def refresh_chat_data(self, chat_id: int, chat_data: dict) -> None:
        pass

    async def refresh_bot_data(self, bot_data: dict) -> None:
        pass

    async def flush(self) -> None:
        pass
