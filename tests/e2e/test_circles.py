"""Circles end to end: a mentor, six mentees (two minors) and a coordinator (admin); a typed message
waits across a restart."""

from tests.support.builders import matched, new_mentee, new_mentor
from tests.support.circles import write
from tests.support.db import db_rows


async def circle_of_six(runner, users, admin):
    await admin.start_in("English")
    mentor = await new_mentor(runner, users, name="Aigul", minors=True, languages=("ky", "ru"))
    girls = [await new_mentee(runner, users, name=f"Girl{i}", languages=("ky",)) for i in range(4)]
    girls += [await new_mentee(runner, users, name=f"Teen{i}", minor=True, languages=("ky",)) for i in range(2)]
    await admin.send("/circles")
    await admin.press("Form circles from waiting mentees")
    preview = await admin.sees("Circles preview")
    assert all(g.name in preview.text for g in girls)
    assert db_rows(runner, "SELECT status, age_band FROM circles") == [("forming", "14-17")]
    await admin.press("✅ Confirm and send", preview.message_id)
    await admin.sees("Done: the circles have begun.")
    for person in [mentor, *girls]:
        await person.sees("mentoring circle")
    circle_id = db_rows(runner, "SELECT id FROM circles")[0][0]
    return mentor, girls, circle_id


async def test_a_circle_formed_talks_in_order_without_usernames_and_holds_contacts(bot, users, runner, admin):
    mentor, girls, circle_id = await circle_of_six(runner, users, admin)
    assert db_rows(runner, "SELECT status FROM circles")[0][0] == "active"
    sender = girls[0]
    await write(sender, "Hello everyone!")
    await write(sender, "Second message")
    for person in [mentor, admin, *girls[1:]]:
        await person.sees("Second message")
        texts = [m.text for m in person.emu.bot_messages(person.id) if "Girl0:" in (m.text or "")]
        assert [t.splitlines()[-1] for t in texts] == ["Hello everyone!", "Second message"]
        assert all("@" not in t and "Aigul #" in t for t in texts)
    assert not [m for m in sender.emu.bot_messages(sender.id) if "Girl0:" in (m.text or "")]

    # A reply quotes what it answers; the bot restarting while she types loses nothing.
    await girls[1].press("↩️ Reply")
    await girls[1].sees("Type your message")
    # Her step is in the database as the question goes out (what a kill -9 relies on).
    key = f"[{girls[1].id}, {girls[1].id}]"
    assert db_rows(runner, "SELECT name, state FROM conversations WHERE key = ?", key) == [("circle", '"message"')]
    await runner.restart()
    await girls[1].send("Hi Girl0!")
    quoted = await mentor.sees("Hi Girl0!")
    assert "in reply to Girl0" in quoted.text and "Hello everyone!" in quoted.text

    # Contact details in a circle with minors are held back; the admins are flagged.
    await write(girls[2], "write me at +996 555 123 456", answer="I did not pass this on")
    await admin.sees("Contact details held back")
    assert db_rows(runner, "SELECT held FROM circle_messages WHERE text LIKE 'write me%'") == [(1,)]
    assert not db_rows(runner, "SELECT 1 FROM circle_deliveries d JOIN circle_messages m ON m.id = d.message_id"
                       " WHERE m.held = 1")  # fmt: skip

    # A report pauses the sender at once and alerts the admins with the message.
    report_on = await girls[3].sees("Hello everyone!")
    await girls[3].press("⚠️ Report", report_on.message_id)
    await girls[3].press("Inappropriate messages")
    await girls[3].sees("Thank you for telling us")
    alert = await admin.sees("Report in circle")
    assert "Hello everyone!" in alert.text
    await sender.send("/circle")
    refused = await sender.press("✍️ Write to the circle")
    assert refused == "Your messages to this circle are paused while the programme team looks at a report."
    assert db_rows(runner, f"SELECT status FROM circle_members WHERE user_id = {sender.id}") == [("paused",)]

    # Forged buttons from someone outside the circle are refused.
    outsider = await new_mentee(runner, users, name="Mallory")
    await outsider.send("/circle")
    reply = await outsider.sees("You are not in a circle yet.")
    message_id = db_rows(runner, "SELECT MIN(id) FROM circle_messages")[0][0]
    for data in (f"v1:circ:w:{circle_id}", f"v1:circ:r:{message_id}", f"v1:circ:rr:{message_id}:other",
                 f"v1:circ:rm:{circle_id}:{girls[1].id}:rules", f"v1:circ:lv:{circle_id}:y"):  # fmt: skip
        answer = await outsider.press_data(reply.message_id, data)
        assert answer == "This circle is not yours, or you are no longer in it."
    assert await outsider.press_data(reply.message_id, "v1:circa:go:1") == "This is for programme admins only."
    assert db_rows(runner, "SELECT COUNT(*) FROM circle_reports")[0][0] == 1


