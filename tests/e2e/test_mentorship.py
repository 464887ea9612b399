"""/mentorship end to end: contacts only by mutual consent and never for minors, messages
through the bot, report, block, end, forged buttons, and erasure."""

import sqlite3
from datetime import timedelta

from tests.support.builders import matched, minor_pair, new_mentee, new_mentor, pair
from tests.support.db import db_rows


async def test_contacts_go_to_both_only_when_both_agreed(bot, users, runner, emulator, clock):
    aida = await new_mentee(runner, users)
    aigul = await new_mentor(runner, users)
    emulator.user(aigul.id).username = "aigul_eng"  # seen by the bot next time she writes
    clock.advance(timedelta(minutes=10))
    mentorship = await matched(runner, aida, aigul)
    card = await aida.send_then_see("/mentorship", "Your mentor: Aigul")
    assert "🤝 Share my contact" in aida.buttons(card)
    answer = await aida.press("🤝 Share my contact")
    assert answer == "Done: I'll share your contact as soon as Aigul agrees too."
    asked = await aigul.sees("Aida would like to exchange contacts")
    for person in (aida, aigul):
        assert not [m for m in emulator.bot_messages(person.id) if "how to reach" in (m.text or "")]
    assert await aigul.press("🤝 Share my contact", asked.message_id) == "Contacts exchanged ✓"
    to_aida = await aida.sees("You both agreed: here is how to reach Aigul directly")
    assert f'href="tg://user?id={aigul.id}"' in to_aida.html and "@aigul_eng" in to_aida.text
    to_aigul = await aigul.sees("here is how to reach Aida directly")
    assert f"tg://user?id={aida.id}" in to_aigul.html
    row = db_rows(
        runner,
        "SELECT mentee_shares_contact, mentor_shares_contact, contacts_sent_at FROM mentorships",
    )[0]
    assert row[0] == 1 and row[1] == 1 and row[2]
    events = [
        r[0] for r in db_rows(runner, "SELECT event FROM mentorship_events WHERE mentorship_id = ?", mentorship.id)
    ]
    assert events == ["active", "contact_consent", "contact_consent", "contacts_shared"]


async def test_contacts_are_never_shared_with_a_minor_and_she_is_told_why(bot, users, runner):
    dana, aigul, mentorship = await minor_pair(runner, users)
    for person in (dana, aigul):
        card = await person.send_then_see("/mentorship", "under 18")
        assert "🤝 Share my contact" not in person.buttons(card)
        answer = await person.press_data(card.message_id, f"v1:ship:share:{mentorship.id}")
        assert answer.startswith("Contacts are never shared when the mentee is under 18")
    row = db_rows(
        runner,
        "SELECT mentee_shares_contact, mentor_shares_contact, contacts_sent_at FROM mentorships",
    )
    assert tuple(row[0]) == (0, 0, None)


async def test_a_minor_and_her_mentor_talk_through_the_bot_and_it_is_stored(bot, users, runner):
    dana, aigul, mentorship = await minor_pair(runner, users)
    await dana.send("/mentorship")
    await dana.press_then_see("✉️ Message through the bot", "Type your message for Aigul")
    await dana.send("/cancle")  # a mistyped command is not passed on as her message
    await dana.sees("I don't know that command")
    await dana.send_then_see("Hi <i>Aigul</i>! Can we talk about robotics?", "Sent ✓")
    relayed = await aigul.sees("Message from Dana:")
    assert "Hi &lt;i&gt;Aigul&lt;/i&gt;! Can we talk about robotics?" in relayed.html
    await aigul.press("↩️ Reply", relayed.message_id)
    await aigul.answer("Type your message for Dana", "Of course! Saturday?")
    await aigul.sees("Sent ✓")
    await dana.sees("Message from Aigul:", "Of course! Saturday?")
    rows = db_rows(
        runner,
        "SELECT mentorship_id, sender_id, recipient_id, text, delivered FROM relay_messages ORDER BY id",
    )
    assert [tuple(r) for r in rows] == [
        (mentorship.id, dana.id, aigul.id, "Hi <i>Aigul</i>! Can we talk about robotics?", 1),
        (mentorship.id, aigul.id, dana.id, "Of course! Saturday?", 1),
    ]


async def test_a_report_pauses_the_mentorship_and_alerts_every_admin_with_context(bot, users, runner, admin):
    await admin.start_in("English")
    dana, aigul, mentorship = await minor_pair(runner, users)
    await runner.services.relay.relay(mentorship.id, aigul.id, "Send me your <home> address", runner.clock.now())
    await dana.send("/mentorship")
    await dana.press("⚠️ Report")
    await dana.sees_buttons("Made me feel unsafe or uncomfortable", "↩️ Back")
    assert await dana.press("Made me feel unsafe or uncomfortable") == "Reported ✓"
    await dana.sees("Thank you for telling us")
    alert = await admin.sees("Safety report #")
    assert "From: Dana (mentee · under 18)" in alert.text and "About: Aigul (mentor)" in alert.text
    assert "now paused" in alert.text and "Reason: Made me feel unsafe or uncomfortable" in alert.text
    assert "Send me your &lt;home&gt; address" in alert.html
    await aigul.sees("Your mentorship with Dana is paused for now")
    assert db_rows(runner, "SELECT status FROM mentorships")[0][0] == "paused"
    report = db_rows(runner, "SELECT reporter_id, reported_id, mentorship_id, reason, status FROM reports")[0]
    assert tuple(report) == (dana.id, aigul.id, mentorship.id, "uncomfortable", "open")
    assert [tuple(r) for r in db_rows(runner, "SELECT reason FROM exclusions")] == [("reported",)]
    # Her details reach the admins too.
    await dana.send_then_see("She asked me to meet alone.", "Added to your report")
    await admin.sees("More details for safety report", "She asked me to meet alone.")
    # Nothing passes through a paused mentorship.
    card = await aigul.send_then_see("/mentorship", "Paused")
    assert "✉️ Message through the bot" not in aigul.buttons(card)
    answer = await aigul.press_data(card.message_id, f"v1:ship:msg:{mentorship.id}")
    assert answer == "This mentorship is paused or over, so this can't be done now."


