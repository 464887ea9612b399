"""Circles in numbers for /stats: circles, members, messages, sessions held and group hours
(each attendee's hour counts), by the circle's age band and by the member's region."""

from __future__ import annotations

from bot.db.database import Session

LIVE = "('active', 'paused', 'completed')"
FIGURES = ("circles", "members", "messages", "sessions", "group_hours")

_BY_BAND = f"""
SELECT c.age_band AS value, COUNT(DISTINCT c.id) AS circles,
  (SELECT COUNT(DISTINCT cm.user_id) FROM circle_members cm JOIN circles c2 ON c2.id = cm.circle_id
   WHERE c2.age_band = c.age_band AND c2.status IN {LIVE} AND cm.status IN ('active', 'paused')) AS members,
  (SELECT COUNT(*) FROM circle_messages m JOIN circles c2 ON c2.id = m.circle_id
   WHERE c2.age_band = c.age_band AND c2.status IN {LIVE}) AS messages,
  (SELECT COUNT(*) FROM circle_sessions s JOIN circles c2 ON c2.id = s.circle_id
   WHERE c2.age_band = c.age_band AND c2.status IN {LIVE} AND s.status = 'held') AS sessions,
  (SELECT COALESCE(SUM(s.minutes), 0) FROM circle_sessions s JOIN circles c2 ON c2.id = s.circle_id
   JOIN circle_attendance a ON a.session_id = s.id AND a.attended = 1
   WHERE c2.age_band = c.age_band AND c2.status IN {LIVE} AND s.status = 'held') / 60.0 AS group_hours
FROM circles c WHERE c.status IN {LIVE} GROUP BY c.age_band ORDER BY c.age_band
"""

# By her region: a circle counts in each region one of its members lives in.
_BY_REGION = f"""
SELECT COALESCE(p.region, '—') AS value, COUNT(DISTINCT c.id) AS circles, COUNT(DISTINCT cm.user_id) AS members,
  (SELECT COUNT(*) FROM circle_messages m JOIN profiles p2 ON p2.user_id = m.sender_id
   JOIN circles c2 ON c2.id = m.circle_id WHERE COALESCE(p2.region, '—') = COALESCE(p.region, '—')
   AND c2.status IN {LIVE}) AS messages,
  (SELECT COUNT(DISTINCT a.session_id) FROM circle_attendance a JOIN circle_sessions s ON s.id = a.session_id
   JOIN profiles p2 ON p2.user_id = a.user_id WHERE a.attended = 1 AND s.status = 'held'
   AND COALESCE(p2.region, '—') = COALESCE(p.region, '—')) AS sessions,
  (SELECT COALESCE(SUM(s.minutes), 0) FROM circle_attendance a JOIN circle_sessions s ON s.id = a.session_id
   JOIN profiles p2 ON p2.user_id = a.user_id WHERE a.attended = 1 AND s.status = 'held'
   AND COALESCE(p2.region, '—') = COALESCE(p.region, '—')) / 60.0 AS group_hours
FROM circles c JOIN circle_members cm ON cm.circle_id = c.id AND cm.status IN ('active', 'paused')
LEFT JOIN profiles p ON p.user_id = cm.user_id WHERE c.status IN {LIVE}
GROUP BY COALESCE(p.region, '—') ORDER BY members DESC
"""


def _figures(row) -> dict[str, float]:
    return {k: round(row[k], 1) if k == "group_hours" else row[k] for k in FIGURES}


async def circle_stats(s: Session) -> tuple[dict[str, float], dict[str, dict[str, dict[str, float]]]]:
    """(totals, {"age_band" | "region": {value: figures}})."""
    row = await s.fetchone(
        f"SELECT (SELECT COUNT(*) FROM circles WHERE status IN {LIVE}) AS circles,"
        " (SELECT COUNT(DISTINCT cm.user_id) FROM circle_members cm JOIN circles c ON c.id = cm.circle_id"
        f" WHERE c.status IN {LIVE} AND cm.status IN ('active', 'paused')) AS members,"
        " (SELECT COUNT(*) FROM circle_messages) AS messages,"
        " (SELECT COUNT(*) FROM circle_sessions WHERE status = 'held') AS sessions,"
        " (SELECT COALESCE(SUM(s.minutes), 0) FROM circle_sessions s JOIN circle_attendance a"
        " ON a.session_id = s.id AND a.attended = 1 WHERE s.status = 'held') / 60.0 AS group_hours"
    )
    by = {
        "age_band": {r["value"]: _figures(r) for r in await s.fetchall(_BY_BAND)},
        "region": {r["value"]: _figures(r) for r in await s.fetchall(_BY_REGION)},
    }
    return _figures(row), by
