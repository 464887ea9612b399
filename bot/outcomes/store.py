"""Survey invitations and answers in SQL; every function takes an open transaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.db.database import Session


@dataclass(frozen=True)
class Invitation:
    id: int
    user_id: int
    wave: str
    status: str
    step: int
    language: str | None


def _iso(moment: datetime) -> str:
    return moment.isoformat()


async def first_mentorships(tx: Session) -> list[tuple[int, int, str, str | None]]:
    """(mentee, mentorship, started, ended) of each mentee's first mentorship, unless she said no
    thanks or already has every wave."""
    rows = await tx.fetchall(
        "SELECT m.mentee_id, m.id, m.started_at,"
        " CASE WHEN m.status IN ('completed', 'cancelled') THEN m.ended_at END"
        " FROM mentorships m"
        " WHERE m.id = (SELECT f.id FROM mentorships f WHERE f.mentee_id = m.mentee_id"
        "               ORDER BY f.started_at, f.id LIMIT 1)"
        " AND NOT EXISTS (SELECT 1 FROM survey_opt_outs o WHERE o.user_id = m.mentee_id)"
        " AND (SELECT COUNT(*) FROM survey_invitations i WHERE i.user_id = m.mentee_id) < 6"
    )
    return [tuple(row) for row in rows]


async def mentors_first_ends(tx: Session) -> list[tuple[int, int, str]]:
    """(mentor, mentorship, ended) of each mentor's first mentorship to end, completed or ended by
    either side, unless she said no thanks or was already invited to the mentors' end survey."""
    ended = "f.status IN ('completed', 'cancelled') AND f.ended_at IS NOT NULL"
    rows = await tx.fetchall(
        "SELECT m.mentor_id, m.id, m.ended_at FROM mentorships m"
        f" WHERE m.id = (SELECT f.id FROM mentorships f WHERE f.mentor_id = m.mentor_id AND {ended}"
        "               ORDER BY f.ended_at, f.id LIMIT 1)"
        " AND NOT EXISTS (SELECT 1 FROM survey_opt_outs o WHERE o.user_id = m.mentor_id)"
        " AND NOT EXISTS (SELECT 1 FROM survey_invitations i WHERE i.user_id = m.mentor_id AND i.wave = 'mentor_end')"
    )
    return [tuple(row) for row in rows]


async def add_invitation(tx: Session, user_id: int, wave: str, mentorship_id: int, due_at: datetime) -> None:
    await tx.execute(
        "INSERT OR IGNORE INTO survey_invitations (user_id, wave, mentorship_id, due_at) VALUES (?, ?, ?, ?)",
        (user_id, wave, mentorship_id, _iso(due_at)),
    )


async def close_stale(tx: Session, before: datetime) -> None:
    await tx.execute(
        "UPDATE survey_invitations SET status = 'closed' WHERE status IN ('sent', 'started') AND sent_at < ?",
        (_iso(before),),
    )


_SELECT = (
    "SELECT i.id, i.user_id, i.wave, i.status, i.step, u.language FROM survey_invitations i"
    " JOIN users u ON u.id = i.user_id"
)


def _invitation(row) -> Invitation:
    return Invitation(*row)


async def claim_reminders(tx: Session, sent_before: datetime, now: datetime) -> list[Invitation]:
    rows = await tx.fetchall(
        _SELECT + " WHERE i.status IN ('sent', 'started') AND i.reminded_at IS NULL AND i.sent_at <= ?"
        " AND u.blocked_bot = 0",
        (_iso(sent_before),),
    )
    for row in rows:
        await tx.execute("UPDATE survey_invitations SET reminded_at = ? WHERE id = ?", (_iso(now), row[0]))
    return [_invitation(row) for row in rows]


async def claim_due(tx: Session, now: datetime) -> list[Invitation]:
    """The earliest due invitation of each person with none open, marked sent."""
    rows = await tx.fetchall(
        _SELECT + " WHERE i.status = 'due' AND i.due_at <= ? AND u.blocked_bot = 0"
        " AND NOT EXISTS (SELECT 1 FROM survey_invitations o WHERE o.user_id = i.user_id"
        "                 AND o.status IN ('sent', 'started'))"
        " AND NOT EXISTS (SELECT 1 FROM survey_opt_outs x WHERE x.user_id = i.user_id)"
        " AND i.id = (SELECT e.id FROM survey_invitations e WHERE e.user_id = i.user_id AND e.status = 'due'"
        "             ORDER BY e.due_at, e.id LIMIT 1)",
        (_iso(now),),
    )
    for row in rows:
        await tx.execute("UPDATE survey_invitations SET status = 'sent', sent_at = ? WHERE id = ?", (_iso(now), row[0]))
    return [_invitation(row) for row in rows]


