"""Row helpers the mentoring and session repositories share: stored times, dataclasses from rows."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import fields
from datetime import UTC, datetime
from typing import Any, TypeVar

T = TypeVar("T")


def iso(moment: datetime) -> str:
    """A moment as stored: UTC text, to the second."""
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def optional_time(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def load(cls, row: sqlite3.Row):
    """A dataclass from its row: `*_at` and `datetime` fields are times, `bool` fields are 0/1, `dict` and `list`
    fields are JSON, `frozenset` fields a JSON list."""
    values = {}
    for field in fields(cls):
        value, kind = row[field.name], str(field.type)
        if field.name.endswith("_at") or kind.startswith("datetime"):
            value = optional_time(value)
        elif kind == "bool":
            value = bool(value)
        elif kind.startswith(("dict", "list")):
            value = json.loads(value)
        elif kind.startswith("frozenset"):
            value = frozenset(json.loads(value))
        values[field.name] = value
    return cls(**values)


async def by_id(s: Any, cls: type[T], table: str, row_id: int) -> T | None:
    """Row `row_id` of `table` as its dataclass, or None; `s` is a Session or the Database."""
    row = await s.fetchone(f"SELECT * FROM {table} WHERE id = ?", (row_id,))
    return None if row is None else load(cls, row)


class TwoSides:
    """A row between a mentee and a mentor (a mentorship, a session), as seen by one of them."""

    __slots__ = ()
    mentee_id: int
    mentor_id: int

    def other(self, user_id: int) -> int:
        return self.mentor_id if user_id == self.mentee_id else self.mentee_id

    def has(self, user_id: int) -> bool:
        return user_id in (self.mentee_id, self.mentor_id)


def sql_list(codes) -> str:
    """Fixed codes (never user input) as an SQL list for `IN`: ('active', 'paused')."""
    return "('" + "', '".join(codes) + "')"
