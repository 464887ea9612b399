"""/opportunities_admin as an admin uses it: five a page with counts, Next and Back; an edit typed
(checked, previewed, saved) and one picked; verified; closed early, after which she no longer sees
it, is not reminded of it and does not get it in the digest. Non-admins and forged presses refused."""

import json
from datetime import timedelta

from bot.callbacks import cb
from bot.jobs import run_jobs
from tests.support.builders import new_mentee
from tests.support.db import db_rows
from tests.support.opportunities import add_opportunity


async def add(runner, title, days):
    return await add_opportunity(runner, title, days=days, ages=["14-17"])


async def test_the_admin_list_edit_verify_and_close(emulator, users, runner, clock, admin):
    app = await runner.start()
    app.job_queue.scheduler.pause()
    aida = await new_mentee(runner, users, minor=True, region="osh_city", languages=("en",))
    await run_jobs(app)  # her weekly digest is on: what is added from now on is new to her
    clock.advance(timedelta(minutes=1))
    ids = [await add(runner, f"Olympiad {n}", 10 + n) for n in range(1, 8)]
    outsider = users.new("Nurai", "en")
    await outsider.send_then_see("/opportunities_admin", "This is for programme admins only.")
    await admin.start_in("English")

    await admin.send_then_see("/admin", "/opportunities_admin")
    await admin.send("/opportunities_admin")
    page = await admin.sees("1. Olympiad 1", "not verified", "Reached 0 · saved 0 · applied 0 · accepted 0")
    assert "Olympiad 6" not in page.text
    for forged in (cb("oppa", "cly", ids[0]), cb("oppa", "vf", ids[0], 1, 0), cb("oppa", "sv")):
        assert await outsider.press_data(outsider.last().message_id, forged) == "This is for programme admins only."
    await admin.press_then_see("➡️ Next", "6. Olympiad 6", "7. Olympiad 7")
    await admin.press_then_see("⬅️ Back", "1. Olympiad 1")

    # A typed edit: checked, previewed, saved, audited.
    await admin.press_then_see("✏️ Edit 1", "What do you want to change in “Olympiad 1”?")
    await admin.press("Link")
    await admin.answer("Link now: https://example.kg/x", "olymp.kg")
    await admin.answer("doesn't look like a web address", "https://olymp.kg/new")
    await admin.sees("New Link: https://olymp.kg/new", "Olympiad 1", "https://olymp.kg/new")
    await admin.press_then_see("✅ Save", "Saved ✓")
    assert db_rows(runner, "SELECT link FROM opportunities WHERE id = ?", ids[0]) == [("https://olymp.kg/new",)]
    assert await admin.press_data(admin.last().message_id, cb("oppa", "sv")) is not None  # twice: stale

    # A picked edit: regions.
    await admin.send("/opportunities_admin")
    await admin.presses("✏️ Edit 2", "Regions", "Osh city", "Done")
    await admin.sees("New Regions: Osh city")
    await admin.press_then_see("✅ Save", "Saved ✓")
    assert json.loads(db_rows(runner, "SELECT regions FROM opportunities WHERE id = ?", ids[1])[0][0]) == ["osh_city"]

    await admin.send("/opportunities_admin")
    await admin.press_then_see("Verify 3", "verified ✅")
    assert db_rows(runner, "SELECT verified FROM opportunities WHERE id = ?", ids[2]) == [(1,)]

    # She saves Olympiad 1; the admin closes it early.
    await aida.send_then_see("/opportunities", "Olympiad 1")
    await aida.press("⭐ Save")
    await admin.send_then_see("/opportunities_admin", "Reached 1 · saved 1")
    await admin.press_then_see("Close 1", "Close “Olympiad 1” early?")
    await admin.press_then_see("Yes, close it", "Closed ✓")
    assert db_rows(runner, "SELECT closed_at IS NOT NULL FROM opportunities WHERE id = ?", ids[0]) == [(1,)]
    actions = [row[0] for row in db_rows(runner, "SELECT action FROM admin_audit ORDER BY id")]
    assert actions == ["opportunity_edit", "opportunity_edit", "opportunity_verify", "opportunity_close"]

    await aida.send("/opportunities")
    assert "Olympiad 1" not in (await aida.reply()).text
    # Past the 7-day reminder and a weekly digest slot: nothing of Olympiad 1.
    for _ in range(8):
        clock.advance(timedelta(days=1))
        await run_jobs(app)
    texts = [m.text or "" for m in emulator.bot_messages(aida.id)]
    assert not [text for text in texts if text.startswith("⏰")]
    digests = [text for text in texts if "New opportunities for you this week" in text]
    assert digests and all("Olympiad 1" not in text for text in digests)
    # Called off before its deadline: once the deadline is long past, she is not asked whether she applied.
    clock.advance(timedelta(days=60))
    await run_jobs(app)
    assert not [m for m in emulator.bot_messages(aida.id) if "Did you apply?" in (m.text or "")]
