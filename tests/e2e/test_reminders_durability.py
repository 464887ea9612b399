"""Reminders survive a kill -9: planned by a bot process that dies before they are due, they
are sent once by the bot that comes back after their moment, or marked missed if the session
has begun; a reminder the dead bot was in the middle of sending is never sent again."""

import signal
import sqlite3
from datetime import timedelta
from zoneinfo import ZoneInfo

from bot.db import Database
from bot.db.users import UserRepository
from bot.i18n import translator
from bot.jobs import run_jobs
from bot.mentorship.store.requests import RequestRepository
from bot.onboarding.store import ProfileRepository
from bot.sessions.store.slots import SlotRepository
from tests.support.builders import add_mentee, add_mentor, reminders_seen
from tests.support.db import db_rows
from tests.support.runner import start_bot_process

BISHKEK = ZoneInfo("Asia/Bishkek")


def whole_hour(moment, hours):
    return (moment + timedelta(hours=hours)).replace(minute=0, second=0, microsecond=0)


async def prepare(database_path, now, mentor, *mentees_and_starts):
    """People, mentorships and free slots, written before the bot process starts."""
    db = Database(database_path)
    await db.open()
    try:
        users, profiles = UserRepository(db, "Asia/Bishkek"), ProfileRepository(db)
        requests, slots = RequestRepository(db), SlotRepository(db)
        await add_mentor(users, profiles, mentor.id, now, name=mentor.name, capacity=3)
        for mentee, start in mentees_and_starts:
            await add_mentee(users, profiles, mentee.id, now, name=mentee.name)
            request = await requests.create_request(mentee.id, mentor.id, now)
            await requests.accept(request.id, mentor.id, now)
            await slots.add_one_off(mentor.id, start, 60, "Asia/Bishkek", now)
    finally:
        await db.close()


async def book_and_confirm(mentee, mentor, start):
    label = translator("en").datetime(start, BISHKEK)
    await mentee.send("/book")
    await mentee.press(label)
    await mentee.press_then_see("✅ Book it", "I've asked Aigul to confirm")
    request = await mentor.sees(f"{mentee.name} would like a session with you")
    assert await mentor.press("✅ Confirm", request.message_id) == "Confirmed ✓"
    await mentee.sees("Your session is confirmed")


async def test_after_a_kill_9_each_reminder_arrives_once_or_is_marked_missed(
    emulator, users, database_path, runner, clock, monkeypatch
):
    aida, bermet, aigul = (
        users.new("Aida", "en"),
        users.new("Bermet", "en"),
        users.new("Aigul", "en"),
    )
    later = whole_hour(clock.now(), 8)  # Aida's session
    sooner = whole_hour(clock.now(), 5)  # Bermet's: at least 4 h ahead (3 h notice), begun by the restart
    await prepare(database_path, clock.now(), aigul, (aida, later), (bermet, sooner))

    monkeypatch.setenv("REMINDER_OFFSETS", "2h,1h")
    process = await start_bot_process(emulator, database_path)
    try:
        await book_and_confirm(aida, aigul, later)
        await book_and_confirm(bermet, aigul, sooner)
    finally:
        process.send_signal(signal.SIGKILL)
        await process.wait()
    assert db_rows(database_path, "SELECT COUNT(*), MIN(status), MAX(status) FROM reminders") == [
        (8, "pending", "pending")
    ]
    # As if the dead bot had claimed Aigul's 2-hour reminder and died in the middle of sending it.
    with sqlite3.connect(database_path) as conn:
        conn.execute(
            "UPDATE reminders SET status = 'sending', attempts = 1 WHERE recipient_id = ?"
            " AND offset_seconds = 7200 AND due_at = ?",
            (aigul.id, (later - timedelta(hours=2)).isoformat()),
        )

    # The bot is down past the 2-hour moment of Aida's session and past Bermet's start.
    clock.advance(later - timedelta(minutes=90) - clock.now())
    app = await runner.start(REMINDER_OFFSETS="2h,1h")
    app.job_queue.scheduler.pause()  # the test runs the ticks itself
    await run_jobs(app)
    await run_jobs(app)
    (hers,) = reminders_seen(emulator, aida)
    assert "in 90 minutes" in hers.text and "Aigul" in hers.text
    assert reminders_seen(emulator, aigul) == []  # hers may have gone out before the crash
    assert reminders_seen(emulator, bermet) == []
    by_session = db_rows(
        database_path,
        "SELECT s.starts_at, r.recipient_id, r.offset_seconds, r.status, r.error FROM reminders r"
        " JOIN sessions s ON s.id = r.session_id ORDER BY 1, 2, 3",
    )
    expected = {
        (later.isoformat(), aida.id, 3600): ("pending", None),
        (later.isoformat(), aida.id, 7200): ("sent", None),
        (later.isoformat(), aigul.id, 3600): ("pending", None),
        (later.isoformat(), aigul.id, 7200): ("sent", "uncertain: the bot stopped while sending"),
    }
    for person in (bermet.id, aigul.id):
        for offset in (3600, 7200):
            expected[(sooner.isoformat(), person, offset)] = ("missed", None)
    assert {row[:3]: row[3:] for row in by_session} == expected

    clock.advance(timedelta(minutes=30))
    await run_jobs(app)
    await run_jobs(app)
    assert len(reminders_seen(emulator, aida)) == 2 and len(reminders_seen(emulator, aigul)) == 1
    assert "in 1 hour" in reminders_seen(emulator, aigul)[0].text
