"""Experiments for admins: defined with /experiments from TOML, the arm a person is in changes what
she gets (story frequency, the nudge's wording, reminder timing), and the report with a stop."""

from datetime import timedelta

from bot.experiments import flow as experiments
from bot.jobs import run_jobs
from bot.mentorship.rules import NUDGE_AFTER
from bot.sessions.flow import reminder_offsets
from bot.sessions.reminder_plan import parse_offsets
from tests.support.builders import new_mentee, new_mentor, request_card
from tests.support.db import db_rows

STORIES = """/experiments new
name = "stories: daily or weekly"
setting = "story_frequency"
arms = ["daily", "weekly"]
outcome = "story_opened_30d"
planned_size = 4
"""


async def test_a_new_subscriber_gets_her_arms_story_frequency_and_the_report_says_stopped_early(
    bot, users, admin, runner, clock
):
    await admin.send("/start")
    await admin.send_then_see(STORIES, "Experiment #1 is running")
    await admin.send("/experiments")
    await admin.sees("#1 stories: daily or weekly · story_frequency · daily / weekly · story_opened_30d · 4 · running")

    sara = users.new("Sara", "en")
    await sara.start_in("English")
    for button in ("Only stories", "I agree", "18 or older"):
        await sara.press(button)
    await sara.answer("What should I call you?", "Sara")
    await sara.presses("Bishkek", "Leader", "✅ Confirm")
    told = await sara.sees("All set!")
    [(arm,)] = db_rows(runner, "SELECT arm FROM experiment_assignments WHERE user_id = ?", sara.id)
    assert db_rows(runner, "SELECT frequency FROM story_subscriptions WHERE user_id = ?", sara.id) == [(arm,)]
    assert ("every day" if arm == "daily" else "once a week") in told.text

    clock.advance(timedelta(days=31))
    await admin.send_then_see("/experiments stop 1", "Experiment #1 is stopped")
    report = await admin.sees("Experiment: stories: daily or weekly")
    assert f"{arm}{' (control)' if arm == 'daily' else ''}: 0.0% (0 of 1), 95% CI 0.0%…79.3%" in report.text
    assert "Planned size not reached yet: 1 of 4." in report.text
    assert "Stopped early" in report.text
    started_and_stopped = "SELECT action, target FROM admin_audit WHERE action LIKE 'experiment_%' ORDER BY id"
    assert db_rows(runner, started_and_stopped) == [("experiment_start", "1"), ("experiment_stop", "1")]


async def test_a_bad_definition_is_explained_and_non_admins_are_refused(bot, users, admin):
    await admin.send("/start")
    await admin.send('/experiments new\nname = "x"\narms = ["a"]\noutcome = "request_30d"\nplanned_size = 10')
    await admin.sees("That definition does not work: an experiment has 2 to 4 distinct arms")
    await admin.send('/experiments new\nname = "x"\narms = 5\noutcome = "request_30d"\nplanned_size = 10')
    await admin.sees("That definition does not work: 'int' object is not iterable")
    aida = users.new("Aida", "en")
    await aida.send("/experiments")
    assert "Experiments" not in (await aida.reply()).text


async def test_a_mentor_in_the_warm_arm_gets_the_warm_nudge(bot, users, runner, clock):
    now = clock.now()
    experiment = await experiments.define(
        runner.services.db, "nudge", ("plain", "warm"), "request_30d", 100, now, setting="nudge_wording", role="mentor"
    )
    aida = await new_mentee(runner, users)
    mentors = [await new_mentor(runner, users, name=f"Mentor{i}") for i in range(2)]
    arms = {}
    for mentor in mentors:
        await request_card(runner, aida, mentor)
    clock.advance(NUDGE_AFTER + timedelta(minutes=1))
    await run_jobs(runner.app)
    for mentor in mentors:
        [(arm,)] = db_rows(
            runner,
            "SELECT arm FROM experiment_assignments WHERE experiment_id = ? AND user_id = ?",
            experiment,
            mentor.id,
        )
        arms[mentor.id] = arm
        if arm == "warm":
            await mentor.sees("She is still hoping to hear from you")
        else:
            await mentor.sees("Reminder: she is still waiting for your answer")
    # Two mentors in one stratum: a permuted block gives them one arm each.
    assert sorted(arms.values()) == ["plain", "warm"]


async def test_reminder_timing_follows_her_arm(bot, users, runner, clock):
    now = clock.now()
    await experiments.define(
        runner.services.db, "timing", ("24h,1h", "2h"), "session_30d", 100, now, setting="reminder_timing"
    )
    for name in ("Aida", "Bermet"):
        mentee = await new_mentee(runner, users, name=name)
        offsets = await reminder_offsets(runner.services, mentee.id, now)
        [(arm,)] = db_rows(runner, "SELECT arm FROM experiment_assignments WHERE user_id = ?", mentee.id)
        assert offsets == parse_offsets(arm)
    assert sorted(r[0] for r in db_rows(runner, "SELECT arm FROM experiment_assignments")) == ["24h,1h", "2h"]
