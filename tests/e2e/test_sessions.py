"""Booking end to end: a mentee in Berlin books a mentor in Bishkek in her own time, the mentor
confirms (or has auto-confirm on), both get the card and a .ics that parses; a slot taken a
moment earlier, forged buttons, a minor's session, a suspended mentee, and /sessions.

`pair`, `free_hour` and `confirmed_session` are shared with the other session tests.
"""

import sqlite3
from datetime import UTC, timedelta
from zoneinfo import ZoneInfo

from icalendar import Calendar

from bot.i18n import translator
from bot.sessions.rules import Outcome
from tests.support.builders import confirmed_session, free_hour, matched, new_mentee, pair, send_confirmed_cards
from tests.support.db import conversation_rows, db_rows
from tests.support.runner import WAIT

BISHKEK, BERLIN = ZoneInfo("Asia/Bishkek"), ZoneInfo("Europe/Berlin")


async def documents(emulator, user, count=1):
    return await emulator.wait_for(
        lambda: (docs := [m for m in emulator.bot_messages(user.id) if m.document]) and len(docs) >= count and docs,
        WAIT,
    )


def only_event(data: bytes):
    (event,) = Calendar.from_ical(data).walk("VEVENT")
    return event


async def test_a_mentee_in_berlin_books_a_mentor_in_bishkek_and_both_get_card_and_ics(bot, users, runner, emulator):
    aida, aigul, _ = await pair(runner, users)
    await aida.send("/timezone")
    await aida.press("⌨️ Type a different one")
    await aida.answer("Type your time zone's name", "europe/berlin")
    await aida.sees("Done: your time zone is Europe/Berlin")
    start = await free_hour(runner, aigul)
    en = translator("en")
    her_time, mentor_time = en.datetime(start, BERLIN), en.datetime(start, BISHKEK)
    assert her_time != mentor_time

    await aida.send("/book")
    listing = await aida.sees_buttons(her_time)
    assert "Europe/Berlin" in listing.text
    await aida.press(her_time)
    await aida.sees("with Aigul")
    await aida.press("✍️ Add a topic first")
    await aida.answer("Type what you'd like to talk about", "My <b>first</b> internship")
    await aida.sees("I've asked Aigul to confirm")
    request = await aigul.sees("Aida would like a session with you")
    assert mentor_time in request.text and "(your time, Asia/Bishkek)" in request.text
    assert "What to talk about: My <b>first</b> internship" in request.text

    assert await aigul.press("✅ Confirm", request.message_id) == "Confirmed ✓"
    card = await aida.sees("Your session is confirmed")
    assert her_time in card.text and "Session with your mentor Aigul" in card.text
    assert "meet.jit.si/steminist-" in card.text
    mentor_card = await aigul.sees("Your session is confirmed")
    assert mentor_time in mentor_card.text
    assert aida.buttons(card) == ["🔁 Reschedule", "✖️ Cancel"]

    (session,) = db_rows(runner, "SELECT * FROM sessions")
    assert session["status"] == "confirmed" and session["agenda"] == "My <b>first</b> internship"
    for person in (aida, aigul):
        (doc,) = await documents(emulator, person)
        assert doc.document.file_name == f"session-{session['id']}.ics"
        event = only_event(doc.document.data)
        assert event["DTSTART"].dt.astimezone(UTC) == start
        assert event["DTSTART"].params["TZID"] == "Asia/Bishkek"
        assert str(event["LOCATION"]) == session["meeting_link"]
    assert {r["recipient_id"] for r in db_rows(runner, "SELECT * FROM reminders")} == {
        aida.id,
        aigul.id,
    }


