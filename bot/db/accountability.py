"""What outlives an erasure for safety's sake: suspended and reported accounts by keyed hash,
pairs never to match again, and the evidence of open reports (F2, F3)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from bot.db._rows import iso
from bot.db.database import Database, Session
from bot.safety import DEV_KEY, account_hash

__all__ = ["DEV_KEY", "Record", "keep_evidence", "note_account", "record_of", "restore"]


@dataclass(frozen=True, slots=True)
class Record:
    suspended_at: datetime | None
    history: list[dict]


async def note_account(
    tx: Session,
    key: bytes,
    user_id: int,
    now: datetime,
    *,
    what: str,
    report: int | None = None,
    suspended: bool = False,
) -> None:
    """Add one line to her account's history (and its suspension), by hash only."""
    id_hash = account_hash(key, user_id)
    row = await tx.fetchone("SELECT history FROM accountability WHERE id_hash = ?", (id_hash,))
    history = json.loads(row[0]) if row else []
    history.append({"at": iso(now), "what": what, "report": report})
    await tx.execute(
        "INSERT INTO accountability (id_hash, suspended_at, history, updated_at) VALUES (?, ?, ?, ?)"
        " ON CONFLICT (id_hash) DO UPDATE SET history = excluded.history, updated_at = excluded.updated_at,"
        " suspended_at = COALESCE(accountability.suspended_at, excluded.suspended_at)",
        (id_hash, iso(now) if suspended else None, json.dumps(history), iso(now)),
    )


async def record_of(s: Session | Database, key: bytes, user_id: int) -> Record | None:
    row = await s.fetchone(
        "SELECT suspended_at, history FROM accountability WHERE id_hash = ?", (account_hash(key, user_id),)
    )
    if row is None:
        return None
    return Record(datetime.fromisoformat(row[0]) if row[0] else None, json.loads(row[1]))


async def restore(tx: Session, key: bytes, user_id: int, now: datetime) -> Record | None:
    """A returning account gets back its suspension and the pairs it must never be matched in."""
    record = await record_of(tx, key, user_id)
    if record is not None and record.suspended_at is not None:
        await tx.execute(
            "UPDATE users SET suspended_at = ? WHERE id = ? AND suspended_at IS NULL",
            (iso(record.suspended_at), user_id),
        )
    mine = account_hash(key, user_id)
    kept = await tx.fetchall(
        "SELECT mentee_hash, mentor_hash FROM kept_exclusions WHERE mentee_hash = ?1 OR mentor_hash = ?1", (mine,)
    )
    if kept:
        others = {row[1] if row[0] == mine else row[0] for row in kept}
        for (other,) in await tx.fetchall("SELECT id FROM users WHERE id <> ?", (user_id,)):
            if account_hash(key, other) not in others:
                continue
            for mentee, mentor in ((user_id, other), (other, user_id)):
                if (account_hash(key, mentee), account_hash(key, mentor)) in {(r[0], r[1]) for r in kept}:
                    await tx.execute(
                        "INSERT INTO exclusions (mentee_id, mentor_id, reason, created_at) VALUES (?, ?, 'reported', ?)"
                        " ON CONFLICT DO NOTHING",
                        (mentee, mentor, iso(now)),
                    )
    return record


async def keep_evidence(tx: Session, user_id: int) -> None:
    """Before her rows go: copy what each open report involving her rests on (relayed messages,
    questions and answers), and let the report forget her id but not her hash."""
    reports = await tx.fetchall(
        "SELECT r.id, r.mentorship_id, COALESCE(m.mentee_id, q.mentee_id), COALESCE(m.mentor_id, q.mentor_id),"
        " COALESCE(r.request_id, m.request_id) FROM reports r"
        " LEFT JOIN mentorships m ON m.id = r.mentorship_id LEFT JOIN requests q ON q.id = r.request_id"
        " WHERE r.status <> 'closed' AND ? IN (r.reporter_id, r.reported_id)"
        " AND NOT EXISTS (SELECT 1 FROM report_evidence e WHERE e.report_id = r.id)",
        (user_id,),
    )
    for report_id, mentorship_id, mentee_id, _mentor_id, request_id in reports:
        await tx.execute(
            "INSERT INTO report_evidence (report_id, kind, sender, text, at)"
            " SELECT ?, 'message', CASE WHEN sender_id = ? THEN 'mentee' ELSE 'mentor' END, text, sent_at"
            " FROM relay_messages WHERE mentorship_id = ? ORDER BY id",
            (report_id, mentee_id, mentorship_id),
        )
        await tx.execute(
            "INSERT INTO report_evidence (report_id, kind, sender, text, at)"
            " SELECT ?, kind, CASE WHEN sender_id = ? THEN 'mentee' ELSE 'mentor' END, text, sent_at"
            " FROM request_messages WHERE request_id = ? ORDER BY id",
            (report_id, mentee_id, request_id),
        )
