"""The pending_inputs table: at most one typed answer the bot is waiting for, per user."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from bot.db.database import Repository

# A question left unanswered this long is forgotten: her next text is not taken as its answer.
INPUT_TTL = timedelta(days=2)


@dataclass(frozen=True, slots=True)
class PendingInput:
    user_id: int
    kind: str
    ref: str
    created_at: datetime


class InputRepository(Repository):
    async def expect(self, user_id: int, kind: str, ref: str | int, now: datetime) -> None:
        """Wait for her next text as the answer to `kind` (replacing any earlier question)."""
        await self._db.execute(
            "INSERT INTO pending_inputs (user_id, kind, ref, created_at) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (user_id) DO UPDATE SET kind = excluded.kind, ref = excluded.ref,"
            " created_at = excluded.created_at",
            (user_id, kind, str(ref), now.astimezone(UTC).isoformat(timespec="seconds")),
        )

    async def peek(self, user_id: int, now: datetime) -> PendingInput | None:
        row = await self._db.fetchone("SELECT * FROM pending_inputs WHERE user_id = ?", (user_id,))
        if row is None:
            return None
        pending = PendingInput(row["user_id"], row["kind"], row["ref"], datetime.fromisoformat(row["created_at"]))
        if now - pending.created_at > INPUT_TTL:
            await self.clear(user_id)
            return None
        return pending

    async def take(self, user_id: int, kind: str, ref: str) -> bool:
        """Claim the pending input once (a double-sent text is not taken twice)."""
        return 1 == await self._db.execute(
            "DELETE FROM pending_inputs WHERE user_id = ? AND kind = ? AND ref = ?",
            (user_id, kind, ref),
        )

    async def forget(self, user_id: int, kind: str) -> None:
        """No longer wait for an answer of this kind, whatever it was for."""
        await self._db.execute("DELETE FROM pending_inputs WHERE user_id = ? AND kind = ?", (user_id, kind))

    async def clear(self, user_id: int) -> bool:
        return 1 == await self._db.execute("DELETE FROM pending_inputs WHERE user_id = ?", (user_id,))
