"""`/experiments new` guided with buttons: setting, arms, outcome, segment, typed date and size, a
preview, Start (the segment joins at once); non-admins and forged presses are refused."""

from bot.callbacks import cb
from tests.support.builders import new_mentee
from tests.support.db import db_rows


async def test_an_admin_defines_and_starts_an_experiment_with_buttons(bot, users, admin, runner):
    await new_mentee(runner, users, "Aida")
    await new_mentee(runner, users, "Bermet")
    await admin.send("/start")
    await admin.send_then_see("/experiments new", "Which setting do its arms change?")
    await admin.presses("nudge_wording", "plain", "warm")
    await admin.sees("Chosen: plain / warm")
    await admin.presses("Next", "request_30d", "mentee")
    await admin.answer("Type it as YYYY-MM-DD", "last week")
    await admin.answer("Please type a date as YYYY-MM-DD", "2020-01-31")
    await admin.answer("planned size", "1")
    await admin.answer("at least 4", "40")
    await admin.sees(
        "Preview", "Arms: plain / warm (the first is the control)", "Segment: mentee, joined after 2020-01-31"
    )
    await admin.press_then_see("▶️ Start", "Experiment #1 is running", "Joined at once from its segment: 2.")
    [(setting, arms, outcome, role, joined, size)] = db_rows(
        runner, "SELECT setting, arms, outcome, segment_role, joined_after, planned_size FROM experiments"
    )
    assert (setting, arms, outcome, role, size) == ("nudge_wording", '["plain", "warm"]', "request_30d", "mentee", 40)
    assert joined.startswith("2020-01-31")
    assert len(db_rows(runner, "SELECT arm FROM experiment_assignments")) == 2
    assert db_rows(runner, "SELECT action, target FROM admin_audit") == [("experiment_start", "1")]


async def test_a_non_admin_and_a_forged_press_are_refused(bot, users, admin, runner):
    aida = users.new("Aida", "en")
    await aida.start_in("English")
    await aida.send_then_see("/experiments new", "for programme admins only")
    message = await aida.reply()
    assert "admins only" in await aida.press_data(message.message_id, cb("exn", "set", 0))
    await admin.send("/start")
    shown = await admin.send_then_see("/experiments new", "Which setting do its arms change?")
    # A press for a later step than the one she is on: out of date, nothing saved.
    assert "out of date" in await admin.press_data(shown.message_id, cb("exn", "start"))
    assert db_rows(runner, "SELECT id FROM experiments") == []