async def test_auto_confirm_books_at_once(bot, users, runner, emulator):
    aida, aigul, _ = await pair(runner, users)
    start = await free_hour(runner, aigul)
    await aigul.send_then_see("/slots", "Auto-confirm bookings: off")
    assert await aigul.press("Turn auto-confirm on") == "Bookings are now confirmed at once."
    await aigul.sees("Auto-confirm bookings: on")
    await aida.send("/book")
    label = translator("en").datetime(start, BISHKEK)
    await aida.press(label)
    offer = await aida.sees_buttons("✅ Book it")
    book_it = offer.find_button("✅ Book it")["callback_data"]
    # She asks to add an agenda, then books without one after all.
    await aida.press("✍️ Add a topic first", offer.message_id)
    await aida.sees("Type what you'd like to talk about")
    assert await aida.press("✅ Book it", offer.message_id) == "Booked ✓"
    await aida.sees("Your session is booked!")
    # A double tap books nothing twice and does not scare her.
    assert await aida.press_data(offer.message_id, book_it) == "You've already booked this time ✓"
    await aigul.sees("Your session is booked!")
    await documents(emulator, aida)
    await documents(emulator, aigul)
    assert [r["status"] for r in db_rows(runner, "SELECT status FROM sessions")] == ["confirmed"]
    # Her next text is not taken as an agenda (nor does it book anything again).
    assert db_rows(runner, "SELECT * FROM pending_inputs WHERE user_id = ?", aida.id) == []


async def test_a_slot_taken_a_moment_earlier_is_refused_with_the_other_times(bot, users, runner):
    aida, aigul, _ = await pair(runner, users)
    bermet = await new_mentee(runner, users, name="Bermet")
    theirs = await matched(runner, bermet, aigul)
    start = await free_hour(runner, aigul, minutes=180)  # 3 sessions, but a buffer between
    label = translator("en").datetime(start, BISHKEK)
    await aida.send("/book")
    await aida.press(label)
    offer = await aida.sees_buttons("✅ Book it")
    # Bermet books the same hour first.
    await confirmed_session(runner, theirs, start)
    toast = await aida.press("✅ Book it", offer.message_id)
    assert toast == "Someone has just booked this time, a moment before you. Please pick another one."
    again = await aida.sees("Pick a time for a one-hour session")
    later = translator("en").datetime(start + timedelta(hours=2), BISHKEK)
    assert aida.buttons(again) == [later]
    rows = db_rows(runner, "SELECT mentee_id FROM sessions WHERE status = 'confirmed'")
    assert [r["mentee_id"] for r in rows] == [bermet.id]


async def test_forged_and_stale_buttons_change_nothing(bot, users, runner):
    aida, aigul, _ = await pair(runner, users)
    eve = users.new("Eve", "en")
    start = await free_hour(runner, aigul)
    await aida.send("/book")
    await aida.press(translator("en").datetime(start, BISHKEK))
    her_card = await aida.press_then_see("✅ Book it", "I've asked Aigul to confirm")
    request = await aigul.sees_buttons("✅ Confirm")
    (session,) = db_rows(runner, "SELECT id FROM sessions")
    forged = f"v1:book:ok:{session['id']}"
    # The mentee confirming her own booking with forged data:
    assert await aida.press_data(her_card.message_id, forged) == (
        "This button isn't meant for you, so nothing was changed."
    )
    await eve.send("/start")
    welcome = await eve.reply()
    assert await eve.press_data(welcome.message_id, f"v1:ses:cx:{session['id']}") == (
        "This button isn't meant for you, so nothing was changed."
    )
    assert await aigul.press("✖️ Decline", request.message_id) == "Declined"
    await aida.sees("Aigul can't meet on")
    assert await aigul.press_data(request.message_id, forged) == (
        "This session is cancelled or over, so this can't be done now."
    )
    assert [r["status"] for r in db_rows(runner, "SELECT status FROM sessions")] == ["declined"]


