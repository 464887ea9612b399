"""Item 8: per-user brakes (F6, F13, F14), seen as a user and an admin would."""

from datetime import timedelta

from bot.limits.rules import SlidingWindow
from tests.support.builders import matched, new_mentee, new_mentor, pair, write_through_the_bot
from tests.support.db import db_rows


def told(runner, user, fragment):
    return [m for m in runner.emulator.bot_messages(user.id) if fragment in (m.text or "")]


async def test_f6_a_repeated_share_press_sends_the_other_side_nothing_new(bot, users, runner):
    aida, aigul, mentorship = await pair(runner, users)
    await aida.send("/mentorship")
    card = await aida.sees_buttons("🤝 Share my contact")
    await aida.press("🤝 Share my contact")
    await aigul.sees("would like to exchange contacts")
    for _ in range(3):
        await aida.press_data(card.message_id, f"v1:ship:share:{mentorship.id}")
    await runner.settled()
    assert len(told(runner, aigul, "would like to exchange contacts")) == 1


async def test_f14_relayed_messages_past_the_limit_are_not_sent(bot, users, runner):
    runner.services.limits.windows["relay"] = SlidingWindow(1, timedelta(minutes=10))
    aida, aigul, _ = await pair(runner, users)
    for text in ("first", "second"):
        await write_through_the_bot(aida, text)
    await aida.sees("You are sending a lot right now")
    await runner.settled()
    assert [r[0] for r in db_rows(runner, "SELECT text FROM relay_messages")] == ["first"]
    assert told(runner, aigul, "second") == []


async def test_f13_reports_past_the_limit_are_kept_but_do_not_alert_admins_one_by_one(bot, users, runner, admin):
    runner.services.limits.windows["report_alert"] = SlidingWindow(1, timedelta(days=1))
    await admin.start_in("English")
    aida = await new_mentee(runner, users, name="Aida")
    for name in ("Aigul", "Bermet"):
        mentor = await new_mentor(runner, users, name=name)
        mentorship = await matched(runner, aida, mentor)
        await aida.send("/mentorship")
        card = await aida.sees_buttons("⚠️ Report")
        await aida.press_data(card.message_id, f"v1:ship:report:{mentorship.id}")
        await aida.press_then_see("Something else", "Thank you for telling us")
        await runner.services.mentorships.end(mentorship.id, aida.id, "other", runner.clock.now())
    await runner.settled()
    assert db_rows(runner, "SELECT COUNT(*) FROM reports")[0][0] == 2
    assert len(told(runner, admin, "Safety report #")) == 1
