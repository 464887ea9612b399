"""A circle's co-mentor end to end: an admin picks one from /circles among the mentors who fit (language,
approval, minors' clearance, no exclusion or report by a member); she, the mentor and the members are
told by display name; she gets the chat and can schedule; removed, she gets nothing more. Added after a
session was scheduled, she gets its card (her time, .ics, room, no RSVP) and its reminders."""

from datetime import UTC, datetime, timedelta

from bot.db._rows import iso
from bot.jobs import run_jobs
from tests.support.builders import new_mentee, new_mentor
from tests.support.circles import form_circles, write
from tests.support.db import db_rows

NOT_CLEARED = "This circle has a girl under 18, and she is not cleared for minors"


async def test_an_admin_adds_and_removes_a_co_mentor_who_fits(bot, users, runner, admin, clock):
    await admin.start_in("English")
    mentor = await new_mentor(runner, users, name="Aigul", minors=True, languages=("ky",))
    girls = [await new_mentee(runner, users, name=f"Girl{i}", languages=("ky",)) for i in range(2)]
    girls.append(await new_mentee(runner, users, name="Teen", minor=True, languages=("ky",)))
    await form_circles(runner)
    circle_id = db_rows(runner, "SELECT id FROM circles")[0][0]

    bermet = await new_mentor(runner, users, name="Bermet", minors=True, languages=("ky", "ru"))
    uncleared = await new_mentor(runner, users, name="Nuri", languages=("ky",))
    await new_mentor(runner, users, name="Olga", minors=True, languages=("ru",))
    await new_mentor(runner, users, name="Pending", minors=True, languages=("ky",), approve=False)
    excluded = await new_mentor(runner, users, name="Dina", minors=True, languages=("ky",))
    await runner.services.db.execute(
        "INSERT INTO exclusions (mentee_id, mentor_id, reason, created_at) VALUES (?, ?, 'declined', ?)",
        (girls[1].id, excluded.id, iso(clock.now())),
    )

    # Only the mentor who fits is offered; the others are refused even by a forged press.
    await admin.send("/circles")
    await admin.press("Co-mentor for Aigul #1")
    choice = await admin.sees("Co-mentor for Aigul #1:")
    assert admin.buttons(choice) == ["Bermet"]
    assert (await admin.press_data(choice.message_id, f"v1:circa:ca:{circle_id}:{uncleared.id}")).startswith(
        NOT_CLEARED
    )
    assert "exclusion" in await admin.press_data(choice.message_id, f"v1:circa:ca:{circle_id}:{excluded.id}")
    assert await admin.press_data(choice.message_id, f"v1:circa:ca:{circle_id}:{mentor.id}") == (
        "She already leads this circle."
    )
    # Not for a member, even with a forged press.
    await girls[0].send("/circle")
    seen = await girls[0].sees("Circle Aigul #1")
    assert await girls[0].press_data(seen.message_id, f"v1:circa:ca:{circle_id}:{bermet.id}") == (
        "This is for programme admins only."
    )
    assert db_rows(runner, "SELECT co_mentor_id FROM circles") == [(None,)]

    assert await admin.press("Bermet", choice.message_id) == "Added: she and the members have been told."
    await bermet.sees("You are now co-mentor of the circle Aigul #1, with Aigul.")
    for person in [mentor, *girls]:
        told = await person.sees("Bermet joins your circle Aigul #1 as co-mentor.")
        assert "@" not in told.text
    assert db_rows(runner, "SELECT co_mentor_id FROM circles") == [(bermet.id,)]
    second = await admin.press_data(choice.message_id, f"v1:circa:ca:{circle_id}:{bermet.id}")
    assert second == "She already leads this circle."
    other = await new_mentor(runner, users, name="Saule", minors=True, languages=("ky",))
    second = await admin.press_data(choice.message_id, f"v1:circa:ca:{circle_id}:{other.id}")
    assert second == "This circle already has a co-mentor: remove her first."

    # She gets the chat (and the coordinator too: a minors' circle), and can write and schedule.
    await write(girls[0], "Hello both!")
    await bermet.sees("Aigul #1 · Girl0", "Hello both!")
    await write(bermet, "Hello girls")
    for person in [mentor, *girls]:
        await person.sees("Aigul #1 · Bermet", "Hello girls")
    day = (clock.now() + timedelta(days=3)).date()
    await bermet.send("/circle")
    await bermet.press("📅 Schedule a session")
    await bermet.press("Another time")
    await runner.restart()  # her step waits across a restart
    await bermet.send(f"{day.isoformat()} 18:00")
    await bermet.sees("What is the session about?")
    await runner.restart()
    await bermet.send("Lab safety")
    await bermet.sees("The session is scheduled")
    for person in [mentor, *girls]:
        await person.sees("Circle session: Lab safety")
    assert db_rows(runner, "SELECT scheduled_by FROM circle_sessions") == [(bermet.id,)]

    # Removed: told, the others told, and she is out of the chat.
    await admin.send("/circles")
    await admin.press("Co-mentor for Aigul #1")
    choice = await admin.sees("Co-mentor for Aigul #1:")
    assert await admin.press("✖️ Remove Bermet as co-mentor", choice.message_id) == (
        "Removed: she and the members have been told."
    )
    await bermet.sees("You are no longer co-mentor of the circle Aigul #1")
    for person in [mentor, *girls]:
        await person.sees("Bermet is no longer co-mentor of your circle Aigul #1.")
    assert await admin.press_data(choice.message_id, f"v1:circa:cr:{circle_id}") == "Already done."
    await bermet.send("/circle")
    reply = await bermet.sees("You are not in a circle yet.")
    assert await bermet.press_data(reply.message_id, f"v1:circ:w:{circle_id}") == (
        "This circle is not yours, or you are no longer in it."
    )
    await write(girls[1], "After she left")
    await mentor.sees("After she left")
    assert not [m for m in bermet.emu.bot_messages(bermet.id) if "After she left" in (m.text or "")]
    kinds = "SELECT kind, subject_id FROM circle_events WHERE kind LIKE 'co_mentor%' ORDER BY id"
    assert db_rows(runner, kinds) == [("co_mentor_added", bermet.id), ("co_mentor_removed", bermet.id)]