async def test_a_minors_session_invites_an_adult_observer_and_shows_no_contacts(bot, users, runner, emulator):
    dana, aigul, mentorship = await pair(runner, users, mentee="Dana", minor=True)
    start = await free_hour(runner, aigul)
    session = await confirmed_session(runner, mentorship, start)
    await send_confirmed_cards(runner, session)
    hers = await dana.sees("Session with your mentor Aigul")
    assert "a parent or another adult you trust is welcome to join" in hers.text
    mentor_card = await aigul.sees("Session with your mentee Dana")
    assert "Dana is under 18: an adult observer" in mentor_card.text
    assert "tg://" not in mentor_card.html and "@" not in mentor_card.text
    (doc,) = await documents(emulator, aigul)
    assert "adult observer" in str(only_event(doc.document.data)["DESCRIPTION"])


async def test_a_suspended_mentee_cannot_book(bot, users, runner):
    aida, aigul, _ = await pair(runner, users)
    await free_hour(runner, aigul)
    with sqlite3.connect(runner.database_path) as conn:
        conn.execute("UPDATE users SET suspended_at = '2025-01-01T00:00:00+00:00' WHERE id = ?", (aida.id,))
    await aida.send_then_see("/book", "Sessions can't be booked right now")
    nobody = users.new("Nobody", "en")
    await nobody.send_then_see("/book", "once you have an active mentorship")


async def test_sessions_lists_upcoming_and_past_in_her_language_and_zone(bot, users, runner, clock):
    aida, aigul, mentorship = await pair(runner, users, language="ru")
    first = await free_hour(runner, aigul)
    session = await confirmed_session(runner, mentorship, first)
    clock.advance(timedelta(hours=30))
    await runner.services.feedback.record_outcome(session.id, aida.id, Outcome.HELD, runner.clock.now())
    second = await free_hour(runner, aigul)
    await confirmed_session(runner, mentorship, second)
    await aida.send("/sessions")
    ru = translator("ru")
    shown = await aida.sees(ru.datetime(second, BISHKEK), ru.datetime(first, BISHKEK))
    upcoming, past = shown.text.split(ru.datetime(first, BISHKEK))
    assert ru.datetime(second, BISHKEK) in upcoming
    assert "Aigul" in upcoming and "Aigul" in past
    assert aida.buttons(shown) == ["📅 " + ru.datetime(second, BISHKEK)]
    await aida.press("📅 " + ru.datetime(second, BISHKEK))
    await aida.sees_buttons("🔁 Перенести", "✖️ Отменить")


async def test_a_mentor_without_free_time_is_told_once_a_day_however_often_her_mentee_tries(bot, users, runner, clock):
    aida, aigul, _ = await pair(runner, users)
    asked = "Aida would like to book a session, but you have no free time in the next two weeks."

    def told() -> int:
        return sum(1 for m in runner.emulator.bot_messages(aigul.id) if asked in (m.text or ""))

    for _ in range(3):
        await aida.send_then_see("/book", "Aigul has no free time in the next two weeks yet.")
    await runner.settled()
    assert told() == 1
    clock.advance(timedelta(hours=25))
    await aida.send_then_see("/book", "Aigul has no free time in the next two weeks yet.")
    await runner.settled()
    assert told() == 2


async def test_cancel_while_she_types_a_topic_ends_the_wait_and_books_nothing(bot, users, runner):
    aida, aigul, _ = await pair(runner, users)
    start = await free_hour(runner, aigul)
    await aida.send("/book")
    await aida.press(translator("en").datetime(start, BISHKEK))
    await aida.press("✍️ Add a topic first")
    await aida.sees("Type what you'd like to talk about")
    assert conversation_rows(runner, aida.id) == [("booking", '"topic"')]
    await aida.send_then_see("/cancel", "Stopped. Tap /start for the main menu.")
    await runner.settled()
    assert conversation_rows(runner, aida.id) == []
    assert db_rows(runner, "SELECT * FROM pending_inputs WHERE user_id = ?", aida.id) == []
    await aida.send_then_see("My first internship", "I answer to buttons and commands.")
    assert db_rows(runner, "SELECT * FROM sessions") == []
