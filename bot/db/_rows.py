"""Row helpers the mentoring and session repositories share: stored times, dataclasses from rows."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import fields
from datetime import UTC, datetime


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
