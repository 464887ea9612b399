"""The storage layer: one SQLite connection, migrations, and the repositories (the only SQL)."""

from bot.db.database import Database, DatabaseError, DatabaseTooNew

__all__ = ["Database", "DatabaseError", "DatabaseTooNew"]
