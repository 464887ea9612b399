"""After she applied: asked whether she got in after the result date (Still waiting asks once more a
month later); /stats counts reached, saved, applied and got in, per opportunity, in total and by
group (groups under 5 hidden); /export adds the opportunities CSV with formula cells neutralised."""

import csv
import io
from datetime import timedelta

from bot.jobs import run_jobs
from bot.opportunities import flow
from tests.support.builders import new_mentee
from tests.support.db import db_rows
from tests.support.opportunities import add_opportunity


async def add(runner, title, *, days=10, result_days=None):
    scholarship = dict(kind="scholarship", link="https://fund.kg", organiser="=Fund", women_only=True)
    return await add_opportunity(
        runner, title, days=days, result_days=result_days, ages=("14-17", "18+"), **scholarship
    )


def asked(emulator, user):
    return [m for m in emulator.bot_messages(user.id) if "Did you get in?" in (m.text or "")]


async def test_got_in_question_still_waiting_then_yes_and_the_counts(emulator, users, runner, clock, admin):
    app = await runner.start()
    app.job_queue.scheduler.pause()
    opportunity = await add(runner, "=Women in STEM grant", result_days=40)
    girls = [await new_mentee(runner, users, name=f"Girl{i}", minor=True) for i in range(6)]
    aida = girls[0]
    for girl in girls:
        await flow.browse(runner.services.db, girl.id, clock.now())
    await flow.save(runner.services.db, aida.id, opportunity, clock.now())

    clock.advance(timedelta(days=10, minutes=5))
    await run_jobs(app)
    question = await aida.sees("has passed. Did you apply?")
    await aida.press("Yes", question.message_id)
    await aida.sees("Well done for applying!")

    clock.advance(timedelta(days=29))  # the result date is 40 days after; asked the day after it
    await run_jobs(app)
    await runner.settled()
    assert asked(emulator, aida) == []
    clock.advance(timedelta(days=2))
    await run_jobs(app)
    first = await aida.sees("You applied to “=Women in STEM grant”. Did you get in?")
    await aida.press("Still waiting", first.message_id)
    await aida.sees("I'll ask again in a month.")
    await run_jobs(app)
    await runner.settled()
    assert len(asked(emulator, aida)) == 1
    clock.advance(timedelta(days=30, minutes=1))
    await run_jobs(app)
    await aida.emu.wait_for(lambda: len(asked(emulator, aida)) == 2)
    await aida.press("Yes", asked(emulator, aida)[-1].message_id)
    await aida.sees("Congratulations!")
    clock.advance(timedelta(days=60))
    await run_jobs(app)
    await runner.settled()
    assert len(asked(emulator, aida)) == 2
    assert db_rows(runner, "SELECT applied, accepted, accepted_asks FROM opportunity_outcomes") == [(1, 1, 2)]

    await admin.send("/stats")
    report = await admin.sees("Opportunities", "In total: reached 6 · saved 1 · applied 1 · got in 1")
    assert "=Women in STEM grant" in report.text
    assert "14–17" in report.text or "14-17" in report.text  # six girls of 14-17: shown
    assert "Bishkek: reached 6" in report.text

    await admin.send("/export")
    await admin.press("Everything")
    await admin.emu.wait_for(
        lambda: [m for m in admin.emu.bot_messages(admin.id) if m.document and "opportunities" in m.document.file_name]
    )
    exported = next(
        m for m in admin.emu.bot_messages(admin.id) if m.document and "opportunities" in m.document.file_name
    )
    rows = list(csv.DictReader(io.StringIO(exported.document.data.decode("utf-8-sig"))))
    assert [(r["organiser"], r["reached"], r["saved"], r["applied"], r["accepted"]) for r in rows] == [
        ("'=Fund", "6", "1", "1", "1")
    ]
