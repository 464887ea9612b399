"""Finding a mentor end to end: /mentors cards, requests with a note, accept, decline with a
reason, ask a question, a nudge after 48 hours and expiry after a week, pausing silent mentors.

`new_mentee`, `new_mentor` and `matched` set people up through the real repositories (fast);
the first test goes through the whole real flow instead.
"""

import asyncio
from datetime import timedelta

from bot.jobs import run_jobs
from bot.mentorship.rules import EXPIRE_AFTER, NUDGE_AFTER
from tests.support.builders import (
    add_mentor,
    approved_english_mentor,
    new_mentee,
    new_mentor,
    onboarded_english_mentee,
    request_card,
)
from tests.support.db import db_rows


async def test_a_mentee_finds_requests_and_is_accepted_through_the_real_flow(bot, users, runner, admin):
    await admin.start_in("English")
    aigul = users.new("Aigul", "en")
    await approved_english_mentor(aigul, admin)

    aida = users.new("Aida", "en")
    await onboarded_english_mentee(aida)
    found = await aida.send_then_see("/mentors", "Aigul", "Compatibility:")
    assert "Civil engineer · Kyrgyz State Technical University" in found.text
    assert "you both speak Kyrgyz" in found.text and "further along: Experienced professional" in found.text
    assert "has time for a new mentee" in found.text and "Last active: today" in found.text
    assert "I build bridges &lt;b&gt;and&lt;/b&gt; I love it." in found.html
    assert aida.buttons(found) == ["📨 Request", "Next ➡️", "🔎 Narrow by field"]

    await aida.press("📨 Request")
    await aida.answer("add a short note for Aigul", "Hello <b>Aigul</b>! I want to build bridges too.")
    await aida.sees("Sent! 📨")
    request = await aigul.sees("A new mentee would like you as her mentor")
    assert "Hello &lt;b&gt;Aigul&lt;/b&gt;! I want to build bridges too." in request.html
    assert "Aida 🌸" in request.text and "18 or older" in request.text and "Bishkek" in request.text
    assert "Finding a first job or internship" in request.text

    assert await aigul.press("✅ Accept", request.message_id) == "Accepted ✓"
    await aigul.sees("You are now mentoring Aida 🌸")
    await aida.sees("Aigul accepted your request")
    rows = db_rows(runner, "SELECT status, mentee_id, mentor_id FROM mentorships")
    assert [tuple(r) for r in rows] == [("active", aida.id, aigul.id)]
    events = db_rows(runner, "SELECT event, actor_id FROM mentorship_events ORDER BY id")
    assert [tuple(e) for e in events] == [
        ("requested", aida.id),
        ("accepted", aigul.id),
        ("active", aigul.id),
    ]
    await aida.send_then_see("/mentors", "You already have a mentor")


async def test_decline_with_a_reason_tells_her_kindly_and_offers_the_next_match(bot, users, runner):
    aida = await new_mentee(runner, users)
    aigul = await new_mentor(runner, users, fields=("it",))
    await new_mentor(runner, users, name="Bermet", fields=("physics",), topics=("confidence",))
    await aida.send_then_see("/mentors", "Aigul", "Compatibility:")
    await aida.press("📨 Request")
    await aida.press_then_see("📨 Send without a note", "Sent! 📨")
    card = await aigul.sees_buttons("✖️ Decline")
    await aigul.press("✖️ Decline", card.message_id)
    await aigul.sees_buttons("No time right now", "↩️ Back")
    await aigul.press_then_see("No time right now", "Declined: No time right now")
    told = await aida.sees("Aigul can't be your mentor this time", "no time for a new mentee right now")
    assert "Here is your next best match" in told.text
    await aida.sees("Bermet", "Compatibility:")
    rows = db_rows(runner, "SELECT status, decline_reason FROM requests")
    assert [tuple(r) for r in rows] == [("declined", "no_time")]
    assert [tuple(r) for r in db_rows(runner, "SELECT mentee_id, mentor_id, reason FROM exclusions")] == [
        (aida.id, aigul.id, "declined")
    ]
    # A declined pair is never suggested again.
    shown = await aida.send_then_see("/mentors", "Compatibility:")
    assert "Bermet" in shown.text and "Aigul" not in shown.text


