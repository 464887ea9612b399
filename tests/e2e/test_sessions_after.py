"""After the session, and over the mentorship: feedback asked once when it has ended and stored
once; a booking never confirmed is called off; the agreement at the start, the monthly check-in,
the nudge to a quiet pair, and the closing survey with completion at the programme's length."""

from datetime import datetime, timedelta

from bot.jobs import run_jobs
from bot.sessions.rules import PROGRAMME_LENGTH
from tests.support.builders import confirmed_session, free_hour, new_mentee, new_mentor, pair, request_card
from tests.support.db import db_rows


def asked(emulator, user, fragment):
    return [m for m in emulator.bot_messages(user.id) if fragment in (m.text or "")]


async def test_feedback_is_asked_when_the_session_has_ended_and_stored_once(bot, users, runner, clock, emulator):
    bot.job_queue.scheduler.pause()  # the test runs the ticks itself
    aida, aigul, mentorship = await pair(runner, users)
    start = await free_hour(runner, aigul, hours_ahead=5)
    session = await confirmed_session(runner, mentorship, start)
    clock.advance(start + timedelta(minutes=30) - clock.now())
    await run_jobs(bot)
    assert asked(emulator, aida, "Did it take place?") == []
    clock.advance(timedelta(minutes=30))
    await run_jobs(bot)
    await run_jobs(bot)
    (question,) = asked(emulator, aida, "How was your session with Aigul")
    assert len(asked(emulator, aigul, "How was your session with Aida")) == 1

    assert await aida.press("✅ It took place", question.message_id) == "Saved ✓"
    await aida.press_then_see("45 min", "How did it go")
    await aida.press("⭐⭐⭐⭐⭐")
    await aida.answer("Anything you'd like to add?", "Loved it 🌷")
    await aida.sees("Thank you! 💛")
    # The same answer again, from the old button: refused kindly, nothing changes.
    again = await aida.press_data(question.message_id, f"v1:fb:out:{session.id}:no_show")
    assert again == "You have already answered this. Thank you! 💛"
    assert await aida.press_data(question.message_id, f"v1:fb:min:{session.id}:90") == again

    await aigul.press_then_see("🙈 Aida didn't come", "Thank you for telling me.")
    rows = db_rows(
        runner,
        "SELECT user_id, outcome, minutes, rating, comment FROM session_feedback ORDER BY 1",
    )
    assert [tuple(r) for r in rows] == [
        (aida.id, "held", 45, 5, "Loved it 🌷"),
        (aigul.id, "no_show", None, None, None),
    ]
    # The first answer settles the session; the programme counts it as held.
    assert db_rows(runner, "SELECT status FROM sessions")[0][0] == "held"
    # Later she starts a message to her mentor; the old Skip button must not drop it.
    await runner.services.inputs.expect(aida.id, "relay", mentorship.id, clock.now())
    await aida.press_data(question.message_id, f"v1:fb:skip:{session.id}")
    await runner.settled()
    assert db_rows(runner, "SELECT kind FROM pending_inputs WHERE user_id = ?", aida.id)[0][0] == "relay"


async def test_a_booking_never_confirmed_is_called_off_at_its_start(bot, users, runner, clock, emulator):
    bot.job_queue.scheduler.pause()
    aida, aigul, mentorship = await pair(runner, users)
    start = await free_hour(runner, aigul, hours_ahead=5)
    await runner.services.bookings.book(mentorship.id, aida.id, start, clock.now(), offsets=(), new_link=lambda: "x")
    clock.advance(start - clock.now())
    await run_jobs(bot)
    await aida.sees("Aigul didn't confirm your session")
    assert db_rows(runner, "SELECT status FROM sessions")[0][0] == "declined"


async def test_the_mentorship_rhythm_from_agreement_to_closing_survey(bot, users, runner, clock, emulator):
    bot.job_queue.scheduler.pause()
    aida = await new_mentee(runner, users)
    aigul = await new_mentor(runner, users)
    _, card = await request_card(runner, aida, aigul)
    await aigul.press("✅ Accept", card.message_id)
    hers = await aida.sees("Your agreement", "Your goals: Finding a first job or internship")
    his = await aigul.sees("Your agreement", "Aida's goals: Finding a first job or internship")
    assert await aida.press("Every two weeks", hers.message_id) == "Agreed ✓"
    await aigul.sees("Aida chose how often you'll meet: every two weeks.")
    assert await aigul.press("Every week", his.message_id) == ("You two have already agreed on this. Thank you! 💛")
    assert db_rows(runner, "SELECT meet_every_days FROM mentorship_rhythm")[0][0] == 14

    # A month without a session: the check-in and a gentle nudge, once each.
    clock.advance(timedelta(days=30, minutes=1))
    await run_jobs(bot)
    await run_jobs(bot)
    (checkin,) = asked(emulator, aida, "Monthly check-in")
    assert len(asked(emulator, aigul, "Monthly check-in: how far has Aida come")) == 1
    assert len(asked(emulator, aida, "It's been a while since you and Aigul last met")) == 1
    assert len(asked(emulator, aigul, "It's been a while since you and Aida last met")) == 1
    first_choice = checkin.keyboard[0][0]["callback_data"]
    assert await aida.press("4", checkin.message_id) == "Saved ✓"
    await aida.sees("Keep going")
    assert await aida.press_data(checkin.message_id, first_choice) == ("You have already answered this. Thank you! 💛")
    clock.advance(timedelta(days=10))
    await run_jobs(bot)
    assert len(asked(emulator, aida, "It's been a while")) == 1

    # Six months on: the closing survey, and the mentorship completes.
    (started,) = db_rows(runner, "SELECT started_at FROM mentorships")
    end = datetime.fromisoformat(started[0]) + PROGRAMME_LENGTH
    # A session booked for after the end goes with the mentorship, and so do its reminders.
    clock.advance(end - timedelta(days=3) - clock.now())
    (ship_id,) = db_rows(runner, "SELECT id FROM mentorships")[0]
    mentorship = await runner.services.mentorships.get(ship_id)
    late = await confirmed_session(runner, mentorship, await free_hour(runner, aigul, hours_ahead=4 * 24))
    clock.advance(end - clock.now())
    await run_jobs(bot)
    await run_jobs(bot)
    assert db_rows(runner, "SELECT status FROM sessions WHERE id = ?", late.id)[0][0] == "cancelled"
    assert (
        db_rows(runner, "SELECT COUNT(*) FROM reminders WHERE session_id = ? AND status = 'pending'", late.id)[0][0]
        == 0
    )
    (closing,) = asked(emulator, aida, "Six months together!")
    assert "/mentors finds you a new mentor" in closing.text
    assert len(asked(emulator, aigul, "Six months together!")) == 1
    assert await aida.press("5", closing.message_id) == "Saved ✓"
    await aida.answer("Anything you'd like to tell the programme?", "Thank you, Aigul!")
    await aida.sees("Thank you for being part of the programme!")
    ship = db_rows(runner, "SELECT status, end_reason FROM mentorships")
    assert tuple(ship[0]) == ("completed", "programme_end")
    rows = db_rows(
        runner,
        "SELECT kind, progress, comment FROM checkins WHERE user_id = ? ORDER BY id",
        aida.id,
    )
    assert [tuple(r) for r in rows] == [("monthly", 4, None), ("closing", 5, "Thank you, Aigul!")]
