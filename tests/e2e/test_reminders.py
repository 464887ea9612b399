"""Reminders end to end: both arrive once each, in each one's language and zone, with working
buttons; reschedule re-plans them and cancel stops them; a late change needs a reason; a send
that fails is retried, then reported; a blocked recipient is marked.

Time moves with `clock.advance` and `run_jobs`; the repeating job is paused so that each
test decides exactly when the ticks run.
"""

import sqlite3
from datetime import timedelta
from zoneinfo import ZoneInfo

from bot.i18n import translator
from bot.jobs import run_jobs
from bot.sessions.rules import MIN_NOTICE
from tests.support.builders import confirmed_session, free_hour, pair, reminders_seen, send_confirmed_cards
from tests.support.db import db_rows

BISHKEK = ZoneInfo("Asia/Bishkek")


async def start_bot(runner, offsets="2h,1h"):
    app = await runner.start(REMINDER_OFFSETS=offsets)
    app.job_queue.scheduler.pause()  # the test runs the ticks itself
    return app


def statuses(runner, session_id=None):
    sql = "SELECT recipient_id, offset_seconds, status FROM reminders"
    rows = db_rows(
        runner,
        sql + (" WHERE session_id = ?" if session_id else ""),
        *([session_id] if session_id else []),
    )
    return sorted(tuple(r) for r in rows)


async def advance_to(runner, clock, moment):
    clock.advance(moment - clock.now())
    await run_jobs(runner.app)


async def test_both_reminders_arrive_once_each_in_each_ones_language(emulator, users, runner, clock):
    await start_bot(runner)
    aida, aigul, mentorship = await pair(runner, users, language="ru", mentor_language="ky")
    start = await free_hour(runner, aigul, hours_ahead=5)
    session = await confirmed_session(runner, mentorship, start)
    assert statuses(runner) == [
        (aida.id, 3600, "pending"), (aida.id, 7200, "pending"),
        (aigul.id, 3600, "pending"), (aigul.id, 7200, "pending"),
    ]  # fmt: skip
    await run_jobs(runner.app)
    assert reminders_seen(emulator, aida) == []

    await advance_to(runner, clock, start - timedelta(hours=2))
    await run_jobs(runner.app)  # a second run sends nothing twice
    (hers,) = reminders_seen(emulator, aida)
    (his,) = reminders_seen(emulator, aigul)
    assert translator("ru").datetime(start, BISHKEK) in hers.text and "Aigul" in hers.text
    assert translator("ky").datetime(start, BISHKEK) in his.text and "Aida" in his.text
    assert "через 2 часа" in hers.text and session.meeting_link in hers.text  # she reads Russian
    assert aida.buttons(hers) == ["✅ Я приду", "🔁 Перенести", "✖️ Отменить"]

    await advance_to(runner, clock, start - timedelta(hours=1))
    await run_jobs(runner.app)
    assert len(reminders_seen(emulator, aida)) == len(reminders_seen(emulator, aigul)) == 2
    assert "через 1 час" in reminders_seen(emulator, aida)[-1].text
    assert {s for _, _, s in statuses(runner)} == {"sent"}


async def test_ill_be_there_is_noted_once_and_refused_after_a_cancel(emulator, users, runner, clock):
    await start_bot(runner, "1h")
    aida, aigul, mentorship = await pair(runner, users)
    start = await free_hour(runner, aigul, hours_ahead=5)
    session = await confirmed_session(runner, mentorship, start)
    await advance_to(runner, clock, start - timedelta(hours=1))
    (reminder,) = reminders_seen(emulator, aida)
    assert await aida.press("✅ I'll be there", reminder.message_id) == "Wonderful, see you there! ✓"
    await aigul.sees("Aida will be there")
    assert await aida.press("✅ I'll be there", reminder.message_id) == "Already noted ✓ See you there!"
    assert db_rows(runner, "SELECT mentee_coming_at FROM sessions")[0][0] is not None

    await runner.services.bookings.cancel(session.id, aigul.id, clock.now(), "Sick")
    assert await aida.press("✅ I'll be there", reminder.message_id) == (
        "This session is cancelled or over, so this can't be done now."
    )
    assert await aida.press("✖️ Cancel", reminder.message_id) == (
        "This session is cancelled or over, so this can't be done now."
    )


async def test_reschedule_replans_the_reminders_and_cancel_stops_them(emulator, users, runner, clock):
    await start_bot(runner)
    aida, aigul, mentorship = await pair(runner, users)
    start = await free_hour(runner, aigul, hours_ahead=8, minutes=180)
    old = await confirmed_session(runner, mentorship, start)
    await send_confirmed_cards(runner, old)
    card = await aigul.sees_buttons("🔁 Reschedule")
    await aigul.press("🔁 Reschedule", card.message_id)
    later = start + timedelta(hours=2)
    label = translator("en").datetime(later, BISHKEK)
    await aigul.sees("Pick a new time for your session")
    assert await aigul.press(label) == "Moved ✓"
    told = await aida.sees("Aigul moved your session from")
    assert label in told.text
    (new,) = db_rows(runner, "SELECT id, status, sequence FROM sessions WHERE rescheduled_from = ?", old.id)
    assert (new["status"], new["sequence"]) == ("confirmed", 1)
    assert {s for *_, s in statuses(runner, old.id)} == {"cancelled"}
    assert {s for *_, s in statuses(runner, new["id"])} == {"pending"}
    # The new .ics replaces the old one in her calendar.
    docs = await emulator.wait_for(lambda: [m for m in emulator.bot_messages(aida.id) if m.document][1:], 10)
    assert docs[-1].document.file_name == f"session-{new['id']}.ics"

    # The first card is out of date now; the new one (with the move) works.
    first_card = emulator.bot_messages(aida.id)[0]
    assert await aida.press("✖️ Cancel", first_card.message_id) == (
        "This session is cancelled or over, so this can't be done now."
    )
    await aida.press("✖️ Cancel", told.message_id)
    await aida.press_then_see("✖️ Yes, cancel it", "Cancelled ✓")
    await aigul.sees("Aida cancelled your session on")
    assert {s for *_, s in statuses(runner)} == {"cancelled"}
    await advance_to(runner, clock, later - timedelta(minutes=30))
    assert reminders_seen(emulator, aida) == reminders_seen(emulator, aigul) == []


