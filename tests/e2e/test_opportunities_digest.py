"""The weekly digest (on by default, in her slot and zone, once per week also across a restart, off
with one tap, day and time chosen in /opportunities) and the Share link that opens the bot on a card
(eligibility still applies; a new user hears of it after picking her language)."""

from datetime import timedelta
from zoneinfo import ZoneInfo

from bot.jobs import run_jobs
from bot.opportunities.rules import next_slot
from tests.support.builders import new_mentee
from tests.support.db import db_rows
from tests.support.opportunities import add_opportunity

BISHKEK = ZoneInfo("Asia/Bishkek")


async def add(runner, title, *, ages=(), language="ru", days=20):
    link = f"https://example.kg/{len(title)}"
    return await add_opportunity(runner, title, ages=ages, language=language, days=days, link=link, verified=True)


def digests(emulator, user):
    return [m for m in emulator.bot_messages(user.id) if "New opportunities for you this week" in (m.text or "")]


async def test_the_weekly_digest_once_a_week_in_her_slot_and_off_with_one_tap(emulator, users, runner, clock):
    app = await runner.start()
    app.job_queue.scheduler.pause()
    aida = await new_mentee(runner, users, minor=True, region="osh_city", languages=("ru",))
    await run_jobs(app)
    assert db_rows(runner, "SELECT enabled, weekday, hour FROM opportunity_digest_settings")[0] == (1, 0, 10)
    slot = next_slot(0, 10, BISHKEK, clock.now())  # her first Monday 10:00, Bishkek time
    clock.advance(timedelta(minutes=1))
    await add(runner, "Олимпиада для школьниц", ages=("14-17",))
    await add(runner, "Only for adults", ages=("18+",), language="en")
    await add(runner, "Кыргызча гана", ages=("14-17",), language="ky")

    clock.advance(slot - clock.now() - timedelta(minutes=1))
    await run_jobs(app)
    assert digests(emulator, aida) == []  # not before her hour
    clock.advance(timedelta(minutes=2))
    await run_jobs(app)
    digest = await aida.sees("New opportunities for you this week", "Олимпиада для школьниц")
    assert "Only for adults" not in digest.text and "Кыргызча" not in digest.text
    assert db_rows(runner, "SELECT items FROM opportunity_digests") == [(1,)]

    app = await runner.restart()
    app.job_queue.scheduler.pause()
    await run_jobs(app)
    await runner.settled()
    assert len(digests(emulator, aida)) == 1

    # Nothing new next week: nothing sent, the week recorded.
    clock.advance(timedelta(days=7))
    await run_jobs(app)
    await runner.settled()
    assert len(digests(emulator, aida)) == 1
    assert [r[0] for r in db_rows(runner, "SELECT items FROM opportunity_digests ORDER BY week")] == [1, 0]

    await aida.press("🔕 Turn off the weekly digest", digest.message_id)
    await aida.sees("The weekly digest is off.")
    assert db_rows(runner, "SELECT enabled FROM opportunity_digest_settings WHERE user_id = ?", aida.id) == [(0,)]
    await add(runner, "Новая зимняя школа", ages=("14-17",))
    clock.advance(timedelta(days=7))
    await run_jobs(app)
    await runner.settled()
    assert len(digests(emulator, aida)) == 1

    await aida.send("/opportunities")
    await aida.sees_buttons("🔔 Weekly digest", "📤 Share")
    await aida.press_then_see("🔔 Weekly digest", "Your weekly digest of new opportunities is off.")
    await aida.press_then_see("🔔 Turn on the weekly digest", "comes on Monday at 10:00 (your time)")
    await aida.press_then_see("Friday", "comes on Friday at 10:00")
    assert db_rows(runner, "SELECT enabled, weekday FROM opportunity_digest_settings WHERE user_id = ?", aida.id) == [
        (1, 4)
    ]
    # Back on: the new one (added while it was off) comes in her next digest, on Friday.
    clock.advance(timedelta(days=7))
    await run_jobs(app)
    await aida.emu.wait_for(lambda: len(digests(emulator, aida)) == 2)
    assert "Новая зимняя школа" in digests(emulator, aida)[-1].text


async def test_share_opens_the_bot_on_the_card_only_if_it_fits(emulator, users, runner, clock):
    await runner.start()
    for_girls = await add(runner, "Олимпиада для школьниц", ages=("14-17",))
    adults = await add(runner, "Only for adults", ages=("18+",), language="en")
    aida = await new_mentee(runner, users, minor=True, region="osh_city", languages=("ru",))
    card = await aida.send_then_see("/opportunities", "Олимпиада для школьниц")
    share = next(b["url"] for row in card.keyboard for b in row if b["text"] == "📤 Share")
    assert share.startswith("https://t.me/share/url?url=") and f"start%3Dopp_{for_girls}" in share

    await aida.send_then_see(f"/start opp_{adults}", "This opportunity is closed or not open to you.")
    await aida.send_then_see(f"/start opp_{for_girls}", "Олимпиада для школьниц", "1 of 1")

    dana = users.new("Dana", "en")
    await dana.send(f"/start opp_{for_girls}")
    await dana.press_then_see("English", "Someone shared an opportunity with you. Finish your profile")
