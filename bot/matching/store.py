"""Who can be matched: profiles as the matching rules see them and pairs not to suggest; and an
admin's cohort run: the preview saved, then confirmed once (or discarded), then its counts.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime
from typing import Any

from bot.db._rows import iso, load, optional_time
from bot.db.database import Database, Repository, Session
from bot.domain import Availability, Field, Goal, Language, MeetingFormat, Region, Stage
from bot.matching.rules import Exclusions, MenteeProfile, MentorProfile
from bot.mentorship.rules import Refusal, Refused
from bot.mentorship.store.rows import CURRENT_SQL
from bot.safety import Person, pair_refusal


def _codes(enum: type, raw: str) -> frozenset:
    """JSON codes as enum members; a code from an older version is dropped."""
    return frozenset(enum(code) for code in json.loads(raw) if code in enum._value2member_map_)


def _member(enum: type, value: str | None):
    return enum._value2member_map_.get(value) if value else None


def _profile(row: sqlite3.Row) -> dict[str, Any] | None:
    """What mentee and mentor profiles share; None where a stored code is from an older version."""
    stage, region = _member(Stage, row["stage"]), _member(Region, row["region"])
    meeting = _member(MeetingFormat, row["meeting_format"])
    if stage is None or region is None or meeting is None:
        return None
    return {
        "user_id": row["user_id"],
        "fields": _codes(Field, row["fields"]),
        "stage": stage,
        "languages": _codes(Language, row["languages"]),
        "availability": _codes(Availability, row["availability"]),
        "meeting_format": meeting,
        "region": region,
    }


def _mentee(row: sqlite3.Row) -> MenteeProfile | None:
    if (shared := _profile(row)) is None:
        return None
    # The band, not the stored flag: anything but a stated adult is matched as a minor.
    return MenteeProfile(**shared, goals=_codes(Goal, row["goals"]), is_minor=row["age_band"] != "18+")


def _mentor(row: sqlite3.Row) -> MentorProfile | None:
    if (shared := _profile(row)) is None:
        return None
    return MentorProfile(
        **shared,
        topics=_codes(Goal, row["goals"]),
        approved=row["mentor_status"] == "approved",
        # A mentor who blocked the bot cannot hear of requests: as good as paused.
        paused=bool(row["mentor_paused"]) or bool(row["blocked_bot"]),
        cleared_for_minors=bool(row["cleared_for_minors"]),
        capacity=row["capacity"] or 0,
        active_mentees=row["current_mentees"],
        last_new_mentee_at=optional_time(row["last_new_mentee_at"]),
        last_active_at=optional_time(row["last_seen_at"]),
    )


_MENTEES = (
    "SELECT p.*, u.blocked_bot FROM profiles p JOIN users u ON u.id = p.user_id"
    " WHERE u.role = 'mentee' AND p.completed_at IS NOT NULL AND u.suspended_at IS NULL"
    # Mentees are 14 or older, and a minor has her guardian's consent (bot.safety.mentee_refusal).
    " AND p.age_band IN ('14-17', '18+') AND (p.age_band = '18+' OR p.guardian_consent_at IS NOT NULL)"
)
_MENTORS = (
    "SELECT p.*, u.last_seen_at, u.blocked_bot,"
    " (SELECT COUNT(*) FROM mentorships m"
    f" WHERE m.mentor_id = p.user_id AND m.status IN {CURRENT_SQL})"
    " AS current_mentees,"
    " (SELECT MAX(m.started_at) FROM mentorships m WHERE m.mentor_id = p.user_id)"
    " AS last_new_mentee_at"
    " FROM profiles p JOIN users u ON u.id = p.user_id"
    " WHERE u.role = 'mentor' AND p.completed_at IS NOT NULL AND u.suspended_at IS NULL"
)


async def mentee_in(s: Session | Database, user_id: int) -> MenteeProfile | None:
    row = await s.fetchone(f"{_MENTEES} AND p.user_id = ?", (user_id,))
    return None if row is None else _mentee(row)


async def mentor_in(s: Session | Database, user_id: int) -> MentorProfile | None:
    row = await s.fetchone(f"{_MENTORS} AND p.user_id = ?", (user_id,))
    return None if row is None else _mentor(row)


async def excluded_in(tx: Session, mentee_id: int, mentor_id: int) -> Exclusions:
    row = await tx.fetchone("SELECT 1 FROM exclusions WHERE mentee_id = ? AND mentor_id = ?", (mentee_id, mentor_id))
    return {(mentee_id, mentor_id)} if row else set()


async def person_in(s: Session | Database, user_id: int) -> Person | None:
    row = await s.fetchone(
        "SELECT u.id AS user_id, u.role, p.age_band, p.guardian_consent_at IS NOT NULL AS guardian_consent,"
        " u.suspended_at IS NOT NULL AS suspended, p.completed_at IS NOT NULL AS finished, p.mentor_status,"
        " p.cleared_for_minors FROM users u LEFT JOIN profiles p ON p.user_id = u.id WHERE u.id = ?",
        (user_id,),
    )
    return None if row is None else load(Person, row)


async def check_pair(tx: Session, mentee_id: int, mentor_id: int) -> None:
    """`Refused` unless bot.safety allows this pair, read inside the caller's transaction."""
    mentee, mentor = await person_in(tx, mentee_id), await person_in(tx, mentor_id)
    if mentee is None or mentor is None:
        raise Refused(Refusal.NOT_FOUND)
    reported = await tx.fetchval(
        "SELECT COUNT(*) FROM reports WHERE status <> 'closed' AND reporter_id = ? AND reported_id = ?",
        (mentee_id, mentor_id),
    )
    refused = pair_refusal(mentee, mentor, reported_by_her=bool(reported))
    if refused is None:
        return
    if refused in ("not_a_mentee", "under_14", "no_guardian_consent"):
        raise Refused(Refusal.NOT_A_MENTEE)
    if refused == "suspended":
        raise Refused(Refusal.SUSPENDED)
    raise Refused(Refusal.MENTOR_UNAVAILABLE)


