"""Opportunities end to end: an admin imports a file (one row invalid, named), a 15-year-old in Osh
sees only what fits her and in a language she reads, saves one, is reminded 7 days and 1 day before
its deadline (once each, also across a restart), says "Not for me" to another, and is asked once
after the deadline whether she applied; the counts per opportunity follow."""

from datetime import timedelta

from bot.jobs import run_jobs
from bot.opportunities import store
from tests.support.builders import new_mentee
from tests.support.db import db_rows

HEADER = "kind,title_ky,title_ru,title_en,link,organiser,deadline,ages,regions\n"


def moment(clock, days):
    return (clock.now() + timedelta(days=days)).replace(second=0, microsecond=0)


def csv_file(clock):
    soon, later = moment(clock, 20), moment(clock, 30)
    rows = [
        ("olympiad", "", "Олимпиада по физике", "", "https://olymp.kg/phys", "KSTU", soon, "14-17", "osh_city"),
        ("scholarship", "", "", "Open scholarship", "https://grant.org", "Fund", soon, "", ""),
        ("school_camp", "Жайкы мектеп", "", "", "https://camp.kg", "Camp", soon, "14-17", ""),
        ("competition", "", "", "Bishkek hackathon", "https://hack.kg", "Hub", soon, "14-17", "bishkek"),
        ("event_training", "", "", "Girls code week", "https://code.kg", "STEM KG", later, "14-17 18+", ""),
        ("olympiad", "", "", "Broken", "not a link", "X", soon, "", ""),
    ]
    lines = [",".join(f'"{v.isoformat() if hasattr(v, "isoformat") else v}"' for v in row) for row in rows]
    return (HEADER + "\n".join(lines) + "\n").encode(), soon


async def send_file(emulator, persona, data, filename="opportunities.csv", caption=None):
    persona._mark()
    stored = emulator.store_file("document", extension=".csv", data=data, file_name=filename, mime_type="text/csv")
    emulator._user_writes(persona.id, document=stored, caption=caption)


def reminders(emulator, user):
    return [m.text for m in emulator.bot_messages(user.id) if (m.text or "").startswith("⏰")]


async def tick_at(runner, clock, when):
    clock.advance(when - clock.now())
    await run_jobs(runner.app)
    await run_jobs(runner.app)


async def test_import_browse_save_remind_dismiss_and_ask(emulator, users, runner, clock, admin):
    app = await runner.start()
    app.job_queue.scheduler.pause()  # the test runs the ticks itself
    outsider = users.new("Nurai", "en")
    await outsider.send_then_see("/opportunities_import", "This is for programme admins only.")

    data, deadline = csv_file(clock)
    await admin.send_then_see("/opportunities_import", "Send me a CSV or TOML file")
    await send_file(emulator, admin, data)
    preview = await admin.sees("Valid rows: 5. Rows with problems: 1.")
    assert "Row 7, link: must be a web address" in preview.text
    assert "Row 2: Олимпиада по физике (ru)" in preview.text
    await admin.press_then_see("✅ Add them", "Opportunities added: 5.")
    assert db_rows(runner, "SELECT COUNT(*) FROM opportunities")[0][0] == 5
    first_id = db_rows(runner, "SELECT id FROM opportunities WHERE link = 'https://olymp.kg/phys'")[0][0]

    # A 15-year-old in Osh who uses the bot in English and also reads Russian, not Kyrgyz.
    aida = await new_mentee(runner, users, minor=True, region="osh_city", languages=("ru",), fields=("physics",))
    await aida.send("/opportunities")
    first = await aida.sees("Олимпиада по физике", "1 of 2", "(in Русский)", "https://olymp.kg/phys")
    assert (
        await aida.press("⭐ Save", first.message_id) == "Saved. I'll remind you 7 days and 1 day before the deadline."
    )
    await aida.sees_buttons("✓ Saved")
    second = await aida.press_then_see("➡️ Next", "Girls code week", "2 of 2")
    assert "✓ Saved" not in aida.buttons(second)
    await aida.press_then_see("Not for me", "Олимпиада по физике", "1 of 1")
    await aida.send("/opportunities")
    await aida.sees("Олимпиада по физике", "1 of 1")  # never the others: adults-only, Kyrgyz, Bishkek

    # The reminders: once each, also across a restart.
    await tick_at(runner, clock, deadline - timedelta(days=7) + timedelta(minutes=1))
    await aida.emu.wait_for(lambda: reminders(emulator, aida))
    assert len(reminders(emulator, aida)) == 1
    assert (
        "Coming up: the deadline" in reminders(emulator, aida)[0]
        and "Олимпиада по физике" in reminders(emulator, aida)[0]
    )
    app = await runner.restart()
    app.job_queue.scheduler.pause()
    await run_jobs(app)
    await runner.settled()
    assert len(reminders(emulator, aida)) == 1
    await tick_at(runner, clock, deadline - timedelta(days=1) + timedelta(minutes=1))
    await aida.emu.wait_for(lambda: len(reminders(emulator, aida)) == 2)
    assert "Less than a day left" in reminders(emulator, aida)[1]
    assert [tuple(r) for r in db_rows(runner, "SELECT offset_days, status FROM opportunity_reminders ORDER BY 1")] == [
        (1, "sent"),
        (7, "sent"),
    ]

    # After the deadline: asked once whether she applied.
    aida._mark()
    await tick_at(runner, clock, deadline + timedelta(minutes=5))
    question = await aida.sees("has passed. Did you apply?")
    await run_jobs(runner.app)
    await aida.press("Yes", question.message_id)
    await aida.sees("Well done for applying!")
    assert await aida.press_data(question.message_id, f"v1:opp:ap:{first_id}:0") is None
    await aida.sees("Already noted")

    async with runner.services.db.transaction() as tx:
        counts = {c.titles.get("ru") or c.titles.get("en") or c.titles.get("ky"): c for c in await store.counts(tx)}
    assert (counts["Олимпиада по физике"].reached, counts["Олимпиада по физике"].saved) == (1, 1)
    assert counts["Олимпиада по физике"].applied == 1
    assert (counts["Girls code week"].reached, counts["Girls code week"].saved) == (1, 0)
    assert counts["Open scholarship"].reached == 0
    asked = db_rows(runner, "SELECT COUNT(*) FROM opportunity_outcomes")[0][0]
    assert asked == 1


async def test_a_toml_file_with_the_command_as_caption_and_nobody_elses_file(emulator, users, runner, clock, admin):
    await runner.start()
    toml = f"""
[[opportunity]]
kind = "school_camp"
title_ru = "Зимняя школа"
link = "https://winter.kg"
organiser = "AUCA"
deadline = {moment(clock, 15).date().isoformat()}
""".encode()
    outsider = users.new("Nurai", "en")
    await send_file(emulator, outsider, toml, "list.toml", caption="/opportunities_import")
    await outsider.sees("I answer to buttons and commands.")
    await send_file(emulator, admin, toml, "list.toml", caption="/opportunities_import")
    await admin.sees("Valid rows: 1. Rows with problems: 0.", "Зимняя школа")
    await admin.press_then_see("Cancel", "Import cancelled. Nothing was added.")
    assert db_rows(runner, "SELECT COUNT(*) FROM opportunities")[0][0] == 0
