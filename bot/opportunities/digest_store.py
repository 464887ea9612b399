"""The weekly digest's rows: her settings (day, hour, on or off, next slot) and one row per week sent."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from bot.db.database import Session
from bot.opportunities.rules import DIGEST_HOUR, DIGEST_WEEKDAY, Seeker

# Who gets a digest by default: mentees and subscribers, with a finished profile.
_ENROL = (
    "INSERT INTO opportunity_digest_settings (user_id, weekday, hour, created_at)"
    " SELECT u.id, ?, ?, ? FROM users u JOIN profiles p ON p.user_id = u.id"
    " WHERE u.role IN ('mentee', 'subscriber') AND p.step = 'done'"
    " AND NOT EXISTS (SELECT 1 FROM opportunity_digest_settings d WHERE d.user_id = u.id)"
)


@dataclass(frozen=True, slots=True)
class Setting:
    enabled: bool
    weekday: int
    hour: int


@dataclass(frozen=True, slots=True)
class DueDigest:
    user_id: int
    zone: str
    weekday: int
    hour: int
    slot: datetime
    since: datetime
    seeker: Seeker
    reachable: bool


@lru_cache(maxsize=4096)
def _codes(raw: str) -> frozenset[str]:
    # Profiles repeat the same few lists; decoding each once keeps a 100,000-user week fast.
    return frozenset(json.loads(raw))


async def enrol(tx: Session, now: datetime) -> None:
    await tx.execute(_ENROL, (DIGEST_WEEKDAY, DIGEST_HOUR, now.isoformat()))


async def unscheduled(tx: Session) -> list[tuple[int, int, int, str]]:
    """(user, weekday, hour, zone) for those switched on whose next slot is not worked out yet."""
    rows = await tx.fetchall(
        "SELECT d.user_id, d.weekday, d.hour, u.timezone FROM opportunity_digest_settings d"
        " JOIN users u ON u.id = d.user_id WHERE d.enabled = 1 AND d.next_at IS NULL"
    )
    return [tuple(row) for row in rows]


async def schedule(tx: Session, rows: list[tuple[int, datetime]]) -> None:
    await tx.executemany(
        "UPDATE opportunity_digest_settings SET next_at = ? WHERE user_id = ?",
        [(slot.isoformat(), user_id) for user_id, slot in rows],
    )


async def due(tx: Session, now: datetime, limit: int) -> list[DueDigest]:
    rows = await tx.fetchall(
        "SELECT d.user_id, u.timezone, d.weekday, d.hour, d.next_at, COALESCE(d.last_sent_at, d.created_at),"
        " u.language, u.blocked_bot, u.role, p.age_band, p.region, p.stage, p.fields, p.languages"
        " FROM opportunity_digest_settings d JOIN users u ON u.id = d.user_id"
        " JOIN profiles p ON p.user_id = d.user_id"
        " WHERE d.enabled = 1 AND d.next_at <= ? ORDER BY d.next_at LIMIT ?",
        (now.isoformat(), limit),
    )
    return [
        DueDigest(
            user_id=row[0],
            zone=row[1],
            weekday=row[2],
            hour=row[3],
            slot=datetime.fromisoformat(row[4]),
            since=datetime.fromisoformat(row[5]),
            seeker=Seeker(
                age_band=row["age_band"],
                region=row["region"],
                stage=row["stage"],
                language=row["language"],
                fields=_codes(row["fields"]),
                languages=_codes(row["languages"]),
            ),
            reachable=not row["blocked_bot"] and row["role"] in ("mentee", "subscriber"),
        )
        for row in rows
    ]


async def dismissed(tx: Session, user_ids: list[int]) -> dict[int, set[int]]:
    found: dict[int, set[int]] = {user_id: set() for user_id in user_ids}
    if not user_ids:
        return found
    marks = ",".join("?" * len(user_ids))
    rows = await tx.fetchall(
        f"SELECT user_id, opportunity_id FROM opportunity_choices WHERE choice = 'dismissed' AND user_id IN ({marks})",
        user_ids,
    )
    for user_id, opportunity_id in rows:
        found[user_id].add(opportunity_id)
    return found


async def already_sent(tx: Session, weeks: list[tuple[int, str]]) -> set[tuple[int, str]]:
    """Of these (user, week) pairs, those whose digest has already gone."""
    found: set[tuple[int, str]] = set()
    for start in range(0, len(weeks), 400):
        chunk = weeks[start : start + 400]
        pairs = " OR ".join("(user_id = ? AND week = ?)" for _ in chunk)
        rows = await tx.fetchall(
            f"SELECT user_id, week FROM opportunity_digests WHERE {pairs}", [v for pair in chunk for v in pair]
        )
        found.update((row[0], row[1]) for row in rows)
    return found


async def claim_all(tx: Session, claims: list[tuple[int, str, int, datetime]], now: datetime) -> None:
    """(user, week, items, next slot): each week recorded as sent and her next slot set, in one go.
    The caller holds the transaction and has left out the weeks already sent."""
    at = now.isoformat()
    await tx.executemany(
        "UPDATE opportunity_digest_settings SET next_at = ?, last_sent_at = ? WHERE user_id = ?",
        [(following.isoformat(), at, user_id) for user_id, _, _, following in claims],
    )
    await tx.executemany(
        "INSERT OR IGNORE INTO opportunity_digests (user_id, week, items, sent_at) VALUES (?, ?, ?, ?)",
        [(user_id, week, items, at) for user_id, week, items, _ in claims],
    )


async def move_slots(tx: Session, moves: list[tuple[int, datetime]]) -> None:
    await tx.executemany(
        "UPDATE opportunity_digest_settings SET next_at = ? WHERE user_id = ?",
        [(following.isoformat(), user_id) for user_id, following in moves],
    )


async def mark_shown_all(tx: Session, shown: list[tuple[int, int]], now: datetime) -> None:
    at = now.isoformat()
    await tx.executemany(
        "INSERT OR IGNORE INTO opportunity_views (opportunity_id, user_id, shown_at) VALUES (?, ?, ?)",
        [(opportunity_id, user_id, at) for opportunity_id, user_id in shown],
    )


async def setting(tx: Session, user_id: int) -> Setting | None:
    row = await tx.fetchone(
        "SELECT enabled, weekday, hour FROM opportunity_digest_settings WHERE user_id = ?", (user_id,)
    )
    return Setting(bool(row[0]), row[1], row[2]) if row else None


async def zone(tx: Session, user_id: int) -> str:
    row = await tx.fetchone("SELECT timezone FROM users WHERE id = ?", (user_id,))
    return row[0] if row else "Asia/Bishkek"


async def save_setting(tx: Session, user_id: int, setting: Setting, next_at: datetime, now: datetime) -> None:
    await tx.execute(
        "INSERT INTO opportunity_digest_settings (user_id, enabled, weekday, hour, next_at, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (user_id) DO UPDATE SET enabled = excluded.enabled,"
        " weekday = excluded.weekday, hour = excluded.hour, next_at = excluded.next_at",
        (user_id, int(setting.enabled), setting.weekday, setting.hour, next_at.isoformat(), now.isoformat()),
    )