class CandidateRepository(Repository):
    async def mentee_profile(self, user_id: int) -> MenteeProfile | None:
        """Her matching profile, if she is a mentee who finished onboarding."""
        return await mentee_in(self._db, user_id)

    async def mentor_profile(self, user_id: int) -> MentorProfile | None:
        return await mentor_in(self._db, user_id)

    async def mentor_profiles(self) -> list[MentorProfile]:
        """Every mentor who finished onboarding (approved or not: `why_no_match` counts all)."""
        rows = await self._db.fetchall(f"{_MENTORS} ORDER BY p.user_id")
        return [m for m in map(_mentor, rows) if m is not None]

    async def waiting_mentees(self) -> list[MenteeProfile]:
        """Mentees with no current mentorship and no pending request: a cohort's candidates."""
        rows = await self._db.fetchall(
            f"{_MENTEES} AND u.blocked_bot = 0"
            " AND NOT EXISTS (SELECT 1 FROM mentorships m"
            f" WHERE m.mentee_id = p.user_id AND m.status IN {CURRENT_SQL})"
            " AND NOT EXISTS (SELECT 1 FROM requests r"
            " WHERE r.mentee_id = p.user_id AND r.status = 'pending')"
            " ORDER BY p.completed_at, p.user_id"
        )
        return [m for m in map(_mentee, rows) if m is not None]

    async def exclusions(self, mentee_id: int | None = None) -> set[tuple[int, int]]:
        """Pairs not to suggest: declined, blocked, reported, let expire, or already asked."""
        where, params = ("WHERE mentee_id = ?", (mentee_id,)) if mentee_id is not None else ("", ())
        rows = await self._db.fetchall(
            f"SELECT mentee_id, mentor_id FROM exclusions {where}"
            " UNION SELECT mentee_id, mentor_id FROM requests"
            f" {where + ' AND' if where else 'WHERE'} status IN ('pending', 'expired')",
            params * 2,
        )
        return {(row[0], row[1]) for row in rows}


class CohortRunRepository(Repository):
    async def save_cohort_run(self, admin_id: int, preview: dict[str, Any], now: datetime) -> int:
        async with self._db.transaction() as tx:
            return await tx.insert(
                "INSERT INTO cohort_runs (created_by, preview, created_at) VALUES (?, ?, ?)",
                (admin_id, json.dumps(preview), iso(now)),
            )

    async def claim_cohort_run(self, run_id: int, now: datetime) -> dict[str, Any] | None:
        """The preview to send, once: a second Confirm (or a discarded run) gets None."""
        async with self._db.transaction() as tx:
            if not await tx.execute(
                "UPDATE cohort_runs SET status = 'confirmed', confirmed_at = ? WHERE id = ? AND status = 'preview'",
                (iso(now), run_id),
            ):
                return None
            return json.loads(await tx.fetchval("SELECT preview FROM cohort_runs WHERE id = ?", (run_id,)))

    async def finish_cohort_run(self, run_id: int, summary: dict[str, Any], sent: int) -> None:
        """Keep only counts: the pairs live on as requests with source 'cohort'."""
        await self._db.execute(
            "UPDATE cohort_runs SET preview = ?, sent = ? WHERE id = ?",
            (json.dumps(summary), sent, run_id),
        )

    async def discard_cohort_run(self, run_id: int) -> bool:
        return 1 == await self._db.execute(
            "UPDATE cohort_runs SET status = 'discarded', preview = '{}' WHERE id = ? AND status = 'preview'",
            (run_id,),
        )

    async def cohort_run_status(self, run_id: int) -> str | None:
        return await self._db.fetchval("SELECT status FROM cohort_runs WHERE id = ?", (run_id,))
