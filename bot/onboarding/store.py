"""The profiles table: onboarding answers as they are given, mentor vetting, erasure."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from bot.conduct.rules import VERSION as CONDUCT_VERSION
from bot.db import accountability
from bot.db._rows import iso
from bot.db.accountability import DEV_KEY, Record
from bot.db.database import Database, Session
from bot.mentorship.store.requests import withdraw_pending
from bot.onboarding.rules import Answers

# Columns an onboarding answer may write; anything else is a programming error.
ANSWER_COLUMNS = frozenset(
    {
        "age_band",
        "is_minor",
        "guardian_consent_at",
        "consent_at",
        "display_name",
        "region",
        "stage",
        "fields",
        "goals",
        "languages",
        "availability",
        "meeting_format",
        "job_title",
        "organisation",
        "bio",
        "capacity",
        "meeting_link",
        "link_answered",
    }
)
JSON_COLUMNS = ("fields", "goals", "languages", "availability")
# What an admin vets on a mentor's card: an approved mentor's edit of these waits for an admin
# before minors see it (F4); adults see it at once.
VETTED = ("job_title", "organisation", "bio", "meeting_link")


@dataclass(frozen=True, slots=True)
class Profile:
    user_id: int
    role: str | None
    step: str
    editing: bool
    paused: bool
    answers: Answers
    is_minor: bool
    meeting_link: str | None
    mentor_status: str | None
    cleared_for_minors: bool
    mentor_paused: bool
    updated_at: datetime
    completed_at: datetime | None
    nudges_sent: int
    vetted: dict[str, str | None] = field(default_factory=dict)
    change_pending: bool = False
    change_rev: int = 0
    conduct_version: int | None = None  # the code of conduct she accepted

    @property
    def done(self) -> bool:
        return self.step == "done"

    def current(self, column: str) -> str | None:
        return self.meeting_link if column == "meeting_link" else getattr(self.answers, column)

    def for_minors(self) -> Profile:
        """Her card as a minor may see it: the values an admin last approved."""
        if not self.change_pending:
            return self
        answers = replace(self.answers, **{c: self.vetted.get(c) for c in VETTED if c != "meeting_link"})
        return replace(self, answers=answers, meeting_link=self.vetted.get("meeting_link"))

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> Profile:
        lists = {name: frozenset(json.loads(row[name])) for name in JSON_COLUMNS}
        answers = Answers(
            role=row["role"],
            consent=row["consent_at"] is not None,
            age_band=row["age_band"],
            guardian_consent=row["guardian_consent_at"] is not None,
            display_name=row["display_name"],
            region=row["region"],
            stage=row["stage"],
            meeting_format=row["meeting_format"],
            job_title=row["job_title"],
            organisation=row["organisation"],
            bio=row["bio"],
            capacity=row["capacity"],
            link_answered=bool(row["link_answered"]),
            **lists,
        )
        return cls(
            user_id=row["user_id"],
            role=row["role"],
            step=row["step"],
            editing=bool(row["editing"]),
            paused=bool(row["paused"]),
            answers=answers,
            is_minor=bool(row["is_minor"]),
            meeting_link=row["meeting_link"],
            mentor_status=row["mentor_status"],
            cleared_for_minors=bool(row["cleared_for_minors"]),
            mentor_paused=bool(row["mentor_paused"]),
            updated_at=datetime.fromisoformat(row["updated_at"]),
            completed_at=datetime.fromisoformat(row["completed_at"]) if row["completed_at"] else None,
            nudges_sent=row["nudges_sent"],
            vetted={column: row[f"vetted_{column}"] for column in VETTED},
            change_pending=row["change_pending_at"] is not None,
            change_rev=row["change_rev"],
            conduct_version=row["conduct_version"],
        )


_SELECT = "SELECT p.*, u.role FROM profiles p JOIN users u ON u.id = p.user_id"


class ProfileRepository:
    def __init__(self, db: Database, key: bytes = DEV_KEY) -> None:
        self._db = db
        self._key = key

    async def get(self, user_id: int) -> Profile | None:
        row = await self._db.fetchone(f"{_SELECT} WHERE p.user_id = ?", (user_id,))
        return None if row is None else Profile.from_row(row)

    async def start(self, user_id: int, now: datetime, first_step: str) -> Profile:
        await self._db.execute(
            "INSERT INTO profiles (user_id, step, started_at, updated_at) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (user_id) DO NOTHING",
            (user_id, first_step, iso(now), iso(now)),
        )
        profile = await self.get(user_id)
        assert profile is not None
        return profile

    async def restart(self, user_id: int, now: datetime, first_step: str) -> Profile:
        """Forget an abandoned onboarding and begin again (her language stays)."""
        async with self._db.transaction() as tx:
            await tx.execute("DELETE FROM profiles WHERE user_id = ?", (user_id,))
            await tx.execute("UPDATE users SET role = NULL WHERE id = ?", (user_id,))
        return await self.start(user_id, now, first_step)

    async def save(
        self,
        user_id: int,
        now: datetime,
        *,
        step: str,
        role: str | None = None,
        editing: bool | None = None,
        then: Callable[[Profile], str] | None = None,
        **answers: Any,
    ) -> Profile:
        """Write answers and the step she moves to, in one transaction.

        With `then`, the step she moves to is `then(profile)` of her profile with these answers
        saved, written in the same transaction (one trip, where two saves took twice as many).
        """
        unknown = set(answers) - ANSWER_COLUMNS
        if unknown:
            raise ValueError(f"not an answer column: {sorted(unknown)}")
        values = {name: json.dumps(sorted(value)) if name in JSON_COLUMNS else value for name, value in answers.items()}
        values.update(step=step, updated_at=iso(now), paused=0, nudges_sent=0)
        if editing is not None:
            values["editing"] = int(editing)
        assignments = ", ".join(f"{name} = :{name}" for name in values)
        async with self._db.transaction() as tx:
            if {"age_band", "guardian_consent_at"} & set(answers):
                # Requests made on the old answers are withdrawn (the mentor was chosen for them).
                await withdraw_pending(tx, user_id, now, side="mentee_id", actor_id=user_id, detail="profile changed")
            await tx.execute(
                f"UPDATE profiles SET {assignments} WHERE user_id = :user_id",
                {**values, "user_id": user_id},
            )
            if role is not None:
                await tx.execute("UPDATE users SET role = ? WHERE id = ?", (role, user_id))
            if set(VETTED) & set(answers):
                await _mark_change(tx, user_id, now)
            row = await tx.fetchone(f"{_SELECT} WHERE p.user_id = ?", (user_id,))
            assert row is not None
            saved = Profile.from_row(row)
            if then is not None and (following := then(saved)) != saved.step:
                await tx.execute("UPDATE profiles SET step = ? WHERE user_id = ?", (following, user_id))
                saved = replace(saved, step=following)
        return saved

    async def pause(self, user_id: int) -> None:
        await self._db.execute("UPDATE profiles SET paused = 1 WHERE user_id = ?", (user_id,))

    async def complete(self, user_id: int, now: datetime, *, mentor: bool) -> bool:
        """Finish onboarding; False if it was already finished (a double-tapped Confirm)."""
        async with self._db.transaction() as tx:
            changed = await tx.execute(
                "UPDATE profiles SET step = 'done', editing = 0, completed_at = ?, updated_at = ?,"
                " mentor_status = CASE WHEN ? THEN 'pending' ELSE NULL END"
                " WHERE user_id = ? AND step <> 'done'",
                (iso(now), iso(now), mentor, user_id),
            )
            if changed:
                # An erased account that comes back keeps its suspension and its exclusions (F2).
                await accountability.restore(tx, self._key, user_id, now)
        return changed == 1

    async def account_record(self, user_id: int) -> Record | None:
        """Her account's safety history (suspensions, reports), if it has one, even from before an erasure."""
        return await accountability.record_of(self._db, self._key, user_id)

    async def decide_mentor(
        self,
        user_id: int,
        status: str,
        admin_id: int,
        now: datetime,
        *,
        cleared_for_minors: bool = False,
    ) -> bool:
        """Approve or reject a pending mentor; False if someone already decided.

        Approval vets her card as it is now: minors see these values until an admin approves a change;
        it needs the current code of conduct accepted (the handler says so first).
        """
        return 1 == await self._db.execute(
            "UPDATE profiles SET mentor_status = ?, cleared_for_minors = ?, mentor_decided_by = ?,"
            f" mentor_decided_at = ?, {_VET_NOW} WHERE user_id = ? AND mentor_status = 'pending'"
            " AND (? = 'rejected' OR COALESCE(conduct_version, 0) >= ?)",
            (status, int(cleared_for_minors), admin_id, iso(now), user_id, status, CONDUCT_VERSION),
        )

    async def decide_change(self, user_id: int, rev: int, *, approve: bool) -> Profile | None:
        """An admin's decision on an approved mentor's edit; None if it is no longer the edit she saw.

        Approve: minors see the new values. Reject: her card goes back to the approved values.
        """
        back = ", ".join(f"{c} = vetted_{c}" for c in VETTED)
        async with self._db.transaction() as tx:
            changed = await tx.execute(
                f"UPDATE profiles SET {_VET_NOW if approve else back + ', change_pending_at = NULL'}"
                " WHERE user_id = ? AND change_rev = ? AND change_pending_at IS NOT NULL",
                (user_id, rev),
            )
            row = await tx.fetchone(f"{_SELECT} WHERE p.user_id = ?", (user_id,))
        return Profile.from_row(row) if changed and row else None

    async def set_mentor_paused(self, user_id: int, paused: bool) -> None:
        await self._db.execute("UPDATE profiles SET mentor_paused = ? WHERE user_id = ?", (int(paused), user_id))

    async def pending_mentors(self) -> list[Profile]:
        rows = await self._db.fetchall(
            f"{_SELECT} WHERE p.mentor_status = 'pending' AND p.step = 'done' ORDER BY p.completed_at"
        )
        return [Profile.from_row(row) for row in rows]

    async def due_for_nudge(self, now: datetime, after: list[timedelta]) -> list[tuple[int, int]]:
        """(user id, nudge number) for unfinished onboardings quiet past each threshold."""
        due = []
        for number, quiet in enumerate(after):
            rows = await self._db.fetchall(
                "SELECT user_id FROM profiles p JOIN users u ON u.id = p.user_id"
                " WHERE p.completed_at IS NULL AND p.nudges_sent = ? AND p.updated_at <= ? AND u.blocked_bot = 0",
                (number, iso(now - quiet)),
            )
            due += [(row["user_id"], number + 1) for row in rows]
        return due

    async def claim_nudge(self, user_id: int, number: int) -> bool:
        """Mark nudge `number` as sent; False if another run already did (never twice)."""
        return 1 == await self._db.execute(
            "UPDATE profiles SET nudges_sent = ? WHERE user_id = ? AND nudges_sent = ? AND completed_at IS NULL",
            (number, user_id, number - 1),
        )

    async def erase(self, user_id: int, now: datetime) -> bool:
        """Erase everything about her; keep one anonymous row for the programme's counts."""
        async with self._db.transaction() as tx:
            row = await tx.fetchone(
                "SELECT u.role, p.age_band, p.region FROM users u LEFT JOIN profiles p ON p.user_id = u.id"
                " WHERE u.id = ?",
                (user_id,),
            )
            if row is None:
                return False
            await tx.execute(
                "INSERT INTO erased_accounts (role, age_band, region, erased_at) VALUES (?, ?, ?, ?)",
                (row["role"], row["age_band"], row["region"], iso(now)),
            )
            await tx.execute(
                "DELETE FROM conversations WHERE EXISTS (SELECT 1 FROM json_each(conversations.key) WHERE value = ?)",
                (user_id,),
            )
            await accountability.keep_evidence(tx, user_id)
            await _forget_in_audit(tx, user_id)
            # A circle's history keeps what happened, not who it was (as the audit does).
            await tx.execute("UPDATE circle_events SET actor_id = NULL WHERE actor_id = ?", (user_id,))
            await tx.execute("UPDATE circle_events SET subject_id = NULL WHERE subject_id = ?", (user_id,))
            # Profiles and everything else hang off users with ON DELETE CASCADE.
            await tx.execute("DELETE FROM users WHERE id = ?", (user_id,))
        return True


