"""The programme in numbers, counted in SQL: what /stats shows and donors' reports ask for."""

from __future__ import annotations

import json
import statistics
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from bot.circles.stats import circle_stats
from bot.contact_guard.rules import per_thousand
from bot.db.database import Database

# Mentees' way through the programme, in order.
FUNNEL = ("onboarded", "matched", "first_session", "three_sessions", "completed")
BREAKDOWNS = ("age_band", "region", "field")

# One row per mentee with how far she got; the breakdowns group it.
_FUNNEL_SQL = """
WITH mentee AS (
    SELECT p.user_id, p.age_band, p.region, p.fields FROM profiles p JOIN users u ON u.id = p.user_id
    WHERE u.role = 'mentee' AND p.completed_at IS NOT NULL
), held AS (
    SELECT mentee_id, COUNT(*) AS n FROM sessions WHERE status = 'held' GROUP BY mentee_id
)
SELECT m.user_id, m.age_band, m.region, m.fields,
       EXISTS (SELECT 1 FROM mentorships x WHERE x.mentee_id = m.user_id) AS matched,
       COALESCE(h.n, 0) >= 1 AS first_session,
       COALESCE(h.n, 0) >= 3 AS three_sessions,
       EXISTS (SELECT 1 FROM mentorships x WHERE x.mentee_id = m.user_id AND x.status = 'completed') AS completed
FROM mentee m LEFT JOIN held h ON h.mentee_id = m.user_id
"""


@dataclass
class Stats:
    users_by: dict[str, dict[str, int]] = field(default_factory=dict)  # dimension -> value -> count
    mentors: dict[str, int] = field(default_factory=dict)  # approved, pending, paused, rejected
    requests: dict[str, int] = field(default_factory=dict)  # by status
    median_response_hours: float | None = None
    mentorships: dict[str, int] = field(default_factory=dict)  # by status
    sessions: dict[str, int] = field(default_factory=dict)  # by status
    hours_of_mentoring: float = 0.0
    average_rating: float | None = None
    stories: dict[str, int] = field(default_factory=dict)  # subscribers, deliveries, opt_outs
    funnel: dict[str, int] = field(default_factory=dict)
    funnel_by: dict[str, dict[str, dict[str, int]]] = field(default_factory=dict)  # dim -> value -> stage -> n
    weekly_signups: list[tuple[str, int]] = field(default_factory=list)  # (ISO week start, count)
    # Circles apart: group hours count each attendee's hour, so they are not added to one-to-one hours.
    circles: dict[str, float] = field(default_factory=dict)
    circles_by: dict[str, dict[str, dict[str, float]]] = field(default_factory=dict)  # dim -> value -> figures
    contact_flags: int = 0  # relayed messages held back or refused for contact details
    contact_flags_per_1000: float | None = None  # of relayed messages (sent or held)
    median_report_action_hours: float | None = None  # a report's age at an admin's first action


def _counts(rows) -> dict[str, int]:
    return {str(row[0]) if row[0] is not None else "—": row[1] for row in rows}


