"""A session row, and what the session repositories share: loading one, upcoming statuses."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.db._rows import TwoSides, by_id, load, sql_list
from bot.db.database import Session
from bot.sessions.rules import UPCOMING, Refusal, Refused

UPCOMING_SQL = sql_list(UPCOMING)


@dataclass(frozen=True, slots=True)
class SessionRow(TwoSides):
    id: int
    mentorship_id: int
    mentor_id: int
    mentee_id: int
    starts_at: datetime
    minutes: int
    status: str
    agenda: str | None
    meeting_link: str | None
    for_minor: bool
    sequence: int
    created_at: datetime
    confirmed_at: datetime | None
    cancelled_at: datetime | None
    cancelled_by: int | None
    cancel_reason: str | None
    late_change: bool
    rescheduled_from: int | None
    feedback_asked_at: datetime | None
    mentee_coming_at: datetime | None
    mentor_coming_at: datetime | None

    @property
    def ends_at(self) -> datetime:
        return self.starts_at + timedelta(minutes=self.minutes)


@dataclass(frozen=True)
class People:
    """The two people of a session, read once: their names and the mentor's zone (for the .ics)."""

    mentee_id: int
    mentor_id: int
    mentee_name: str
    mentor_name: str
    mentor_zone: str

    def name(self, user_id: int) -> str:
        return self.mentee_name if user_id == self.mentee_id else self.mentor_name


def session_from_row(row: sqlite3.Row) -> SessionRow:
    return load(SessionRow, row)


async def load_session(s: Session, session_id: int) -> SessionRow:
    session = await by_id(s, SessionRow, "sessions", session_id)
    if session is None:
        raise Refused(Refusal.NOT_FOUND)
    return session
