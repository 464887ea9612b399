"""One long-lived aiosqlite connection, serialised, with numbered migrations.

All statements go through one lock: a single SQLite connection shares one
transaction, so a write from one handler must never land inside another's.
"""

from __future__ import annotations

import asyncio
import logging
import re
import sqlite3
from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Any

import aiosqlite

log = logging.getLogger(__name__)

MIGRATION_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")
BUSY_TIMEOUT_MS = 10_000


class DatabaseError(RuntimeError):
    """The database cannot be used; the message says why and what to do."""


class DatabaseTooNew(DatabaseError):
    """The file was migrated by a newer version of the bot."""


def utcnow_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def available_migrations() -> list[tuple[int, str, str]]:
    """(version, name, sql) for every migration shipped with the code, in order."""
    folder = resources.files("bot.db") / "migrations"
    found = []
    for entry in folder.iterdir():
        match = MIGRATION_NAME.match(entry.name)
        if match:
            found.append((int(match.group(1)), entry.name, entry.read_text(encoding="utf-8")))
    found.sort()
    versions = [v for v, _, _ in found]
    if versions != list(range(1, len(versions) + 1)):
        raise DatabaseError(f"migrations are not numbered 1..N without gaps: {versions}")
    return found


class Session:
    """Statements inside one transaction (the caller holds the lock)."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    async def execute(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> int:
        """Run a statement; return the number of rows it changed."""
        cursor = await self._conn.execute(sql, params)
        return cursor.rowcount

    async def insert(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> int:
        cursor = await self._conn.execute(sql, params)
        return cursor.lastrowid or 0

    async def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        await self._conn.executemany(sql, rows)

    async def fetchone(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> sqlite3.Row | None:
        rows = await self.fetchall(sql, params)
        return rows[0] if rows else None

    async def fetchall(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> list[sqlite3.Row]:
        # One trip to the database thread, not two (execute, then fetch): each trip costs more than
        # the query itself, and a handler's reads are small.
        return list(await self._conn.execute_fetchall(sql, params))

    async def fetchval(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> Any:
        row = await self.fetchone(sql, params)
        return None if row is None else row[0]


class Database:
    """The bot's SQLite file. Open once at start-up, close at shutdown."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self._conn: aiosqlite.Connection | None = None
        self._lock = asyncio.Lock()

    async def open(self, *, migrate: bool = True) -> None:
        if self.path != Path(":memory:"):
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as error:
                raise DatabaseError(f"DATABASE_PATH: cannot create {self.path.parent}: {error.strerror}") from None
        try:
            # isolation_level=None: we issue BEGIN/COMMIT ourselves.
            self._conn = await aiosqlite.connect(self.path, isolation_level=None)
            self._conn.row_factory = sqlite3.Row
            await self._conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            await self._conn.execute("PRAGMA journal_mode = WAL")
            await self._conn.execute("PRAGMA foreign_keys = ON")
            await self._conn.execute("PRAGMA synchronous = NORMAL")
            await self._check_integrity()
            if migrate:
                await self.migrate()
        except sqlite3.DatabaseError as error:
            await self.close()
            raise DatabaseError(self._explain(error)) from None

    def _explain(self, error: sqlite3.DatabaseError) -> str:
        text = str(error)
        if "not a database" in text or "malformed" in text:
            return f"{self.path}: the file is not a valid SQLite database (corrupt?); restore it from a backup"
        if "readonly" in text or "read-only" in text:
            return f"{self.path}: the database is read-only; check the file's and its folder's permissions"
        if "unable to open" in text:
            return f"{self.path}: cannot open the database file; check the path and permissions"
        if "locked" in text or "busy" in text:
            return f"{self.path}: the database is locked by another process"
        if "full" in text:
            return f"{self.path}: the disk is full"
        return f"{self.path}: {text}"

    async def _check_integrity(self) -> None:
        assert self._conn is not None
        cursor = await self._conn.execute("PRAGMA quick_check")
        row = await cursor.fetchone()
        if row is None or row[0] != "ok":
            raise sqlite3.DatabaseError("database disk image is malformed")

    async def close(self) -> None:
        if self._conn is not None:
            conn, self._conn = self._conn, None
            await conn.close()

    @property
    def is_open(self) -> bool:
        return self._conn is not None

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Session]:
        """BEGIN IMMEDIATE ... COMMIT, rolled back on any error."""
        conn = self._connection()
        async with self._lock:
            await conn.execute("BEGIN IMMEDIATE")
            try:
                yield Session(conn)
            except BaseException:
                # SQLite may have rolled back already (a full disk, say): then there is nothing to undo,
                # and a ROLLBACK would replace the real error with "no transaction is active".
                if conn.in_transaction:
                    await conn.execute("ROLLBACK")
                raise
            else:
                await conn.execute("COMMIT")

    @asynccontextmanager
    async def reading(self) -> AsyncIterator[Session]:
        """Statements under the lock, without a transaction around them (each is atomic alone)."""
        conn = self._connection()
        async with self._lock:
            yield Session(conn)

    async def execute(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> int:
        """One statement, which SQLite makes atomic on its own: one trip to the database thread,
        where BEGIN ... COMMIT around it took three."""
        async with self.reading() as s:
            return await s.execute(sql, params)

    async def fetchone(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> sqlite3.Row | None:
        async with self.reading() as s:
            return await s.fetchone(sql, params)

    async def fetchall(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> list[sqlite3.Row]:
        async with self.reading() as s:
            return await s.fetchall(sql, params)

    async def fetchval(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> Any:
        async with self.reading() as s:
            return await s.fetchval(sql, params)

    async def fetch_table(self, sql: str, params: Sequence[Any] = ()) -> tuple[list[str], list[sqlite3.Row]]:
        """Column names (known even when no row matches) and the rows."""
        async with self._lock:
            cursor = await self._connection().execute(sql, params)
            rows = list(await cursor.fetchall())
            return [d[0] for d in cursor.description], rows

    def _connection(self) -> aiosqlite.Connection:
        if self._conn is None:
            raise DatabaseError("the database is not open")
        return self._conn

    async def schema_version(self) -> int:
        conn = self._connection()
        await conn.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations ("
            " version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
        )
        cursor = await conn.execute("SELECT COALESCE(MAX(version), 0) FROM schema_migrations")
        row = await cursor.fetchone()
        return int(row[0])

    async def migrate(self) -> list[str]:
        """Apply the migrations this file has not seen, each in its own transaction."""
        migrations = available_migrations()
        newest = migrations[-1][0] if migrations else 0
        async with self._lock:
            current = await self.schema_version()
            if current > newest:
                raise DatabaseTooNew(
                    f"{self.path}: the database is at schema version {current}, newer than this "
                    f"bot knows ({newest}); upgrade the bot instead of running an older one"
                )
            applied = []
            conn = self._connection()
            for version, name, sql in migrations:
                if version <= current:
                    continue
                script = (
                    "BEGIN IMMEDIATE;\n" + sql + "\n;INSERT INTO schema_migrations (version, name, applied_at) "
                    f"VALUES ({version}, '{name}', '{utcnow_iso()}');\nCOMMIT;"
                )
                try:
                    await conn.executescript(script)
                except sqlite3.Error as error:
                    if conn.in_transaction:
                        await conn.execute("ROLLBACK")
                    raise DatabaseError(f"migration {name} failed: {error}") from None
                log.info("applied migration %s", name)
                applied.append(name)
            return applied


class Repository:
    """A store's methods over the one database; a store with more to hold (a key, a default) adds it."""

    def __init__(self, db: Database) -> None:
        self._db = db