async def _forget_in_audit(tx: Session, user_id: int) -> None:
    """The admin audit keeps what was done, not to whom, once she is erased (F9)."""
    await tx.execute("UPDATE admin_audit SET target = 'erased' WHERE target = ?", (str(user_id),))
    rows = await tx.fetchall("SELECT id, details FROM admin_audit WHERE details LIKE ?", (f"%{user_id}%",))
    for row in rows:
        details = json.loads(row["details"])
        cleaned = {k: (None if v == user_id or v == str(user_id) else v) for k, v in details.items()}
        await tx.execute("UPDATE admin_audit SET details = ? WHERE id = ?", (json.dumps(cleaned), row["id"]))


_VET_NOW = ", ".join(f"vetted_{c} = {c}" for c in VETTED) + ", change_pending_at = NULL"


async def _mark_change(tx: Session, user_id: int, now: datetime) -> None:
    """An approved mentor's edit of a vetted field waits for an admin (a new revision each time);
    editing it back to the approved value withdraws the change."""
    differs = " OR ".join(f"{c} IS NOT vetted_{c}" for c in VETTED)
    await tx.execute(
        f"UPDATE profiles SET change_pending_at = CASE WHEN {differs} THEN ? END,"
        f" change_rev = change_rev + CASE WHEN {differs} THEN 1 ELSE 0 END"
        " WHERE user_id = ? AND mentor_status = 'approved'",
        (iso(now), user_id),
    )
