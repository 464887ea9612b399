"""The SQLite file: migrations, refusal of newer files, clear errors for broken ones."""

import os
import sqlite3
from datetime import UTC, datetime, timedelta

import pytest

from bot.admin.stats import programme_stats
from bot.db import Database, DatabaseError, DatabaseTooNew
from bot.db.database import available_migrations
from bot.db.users import UserRepository


async def test_migrations_apply_once_and_are_recorded(tmp_path):
    path = tmp_path / "bot.sqlite3"
    db = Database(path)
    await db.open()
    versions = await db.fetchall("SELECT version, name FROM schema_migrations ORDER BY version")
    assert [v["version"] for v in versions] == [m[0] for m in available_migrations()]
    assert await db.migrate() == []
    assert (await db.fetchone("PRAGMA journal_mode"))[0] == "wal"
    assert (await db.fetchone("PRAGMA foreign_keys"))[0] == 1
    await db.close()


async def test_a_database_from_a_newer_bot_is_refused_and_left_alone(tmp_path):
    path = tmp_path / "bot.sqlite3"
    db = Database(path)
    await db.open()
    await db.execute("INSERT INTO schema_migrations VALUES (999, '0999_future.sql', 'x')")
    await db.close()
    with pytest.raises(DatabaseTooNew, match="newer than this bot knows"):
        await Database(path).open()
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT MAX(version) FROM schema_migrations").fetchone()[0] == 999


async def test_a_corrupt_file_stops_with_a_clear_message(tmp_path):
    path = tmp_path / "bot.sqlite3"
    path.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(DatabaseError, match="not a valid SQLite database"):
        await Database(path).open()


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores file permissions")
async def test_a_read_only_file_stops_with_a_clear_message(tmp_path):
    path = tmp_path / "bot.sqlite3"
    sqlite3.connect(path).close()
    path.chmod(0o444)
    with pytest.raises(DatabaseError, match="read-only"):
        await Database(path).open()


@pytest.mark.parametrize(
    ("sqlite_error", "explained"),
    [
        ("attempt to write a readonly database", "read-only"),
        ("database or disk is full", "disk is full"),
        ("database is locked", "locked by another process"),
        ("unable to open database file", "cannot open"),
    ],
)
def test_sqlite_errors_are_explained_in_plain_words(tmp_path, sqlite_error, explained):
    assert explained in Database(tmp_path / "x.sqlite3")._explain(sqlite3.OperationalError(sqlite_error))


async def test_a_failed_transaction_leaves_nothing_behind(tmp_path):
    db = Database(tmp_path / "bot.sqlite3")
    await db.open()
    now = datetime.now(UTC).isoformat()
    with pytest.raises(RuntimeError):
        async with db.transaction() as tx:
            await tx.execute("INSERT INTO users (id, created_at, last_seen_at) VALUES (1, ?, ?)", (now, now))
            raise RuntimeError("boom")
    assert await db.fetchval("SELECT COUNT(*) FROM users") == 0
    await db.close()


async def test_users_are_created_seen_and_marked(tmp_path):
    db = Database(tmp_path / "bot.sqlite3")
    await db.open()
    users = UserRepository(db, "Asia/Bishkek")
    now = datetime(2026, 1, 1, tzinfo=UTC)
    aida = await users.seen(42, "Aida", "ru", now)
    assert (aida.language, aida.timezone, aida.created_at) == (None, "Asia/Bishkek", now)
    await users.set_language(42, "ky")
    await users.mark_blocked(42, now)
    assert (await users.get(42)).blocked_bot
    later = await users.seen(42, "Aida", "ru", now + timedelta(hours=1))
    assert later.language == "ky" and not later.blocked_bot and later.last_seen_at == now + timedelta(hours=1)
    assert await users.count() == 1
    await db.close()


async def test_weekly_signups_count_each_sign_up_in_the_week_that_starts_on_its_monday(tmp_path):
    db = Database(tmp_path / "bot.sqlite3")
    await db.open()
    # Monday 1 January 2024, Sunday 7 January, Monday 8 January.
    for uid, at in (
        (1, "2024-01-01T09:00:00+00:00"),
        (2, "2024-01-07T20:00:00+00:00"),
        (3, "2024-01-08T09:00:00+00:00"),
    ):
        await db.execute(
            "INSERT INTO users (id, first_name, created_at, last_seen_at) VALUES (?, 'x', ?, ?)", (uid, at, at)
        )
    stats = await programme_stats(db, datetime(2024, 1, 10, tzinfo=UTC))
    await db.close()
    assert stats.weekly_signups == [("2024-01-01", 2), ("2024-01-08", 1)]
