"""The storage layer: one SQLite connection, numbered migrations, shared row helpers, users and
the accountability log (each feature package keeps its own SQL in its store)."""

from bot.db.database import Database, DatabaseError, DatabaseTooNew

__all__ = ["Database", "DatabaseError", "DatabaseTooNew"]
