"""Database reads for assertions: straight from the SQLite file, as an operator would look."""

from __future__ import annotations

import sqlite3
from pathlib import Path


class Row(sqlite3.Row):
    """A row read by column name or index, and equal to the tuple of its values."""

    def __eq__(self, other: object) -> bool:
        if isinstance(other, tuple):
            return tuple(self) == other
        return super().__eq__(other)

    def __lt__(self, other: object) -> bool:
        return tuple(self) < tuple(other)

    def __hash__(self) -> int:
        return hash(tuple(self))


def _path(where) -> Path:
    """A runner (its database) or a path."""
    return Path(getattr(where, "database_path", where))


def db_rows(where, sql: str, *params) -> list[Row]:
    with sqlite3.connect(_path(where)) as conn:
        conn.row_factory = Row
        return conn.execute(sql, params).fetchall()


def db_row(where, sql: str, *params) -> Row | None:
    found = db_rows(where, sql, *params)
    return found[0] if found else None


def scalar(where, sql: str, *params):
    """The first column of the first row (None if there is none)."""
    row = db_row(where, sql, *params)
    return None if row is None else row[0]


def her_profile(where, user_id: int, columns: str = "p.*, u.role") -> Row | None:
    """Her profile row joined with her user row (`p.` and `u.` name the two)."""
    return db_row(
        where, f"SELECT {columns} FROM profiles p JOIN users u ON u.id = p.user_id WHERE p.user_id = ?", user_id
    )


def conversation_rows(where, user_id: int) -> list[tuple[str, str]]:
    """Her conversations' states in the database: (name, JSON state) pairs."""
    return [
        tuple(r)
        for r in db_rows(where, "SELECT name, state FROM conversations WHERE key = ?", f"[{user_id}, {user_id}]")
    ]
