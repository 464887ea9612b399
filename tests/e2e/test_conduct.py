"""Item 7: the code of conduct: accepted before approval, and a new version un-clears for minors until accepted."""

from bot.conduct.rules import VERSION
from bot.jobs import run_at_start
from tests.support.builders import minor_and_mentor, new_mentor
from tests.support.db import db_row


async def test_a_new_version_asks_again_and_holds_the_clearance_for_minors_until_accepted(bot, users, runner):
    dana, aigul = await minor_and_mentor(runner, users)
    # She accepted an older version: the current one is new to her.
    await runner.services.db.execute(
        "UPDATE profiles SET conduct_version = ?, conduct_asked = ? WHERE user_id = ?",
        (VERSION - 1, VERSION - 1, aigul.id),
    )
    await run_at_start(runner.app)
    code = await aigul.sees("Our safeguarding code for mentors", f"version {VERSION}")
    row = db_row(runner, "SELECT cleared_for_minors, minors_hold FROM profiles WHERE user_id = ?", aigul.id)
    assert tuple(row) == (0, 1)
    await dana.send_then_see("/mentors", "only mentors checked by the programme team")
    await run_at_start(runner.app)  # asked once, not at every start
    await runner.settled()
    assert len([m for m in runner.emulator.bot_messages(aigul.id) if "safeguarding code" in (m.text or "")]) == 1

    await aigul.press("✅ I accept the code", code.message_id)
    await aigul.sees("Accepted ✓")
    row = db_row(
        runner, "SELECT cleared_for_minors, minors_hold, conduct_version FROM profiles WHERE user_id = ?", aigul.id
    )
    assert tuple(row) == (1, 0, VERSION)
    await dana.send_then_see("/mentors", "Aigul", "Compatibility")


async def test_a_forged_press_of_an_old_version_accepts_nothing(bot, users, runner):
    aigul = await new_mentor(runner, users, minors=True)
    await runner.services.db.execute("UPDATE profiles SET conduct_version = NULL WHERE user_id = ?", (aigul.id,))
    card = await aigul.send_then_see("/profile", "Your profile")
    answer = await aigul.press_data(card.message_id, f"v1:code:ok:{VERSION - 1}")
    assert answer == "This button is out of date. Tap /start to begin again."
    await aigul.sees("Our safeguarding code for mentors")
    assert db_row(runner, "SELECT conduct_version FROM profiles WHERE user_id = ?", aigul.id)[0] is None


async def test_a_held_mentor_keeps_her_minor_mentee_but_no_new_session_or_message_until_she_accepts(
    bot, users, runner, admin
):
    import pytest

    from bot.mentorship.rules import Refusal as MentorshipRefusal
    from bot.mentorship.rules import Refused as MentorshipRefused
    from bot.sessions.rules import Refusal, Refused
    from tests.support.builders import free_hour, pair

    await admin.start_in("English")  # admins read the bot in the language they chose
    dana, aigul, mentorship = await pair(runner, users, mentee="Dana", minor=True)
    start = await free_hour(runner, aigul)
    services, now = runner.services, runner.clock.now()
    offsets = services.settings.reminder_offsets
    booked = await services.bookings.book(mentorship.id, dana.id, start, now, offsets=offsets, new_link=lambda: "x")
    await runner.services.db.execute(
        "UPDATE profiles SET conduct_version = ?, conduct_asked = ? WHERE user_id = ?",
        (VERSION - 1, VERSION - 1, aigul.id),
    )
    await run_at_start(runner.app)
    code = await aigul.sees("Our safeguarding code for mentors")
    await admin.sees("Aigul", "clearance for minors is held", "under 18 right now: 1")
    # The mentorship stays; nothing new brings them closer.
    assert db_row(runner, "SELECT status FROM mentorships WHERE id = ?", mentorship.id)[0] == "active"
    later = await free_hour(runner, aigul, hours_ahead=50)
    with pytest.raises(Refused) as refused:
        await services.bookings.book(mentorship.id, dana.id, later, now, offsets=offsets, new_link=lambda: "x")
    assert refused.value.code == Refusal.CLEARANCE_HELD
    with pytest.raises(Refused) as refused:
        await services.bookings.confirm(booked.id, aigul.id, now, offsets=offsets)
    assert refused.value.code == Refusal.ACCEPT_CODE
    with pytest.raises(MentorshipRefused) as held:
        await services.relay.relay(mentorship.id, aigul.id, "Hello Dana", now)
    assert held.value.code == MentorshipRefusal.ACCEPT_CODE
    with pytest.raises(MentorshipRefused) as held:
        await services.relay.relay(mentorship.id, dana.id, "Hello", now)
    assert held.value.code == MentorshipRefusal.CLEARANCE_HELD
    assert db_row(runner, "SELECT COUNT(*) FROM relay_messages WHERE mentorship_id = ?", mentorship.id)[0] == 0

    await aigul.press("✅ I accept the code", code.message_id)
    await aigul.sees("Accepted ✓")
    await services.bookings.confirm(booked.id, aigul.id, now, offsets=offsets)
    await services.bookings.book(mentorship.id, dana.id, later, now, offsets=offsets, new_link=lambda: "x")
    await services.relay.relay(mentorship.id, aigul.id, "Hello Dana", now)