async def programme_stats(db: Database, now: datetime, weeks: int = 12) -> Stats:
    stats = Stats()
    async with db.reading() as s:
        stats.users_by["role"] = _counts(
            await s.fetchall("SELECT COALESCE(role, 'none'), COUNT(*) FROM users GROUP BY 1 ORDER BY 2 DESC")
        )
        stats.users_by["language"] = _counts(
            await s.fetchall("SELECT COALESCE(language, 'none'), COUNT(*) FROM users GROUP BY 1 ORDER BY 2 DESC")
        )
        for dim in ("region", "age_band", "stage"):
            stats.users_by[dim] = _counts(
                await s.fetchall(
                    f"SELECT {dim}, COUNT(*) FROM profiles WHERE completed_at IS NOT NULL AND {dim} IS NOT NULL"
                    " GROUP BY 1 ORDER BY 2 DESC"
                )
            )
        stats.users_by["field"] = _counts(
            await s.fetchall(
                "SELECT j.value, COUNT(*) FROM profiles p, json_each(p.fields) j WHERE p.completed_at IS NOT NULL"
                " GROUP BY 1 ORDER BY 2 DESC"
            )
        )
        row = await s.fetchone(
            "SELECT SUM(mentor_status = 'approved' AND mentor_paused = 0), SUM(mentor_status = 'pending'),"
            " SUM(mentor_status = 'approved' AND mentor_paused = 1), SUM(mentor_status = 'rejected')"
            " FROM profiles WHERE mentor_status IS NOT NULL"
        )
        stats.mentors = dict(zip(("approved", "pending", "paused", "rejected"), (v or 0 for v in row), strict=True))
        stats.requests = _counts(await s.fetchall("SELECT status, COUNT(*) FROM requests GROUP BY 1"))
        answered = await s.fetchall(
            "SELECT (julianday(answered_at) - julianday(created_at)) * 24 FROM requests"
            " WHERE status IN ('accepted', 'declined') AND answered_at IS NOT NULL"
        )
        if answered:
            stats.median_response_hours = round(statistics.median(r[0] for r in answered), 1)
        stats.mentorships = _counts(await s.fetchall("SELECT status, COUNT(*) FROM mentorships GROUP BY 1"))
        stats.sessions = _counts(await s.fetchall("SELECT status, COUNT(*) FROM sessions GROUP BY 1"))
        # Hours: what both said it lasted (their average), else the booked length.
        minutes = await s.fetchval(
            "SELECT COALESCE(SUM(COALESCE((SELECT AVG(f.minutes) FROM session_feedback f"
            " WHERE f.session_id = x.id AND f.minutes IS NOT NULL), x.minutes)), 0)"
            " FROM sessions x WHERE x.status = 'held'"
        )
        stats.hours_of_mentoring = round((minutes or 0) / 60, 1)
        rating = await s.fetchval("SELECT AVG(rating) FROM session_feedback WHERE rating IS NOT NULL")
        stats.average_rating = None if rating is None else round(rating, 2)
        stats.stories = {
            "subscribers": await s.fetchval("SELECT COUNT(*) FROM story_subscriptions WHERE active = 1"),
            "deliveries": await s.fetchval("SELECT COUNT(*) FROM story_views"),
            "opt_outs": await s.fetchval("SELECT COUNT(*) FROM story_subscriptions WHERE active = 0"),
        }
        stats.circles, stats.circles_by = await circle_stats(s)
        flags = await s.fetchval("SELECT COUNT(*) FROM contact_flags WHERE source = 'relay'")
        relayed = await s.fetchval("SELECT COUNT(*) FROM relay_messages")
        stats.contact_flags, stats.contact_flags_per_1000 = flags, per_thousand(flags, relayed)
        acted = await s.fetchall(
            "SELECT (julianday(decided_at) - julianday(created_at)) * 24 FROM reports WHERE decided_at IS NOT NULL"
        )
        if acted:
            stats.median_report_action_hours = round(statistics.median(r[0] for r in acted), 1)
        mentees = await s.fetchall(_FUNNEL_SQL)
        since = (now - timedelta(weeks=weeks)).astimezone(UTC).isoformat(timespec="seconds")
        weekly = await s.fetchall(
            "SELECT date(created_at, '-6 days', 'weekday 1') AS week, COUNT(*) FROM users WHERE created_at >= ?"
            " GROUP BY 1 ORDER BY 1",
            (since,),
        )
    stats.funnel = {"onboarded": len(mentees)} | {stage: sum(1 for m in mentees if m[stage]) for stage in FUNNEL[1:]}
    for dim in BREAKDOWNS:
        groups: dict[str, dict[str, int]] = {}
        for m in mentees:
            values = json.loads(m["fields"]) if dim == "field" else [m[dim] or "—"]
            for value in values:
                group = groups.setdefault(value, dict.fromkeys(FUNNEL, 0))
                group["onboarded"] += 1
                for stage in FUNNEL[1:]:
                    group[stage] += 1 if m[stage] else 0
        stats.funnel_by[dim] = groups
    stats.weekly_signups = [(row[0], row[1]) for row in weekly]
    return stats