async def test_next_and_narrow_by_field(bot, users, runner):
    aida = await new_mentee(runner, users, fields=("it", "physics"))
    await new_mentor(runner, users, fields=("it",))
    await new_mentor(runner, users, name="Bermet", fields=("physics",), topics=("leadership",))
    await aida.send_then_see("/mentors", "Aigul", "Compatibility:")
    await aida.press_then_see("Next ➡️", "Bermet", "Compatibility:")
    await aida.press_then_see("Next ➡️", "That's everyone who suits you right now.")
    await aida.press_then_see("🔎 Narrow by field", "Which field?")
    card = await aida.press_then_see("Physics", "Showing mentors in: Physics")
    assert "Bermet" in card.text
    await aida.press("🔎 Narrow by field")
    await aida.press_then_see("Chemistry", "No free mentor who suits you works in Chemistry yet")
    await aida.press_then_see("🌐 All fields", "Aigul", "Compatibility:")


async def test_an_empty_result_says_why_and_what_she_can_change(bot, users, runner):
    aida = await new_mentee(runner, users, languages=("en",))
    await new_mentor(runner, users, languages=("ky",))
    await aida.send_then_see("/mentors", "No mentor speaks your languages yet", "/profile")
    aigul = users.new("Aigul", "en")
    await add_mentor(runner.services.users, runner.services.profiles, aigul.id, runner.clock.now(), name="Aigul2")
    await aigul.send_then_see("/mentors", "/mentors is for mentees")


async def test_a_minor_only_sees_mentors_cleared_for_minors(bot, users, runner):
    dana = await new_mentee(runner, users, name="Dana", minor=True)
    await new_mentor(runner, users)
    await dana.send_then_see("/mentors", "only mentors checked by the programme team")
    await new_mentor(runner, users, name="Bermet", minors=True)
    card = await dana.send_then_see("/mentors", "Compatibility:")
    assert "Bermet" in card.text


async def test_a_note_too_long_is_refused_kindly_and_asked_again(bot, users, runner):
    aida = await new_mentee(runner, users)
    aigul = await new_mentor(runner, users)
    await aida.send("/mentors")
    await aida.press("📨 Request")
    await aida.answer("add a short note", "x" * 501)
    await aida.sees("keep your note under 500 characters")
    await aida.send_sticker()
    await aida.answer("Please type your note as text", "Short and sweet 🌸")
    await aida.sees("Sent! 📨")
    card = await aigul.sees("A new mentee would like you")
    assert "Short and sweet 🌸" in card.text


async def test_the_mentor_asks_a_question_and_gets_her_answer_with_the_buttons(bot, users, runner):
    aida = await new_mentee(runner, users)
    aigul = await new_mentor(runner, users)
    _, card = await request_card(runner, aida, aigul)
    await aigul.press("❓ Ask a question", card.message_id)
    await aigul.answer("Type your question for Aida", "Which <programming> language do you use?")
    await aigul.sees("Sent ✓")
    question = await aida.sees("Aigul has a question before answering your request")
    assert "Which &lt;programming&gt; language do you use?" in question.html
    await aida.press("✍️ Answer")
    await aida.answer("Type your answer for Aigul", "Python, mostly!")
    await aida.sees("Sent ✓")
    answered = await aigul.sees("She answered your question", "Python, mostly!")
    assert aigul.buttons(answered) == ["✅ Accept", "✖️ Decline", "❓ Ask a question"]
    await aigul.press("✅ Accept", answered.message_id)
    await aida.sees("Aigul accepted your request")


async def test_a_nudge_after_48_hours_then_expiry_after_a_week_with_a_new_offer(bot, users, runner, clock):
    aida = await new_mentee(runner, users)
    aigul = await new_mentor(runner, users, fields=("it",))
    await new_mentor(runner, users, name="Bermet", fields=("physics",))
    request, card = await request_card(runner, aida, aigul)

    clock.advance(NUDGE_AFTER - timedelta(minutes=5))
    await run_jobs(runner.app)
    assert db_rows(runner, "SELECT nudged_at FROM requests")[0][0] is None
    clock.advance(timedelta(minutes=5))
    await run_jobs(runner.app)
    await run_jobs(runner.app)  # a second run sends nothing twice
    reminder = await aigul.sees("Reminder: she is still waiting for your answer")
    assert aigul.buttons(reminder) == ["✅ Accept", "✖️ Decline", "❓ Ask a question"]
    reminders = [m for m in aigul.emu.bot_messages(aigul.id) if "Reminder" in (m.text or "")]
    assert len(reminders) == 1

    clock.advance(EXPIRE_AFTER - NUDGE_AFTER)
    await run_jobs(runner.app)
    told = await aida.sees("Aigul couldn't answer your request within a week")
    assert "Here is your next best match" in told.text
    await aida.sees("Bermet", "Compatibility:")
    await aigul.sees("expired after a week without an answer")
    assert db_rows(runner, "SELECT status FROM requests")[0][0] == "expired"
    # Accepting afterwards changes nothing.
    answer = await aigul.press_data(card.message_id, f"v1:req:acc:{request.id}")
    assert answer == "This request has expired, so it can't be answered any more."
    assert db_rows(runner, "SELECT COUNT(*) FROM mentorships")[0][0] == 0