async def test_block_ends_the_mentorship_and_they_are_never_matched_again(bot, users, runner):
    aida, aigul, _ = await pair(runner, users)
    await aida.send("/mentorship")
    await aida.press_then_see("🚫 Block", "Block Aigul?")
    assert await aida.press("🚫 Yes, block") == "Blocked ✓"
    await aida.sees("Blocked. Your mentorship with Aigul has ended")
    await aigul.sees("Your mentorship with Aida has ended")
    row = db_rows(runner, "SELECT status, end_reason, ended_at FROM mentorships")[0]
    assert row[0] == "cancelled" and row[1] == "blocked" and row[2]
    assert [tuple(r) for r in db_rows(runner, "SELECT reason FROM exclusions")] == [("blocked",)]
    await aida.send_then_see("/mentors", "already been in touch with every mentor who suits you")
    # Aigul may still report her from an old card, but the bot does not write to Aida for her.
    mentorship_id = db_rows(runner, "SELECT id FROM mentorships")[0][0]
    card = await aigul.sees("Your mentorship with Aida has ended")
    assert await aigul.press_data(card.message_id, f"v1:ship:rep:{mentorship_id}:contact") == "Reported ✓"
    await runner.settled()
    assert not [m for m in runner.emulator.bot_messages(aida.id) if "paused" in (m.text or "")]


async def test_end_with_a_reason_tells_the_other_side(bot, users, runner):
    aida, aigul, mentorship = await pair(runner, users)
    await aigul.send_then_see("/mentorship", "Your mentee: Aida")
    await aigul.press("🏁 End mentorship")
    await aigul.sees_buttons("We reached our goals")
    assert await aigul.press("We reached our goals") == "Ended ✓"
    told = await aida.sees("Your mentorship with Aigul has ended.", "Reason: We reached our goals")
    assert "/mentors" in told.text
    row = db_rows(runner, "SELECT status, end_reason FROM mentorships")[0]
    assert tuple(row) == ("completed", "goals")
    events = db_rows(
        runner,
        "SELECT event, actor_id FROM mentorship_events WHERE mentorship_id = ? ORDER BY id",
        mentorship.id,
    )
    assert [tuple(e) for e in events] == [("active", aigul.id), ("completed", aigul.id)]
    await aida.send_then_see("/mentorship", "You don't have a mentor yet")


async def test_someone_elses_mentorship_buttons_are_refused_and_change_nothing(bot, users, runner):
    aida, aigul, mentorship = await pair(runner, users)
    mallory = await new_mentee(runner, users, name="Mallory")
    own = await mallory.send_then_see("/mentorship", "You don't have a mentor yet")
    m = mentorship.id
    for data in (
        f"share:{m}",
        f"msg:{m}",
        f"report:{m}",
        f"rep:{m}:other",
        f"blockok:{m}",
        f"end:{m}",
        f"endr:{m}:goals",
    ):
        answer = await mallory.press_data(own.message_id, f"v1:ship:{data}")
        assert answer == "This button isn't meant for you, so nothing was changed.", data
    answer = await mallory.press_data(own.message_id, "v1:ship:endr:99999:goals")
    assert answer == "This is no longer here. Tap /start to begin again."
    row = db_rows(runner, "SELECT status, mentee_shares_contact, mentor_shares_contact FROM mentorships")[0]
    assert tuple(row) == ("active", 0, 0)
    assert db_rows(runner, "SELECT COUNT(*) FROM reports")[0][0] == 0
    assert db_rows(runner, "SELECT COUNT(*) FROM exclusions")[0][0] == 0
    assert db_rows(runner, "SELECT COUNT(*) FROM pending_inputs WHERE user_id = ?", mallory.id)[0][0] == 0


async def test_deleteme_erases_her_requests_mentorship_messages_and_reports(bot, users, runner):
    aida, aigul, mentorship = await pair(runner, users)
    now = runner.clock.now()
    await runner.services.relay.relay(mentorship.id, aida.id, "Hello from Aida", now)
    await runner.services.reports.report(mentorship.id, aida.id, "other", now)
    await aida.send("/deleteme")
    await aida.press_then_see("Yes, erase everything", "everything about you is erased")
    with sqlite3.connect(runner.database_path) as conn:
        for (table,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall():
            for row in conn.execute(f"SELECT * FROM {table}"):
                text = " ".join(str(v) for v in row)
                assert str(aida.id) not in text, (table, row)
                # Her open report keeps the messages it rests on until an admin closes it (F3).
                assert "Aida" not in text or table == "report_evidence", (table, row)


async def test_before_erase_tells_her_mentor_and_those_waiting_on_her(bot, users, runner):
    from bot.privacy.erasure import farewells

    aida = await new_mentee(runner, users)
    aigul = await new_mentor(runner, users, capacity=3)
    await matched(runner, aida, aigul)
    dana = await new_mentee(runner, users, name="Dana")
    await runner.services.requests.create_request(dana.id, aigul.id, runner.clock.now())
    await runner.services.sender.send(await farewells(runner.services, aigul.id, runner.clock.now()))
    await aida.sees("Your mentorship with Aigul has ended.")
    await dana.sees("Aigul has left the programme, so I've closed your request to her.")
