"""Admin storage: broadcast drafts, audiences (segments) and the audit log."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.db._rows import iso, load
from bot.db.database import Repository

# Segment dimension -> the SQL column it filters on (a closed list: never user input in SQL).
SEGMENT_COLUMNS = {
    "language": "COALESCE(u.language, 'ru')",
    "role": "u.role",
    "region": "p.region",
    "stage": "p.stage",
    "age": "p.age_band",
}


@dataclass(frozen=True, slots=True)
class Draft:
    admin_id: int
    payload: dict[str, Any]
    audience: dict[str, Any]


@dataclass(frozen=True, slots=True)
class AuditEntry:
    admin_id: int
    action: str
    target: str
    details: dict[str, Any]
    at: datetime


class AdminRepository(Repository):
    async def draft(self, admin_id: int) -> Draft | None:
        row = await self._db.fetchone("SELECT * FROM broadcast_drafts WHERE admin_id = ?", (admin_id,))
        if row is None:
            return None
        return Draft(admin_id, json.loads(row["payload"]), json.loads(row["audience"]))

    async def save_draft(
        self,
        admin_id: int,
        now: datetime,
        *,
        payload: dict | None = None,
        audience: dict | None = None,
    ) -> Draft:
        current = await self.draft(admin_id) or Draft(admin_id, {}, {})
        new = Draft(
            admin_id,
            current.payload if payload is None else payload,
            current.audience if audience is None else audience,
        )
        await self._db.execute(
            "INSERT INTO broadcast_drafts (admin_id, payload, audience, updated_at) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (admin_id) DO UPDATE SET payload = excluded.payload, audience = excluded.audience,"
            " updated_at = excluded.updated_at",
            (
                admin_id,
                json.dumps(new.payload, ensure_ascii=False),
                json.dumps(new.audience),
                iso(now),
            ),
        )
        return new

    async def take_draft(self, admin_id: int) -> Draft | None:
        """Claim the draft for sending, once: a double-tapped Confirm finds nothing the second time."""
        async with self._db.transaction() as tx:
            row = await tx.fetchone("DELETE FROM broadcast_drafts WHERE admin_id = ? RETURNING *", (admin_id,))
        if row is None:
            return None
        return Draft(admin_id, json.loads(row["payload"]), json.loads(row["audience"]))

    async def drop_draft(self, admin_id: int) -> None:
        await self._db.execute("DELETE FROM broadcast_drafts WHERE admin_id = ?", (admin_id,))

    async def audience(self, audience: dict[str, Any]) -> list[tuple[int, str]]:
        """(user id, language) of everyone in the audience who can be reached."""
        where = ["u.blocked_bot = 0", "u.language IS NOT NULL"]
        params: list[Any] = []
        if audience.get("to") == "subscribers":
            where.append("EXISTS (SELECT 1 FROM story_subscriptions s WHERE s.user_id = u.id AND s.active = 1)")
        dimension, value = audience.get("dimension"), audience.get("value")
        if dimension in SEGMENT_COLUMNS and value:
            where.append(f"{SEGMENT_COLUMNS[dimension]} = ?")
            params.append(value)
        rows = await self._db.fetchall(
            "SELECT u.id, COALESCE(u.language, 'ru') AS language FROM users u"
            " LEFT JOIN profiles p ON p.user_id = u.id WHERE " + " AND ".join(where) + " ORDER BY u.id",
            params,
        )
        return [(row["id"], row["language"]) for row in rows]

    async def record(self, admin_id: int, action: str, now: datetime, target: str | int = "", **details: Any) -> None:
        await self._db.execute(
            "INSERT INTO admin_audit (admin_id, action, target, details, at) VALUES (?, ?, ?, ?, ?)",
            (admin_id, action, str(target), json.dumps(details, ensure_ascii=False), iso(now)),
        )

    async def audit(self, limit: int = 20) -> list[AuditEntry]:
        rows = await self._db.fetchall("SELECT * FROM admin_audit ORDER BY id DESC LIMIT ?", (limit,))
        return [load(AuditEntry, row) for row in rows]
