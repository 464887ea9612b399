"""THE list of timed jobs, in the order they run, and the one repeating job that runs it.

The database says what is due, so a run after a restart finds everything that fell due while the
bot was down. The sandbox's clock control and the tests call `run_jobs` right after moving the clock.
Like `bot.app`, this module is part of the composition root: it names the journeys' job functions.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from telegram.ext import Application, ContextTypes

from bot.matching import flow as matching
from bot.telegram.circles import circles_tick
from handlers import (
    admin_reports,
    circle_sessions,
    conduct,
    feedback,
    onboarding,
    opportunities,
    outcomes,
    reminders,
    rhythm,
    sessions,
    stories,
)

log = logging.getLogger(__name__)

Job = Callable[[Application], Awaitable[None]]
EVERY_SECONDS = 30

# Once, when the bot starts, before the first run of JOBS.
AT_START: tuple[tuple[str, Job], ...] = (
    # A reminder still 'sending' was claimed by a bot that then died mid-send: it may have
    # reached her, so it counts as sent (uncertain) and is never resent. Before any reminder run.
    ("settle interrupted reminders", reminders.settle_interrupted),
    # Mentorships that began before rhythms existed, or whose start was cut short by a crash
    # between the acceptance and the agreement. New ones get theirs when they begin.
    ("missing rhythms", rhythm.add_missing),
    # A new version of the code of conduct ships with a deploy: mentors are asked at the start,
    # and un-cleared for minors until they accept.
    ("code of conduct", conduct.ask_outdated),
)

# Every EVERY_SECONDS, in this order.
JOBS: tuple[tuple[str, Job], ...] = (
    # First: a report about a minor left waiting is the most urgent thing the bot can say.
    ("safety report re-alerts", admin_reports.realert_overdue),
    ("onboarding nudges", onboarding.nudge_unfinished),
    # Expiry before nudges: a request both due for a nudge and past its week is closed, not nudged.
    ("request expiry and re-offers", matching.expiry_job),
    ("request nudges", matching.nudge_job),
    # Unconfirmed bookings are closed before feedback is asked: a booking nobody confirmed
    # never gets a "how did it go?".
    ("unconfirmed sessions", sessions.expire_unconfirmed),
    ("session feedback", feedback.ask_feedback_tick),
    ("session reminders", reminders.send_due),
    # Circle sessions' reminders right after one-to-one ones: both are time-critical.
    ("circle session reminders", circle_sessions.circle_sessions_tick),
    # After feedback: "you have not met for a month" reads the sessions feedback has just logged.
    ("mentorship rhythm", rhythm.rhythm_tick),
    # After the rhythm: a mentorship the rhythm has just completed at the programme's end is
    # invited to its endline survey in the same run.
    ("outcome surveys", outcomes.survey_tick),
    ("opportunity reminders", opportunities.opportunities_tick),
    # Circle queues a restart left behind, then quiet circles' nudges: bulk-paced, so near the end.
    ("circles", circles_tick),
    # Bulk, after the people's own notices: everyone's weekly digest of new opportunities.
    ("opportunity digests", opportunities.digest_tick),
    # Last: bulk sending, the least urgent; people's own notices above go first.
    ("story pushes", stories.push_due_stories),
    ("story channel posts", stories.post_due_cards),
)


async def _run(app: Application, jobs: tuple[tuple[str, Job], ...]) -> None:
    for name, job in jobs:
        try:
            await job(app)
        except Exception:  # one broken job must not stop the others
            log.exception("timed job %s failed", name)


async def run_at_start(app: Application) -> None:
    await _run(app, AT_START)


async def run_jobs(app: Application) -> None:
    await _run(app, JOBS)


async def _repeating(context: ContextTypes.DEFAULT_TYPE) -> None:
    await run_jobs(context.application)


def schedule_jobs(app: Application, interval: float = EVERY_SECONDS) -> None:
    app.job_queue.run_repeating(
        _repeating,
        interval=interval,
        first=1,
        name="timed jobs",
        # A late run is still useful, and a backlog of runs is one run.
        job_kwargs={"misfire_grace_time": None, "coalesce": True, "max_instances": 1},
    )