async def test_a_co_mentor_added_after_a_session_was_scheduled_gets_its_card_and_reminders(
    emulator, users, runner, admin, clock
):
    app = await runner.start(REMINDER_OFFSETS="24h,1h")
    app.job_queue.scheduler.pause()  # the test runs the jobs itself
    await admin.start_in("English")
    mentor = await new_mentor(runner, users, name="Aigul", minors=True, languages=("ky",))
    girls = [await new_mentee(runner, users, name=f"Girl{i}", languages=("ky",)) for i in range(3)]
    await form_circles(runner)
    day = (clock.now() + timedelta(days=3)).date()
    start = datetime(day.year, day.month, day.day, 12, 0, tzinfo=UTC)  # 18:00 in Bishkek, 15:00 in Moscow
    await mentor.send("/circle")
    await mentor.press("📅 Schedule a session")
    await mentor.press("Another time")
    await mentor.send(f"{day.isoformat()} 18:00")
    await mentor.send("Robots and rockets")
    await mentor.sees("The session is scheduled")
    link = db_rows(runner, "SELECT meeting_link FROM circle_sessions")[0][0]

    bermet = await new_mentor(runner, users, name="Bermet", minors=True, languages=("ky",))
    await runner.services.users.set_timezone(bermet.id, "Europe/Moscow")
    await admin.send("/circles")
    await admin.press("Co-mentor for Aigul #1")
    await admin.sees("Co-mentor for Aigul #1:")
    await admin.press("Bermet")
    await bermet.sees("You are now co-mentor of the circle Aigul #1")
    card = await bermet.sees("Circle session: Robots and rockets")
    assert "15:00–16:00" in card.text and link in card.text
    assert bermet.buttons(card) == []  # a lead: no RSVP
    ics = await bermet.sees("Add it to your calendar")
    assert ics.document.file_name.endswith(".ics")
    for girl in girls:  # the members had theirs: nothing again
        await girl.sees("Bermet joins your circle Aigul #1 as co-mentor.")
        cards = [m for m in emulator.bot_messages(girl.id) if "Circle session: Robots" in (m.text or "")]
        assert len(cards) == 1

    async def advance_to(moment):
        clock.advance(moment - clock.now())
        await run_jobs(runner.app)

    await advance_to(start - timedelta(hours=24))
    await advance_to(start - timedelta(hours=1))
    reminders = [m for m in emulator.bot_messages(bermet.id) if "Reminder: the circle session" in (m.text or "")]
    assert len(reminders) == 2 and "15:00" in reminders[-1].text
    sent = "SELECT COUNT(*) FROM circle_session_reminders WHERE recipient_id = ? AND status = 'sent'"
    assert db_rows(runner, sent, bermet.id) == [(2,)]