async def invitation(tx: Session, invitation_id: int) -> Invitation | None:
    row = await tx.fetchone(_SELECT + " WHERE i.id = ?", (invitation_id,))
    return _invitation(row) if row else None


async def set_step(tx: Session, invitation_id: int, step: int, status: str, now: datetime) -> None:
    await tx.execute(
        "UPDATE survey_invitations SET step = ?, status = ?,"
        " finished_at = CASE WHEN ? = 'done' THEN ? ELSE finished_at END WHERE id = ?",
        (step, status, status, _iso(now), invitation_id),
    )


async def save_answer(
    tx: Session, inv: Invitation, question: str, value: str | None, version: int, now: datetime
) -> None:
    await tx.execute(
        "INSERT OR REPLACE INTO survey_answers (invitation_id, user_id, wave, question, value, version, answered_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        (inv.id, inv.user_id, inv.wave, question, value, version, _iso(now)),
    )


async def opt_out(tx: Session, user_id: int, now: datetime) -> None:
    await tx.execute("INSERT OR IGNORE INTO survey_opt_outs (user_id, at) VALUES (?, ?)", (user_id, _iso(now)))
    await tx.execute(
        "UPDATE survey_invitations SET status = 'declined' WHERE user_id = ? AND status IN ('due', 'sent', 'started')",
        (user_id,),
    )


def _answers(alias: str) -> str:
    # Her non-empty answers to one invitation as one string: question, unit separator, option code,
    # record separator. Skipped questions (NULL) count nowhere in the report, so they are left out.
    return (
        "(SELECT group_concat(a.question || char(31) || a.value, char(30)) FROM survey_answers a"
        f" WHERE a.invitation_id = {alias}.id AND a.value IS NOT NULL)"
    )


def _decode(text: str | None) -> dict[str, str]:
    if not text:
        return {}
    return dict(item.split("\x1f", 1) for item in text.split("\x1e"))


async def report_rows(tx: Session, since: str, until: str):
    """The cohort (baseline invitations due in [since, until)): each person's breakdown values, her
    Washington Group answers, and her baseline and endline answers ({question: option code}).

    One row per person, her answers reduced in SQL: reading 1.15 M answer rows one by one took most
    of the report's time."""
    rows = await tx.fetchall(
        f"SELECT b.user_id, p.region, p.age_band, u.language, p.stage, {_answers('b')}, {_answers('e')},"
        f" {_answers('ab')} FROM survey_invitations b JOIN users u ON u.id = b.user_id"
        " LEFT JOIN profiles p ON p.user_id = b.user_id"
        " LEFT JOIN survey_invitations e ON e.user_id = b.user_id AND e.wave = 'endline'"
        " LEFT JOIN survey_invitations ab ON ab.user_id = b.user_id AND ab.wave = 'about'"
        " WHERE b.wave = 'baseline' AND b.due_at >= ? AND b.due_at < ?",
        (since, until),
    )
    people, waves, wg = {}, {}, {}
    for user_id, region, age_band, language, stage, baseline, endline, about in rows:
        person = {"region": region, "age_band": age_band, "language": language, "stage": stage}
        about = _decode(about)
        if about.get("area") not in (None, "na"):
            person["area"] = about["area"]
        people[user_id] = person
        wg[user_id] = {q: v for q, v in about.items() if q.startswith("wg_")}
        waves[user_id] = (_decode(baseline), _decode(endline))
    return people, waves, wg


async def mentor_answers(tx: Session, since: str, until: str) -> list[tuple[str, str | None]]:
    """(question, value) of the mentors' end survey, for invitations due in [since, until)."""
    rows = await tx.fetchall(
        "SELECT a.question, a.value FROM survey_answers a JOIN survey_invitations i ON i.id = a.invitation_id"
        " WHERE i.wave = 'mentor_end' AND i.due_at >= ? AND i.due_at < ?",
        (since, until),
    )
    return [tuple(row) for row in rows]


async def export(tx: Session, user_id: int) -> dict[str, list[dict]]:
    """Her invitations, answers and "no thanks", as plain data (for /mydata)."""
    data = {}
    for table in ("survey_invitations", "survey_answers", "survey_opt_outs"):
        rows = await tx.fetchall(f"SELECT * FROM {table} WHERE user_id = ? ORDER BY rowid", (user_id,))
        data[table] = [dict(row) for row in rows]
    return data
