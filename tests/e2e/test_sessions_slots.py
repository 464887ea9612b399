"""A mentor's free time end to end: a weekly window and a one-off slot from the date picker,
listed and deleted, with bad times and overlaps refused; and /timezone by button and by name."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.i18n import translator
from bot.sessions.rules import utc_offset_label
from tests.support.builders import new_mentee, new_mentor
from tests.support.db import db_rows

BISHKEK = ZoneInfo("Asia/Bishkek")
EN = translator("en")


def day_label(day) -> str:
    return EN.date(datetime.combine(day, time(12), tzinfo=BISHKEK), BISHKEK)


async def test_a_mentor_publishes_lists_and_deletes_her_free_time(bot, users, runner, clock):
    aigul = await new_mentor(runner, users)
    await aigul.send_then_see("/slots", "You haven't published any free time yet.")

    await aigul.press("➕ Weekly time")
    await aigul.press_then_see("Tuesday", "Every Tuesday: what time does it start?", "Asia/Bishkek")
    await aigul.send("25:00")
    await aigul.sees("Please type the time like 18:30")
    await aigul.send_sticker()
    await aigul.answer("Please type the time like 18:30", "18:00" * 10)
    await aigul.answer("Please type the time like 18:30", "18:00")
    await aigul.sees("How long are you free from 18:00?")
    assert await aigul.press("2 hours") == "Saved ✓"
    listed = await aigul.sees("Every Tuesday, 18:00–20:00")
    assert "🗑 Every Tuesday, 18:00–20:00" in aigul.buttons(listed)

    # A one-off slot three days from now, from the date picker.
    day = clock.now().astimezone(BISHKEK).date() + timedelta(days=3)
    picker = await aigul.press_then_see("➕ One-off time", "Which day? (the next 60 days)")
    assert aigul.buttons(picker)[0] == day_label(clock.now().astimezone(BISHKEK).date())
    await aigul.press("▶️")
    await aigul.sees_buttons(day_label(day + timedelta(days=15)), "◀️")
    await aigul.press("◀️")
    await aigul.press(day_label(day))
    await aigul.sees(f"What time does it start on {day_label(day)}?")
    await aigul.send("10.30")
    assert await aigul.press("1 hour") == "Saved ✓"
    start = datetime.combine(day, time(10, 30), tzinfo=BISHKEK)
    one_off = f"{EN.datetime(start, BISHKEK)}–{EN.time(start + timedelta(hours=1), BISHKEK)}"
    listed = await aigul.sees(one_off, "Every Tuesday")

    # Overlapping, past and forged answers are refused; nothing is stored for them.
    await aigul.press("➕ Weekly time")
    await aigul.press("Tuesday")
    await aigul.send("19:00")
    assert await aigul.press("1 hour") == ("This overlaps free time you have already published. /slots shows it all.")
    await aigul.send("/slots")
    await aigul.press("➕ One-off time")
    await aigul.press(day_label(clock.now().astimezone(BISHKEK).date()))
    await aigul.send("00:00")
    assert await aigul.press("1 hour") == "This time has already passed. Please pick a later one."
    far = (clock.now() + timedelta(days=90)).strftime("%Y%m%d")
    assert await aigul.press_data(aigul.last().message_id, f"v1:slot:date:{far}") == (
        "Please pick a day from the calendar."
    )
    assert len(db_rows(runner, "SELECT id FROM slots")) == 2

    await aigul.send("/slots")
    toast = await aigul.press("🗑 Every Tuesday, 18:00–20:00")
    assert toast == "Deleted ✓ Sessions already booked in it stay booked."
    after = await aigul.sees(one_off)
    assert "Every Tuesday" not in after.text
    assert [r["kind"] for r in db_rows(runner, "SELECT kind FROM slots")] == ["one_off"]


async def test_free_time_is_for_mentors(bot, users, runner):
    aida = await new_mentee(runner, users)
    await aida.send_then_see("/slots", "Free time is for mentors. Mentees book a session with /book.")


async def test_her_time_zone_by_button_and_by_name(bot, users, runner, clock):
    aida = await new_mentee(runner, users)
    await aida.send_then_see("/timezone", "Your time zone is Asia/Bishkek")
    berlin = f"Berlin ({utc_offset_label('Europe/Berlin', clock.now())})"
    assert await aida.press(berlin) == "Saved ✓"
    await aida.sees("Done: your time zone is Europe/Berlin")

    await aida.send("/timezone")
    await aida.press("⌨️ Type a different one")
    await aida.answer("Type your time zone's name", "Mars/Olympus_Base")
    await aida.sees("I don't know the time zone “Mars/Olympus_Base”")
    await aida.answer("Please type a name like Europe/Berlin", "Europe/" + "Berlin" * 20)
    await aida.sees("That is too long: please keep it under 64 characters.")
    await aida.send_sticker()
    await aida.answer("Please type the name as text", "asia/tokyo")
    await aida.sees("Done: your time zone is Asia/Tokyo")
    assert [r["timezone"] for r in db_rows(runner, "SELECT timezone FROM users")] == ["Asia/Tokyo"]
