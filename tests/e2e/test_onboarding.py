"""Onboarding end to end: mentees, mentors, subscribers, minors, resuming, editing, bad input."""

import sqlite3

import pytest

from tests.conftest import ADMIN_ID


def db_row(runner, sql, *params):
    with sqlite3.connect(runner.database_path) as conn:
        conn.row_factory = sqlite3.Row
        return conn.execute(sql, params).fetchone()


async def pick_many(user, *labels):
    for label in labels:
        await user.press(label)
        await user.sees_buttons("✅ " + label)
    await user.press("Done ✔️")


async def onboard_english_mentee(user, *, age="18 or older"):
    await user.start_in("English")
    await user.press("I want a mentor")
    await user.sees_buttons("I agree")
    await user.press("I agree")
    await user.sees_buttons(age)
    await user.press(age)
    if age == "14–17":
        await user.sees_buttons("Yes, my parent or guardian agrees")
        await user.press("Yes, my parent or guardian agrees")
    await user.sees("What should I call you?")
    await user.send("Aida 🌸")
    await user.sees_buttons("Bishkek")
    await user.press("Bishkek")
    await user.sees_buttons("At university")
    await user.press("At university")
    await user.sees_buttons("Software and IT")
    await pick_many(user, "Software and IT", "Data and AI")
    await user.sees_buttons("Finding a first job or internship")
    await pick_many(user, "Finding a first job or internship")
    await user.sees_buttons("Kyrgyz")
    await pick_many(user, "Kyrgyz", "Russian")
    await user.sees_buttons("Weekday evenings")
    await pick_many(user, "Weekday evenings")
    await user.sees_buttons("Online")
    await user.press("Online")
    return await user.sees_buttons("✅ Confirm")


async def test_an_english_mentee_onboards_and_everything_is_stored(bot, users, runner):
    aida = users.new("Aida", "en")
    summary = await onboard_english_mentee(aida)
    assert "Aida 🌸" in summary.text and "Software and IT, Data and AI" in summary.text
    await aida.press("✅ Confirm")
    await aida.sees("/mentors")
    row = db_row(runner, "SELECT p.*, u.role FROM profiles p JOIN users u ON u.id = p.user_id WHERE user_id = ?", aida.id)
    assert row["role"] == "mentee" and row["step"] == "done" and row["completed_at"]
    assert row["display_name"] == "Aida 🌸" and row["region"] == "bishkek" and row["stage"] == "university"
    assert row["fields"] == '["data_ai", "it"]' and row["languages"] == '["ky", "ru"]'
    assert row["consent_at"] and not row["is_minor"] and row["mentor_status"] is None
