"""`python -m bot backup PATH`: a consistent copy of the database, safe while the bot runs.

SQLite's online backup API copies the file in one step inside one read transaction: in
WAL mode the bot keeps writing meanwhile, and the copy is the database as it was at one
moment. The copy is written beside the target and renamed into place only once it passes
`PRAGMA integrity_check`, so a failed backup never leaves a half-written file behind.
"""

from __future__ import annotations

import os
import sqlite3
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

BUSY_TIMEOUT_MS = 10_000


class BackupError(RuntimeError):
    """The backup could not be made; the message says why."""


@dataclass(frozen=True, slots=True)
class Backup:
    path: Path
    size: int
    schema_version: int


def target_file(target: Path, now: datetime | None = None) -> Path:
    """A folder gets a dated file name inside it (handy for cron); a file name is used as is."""
    if target.is_dir():
        stamp = (now or datetime.now(UTC)).strftime("%Y%m%d-%H%M%S")
        return target / f"bot-{stamp}.sqlite3"
    return target


def backup(source: Path, target: Path) -> Backup:
    """Copy the database at `source` to `target` (a file, or a folder to put a dated file in)."""
    if not source.is_file():
        raise BackupError(f"{source}: no database there (check DATABASE_PATH)")
    target = target_file(target)
    if target.resolve() == source.resolve():
        raise BackupError(f"{target}: that is the database itself; choose another path")
    if not target.parent.is_dir():
        raise BackupError(f"{target.parent}: no such folder")
    partial = target.with_name(f".{target.name}.partial")
    # Owner-readable only, whatever the cron's umask (F18): it holds everyone's personal data.
    partial.touch(mode=0o600)
    os.chmod(partial, 0o600)
    try:
        with (
            closing(sqlite3.connect(source, timeout=BUSY_TIMEOUT_MS / 1000)) as src,
            closing(sqlite3.connect(partial)) as dst,
        ):
            src.backup(dst)  # one step: one consistent snapshot, writers go on meanwhile
            # A self-contained single file: no -wal beside it (the bot turns WAL on again at start).
            dst.execute("PRAGMA journal_mode = DELETE")
            check = dst.execute("PRAGMA integrity_check").fetchone()[0]
            if check != "ok":
                raise BackupError(
                    f"{source}: the copy failed its integrity check ({check}); the database may be damaged"
                )
            version = _schema_version(dst)
        os.replace(partial, target)
    except sqlite3.Error as error:
        raise BackupError(f"backup of {source} failed: {error}") from None
    finally:
        partial.unlink(missing_ok=True)
    return Backup(target, target.stat().st_size, version)


def _schema_version(conn: sqlite3.Connection) -> int:
    try:
        row = conn.execute("SELECT COALESCE(MAX(version), 0) FROM schema_migrations").fetchone()
        return int(row[0])
    except sqlite3.OperationalError:  # a file the bot never migrated
        return 0
