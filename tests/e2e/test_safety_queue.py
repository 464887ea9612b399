"""Item 6: open reports alert every admin again, critical ones after 2 h unreviewed, any after 24 h, once each."""

from datetime import timedelta

from bot.jobs import run_jobs
from tests.support.builders import matched, minor_and_mentor, new_mentee, new_mentor
from tests.support.db import db_rows


async def report(runner, mentee, mentorship, reason):
    return await runner.services.reports.report(mentorship.id, mentee.id, reason, runner.clock.now())


def realerts(runner, admin):
    return [m.text for m in runner.emulator.bot_messages(admin.id) if "is still open after" in (m.text or "")]


async def test_a_critical_report_realerts_after_two_hours_and_again_after_a_day_once_each(bot, users, runner, admin):
    await admin.start_in("English")
    dana, aigul = await minor_and_mentor(runner, users)
    first = await report(runner, dana, await matched(runner, dana, aigul), "contact")
    runner.clock.advance(timedelta(hours=1, minutes=59))
    await run_jobs(runner.app)
    await runner.settled()
    assert realerts(runner, admin) == []
    runner.clock.advance(timedelta(minutes=2))
    await run_jobs(runner.app)
    await admin.sees(f"Safety report #{first.id} is still open after 2 h", "Critical")
    await run_jobs(runner.app)  # a second run says nothing new
    runner.clock.advance(timedelta(hours=22))
    await run_jobs(runner.app)
    await admin.sees(f"Safety report #{first.id} is still open after 24 h")
    runner.clock.advance(timedelta(hours=48))
    await run_jobs(runner.app)
    await runner.settled()
    assert len(realerts(runner, admin)) == 2
    assert db_rows(runner, "SELECT alerts_sent FROM reports")[0][0] == 2


async def test_a_routine_report_waits_a_day_and_a_decided_one_never_realerts(bot, users, runner, admin):
    await admin.start_in("English")
    aida = await new_mentee(runner, users, name="Aida")
    aigul = await new_mentor(runner, users)
    routine = await report(runner, aida, await matched(runner, aida, aigul), "other")
    runner.clock.advance(timedelta(hours=3))
    await run_jobs(runner.app)
    await runner.settled()
    assert realerts(runner, admin) == []
    runner.clock.advance(timedelta(hours=21))
    await run_jobs(runner.app)
    alert = await admin.sees(f"Safety report #{routine.id} is still open after 24 h")
    assert "Routine" in alert.text
    card = await admin.send_then_see("/reports", f"Safety report #{routine.id}", "open for 24 h")
    await admin.press("✔️ Dismiss", card.message_id)
    await admin.sees("Dismissed ✓")
    await admin.send_then_see("/stats", "Median time to first action on a report: 24 h")
