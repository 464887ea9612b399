"""`python -m bot backup PATH`: a whole, checked copy even while the bot writes, and a restore."""

import shutil
import sqlite3
import threading
from datetime import UTC, datetime

import pytest

from bot.backup import BackupError, backup
from bot.cli import main
from bot.db import Database
from bot.db.database import available_migrations


async def make_database(path, users=0):
    db = Database(path)
    await db.open()
    now = datetime.now(UTC).isoformat()
    async with db.transaction() as tx:
        await tx.executemany(
            "INSERT INTO users (id, first_name, created_at, last_seen_at) VALUES (?, ?, ?, ?)",
            [(i, f"U{i}", now, now) for i in range(1, users + 1)],
        )
    await db.close()


class Writer(threading.Thread):
    """Another connection committing one user after another, as the running bot would."""

    def __init__(self, path, first_id):
        super().__init__(daemon=True)
        self.path, self.next_id = path, first_id
        self.stop = threading.Event()
        self.busy = threading.Event()  # set once it has committed a good number of rows
        self.committed = 0

    def run(self):
        conn = sqlite3.connect(self.path, timeout=10, isolation_level=None)
        now = datetime.now(UTC).isoformat()
        while not self.stop.is_set():
            conn.execute("BEGIN IMMEDIATE")
            conn.execute(
                "INSERT INTO users (id, first_name, created_at, last_seen_at) VALUES (?, 'W', ?, ?)",
                (self.next_id, now, now),
            )
            conn.execute("UPDATE users SET last_seen_at = ? WHERE id = 1", (now,))
            conn.execute("COMMIT")
            self.next_id += 1
            self.committed += 1
            if self.committed >= 200:
                self.busy.set()
        conn.close()


def check_copy(path):
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        versions = sorted(v for (v,) in conn.execute("SELECT version FROM schema_migrations"))
        assert versions == [v for v, _, _ in available_migrations()]
        # One self-contained file, no -wal beside it.
        assert conn.execute("PRAGMA journal_mode").fetchone() == ("delete",)
        return conn.execute("SELECT COUNT(*) FROM users").fetchone()[0]


async def test_a_backup_taken_while_another_connection_writes_is_whole_and_checked(tmp_path):
    path = tmp_path / "bot.sqlite3"
    await make_database(path, users=5000)
    writer = Writer(path, first_id=10_000)
    writer.start()
    try:
        assert writer.busy.wait(30)
        counts = []
        for n in range(3):
            made = backup(path, tmp_path / f"copy{n}.sqlite3")
            assert made.schema_version == len(available_migrations())
            counts.append(check_copy(made.path))
    finally:
        writer.stop.set()
        writer.join()
    # Each copy is one moment of a growing table: later copies hold at least as much.
    assert 5000 < counts[0] <= counts[1] <= counts[2] <= 5000 + writer.committed
    assert not (tmp_path / "copy0.sqlite3-wal").exists()
    assert not list(tmp_path.glob(".*.partial"))


async def test_the_cli_backs_up_and_a_restored_copy_opens_with_everything(tmp_path, monkeypatch, capsys):
    path = tmp_path / "data" / "bot.sqlite3"
    await make_database(path, users=3)
    monkeypatch.chdir(tmp_path)  # no stray .env
    monkeypatch.setenv("DATABASE_PATH", str(path))
    folder = tmp_path / "backups"
    folder.mkdir()

    assert main(["backup", str(folder)]) == 0
    out = capsys.readouterr().out
    assert "integrity ok" in out
    [copy] = list(folder.glob("bot-*.sqlite3"))

    # Restore: with the bot stopped, copy the file back; the bot opens it as it left it.
    path.unlink()
    shutil.copyfile(copy, path)
    db = Database(path)
    await db.open()
    assert await db.migrate() == []
    assert await db.fetchval("SELECT COUNT(*) FROM users") == 3
    await db.close()


async def test_backup_says_clearly_what_is_wrong(tmp_path, monkeypatch, capsys):
    path = tmp_path / "bot.sqlite3"
    with pytest.raises(BackupError, match="no database there"):
        backup(path, tmp_path / "copy.sqlite3")
    await make_database(path)
    with pytest.raises(BackupError, match="that is the database itself"):
        backup(path, path)
    with pytest.raises(BackupError, match="no such folder"):
        backup(path, tmp_path / "missing" / "copy.sqlite3")

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_PATH", str(tmp_path / "nothing.sqlite3"))
    assert main(["backup", str(tmp_path / "copy.sqlite3")]) == 2
    assert "backup error" in capsys.readouterr().err
    assert not (tmp_path / "nothing.sqlite3").exists()  # a backup never creates the database


async def test_a_backup_is_readable_by_its_owner_only_whatever_the_umask(tmp_path):
    import os

    await make_database(tmp_path / "bot.sqlite3", users=2)
    old = os.umask(0o022)
    try:
        made = backup(tmp_path / "bot.sqlite3", tmp_path / "copy.sqlite3")
    finally:
        os.umask(old)
    assert made.path.stat().st_mode & 0o777 == 0o600
