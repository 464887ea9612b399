"""Every row about her, found through the schema's foreign keys (for /mydata)."""

from __future__ import annotations

import json
from typing import Any

from bot.db import Database
from bot.db.database import Session

# Rows that are hers through a parent that is hers (a mentorship's rhythm, a session's reminders).
PARENTS = ("requests", "mentorships", "sessions")
# Where only some of a table's user columns make a row hers: a report about her is the reporter's
# (her account of it keeps the reporter safe); a held-back text is the sender's.
ONLY_BY = {
    "reports": ("reporter_id",),
    "contact_flags": ("sender_id",),
    "request_messages": ("sender_id", "request_id"),
    "reminders": ("recipient_id",),  # the other person's reminders of a shared session are hers
    "survey_invitations": ("user_id",),  # her mentee's surveys are her mentee's, not hers
}
# Columns that name other people with no foreign key to users: left out of her copy.
OTHER_PEOPLE = {
    "profiles": ("mentor_decided_by",),
    "sessions": ("cancelled_by",),
    "story_nominations": ("decided_by",),
}
# Columns that name a person with no foreign key to users, and make a row hers when they name her
# (a circle's history: who joined, left, wrote, was removed): others named there are left out.
NAMED = {
    "circle_events": ("actor_id", "subject_id"),
}
# Tables with a person's id that are an admin's work, not a participant's data (and why).
NOT_EXPORTED = {
    "admin_audit": "what admins did; her id is removed from it when she erases her account",
    "broadcast_drafts": "an admin's draft",
    "story_drafts": "an admin's draft",
    "opportunity_imports": "an admin's import",
    "opportunity_drafts": "an admin's draft",
    "opportunities": "published by an admin",
    "outbox_batches": "an admin's broadcast",
    "story_uploads": "an admin's upload",
    "story_channel_posts": "posts in the programme's channel",
}
JSON_COLUMNS = ("fields", "goals", "languages", "availability")


async def _user_columns(s: Session) -> dict[str, list[tuple[str, str]]]:
    """table -> [(column, the table it references)] for references to users and PARENTS."""
    tables = [r[0] for r in await s.fetchall("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
    found: dict[str, list[tuple[str, str]]] = {}
    for table in tables:
        keys = await s.fetchall(f'SELECT "from", "table" FROM pragma_foreign_key_list(\'{table}\')')
        refs = [(k[0], k[1]) for k in keys if k[1] in ("users", *PARENTS)]
        if refs:
            found[table] = refs
    return found


def _hers(table: str, refs: list[tuple[str, str]]) -> list[tuple[str, str]]:
    only = ONLY_BY.get(table)
    return refs if only is None else [(c, t) for c, t in refs if c in only]


async def export(db: Database, user_id: int) -> dict[str, Any]:
    data: dict[str, Any] = {}
    async with db.reading() as s:
        data["users"] = [dict(r) for r in await s.fetchall("SELECT * FROM users WHERE id = ?", (user_id,))]
        columns = await _user_columns(s)
        parent_ids: dict[str, list[int]] = {}
        # Parents first, in order: a session is hers through its mentorship too.
        for table in (*PARENTS, *sorted((set(columns) | set(NAMED)) - set(PARENTS))):
            refs = _hers(table, columns.get(table, []))
            where, params = [f"{column} = ?" for column in NAMED.get(table, ())], [user_id] * len(NAMED.get(table, ()))
            for column, target in refs:
                if target == "users":
                    where.append(f"{column} = ?")
                    params.append(user_id)
                elif parent_ids.get(target):
                    where.append(f"{column} IN ({', '.join('?' for _ in parent_ids[target])})")
                    params += parent_ids[target]
            if not where:
                continue
            query = f"SELECT * FROM {table} WHERE {' OR '.join(where)} ORDER BY rowid"  # in the order written
            rows = [dict(r) for r in await s.fetchall(query, params)]
            if table in PARENTS:
                parent_ids[table] = [r["id"] for r in rows]
            people = [c for c, t in columns.get(table, []) if t == "users"]
            people += [*OTHER_PEOPLE.get(table, ()), *NAMED.get(table, ())]
            for row in rows:
                for column in people:
                    if row.get(column) is not None and row[column] != user_id:
                        row[column] = None  # someone else: not in her copy (F15)
            data[table] = rows
        # An experiment's name says more to her than its number.
        if data.get("experiment_assignments"):
            names = {r["id"]: r["name"] for r in await s.fetchall("SELECT id, name FROM experiments")}
            for row in data["experiment_assignments"]:
                row["experiment"] = names.get(row["experiment_id"])
    for row in data.get("profiles", []):
        for name in JSON_COLUMNS:
            row[name] = json.loads(row[name])
    return data
