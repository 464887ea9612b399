"""Nominations in the database."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.db._rows import iso
from bot.db.database import Database

EXPORT_COLUMNS = ("id", "name", "field", "region", "why", "link", "language", "created_at", "decided_at")


@dataclass(frozen=True, slots=True)
class Nomination:
    id: int
    user_id: int
    name: str
    field: str
    region: str
    why: str
    link: str
    status: str


def _load(row) -> Nomination:
    return Nomination(*(row[key] for key in ("id", "user_id", "name", "field", "region", "why", "link", "status")))


async def start(db: Database, user_id: int, now: datetime) -> int:
    """A new draft (her earlier unfinished one is dropped: one nomination is written at a time)."""
    async with db.transaction() as tx:
        await tx.execute("DELETE FROM story_nominations WHERE user_id = ? AND status = 'draft'", (user_id,))
        return await tx.insert(
            "INSERT INTO story_nominations (user_id, name, field, region, why, created_at)"
            " VALUES (?, '', '', '', '', ?)",
            (user_id, iso(now)),
        )


async def get(db: Database, nomination_id: int) -> Nomination | None:
    row = await db.fetchone("SELECT * FROM story_nominations WHERE id = ?", (nomination_id,))
    return None if row is None else _load(row)


async def set_draft_value(db: Database, nomination_id: int, user_id: int, key: str, value: str) -> bool:
    """Fill one answer of her own draft; False if it is not her draft (any more)."""
    if key not in ("name", "field", "region", "why", "link"):
        raise ValueError(key)
    return 1 == await db.execute(
        f"UPDATE story_nominations SET {key} = ? WHERE id = ? AND user_id = ? AND status = 'draft'",
        (value, nomination_id, user_id),
    )


async def submit(db: Database, nomination_id: int, user_id: int, link: str, language: str) -> bool:
    return 1 == await db.execute(
        "UPDATE story_nominations SET link = ?, language = ?, status = 'pending'"
        " WHERE id = ? AND user_id = ? AND status = 'draft' AND name != '' AND field != '' AND region != ''"
        " AND why != ''",
        (link, language, nomination_id, user_id),
    )


async def decide(db: Database, nomination_id: int, accepted: bool, admin_id: int, now: datetime) -> Nomination | None:
    """Accept or decline a pending nomination once; None if it was decided already (or is not there)."""
    async with db.transaction() as tx:
        changed = await tx.execute(
            "UPDATE story_nominations SET status = ?, decided_by = ?, decided_at = ?"
            " WHERE id = ? AND status = 'pending'",
            ("accepted" if accepted else "declined", admin_id, iso(now), nomination_id),
        )
        if not changed:
            return None
        row = await tx.fetchone("SELECT * FROM story_nominations WHERE id = ?", (nomination_id,))
    return _load(row)


async def pending(db: Database, limit: int = 20) -> list[Nomination]:
    rows = await db.fetchall("SELECT * FROM story_nominations WHERE status = 'pending' ORDER BY id LIMIT ?", (limit,))
    return [_load(row) for row in rows]


async def waiting(db: Database) -> int:
    return await db.fetchval("SELECT COUNT(*) FROM story_nominations WHERE status = 'pending'")


async def accepted_rows(db: Database) -> list[tuple]:
    rows = await db.fetchall(
        f"SELECT {', '.join(EXPORT_COLUMNS)} FROM story_nominations WHERE status = 'accepted' ORDER BY id"
    )
    return [tuple(row) for row in rows]
