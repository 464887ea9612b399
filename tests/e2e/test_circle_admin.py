"""Admins and circles end to end: a report on a circle message gets Resume / Remove / Close, each
recorded and told to those concerned; /export has a circles CSV with formula cells neutralised."""

import csv
import io

from tests.support.builders import add_mentee, add_mentor, new_mentee, new_mentor
from tests.support.circles import form_circles, write
from tests.support.db import db_rows


async def circle(runner, users):
    mentor = await new_mentor(runner, users, name="=Aigul", languages=("ky",))
    girls = [await new_mentee(runner, users, name=f"Girl{i}", languages=("ky",)) for i in range(4)]
    await form_circles(runner)
    return mentor, girls


async def report(persona, text):
    message = await persona.sees(text)
    await persona.press("⚠️ Report", message.message_id)
    await persona.press("Inappropriate messages")
    await persona.sees("Thank you for telling us")


async def test_an_admin_resumes_removes_or_closes_after_a_circle_report(bot, users, runner, admin):
    await admin.start_in("English")
    mentor, girls = await circle(runner, users)
    status = "SELECT status FROM circle_members WHERE user_id = ?"

    await write(girls[0], "First words")
    await report(girls[1], "First words")
    alert = await admin.sees("Report in circle")
    assert db_rows(runner, status, girls[0].id) == [("paused",)]
    assert await admin.press("Resume the sender", alert.message_id) == "Resumed: she can write to the circle again."
    await girls[0].sees("you can write to =Aigul #1 again")
    await girls[1].sees("has looked at your report about Girl0")
    assert db_rows(runner, status, girls[0].id) == [("active",)]
    # A second press on the same report is refused.
    assert await admin.press_data(alert.message_id, "v1:circa:rs:1") == "This report was already decided."

    await write(girls[2], "Rude words")
    await report(girls[3], "Rude words")
    alert = await admin.sees("Report in circle", "Rude words")
    assert await admin.press("Remove her from the circle", alert.message_id) == "Removed from the circle."
    await girls[2].sees("the programme team has taken you out of the circle")
    await mentor.sees("After a report, Girl2 is no longer in the circle")
    assert db_rows(runner, status, girls[2].id) == [("removed",)]

    await write(girls[0], "Odd words")
    await report(girls[3], "Odd words")
    alert = await admin.sees("Report in circle", "Odd words")
    assert await admin.press("Close", alert.message_id) == "Report closed."
    await girls[3].sees("has looked at your report about Girl0")
    assert db_rows(runner, status, girls[0].id) == [("paused",)]  # closing does not resume her
    decided = "SELECT kind FROM circle_events WHERE kind IN ('report_resume', 'report_remove', 'report_close')"
    kinds = [r[0] for r in db_rows(runner, decided + " ORDER BY id")]
    assert kinds == ["report_resume", "report_remove", "report_close"]
    # Not for mentees, even with a forged press.
    reply = await girls[3].sees("has looked at your report")
    assert await girls[3].press_data(reply.message_id, "v1:circa:rs:3") == "This is for programme admins only."

    await admin.send("/export")
    await admin.press("Everything")
    await admin.emu.wait_for(
        lambda: any(
            m.document and m.document.file_name.startswith("circles-") for m in admin.emu.bot_messages(admin.id)
        )
    )
    data = next(m.document.data for m in admin.emu.bot_messages(admin.id) if m.document and
                m.document.file_name.startswith("circles-"))  # fmt: skip
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert [(r["name"], r["members"], r["messages"], r["reports"]) for r in rows] == [("'=Aigul #1", "3", "3", "3")]


async def test_many_circles_with_long_names_are_listed_whole(bot, users, runner, admin):
    """Circles named after 64-letter mentors, more than one message holds: all of them shown."""
    services, now = runner.services, runner.clock.now()
    for lead in range(30):
        name = f"M{lead:02d}" + "x" * 61
        await add_mentor(services.users, services.profiles, 9_000 + lead, now, name=name, languages=("ky",))
        for girl in range(3):
            user_id = 10_000 + 3 * lead + girl
            await add_mentee(services.users, services.profiles, user_id, now, name=f"G{user_id}", languages=("ky",))
        await form_circles(runner)  # one circle each: the grouping would make fewer, fuller ones
    await admin.start_in("English")
    names = [row[0] for row in db_rows(runner, "SELECT name FROM circles ORDER BY id")]
    assert len(names) == 30
    await admin.send("/circles")
    await admin.sees(names[-1])
    shown = "\n".join(m.text or "" for m in admin.emu.bot_messages(admin.id) if "x" * 61 in (m.text or ""))
    assert all(name in shown for name in names)
