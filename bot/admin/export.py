"""CSV exports for reports: profiles, mentorships, sessions with feedback, deliveries.

UTF-8 with a BOM, so that spreadsheet programs open Kyrgyz and Russian text correctly.
"""

from __future__ import annotations

import csv
import io
from datetime import datetime

from bot.db._rows import iso
from bot.db.database import Database

# What people typed themselves (names, bios, session comments and reasons, some by girls of 14-17): only
# when the admin asks for it.
FREE_TEXT = (
    "display_name", "job_title", "organisation", "bio", "meeting_link",
    "mentee_comment", "mentor_comment", "cancel_reason",
)  # fmt: skip

QUERIES = {
    "profiles": (
        "SELECT u.id AS user_id, u.role, u.language, u.created_at, p.completed_at, p.age_band, p.is_minor,"
        " p.region, p.stage, p.fields, p.goals, p.languages, p.availability, p.meeting_format, p.capacity,"
        " p.mentor_status, p.cleared_for_minors, p.mentor_paused, p.display_name, p.job_title, p.organisation,"
        " p.bio, p.meeting_link FROM users u LEFT JOIN profiles p ON p.user_id = u.id"
        " WHERE u.created_at BETWEEN ? AND ? ORDER BY u.id"
    ),
    "mentorships": (
        "SELECT m.id, m.mentee_id, m.mentor_id, m.status, m.started_at, m.ended_at, m.end_reason,"
        " r.source AS request_source, r.score, r.created_at AS requested_at, r.answered_at"
        " FROM mentorships m LEFT JOIN requests r ON r.id = m.request_id"
        " WHERE m.started_at BETWEEN ? AND ? ORDER BY m.id"
    ),
    "sessions": (
        "SELECT s.id, s.mentorship_id, s.mentor_id, s.mentee_id, s.starts_at, s.minutes, s.status, s.late_change,"
        " s.cancel_reason, fm.outcome AS mentee_outcome, fm.minutes AS mentee_minutes, fm.rating AS mentee_rating,"
        " fm.comment AS mentee_comment, fr.outcome AS mentor_outcome, fr.minutes AS mentor_minutes,"
        " fr.rating AS mentor_rating, fr.comment AS mentor_comment FROM sessions s"
        " LEFT JOIN session_feedback fm ON fm.session_id = s.id AND fm.user_id = s.mentee_id"
        " LEFT JOIN session_feedback fr ON fr.session_id = s.id AND fr.user_id = s.mentor_id"
        " WHERE s.starts_at BETWEEN ? AND ? ORDER BY s.starts_at"
    ),
    "deliveries": (
        "SELECT o.batch_id, b.lane, json_extract(b.payload, '$.type') AS kind, o.item, o.user_id, o.language,"
        " o.status, o.error, o.sent_at FROM outbox o JOIN outbox_batches b ON b.id = o.batch_id"
        " WHERE b.created_at BETWEEN ? AND ? ORDER BY o.id"
    ),
    # One row per opportunity with what came of it; titles are free text (neutralised by `cell`).
    "opportunities": (
        "SELECT o.id, o.kind, o.titles, o.organiser, o.link, o.deadline_at, o.result_on, o.age_bands, o.regions,"
        " o.fields, o.stages, o.women_only, o.verified, o.created_at, o.closed_at,"
        " (SELECT COUNT(*) FROM opportunity_views v WHERE v.opportunity_id = o.id) AS reached,"
        " (SELECT COUNT(*) FROM opportunity_choices c WHERE c.opportunity_id = o.id AND c.choice = 'saved') AS saved,"
        " (SELECT COUNT(*) FROM opportunity_outcomes q WHERE q.opportunity_id = o.id AND q.applied = 1) AS applied,"
        " (SELECT COUNT(*) FROM opportunity_outcomes q WHERE q.opportunity_id = o.id AND q.accepted = 1) AS accepted"
        " FROM opportunities o WHERE o.created_at BETWEEN ? AND ? ORDER BY o.id"
    ),
}


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def cell(value: object) -> object:
    """A spreadsheet never runs a cell as a formula: text starting like one gets a leading ' (F8)."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


async def export_csv(db: Database, name: str, start: datetime, end: datetime, *, free_text: bool = False) -> bytes:
    """One table as CSV bytes (UTF-8 with BOM); what people typed themselves only when asked."""
    columns, rows = await db.fetch_table(QUERIES[name], (iso(start), iso(end)))
    keep = [c for c in columns if free_text or c not in FREE_TEXT]
    return rows_csv(keep, rows)


def rows_csv(columns: list[str], rows: list) -> bytes:
    """Rows (mappings) as CSV bytes, UTF-8 with BOM, `columns` in order, formula cells neutralised as above."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(columns)
    for row in rows:
        writer.writerow([cell(row[c]) for c in columns])
    return "\ufeff".encode() + buffer.getvalue().encode("utf-8")
