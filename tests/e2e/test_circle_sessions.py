"""Circle sessions end to end: the mentor schedules one, members in three time zones each see
her own time and answer, reminders come once to those who have not declined, the mentor marks
who came and they rate it."""

from datetime import UTC, datetime, timedelta

from bot.jobs import run_jobs
from tests.support.builders import new_mentee, new_mentor
from tests.support.circles import form_circles
from tests.support.db import db_rows

ZONES = ("Asia/Bishkek", "Europe/Moscow", "Asia/Tashkent", "Asia/Bishkek")


async def a_circle(runner, users):
    """A formed, active circle with a minor: a mentor and four girls in three zones."""
    mentor = await new_mentor(runner, users, name="Aigul", minors=True, languages=("ky",))
    girls = [await new_mentee(runner, users, name=f"Girl{i}", languages=("ky",)) for i in range(3)]
    girls.append(await new_mentee(runner, users, name="Teen", minor=True, languages=("ky",)))
    for girl, zone in zip(girls, ZONES, strict=True):
        await runner.services.users.set_timezone(girl.id, zone)
    await form_circles(runner)
    return mentor, girls, db_rows(runner, "SELECT id FROM circles")[0][0]


async def advance_to(runner, clock, moment):
    clock.advance(moment - clock.now())
    await run_jobs(runner.app)


def reminders_of(emulator, persona):
    return [m for m in emulator.bot_messages(persona.id) if "Reminder: the circle session" in (m.text or "")]


async def test_a_session_with_rsvp_reminders_in_three_zones_attendance_and_rating(
    emulator, users, runner, clock, admin
):
    app = await runner.start(REMINDER_OFFSETS="24h,1h")
    app.job_queue.scheduler.pause()  # the test runs the ticks itself
    mentor, girls, circle_id = await a_circle(runner, users)
    day = (clock.now() + timedelta(days=3)).date()
    start = datetime(day.year, day.month, day.day, 12, 0, tzinfo=UTC)  # 18:00 in Bishkek

    await mentor.send("/circle")
    await mentor.press("📅 Schedule a session")
    await mentor.press("Another time")
    await mentor.sees("Type the date and time in your zone (Asia/Bishkek)")
    await mentor.send("2020-01-01 18:00")  # past: asked again at once, before the topic
    await mentor.sees("That is too soon")
    await mentor.send(f"{day.isoformat()} 18:00")
    await mentor.sees("What is the session about?")
    await mentor.send("Robots and rockets")
    await mentor.sees("The session is scheduled")

    # Each sees her own time, the generated room (a minors' circle) and gets the .ics.
    link = db_rows(runner, "SELECT meeting_link FROM circle_sessions")[0][0]
    cards = []
    assert link.startswith("https://meet.jit.si/steminist-")
    for girl, local in zip(girls, ("18:00–19:00", "15:00–16:00", "17:00–18:00", "18:00–19:00"), strict=True):
        card = await girl.sees("Circle session: Robots and rockets")
        cards.append(card.message_id)
        assert local in card.text and link in card.text
        assert "adult observer" in card.text  # a circle with a minor
        ics = await girl.sees("Add it to your calendar")
        assert ics.document.file_name.endswith(".ics")

    # She can't come; another changes her mind twice.
    assert await girls[1].press("✖️ I can't", cards[1]) == "Noted: you can't come. Thank you for saying!"
    await girls[2].press("✖️ I can't", cards[2])
    assert await girls[2].press("✅ I'll be there", cards[2]) == "Noted: you'll be there ✓"
    assert db_rows(runner, "SELECT user_id, rsvp FROM circle_attendance ORDER BY user_id") == [
        (girls[0].id, None), (girls[1].id, "no"), (girls[2].id, "yes"), (girls[3].id, None),
    ]  # fmt: skip

    # Reminders: each once, in her zone, to all but the one who declined; nothing after the start.
    await advance_to(runner, clock, start - timedelta(hours=24))
    await advance_to(runner, clock, start - timedelta(hours=1))
    await advance_to(runner, clock, start - timedelta(minutes=59))
    for person in (mentor, girls[0], girls[2], girls[3]):
        await person.sees("Reminder: the circle session")
    assert len(reminders_of(emulator, girls[0])) == 2
    assert "18:00" in reminders_of(emulator, girls[0])[-1].text
    assert "15:00" not in reminders_of(emulator, girls[0])[-1].text
    assert "17:00" in reminders_of(emulator, girls[2])[-1].text
    assert reminders_of(emulator, girls[1]) == []
    assert db_rows(runner, "SELECT status, COUNT(*) FROM circle_session_reminders GROUP BY status") == [
        ("sent", 8), ("skipped", 2),
    ]  # fmt: skip

    # Afterwards the mentor marks who came, and they rate it.
    await advance_to(runner, clock, start + timedelta(minutes=61))
    ask = await mentor.sees("Who came to the circle session")
    await mentor.press("▫️ Girl0", ask.message_id)
    await mentor.sees_buttons("✅ Girl0")
    await mentor.press("▫️ Girl2 (✓)", ask.message_id)
    await mentor.sees_buttons("✅ Girl2 (✓)")
    await mentor.press("💾 Save attendance", ask.message_id)
    await mentor.sees("Saved. Thank you!")
    await girls[0].press("5")
    await girls[0].sees("Thank you for rating it!")
    await girls[2].sees("Rate it from 1 to 5")
    assert not [m for m in emulator.bot_messages(girls[3].id) if "Rate it" in (m.text or "")]
    assert db_rows(runner, "SELECT user_id, attended, rating FROM circle_attendance WHERE attended = 1"
                   " ORDER BY user_id") == [(girls[0].id, 1, 5), (girls[2].id, 1, None)]  # fmt: skip
    assert db_rows(runner, "SELECT status FROM circle_sessions") == [("held",)]

    # A forged rating from someone who did not come is refused.
    answer = await girls[3].press_data(cards[3], "v1:circs:rt:1:5")
    assert answer == "This circle is not yours, or you are no longer in it."

    # Group hours count apart in /stats: one hour, two who came.
    await admin.start_in("English")
    await admin.send("/stats")
    stats = await admin.sees("Circles:")
    assert "circles 1 · members 4 · messages 0 · sessions 1 · group hours 2" in stats.text
    assert "Hours of mentoring: 0" in stats.text