async def test_leaving_removal_and_deleteme(bot, users, runner, admin):
    mentor, girls, circle_id = await circle_of_six(runner, users, admin)
    await girls[0].send("/circle")
    await girls[0].press("Leave the circle")
    await girls[0].press("Yes, leave the circle")
    await girls[0].sees("You have left the circle")
    await mentor.sees("Girl0 has left your circle")

    await mentor.send("/circle")
    await mentor.press("Remove a member")
    await mentor.press("Girl1")
    await mentor.press("Broke the circle's rules")
    await mentor.sees("Done: she is no longer in the circle.")
    await admin.sees("Aigul removed Girl1 from the circle")
    await girls[1].sees("Your mentor has taken you out of the circle")

    await write(girls[2], "Before I go")
    await mentor.sees("Before I go")
    await girls[2].send("/deleteme")
    await girls[2].press("Yes, erase everything")
    await girls[2].sees("Done: everything about you is erased")
    assert not db_rows(runner, "SELECT 1 FROM circle_messages WHERE text = 'Before I go'")
    members = db_rows(runner, f"SELECT user_id, status FROM circle_members WHERE circle_id = {circle_id}")
    assert {tuple(m) for m in members} == {
        (girls[0].id, "left"), (girls[1].id, "removed"), (girls[3].id, "active"), (girls[4].id, "active"),
        (girls[5].id, "active"),
    }  # fmt: skip
    events = [tuple(r) for r in db_rows(runner, "SELECT kind, subject_id FROM circle_events ORDER BY id")]
    assert [kind for kind, _ in events] == ["formed", "active", "left", "removed", "out_erased"]
    assert events[-1] == ("out_erased", None)  # her history stays, her id does not


async def test_a_suspended_account_neither_writes_to_nor_reads_its_circle(bot, users, runner, admin):
    mentor, girls, circle_id = await circle_of_six(runner, users, admin)
    now = runner.clock.now()
    await runner.services.reports.suspend(girls[0].id, admin.id, now)
    await runner.services.reports.suspend(mentor.id, admin.id, now)

    await girls[0].send("/circle")
    refused = await girls[0].press("✍️ Write to the circle")
    assert refused == "This circle is not yours, or you are no longer in it."

    await write(girls[1], "Is anyone here?")
    await girls[2].sees("Is anyone here?")
    readers = db_rows(runner, "SELECT d.user_id FROM circle_deliveries d JOIN circle_messages m ON m.id = d.message_id"
                      " WHERE m.text = 'Is anyone here?'")  # fmt: skip
    assert {r[0] for r in readers} == {g.id for g in girls[2:]} | {admin.id}


async def test_an_admins_suspension_takes_her_out_of_her_circles_and_pauses_the_ones_she_leads(
    bot, users, runner, admin
):
    mentor, girls, circle_id = await circle_of_six(runner, users, admin)
    now = runner.clock.now()
    # Girl1 reports the mentor on a request; the admin suspends the mentor from /reports.
    request = await runner.services.requests.create_request(girls[1].id, mentor.id, now)
    await runner.services.reports.report_request(request.id, girls[1].id, "contact", now)
    card = await admin.send_then_see("/reports", "Safety report #")
    await admin.press("⛔ Suspend", card.message_id)
    await mentor.sees("suspended your account")
    for girl in girls:
        await girl.sees("Your circle", "is paused for now: Aigul can no longer lead it.")
    assert db_rows(runner, "SELECT status FROM circles WHERE id = ?", circle_id)[0][0] == "paused"
    events = [r[0] for r in db_rows(runner, "SELECT kind FROM circle_events WHERE circle_id = ?", circle_id)]
    assert events[-1] == "lead_out_suspended"


async def test_a_suspended_member_leaves_the_circle_and_its_mentor_is_told(bot, users, runner, admin):
    mentor, girls, circle_id = await circle_of_six(runner, users, admin)
    # Girl1 also has a one-to-one mentor, who reports her; the admin suspends Girl1.
    bermet = await new_mentor(runner, users, name="Bermet", languages=("ky",))
    mentorship = await matched(runner, girls[1], bermet)
    await runner.services.reports.report(mentorship.id, bermet.id, "contact", runner.clock.now())
    card = await admin.send_then_see("/reports", "Safety report #")
    await admin.press("⛔ Suspend", card.message_id)
    await mentor.sees("Girl1 is no longer in your circle")
    status = db_rows(
        runner, "SELECT status FROM circle_members WHERE circle_id = ? AND user_id = ?", circle_id, girls[1].id
    )
    assert status[0][0] == "removed"


async def test_a_mentor_who_erases_herself_leaves_her_circle_paused_and_its_members_told(bot, users, runner, admin):
    mentor, girls, circle_id = await circle_of_six(runner, users, admin)
    await mentor.send("/deleteme")
    await mentor.press_then_see("Yes, erase everything", "everything about you is erased")
    for girl in girls:
        await girl.sees("is paused for now: Aigul can no longer lead it.")
    assert db_rows(runner, "SELECT status, mentor_id FROM circles WHERE id = ?", circle_id) == [("paused", None)]
