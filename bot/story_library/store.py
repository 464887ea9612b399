"""Uploaded cards and drafts in the database."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.db._rows import iso
from bot.db.database import Database


@dataclass(frozen=True, slots=True)
class Draft:
    id: int
    admin_id: int
    slug: str
    toml: str


async def uploaded(db: Database) -> list[tuple[str, str]]:
    """(slug, TOML) of every published card, oldest first (their order in the library)."""
    rows = await db.fetchall("SELECT slug, toml FROM story_uploads ORDER BY published_at, slug")
    return [(row["slug"], row["toml"]) for row in rows]


async def save_draft(db: Database, admin_id: int, slug: str, toml: str, now: datetime) -> int:
    async with db.transaction() as tx:
        return await tx.insert(
            "INSERT INTO story_drafts (admin_id, slug, toml, created_at) VALUES (?, ?, ?, ?)",
            (admin_id, slug, toml, iso(now)),
        )


async def draft(db: Database, draft_id: int) -> Draft | None:
    row = await db.fetchone("SELECT id, admin_id, slug, toml FROM story_drafts WHERE id = ?", (draft_id,))
    return None if row is None else Draft(row["id"], row["admin_id"], row["slug"], row["toml"])


async def publish(db: Database, draft: Draft, field: str, stage: str, region: str, now: datetime) -> int | None:
    """Store the draft as the card's current version, in the library's order and visible; its old
    pictures are forgotten. Returns the version, or None if the draft was published already."""
    async with db.transaction() as tx:
        if not await tx.execute("DELETE FROM story_drafts WHERE id = ?", (draft.id,)):
            return None
        version = await tx.fetchval("SELECT version FROM story_uploads WHERE slug = ?", (draft.slug,))
        version = 1 if version is None else version + 1
        await tx.execute(
            "INSERT INTO story_uploads (slug, toml, version, published_by, published_at) VALUES (?, ?, ?, ?, ?)"
            " ON CONFLICT (slug) DO UPDATE SET toml = excluded.toml, version = excluded.version,"
            " published_by = excluded.published_by, published_at = excluded.published_at",
            (draft.slug, draft.toml, version, draft.admin_id, iso(now)),
        )
        position = await tx.fetchval("SELECT COALESCE(MAX(position), -1) + 1 FROM story_cards")
        await tx.execute(
            "INSERT INTO story_cards (slug, field, stage, region, position, hidden, imported_at)"
            " VALUES (?, ?, ?, ?, ?, 0, ?) ON CONFLICT (slug) DO UPDATE SET field = excluded.field,"
            " stage = excluded.stage, region = excluded.region, hidden = 0",
            (draft.slug, field, stage, region, position, iso(now)),
        )
        await tx.execute("DELETE FROM story_pictures WHERE slug = ?", (draft.slug,))
    return version


async def discard(db: Database, draft_id: int) -> None:
    await db.execute("DELETE FROM story_drafts WHERE id = ?", (draft_id,))
