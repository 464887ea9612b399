"""An admin adds an opportunity through /opportunity_new: every step checked, the girls' card previewed
in each language, published; a restart in the middle keeps her step; non-admins and forged presses
are refused; a 15-year-old sees it only because 14–17 was chosen."""

import json

from bot.callbacks import cb
from tests.support.builders import new_mentee
from tests.support.db import db_rows


async def test_an_admin_composes_previews_and_publishes(emulator, users, runner, admin):
    await runner.start()
    outsider = users.new("Nurai", "en")
    await outsider.send_then_see("/opportunity_new", "This is for programme admins only.")
    await admin.start_in("English")

    await admin.send_then_see("/opportunity_new", "What kind is it?")
    assert (
        await outsider.press_data(outsider.last().message_id, cb("oppn", "pub")) == "This is for programme admins only."
    )
    languages = await admin.press_then_see("Olympiad", "Which languages")
    assert await admin.press("Done") == "Choose at least one language."
    await admin.press("Русский", languages.message_id)
    await admin.press("English")
    await admin.press("Done")
    await admin.answer("The title in Русский", "x" * 200)
    await admin.answer("longer than 120 characters", "  Олимпиада\u200b по физике ")
    await admin.answer("A short text in Русский", "Для школьниц 8–11 классов.")
    await admin.answer("The title in English", "Physics olympiad")

    # A restart in the middle: her step and what she typed are kept.
    await runner.restart()
    await admin.send("For girls in grades 8–11.")
    await admin.answer("The link where she applies", "olymp.kg")
    await admin.answer("doesn't look like a web address", "https://olymp.kg/Phys?x=1")
    await admin.answer("Who organises it?", "KSTU")
    await admin.answer("The deadline", "2020-01-01")
    await admin.answer("already passed", "2099-03-31 18:00")
    await admin.sees("When are the results announced?")
    await admin.press_then_see("Skip", "Which ages")
    await admin.press("14–17")
    await admin.press_then_see("Done", "Which regions?")
    await admin.press("Osh city")
    await admin.press("Done")
    await admin.press("Done")  # fields: all
    await admin.sees("Which stages?")
    await admin.press_then_see("Done", "for girls and women only?")
    await admin.press_then_see("Yes", "checked it?")
    await admin.press_then_see(
        "No", "Preview in Русский", "Олимпиада по физике", "Олимпиада · KSTU", "https://olymp.kg/Phys?x=1"
    )
    await admin.sees("Preview in English", "Physics olympiad", "For girls and women")
    await admin.press_then_see("✅ Publish", "Published ✓")
    assert await admin.press_data(admin.last().message_id, cb("oppn", "pub")) is not None  # a second press: stale

    row = db_rows(runner, "SELECT kind, titles, link, age_bands, regions, women_only, verified FROM opportunities")
    assert len(row) == 1
    kind, titles, link, ages, regions, women_only, verified = row[0]
    assert (kind, link, json.loads(ages), json.loads(regions), women_only, verified) == (
        "olympiad",
        "https://olymp.kg/Phys?x=1",
        ["14-17"],
        ["osh_city"],
        1,
        0,
    )
    assert json.loads(titles) == {"ru": "Олимпиада по физике", "en": "Physics olympiad"}
    assert db_rows(runner, "SELECT action FROM admin_audit WHERE action = 'opportunity_new'") == [("opportunity_new",)]
    assert db_rows(runner, "SELECT COUNT(*) FROM opportunity_drafts") == [(0,)]

    aida = await new_mentee(runner, users, minor=True, region="osh_city", languages=("ru",), fields=("physics",))
    await aida.send_then_see("/opportunities", "Physics olympiad", "https://olymp.kg/Phys?x=1")
