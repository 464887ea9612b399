"""Who accepted which version of the code, and the clearance for minors that waits for it."""

from __future__ import annotations

from datetime import datetime

from bot.conduct.rules import VERSION
from bot.db import Database
from bot.db._rows import iso
from bot.mentorship.store.rows import CURRENT_SQL


async def accept(db: Database, user_id: int, version: int, now: datetime) -> bool:
    """She accepts `version`; a clearance for minors held for it comes back. False if not a mentor."""
    return 1 == await db.execute(
        "UPDATE profiles SET conduct_version = ?, conduct_accepted_at = ?,"
        " conduct_asked = MAX(COALESCE(conduct_asked, 0), ?),"
        " cleared_for_minors = CASE WHEN ? >= ? AND minors_hold = 1 THEN 1 ELSE cleared_for_minors END,"
        " minors_hold = CASE WHEN ? >= ? THEN 0 ELSE minors_hold END"
        " WHERE user_id = ? AND mentor_status IS NOT NULL",
        (version, iso(now), version, version, VERSION, version, VERSION, user_id),
    )


async def minor_mentees_of(db: Database, mentor_ids: list[int]) -> list[tuple[int, str, int]]:
    """(mentor id, her name, how many mentees under 18 she mentors now) for those who have any."""
    if not mentor_ids:
        return []
    marks = ", ".join("?" for _ in mentor_ids)
    rows = await db.fetchall(
        "SELECT m.mentor_id, COALESCE(p.display_name, ''), COUNT(*) FROM mentorships m"
        " JOIN profiles p ON p.user_id = m.mentor_id"
        " LEFT JOIN profiles e ON e.user_id = m.mentee_id"
        f" WHERE m.mentor_id IN ({marks}) AND m.status IN {CURRENT_SQL}"
        " AND COALESCE(e.age_band, '') IS NOT '18+' GROUP BY m.mentor_id ORDER BY m.mentor_id",
        tuple(mentor_ids),
    )
    return [(row[0], row[1], row[2]) for row in rows]


async def mark_asked(db: Database, user_id: int) -> None:
    await db.execute("UPDATE profiles SET conduct_asked = ? WHERE user_id = ?", (VERSION, user_id))


async def claim_outdated(db: Database) -> list[int]:
    """Mentors who have not accepted the current version and were not yet asked: asked now, and
    un-cleared for minors until they accept (the clearance is kept in minors_hold)."""
    outdated = (
        " WHERE mentor_status IN ('pending', 'approved')"
        " AND COALESCE(conduct_version, 0) < :version AND COALESCE(conduct_asked, 0) < :version"
    )
    async with db.transaction() as tx:
        rows = await tx.fetchall("SELECT user_id FROM profiles" + outdated + " ORDER BY user_id", {"version": VERSION})
        await tx.execute(
            "UPDATE profiles SET conduct_asked = :version, minors_hold = MAX(minors_hold, cleared_for_minors),"
            " cleared_for_minors = 0" + outdated,
            {"version": VERSION},
        )
    return [row[0] for row in rows]
