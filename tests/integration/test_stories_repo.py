"""The story repository on a real SQLite file: a push is queued in a few statements, whatever its size."""

from datetime import UTC, datetime, timedelta

from bot.db import Database
from bot.stories.store import StoryRepository
from tests.support.db import db_rows

NOW = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)


async def test_a_push_to_many_subscribers_is_queued_in_a_constant_number_of_statements(tmp_path):
    db = Database(tmp_path / "bot.sqlite3")
    await db.open()
    stories = StoryRepository(db)
    people = range(1, 201)
    async with db.transaction() as tx:
        await tx.executemany(
            "INSERT INTO users (id, first_name, created_at, last_seen_at) VALUES (?, 'x', ?, ?)",
            [(uid, NOW.isoformat(), NOW.isoformat()) for uid in people],
        )
    for uid in people:
        await stories.subscribe(uid, "weekly", "morning", NOW - timedelta(minutes=1), NOW - timedelta(days=1))
    await stories.unsubscribe(200, NOW)  # turned off meanwhile: not queued
    statements: list[str] = []
    await db._conn.set_trace_callback(statements.append)
    batch = await stories.queue_push(NOW, [(uid, "ru", "ada-lovelace", NOW + timedelta(days=7)) for uid in people])
    await db._conn.set_trace_callback(None)
    # BEGIN, the batch, the outbox rows, the schedules, the total, COMMIT: not two per subscriber.
    assert len(statements) <= 8, statements
    assert db_rows(db.path, "SELECT COUNT(*) FROM outbox WHERE batch_id = ?", batch) == [(199,)]
    moved = db_rows(db.path, "SELECT COUNT(*) FROM story_subscriptions WHERE next_due_at > ?", NOW.isoformat())
    assert moved == [(199,)]
    assert await stories.queue_push(NOW, [(1, "ru", "ada-lovelace", NOW + timedelta(days=7))]) is None  # not due now
    await db.close()


async def test_due_subscribers_come_with_their_next_card_in_one_statement(tmp_path):
    db = Database(tmp_path / "bot.sqlite3")
    await db.open()
    stories = StoryRepository(db)
    await stories.import_cards([(slug, "it", "school", "world") for slug in ("a", "b", "c")], NOW)
    await stories.set_hidden("b", True)
    async with db.transaction() as tx:
        await tx.executemany(
            "INSERT INTO users (id, first_name, created_at, last_seen_at) VALUES (?, 'x', ?, ?)",
            [(uid, NOW.isoformat(), NOW.isoformat()) for uid in (1, 2, 3)],
        )
    for uid in (1, 2, 3):
        await stories.subscribe(uid, "weekly", "morning", NOW - timedelta(minutes=uid), NOW - timedelta(days=1))
    await stories.record_view(2, "a", NOW)  # she has seen a: c is next (b is hidden)
    for slug in ("a", "c"):
        await stories.record_view(3, slug, NOW)  # she has seen every visible card: a new pass starts at a
    statements: list[str] = []
    await db._conn.set_trace_callback(statements.append)
    due = await stories.due(NOW)
    await db._conn.set_trace_callback(None)
    assert len(statements) == 1, statements
    assert [(sub.user_id, sub.slug) for sub in due] == [(3, "a"), (2, "c"), (1, "a")]
    assert [sub.slug for sub in due] == [await stories.next_unseen(sub.user_id) for sub in due]
    await db.close()