async def test_three_expiries_in_a_row_pause_the_mentor_until_she_comes_back(bot, users, runner, clock):
    aigul = await new_mentor(runner, users, capacity=5)
    mentees = [await new_mentee(runner, users, name=f"Mentee{i}") for i in range(3)]
    for mentee in mentees:
        await runner.services.requests.create_request(mentee.id, aigul.id, clock.now())
    clock.advance(EXPIRE_AFTER)
    await run_jobs(runner.app)
    paused = await aigul.sees("I've stopped suggesting you to new mentees for now")
    assert "/profile" in paused.text and "Take mentees again" in paused.text
    assert db_rows(runner, "SELECT mentor_paused FROM profiles WHERE user_id = ?", aigul.id)[0][0] == 1
    late = await new_mentee(runner, users, name="Late")
    await late.send_then_see("/mentors", "busy right now")
    # She comes back through /profile.
    await aigul.send("/profile")
    await aigul.press("▶️ Take mentees again")
    await late.send_then_see("/mentors", "Aigul", "Compatibility:")


async def test_two_mentors_accepting_the_same_mentee_at_once_only_one_wins(bot, users, runner):
    aida = await new_mentee(runner, users)
    aigul = await new_mentor(runner, users)
    bermet = await new_mentor(runner, users, name="Bermet")
    _, first = await request_card(runner, aida, aigul)
    _, second = await request_card(runner, aida, bermet)
    answers = await asyncio.gather(
        aigul.press("✅ Accept", first.message_id), bermet.press("✅ Accept", second.message_id)
    )
    assert sorted(answers) == sorted(["Accepted ✓", "This request has already been answered."]) or sorted(
        answers
    ) == sorted(["Accepted ✓", "She has just found another mentor, so this request is closed."])
    assert db_rows(runner, "SELECT COUNT(*) FROM mentorships")[0][0] == 1
    loser = bermet if answers[0] == "Accepted ✓" else aigul
    await loser.sees("Aida has found a mentor, so her request to you is closed")
    statuses = sorted(r[0] for r in db_rows(runner, "SELECT status FROM requests"))
    assert statuses == ["accepted", "withdrawn"]


async def test_forged_request_buttons_are_refused_and_change_nothing(bot, users, runner):
    aida = await new_mentee(runner, users)
    aigul = await new_mentor(runner, users)
    bermet = await new_mentor(runner, users, name="Bermet")
    request, card = await request_card(runner, aida, aigul)
    elsewhere = await bermet.send_then_see("/mentorship", "no mentees yet")
    answer = await bermet.press_data(elsewhere.message_id, f"v1:req:acc:{request.id}")
    assert answer == "This button isn't meant for you, so nothing was changed."
    answer = await bermet.press_data(elsewhere.message_id, f"v1:req:why:{request.id}:no_time")
    assert answer == "This button isn't meant for you, so nothing was changed."
    hers = await aida.send_then_see("/mentorship", "don't have a mentor yet")
    answer = await aida.press_data(hers.message_id, f"v1:req:acc:{request.id}")
    assert answer == "This is your own request: only the mentor can answer it."
    answer = await aida.press_data(hers.message_id, "v1:req:acc:notanumber")
    assert answer == "This button is out of date. Tap /start to begin again."
    assert db_rows(runner, "SELECT status FROM requests")[0][0] == "pending"
    assert db_rows(runner, "SELECT COUNT(*) FROM mentorships")[0][0] == 0
    assert await aigul.press("✅ Accept", card.message_id) == "Accepted ✓"
    again = await aigul.press_data(card.message_id, f"v1:req:acc:{request.id}")
    assert again == "This request has already been answered."
    assert db_rows(runner, "SELECT COUNT(*) FROM mentorships")[0][0] == 1
