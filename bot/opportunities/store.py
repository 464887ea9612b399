"""The opportunities' rows: the opportunities, her views and choices, reminders, outcomes, imports.

Every function takes a `Session` so that a use case can do all its work in one transaction.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from bot.db._rows import by_id, load
from bot.db.database import Session
from bot.opportunities.rules import Opportunity, Seeker


def _opportunity(row: sqlite3.Row) -> Opportunity:
    return load(Opportunity, row)


async def add(tx: Session, row: dict[str, Any], admin_id: int, now: datetime) -> int:
    return await tx.insert(
        "INSERT INTO opportunities (kind, titles, texts, link, organiser, deadline_at, starts_on, ends_on,"
        " result_on, age_bands, regions, fields, stages, women_only, verified, created_by, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            row["kind"],
            json.dumps(row["titles"], ensure_ascii=False),
            json.dumps(row["texts"], ensure_ascii=False),
            row["link"],
            row["organiser"],
            row["deadline_at"],
            row["starts_on"],
            row["ends_on"],
            row["result_on"],
            json.dumps(row["age_bands"]),
            json.dumps(row["regions"]),
            json.dumps(row["fields"]),
            json.dumps(row["stages"]),
            int(row["women_only"]),
            int(row["verified"]),
            admin_id,
            now.isoformat(),
        ),
    )


async def get(tx: Session, opportunity_id: int) -> Opportunity | None:
    return await by_id(tx, Opportunity, "opportunities", opportunity_id)


async def by_ids(tx: Session, ids: set[int]) -> dict[int, Opportunity]:
    """Those of `ids` that exist, by id: one read for a batch of reminders or questions."""
    if not ids:
        return {}
    rows = await tx.fetchall(f"SELECT * FROM opportunities WHERE id IN ({','.join('?' * len(ids))})", list(ids))
    return {row["id"]: _opportunity(row) for row in rows}


async def open_ones(tx: Session, now: datetime) -> list[Opportunity]:
    """Open ones, soonest deadline first; past-deadline and closed ones stay in the table, unshown."""
    rows = await tx.fetchall(
        "SELECT * FROM opportunities WHERE closed_at IS NULL AND deadline_at > ? ORDER BY deadline_at, id",
        (now.isoformat(),),
    )
    return [_opportunity(row) for row in rows]


async def seeker(tx: Session, user_id: int) -> Seeker | None:
    """Her profile as the rules read it; None until her profile is complete."""
    row = await tx.fetchone(
        "SELECT u.language, p.age_band, p.region, p.stage, p.fields, p.languages FROM users u"
        " JOIN profiles p ON p.user_id = u.id WHERE u.id = ? AND p.step = 'done'",
        (user_id,),
    )
    return None if row is None else load(Seeker, row)


async def choices(tx: Session, user_id: int) -> dict[int, str]:
    rows = await tx.fetchall("SELECT opportunity_id, choice FROM opportunity_choices WHERE user_id = ?", (user_id,))
    return {row[0]: row[1] for row in rows}


async def mark_shown(tx: Session, opportunity_id: int, user_id: int, now: datetime) -> None:
    await tx.execute(
        "INSERT OR IGNORE INTO opportunity_views (opportunity_id, user_id, shown_at) VALUES (?, ?, ?)",
        (opportunity_id, user_id, now.isoformat()),
    )


async def choose(tx: Session, opportunity_id: int, user_id: int, choice: str, now: datetime) -> bool:
    """Record her choice; False when it was already this."""
    return bool(
        await tx.execute(
            "INSERT INTO opportunity_choices (opportunity_id, user_id, choice, chosen_at) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (opportunity_id, user_id) DO UPDATE SET choice = excluded.choice,"
            " chosen_at = excluded.chosen_at WHERE choice <> excluded.choice",
            (opportunity_id, user_id, choice, now.isoformat()),
        )
    )


async def plan_reminders(tx: Session, opportunity_id: int, user_id: int, moments: list[tuple[int, datetime]]) -> None:
    await tx.executemany(
        "INSERT OR IGNORE INTO opportunity_reminders (opportunity_id, user_id, offset_days, due_at)"
        " VALUES (?, ?, ?, ?)",
        [(opportunity_id, user_id, days, due.isoformat()) for days, due in moments],
    )


async def skip_reminders(tx: Session, opportunity_id: int, user_id: int, now: datetime) -> None:
    await tx.execute(
        "UPDATE opportunity_reminders SET status = 'skipped', done_at = ?"
        " WHERE opportunity_id = ? AND user_id = ? AND status = 'pending'",
        (now.isoformat(), opportunity_id, user_id),
    )


@dataclass(frozen=True, slots=True)
class Due:
    opportunity_id: int
    user_id: int
    offset_days: int
    saved: bool  # still saved by her (not turned down since)


async def due_reminders(tx: Session, now: datetime, limit: int = 200) -> list[Due]:
    rows = await tx.fetchall(
        "SELECT r.opportunity_id, r.user_id, r.offset_days, COALESCE(c.choice = 'saved', 0)"
        " FROM opportunity_reminders r LEFT JOIN opportunity_choices c"
        " ON c.opportunity_id = r.opportunity_id AND c.user_id = r.user_id"
        " WHERE r.status = 'pending' AND r.due_at <= ? ORDER BY r.due_at LIMIT ?",
        (now.isoformat(), limit),
    )
    return [Due(row[0], row[1], row[2], bool(row[3])) for row in rows]


async def finish_reminder(tx: Session, due: Due, status: str, now: datetime) -> bool:
    """Claim a pending reminder as sent or skipped; False when another run already did."""
    return bool(
        await tx.execute(
            "UPDATE opportunity_reminders SET status = ?, done_at = ?"
            " WHERE opportunity_id = ? AND user_id = ? AND offset_days = ? AND status = 'pending'",
            (status, now.isoformat(), due.opportunity_id, due.user_id, due.offset_days),
        )
    )


async def unasked(tx: Session, now: datetime, limit: int = 200) -> list[tuple[int, int]]:
    """(opportunity, user) for saved ones whose deadline has passed and whose question is not yet asked.

    One an admin closed before its deadline was called off: nobody is asked whether she applied."""
    rows = await tx.fetchall(
        "SELECT c.opportunity_id, c.user_id FROM opportunity_choices c"
        " JOIN opportunities o ON o.id = c.opportunity_id"
        " LEFT JOIN opportunity_outcomes q ON q.opportunity_id = c.opportunity_id AND q.user_id = c.user_id"
        " WHERE c.choice = 'saved' AND o.deadline_at <= ? AND q.asked_at IS NULL"
        " AND (o.closed_at IS NULL OR o.closed_at >= o.deadline_at) LIMIT ?",
        (now.isoformat(), limit),
    )
    return [(row[0], row[1]) for row in rows]


async def mark_asked(tx: Session, opportunity_id: int, user_id: int, now: datetime) -> bool:
    return bool(
        await tx.execute(
            "INSERT OR IGNORE INTO opportunity_outcomes (opportunity_id, user_id, asked_at) VALUES (?, ?, ?)",
            (opportunity_id, user_id, now.isoformat()),
        )
    )


async def answer_applied(tx: Session, opportunity_id: int, user_id: int, applied: bool, now: datetime) -> bool:
    """False when she was never asked or has already answered."""
    return bool(
        await tx.execute(
            "UPDATE opportunity_outcomes SET applied = ?, answered_at = ?"
            " WHERE opportunity_id = ? AND user_id = ? AND applied IS NULL",
            (int(applied), now.isoformat(), opportunity_id, user_id),
        )
    )


@dataclass(frozen=True, slots=True)
class Counts:
    opportunity_id: int
    titles: dict[str, str]
    reached: int
    saved: int
    applied: int
    accepted: int


async def counts(tx: Session, ids: list[int] | None = None) -> list[Counts]:
    """Per opportunity (all, or those of `ids`), newest deadline first: how many were shown it, saved
    it, applied, got in."""
    only = f" WHERE o.id IN ({','.join('?' * len(ids))})" if ids is not None else ""
    rows = await tx.fetchall(
        "SELECT o.id, o.titles,"
        " (SELECT COUNT(*) FROM opportunity_views v WHERE v.opportunity_id = o.id),"
        " (SELECT COUNT(*) FROM opportunity_choices c WHERE c.opportunity_id = o.id AND c.choice = 'saved'),"
        " (SELECT COUNT(*) FROM opportunity_outcomes q WHERE q.opportunity_id = o.id AND q.applied = 1),"
        " (SELECT COUNT(*) FROM opportunity_outcomes q WHERE q.opportunity_id = o.id AND q.accepted = 1)"
        f" FROM opportunities o{only} ORDER BY o.deadline_at DESC, o.id DESC",
        ids or (),
    )
    return [Counts(row[0], json.loads(row[1]), row[2], row[3], row[4], row[5]) for row in rows]


async def await_file(tx: Session, admin_id: int, now: datetime) -> None:
    await tx.execute(
        "INSERT OR REPLACE INTO opportunity_imports (admin_id, rows, created_at) VALUES (?, NULL, ?)",
        (admin_id, now.isoformat()),
    )


async def import_state(tx: Session, admin_id: int) -> tuple[bool, list[dict] | None]:
    """(whether an import is under way, its checked rows if the file came)."""
    row = await tx.fetchone("SELECT rows FROM opportunity_imports WHERE admin_id = ?", (admin_id,))
    if row is None:
        return False, None
    return True, json.loads(row[0]) if row[0] is not None else None


async def keep_rows(tx: Session, admin_id: int, rows: list[dict], now: datetime) -> None:
    await tx.execute(
        "INSERT OR REPLACE INTO opportunity_imports (admin_id, rows, created_at) VALUES (?, ?, ?)",
        (admin_id, json.dumps(rows, ensure_ascii=False), now.isoformat()),
    )


async def end_import(tx: Session, admin_id: int) -> None:
    await tx.execute("DELETE FROM opportunity_imports WHERE admin_id = ?", (admin_id,))


async def draft(tx: Session, admin_id: int) -> dict | None:
    row = await tx.fetchone("SELECT data FROM opportunity_drafts WHERE admin_id = ?", (admin_id,))
    return json.loads(row[0]) if row else None


async def keep_draft(tx: Session, admin_id: int, data: dict, now: datetime) -> None:
    await tx.execute(
        "INSERT OR REPLACE INTO opportunity_drafts (admin_id, data, updated_at) VALUES (?, ?, ?)",
        (admin_id, json.dumps(data, ensure_ascii=False), now.isoformat()),
    )


async def drop_draft(tx: Session, admin_id: int) -> bool:
    return bool(await tx.execute("DELETE FROM opportunity_drafts WHERE admin_id = ?", (admin_id,)))


async def for_admins(tx: Session, since: datetime) -> list[Opportunity]:
    """Open ones and those closed or past deadline after `since` (the admin's list)."""
    rows = await tx.fetchall(
        "SELECT * FROM opportunities WHERE COALESCE(closed_at, deadline_at) > ? ORDER BY deadline_at, id",
        (since.isoformat(),),
    )
    return [_opportunity(row) for row in rows]


async def close(tx: Session, opportunity_id: int, now: datetime) -> bool:
    """Closed early: False when it already was. Its pending reminders are skipped with it."""
    closed = await tx.execute(
        "UPDATE opportunities SET closed_at = ? WHERE id = ? AND closed_at IS NULL", (now.isoformat(), opportunity_id)
    )
    if closed:
        await tx.execute(
            "UPDATE opportunity_reminders SET status = 'skipped', done_at = ?"
            " WHERE opportunity_id = ? AND status = 'pending'",
            (now.isoformat(), opportunity_id),
        )
    return bool(closed)


async def set_verified(tx: Session, opportunity_id: int, verified: bool) -> bool:
    return bool(
        await tx.execute(
            "UPDATE opportunities SET verified = ? WHERE id = ? AND verified <> ?",
            (int(verified), opportunity_id, int(verified)),
        )
    )


async def replace(tx: Session, opportunity: Opportunity) -> None:
    """Write an edited opportunity's editable columns; pending reminders follow a moved deadline."""
    await tx.execute(
        "UPDATE opportunities SET titles = ?, texts = ?, link = ?, organiser = ?, deadline_at = ?, result_on = ?,"
        " age_bands = ?, regions = ?, fields = ?, stages = ?, women_only = ? WHERE id = ?",
        (
            json.dumps(opportunity.titles, ensure_ascii=False),
            json.dumps(opportunity.texts, ensure_ascii=False),
            opportunity.link,
            opportunity.organiser,
            opportunity.deadline_at.isoformat(),
            opportunity.result_on,
            *(json.dumps(sorted(getattr(opportunity, g))) for g in ("age_bands", "regions", "fields", "stages")),
            int(opportunity.women_only),
            opportunity.id,
        ),
    )
    pending = await tx.fetchall(
        "SELECT user_id, offset_days FROM opportunity_reminders WHERE opportunity_id = ? AND status = 'pending'",
        (opportunity.id,),
    )
    await tx.executemany(
        "UPDATE opportunity_reminders SET due_at = ? WHERE opportunity_id = ? AND user_id = ? AND offset_days = ?",
        [
            ((opportunity.deadline_at - timedelta(days=days)).isoformat(), opportunity.id, user_id, days)
            for user_id, days in pending
        ],
    )
