"""The database in trouble: locked by another process, read-only, the disk full, a folder that
cannot be made. The bot waits or says clearly what is wrong, and the file is never damaged."""

import asyncio
import logging
import sqlite3
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.db import Database, DatabaseError
from sandbox.process import spawn_bot

SORRY = "Sorry, something went wrong on my side."
# Another process takes the write lock, says so, holds it, and says when it lets go.
HOLD_LOCK = """
import sqlite3, sys, time
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("BEGIN EXCLUSIVE")
print("locked", flush=True)
time.sleep(float(sys.argv[2]))
print(time.time(), flush=True)
conn.execute("COMMIT")
"""


def integrity(path) -> str:
    with sqlite3.connect(path) as conn:
        return conn.execute("PRAGMA integrity_check").fetchone()[0]


async def test_a_database_locked_by_another_process_makes_her_wait_not_fail(bot, users, emulator, runner):
    aida = users.new("Aida", "en")
    holder = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        HOLD_LOCK,
        str(runner.database_path),
        "2",
        stdout=asyncio.subprocess.PIPE,
    )
    assert (await holder.stdout.readline()).strip() == b"locked"
    await aida.send("/start")
    question = await aida.sees("Please choose your language:", timeout=15)
    released_at = float(await holder.stdout.readline())
    assert await holder.wait() == 0
    answered_at = next(
        e.time
        for e in emulator.events
        if e.kind == "bot_message" and e.message_id == question.message_id and e.chat_id == aida.id
    )
    assert answered_at >= released_at  # she waited for the lock, and then she was answered
    assert not [m for m in emulator.bot_messages(aida.id) if SORRY in (m.text or "")]
    assert (await runner.services.users.get(aida.id)) is not None


async def test_a_read_only_database_gives_a_clear_error_and_no_damage(bot, users, emulator, runner, caplog):
    aida = users.new("Aida", "en")
    await aida.start_in("English")
    await runner.settled()
    db = runner.services.db
    async with db.reading() as session:  # every write now fails, as on a read-only file or mount
        await session.execute("PRAGMA query_only = 1")
    # Reading still works (her /help needs no write) ...
    await aida.send_then_see("/help", "Here is what I can do:")
    # ... and a change she makes gets an apology, not silence.
    await aida.send("/language")
    await aida.sees_buttons("Русский")
    with caplog.at_level(logging.ERROR):
        await aida.press_then_see("Русский", SORRY)
    assert "attempt to write a readonly database" in caplog.text
    async with db.reading() as session:
        await session.execute("PRAGMA query_only = 0")
    await aida.send_then_see("/help", "Here is what I can do:")
    assert integrity(runner.database_path) == "ok"


async def full_database(path: Path) -> Database:
    """A database whose disk is full: not one more page may be added."""
    db = Database(path)
    await db.open()
    now = datetime.now(UTC).isoformat()
    await db.execute(
        "INSERT INTO users (id, first_name, created_at, last_seen_at) VALUES (1, 'Aida', ?, ?)",
        (now, now),
    )
    async with db.reading() as session:
        pages = await session.fetchval("PRAGMA page_count")
        await session.execute(f"PRAGMA max_page_count = {pages}")
    return db


async def write_too_much(db: Database) -> None:
    now = datetime.now(UTC).isoformat()
    async with db.transaction() as tx:
        await tx.execute("UPDATE users SET first_name = 'Changed' WHERE id = 1")
        for user_id in range(2, 500):
            await tx.execute(
                "INSERT INTO users (id, first_name, created_at, last_seen_at) VALUES (?, ?, ?, ?)",
                (user_id, "x" * 500, now, now),
            )


async def test_a_full_disk_mid_transaction_leaves_the_file_as_it_was(tmp_path):
    path = tmp_path / "bot.sqlite3"
    db = await full_database(path)
    with pytest.raises(sqlite3.Error):
        await write_too_much(db)
    # The whole transaction is gone, the earlier data is intact, and the connection goes on.
    assert [tuple(r) for r in await db.fetchall("SELECT id, first_name FROM users")] == [(1, "Aida")]
    assert await db.fetchval("PRAGMA integrity_check") == "ok"
    await db.execute("UPDATE users SET last_seen_at = 'later' WHERE id = 1")
    await db.close()
    assert integrity(path) == "ok"


async def test_a_full_disk_mid_transaction_says_the_disk_is_full(tmp_path):
    db = await full_database(tmp_path / "bot.sqlite3")
    try:
        with pytest.raises(sqlite3.Error, match="disk is full"):
            await write_too_much(db)
    finally:
        await db.close()


async def test_a_database_folder_that_cannot_be_made_stops_start_up_with_one_clear_line(tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the database folder should be")
    path = blocker / "data" / "bot.sqlite3"
    with pytest.raises(DatabaseError, match="DATABASE_PATH: cannot create"):
        await Database(path).open()

    process = await spawn_bot("http://127.0.0.1:9/bot", path)
    _, stderr = await asyncio.wait_for(process.communicate(), timeout=30)
    assert process.returncode == 2
    assert stderr.decode().strip().splitlines() == [
        f"database error: DATABASE_PATH: cannot create {path.parent}: Not a directory"
    ]