async def test_a_late_cancel_needs_a_reason_and_is_recorded(emulator, users, runner, clock):
    await start_bot(runner)
    aida, aigul, mentorship = await pair(runner, users)
    start = await free_hour(runner, aigul, hours_ahead=6)
    await confirmed_session(runner, mentorship, start)
    await advance_to(runner, clock, start - MIN_NOTICE + timedelta(minutes=10))
    await aida.send("/sessions")
    await aida.press("📅 " + translator("en").datetime(start, BISHKEK))
    await aida.press_then_see("✖️ Cancel", "It's less than 3 hours before the start, so please type a short reason")
    await aida.send_sticker()
    await aida.answer("Please type the reason as text.", "I have a <fever>")
    await aida.sees("Cancelled ✓")
    told = await aigul.sees("Aida cancelled your session", "Reason: I have a <fever>")
    assert "&lt;fever&gt;" in told.html
    row = db_rows(runner, "SELECT status, cancel_reason, late_change, cancelled_by FROM sessions")
    assert tuple(row[0]) == ("cancelled", "I have a <fever>", 1, aida.id)


async def test_a_failed_send_is_retried_then_reported_and_a_blocked_one_marked(emulator, users, runner, clock, admin):
    await start_bot(runner, "1h")
    aida, aigul, mentorship = await pair(runner, users)
    start = await free_hour(runner, aigul, hours_ahead=5)
    await confirmed_session(runner, mentorship, start)

    emulator.fail_next("sendMessage", 1)  # Telegram has a bad moment
    await advance_to(runner, clock, start - timedelta(hours=1))
    failed = db_rows(runner, "SELECT * FROM reminders WHERE status = 'pending'")
    assert len(failed) == 1 and failed[0]["attempts"] == 1 and failed[0]["next_attempt_at"]
    await run_jobs(runner.app)  # not yet: the retry waits 30 seconds
    assert len(db_rows(runner, "SELECT * FROM reminders WHERE status = 'pending'")) == 1
    await advance_to(runner, clock, clock.now() + timedelta(seconds=30))
    assert len(reminders_seen(emulator, aida)) == len(reminders_seen(emulator, aigul)) == 1
    assert {s for *_, s in statuses(runner)} == {"sent"}

    # A second session: Aigul has blocked the bot, so hers fails at once and she is marked.
    emulator.block(aigul.id)
    second = await free_hour(runner, aigul, hours_ahead=30)
    await confirmed_session(runner, mentorship, second)
    await advance_to(runner, clock, second - timedelta(hours=1))
    assert len(reminders_seen(emulator, aida)) == 2
    (hers,) = db_rows(
        runner,
        "SELECT status, error FROM reminders WHERE recipient_id = ? AND due_at = ?",
        aigul.id,
        (second - timedelta(hours=1)).isoformat(),
    )
    assert hers["status"] == "failed" and hers["error"].startswith("blocked")
    assert db_rows(runner, "SELECT blocked_bot FROM users WHERE id = ?", aigul.id)[0][0] == 1

    # A third: Aida's reminder never gets through (Aigul's is left out of this part).
    third = await free_hour(runner, aigul, hours_ahead=25)
    session = await confirmed_session(runner, mentorship, third)
    with sqlite3.connect(runner.database_path) as conn:
        conn.execute(
            "DELETE FROM reminders WHERE session_id = ? AND recipient_id = ?",
            (session.id, aigul.id),
        )
    # Everything else the ticks owe by then (the last session's feedback) goes out first.
    await advance_to(runner, clock, third - timedelta(hours=1, minutes=1))
    emulator.fail_next("sendMessage", 6)
    await advance_to(runner, clock, third - timedelta(hours=1))
    for delay in (30, 60, 120, 240):
        await advance_to(runner, clock, clock.now() + timedelta(seconds=delay))
    (row,) = db_rows(runner, "SELECT status FROM reminders WHERE session_id = ?", session.id)
    assert row["status"] == "pending"
    await advance_to(runner, clock, clock.now() + timedelta(seconds=480))
    (row,) = db_rows(runner, "SELECT status, attempts FROM reminders WHERE session_id = ?", session.id)
    assert tuple(row) == ("failed", 6)
    assert len(reminders_seen(emulator, aida)) == 2
    # The admin never chose a language, so she reads the default, Russian.
    await admin.sees("Не удалось отправить напоминание о встрече", "Aida")
