"""Her survey answers and her experiment arm are in /mydata and gone after /deleteme; /privacy says
why the disability items are asked, in each language."""

import json

import pytest

from bot.db import Database
from bot.db.users import UserRepository
from bot.experiments import flow as experiments
from bot.i18n import translator
from bot.jobs import run_jobs
from bot.mentorship.store.requests import RequestRepository
from bot.onboarding.store import ProfileRepository
from bot.outcomes.rules import surveys
from handlers.start import privacy_text
from tests.support.builders import add_mentee, add_mentor
from tests.support.db import db_rows


async def test_answers_and_arm_are_in_mydata_and_erased_by_deleteme(users, runner, database_path, clock):
    aida, aigul = users.new("Aida", "en"), users.new("Aigul", "en")
    db = Database(database_path)
    await db.open()
    try:
        now = clock.now()
        user_repo, profiles = UserRepository(db, "Asia/Bishkek"), ProfileRepository(db)
        await add_mentor(user_repo, profiles, aigul.id, now, name="Aigul", capacity=3)
        await add_mentee(user_repo, profiles, aida.id, now, name="Aida", language="en")
        requests = RequestRepository(db)
        request = await requests.create_request(aida.id, aigul.id, now)
        await requests.accept(request.id, aigul.id, now)
        experiment = await experiments.define(db, "nudge wording", ("a", "b"), "request_30d", 10, now)
        arm = await experiments.assign(db, experiment, aida.id, "bishkek", "18+", now)
    finally:
        await db.close()
    app = await runner.start()
    app.job_queue.scheduler.pause()
    await run_jobs(app)
    await aida.press(surveys().text("start", "en"))
    await aida.press("1 · not at all")

    await aida.send("/mydata")
    data = json.loads((await aida.sees("everything I store")).document.data)
    assert [(a["question"], a["value"], a["version"]) for a in data["survey_answers"]] == [("conf_math", "1", 1)]
    assert [i["wave"] for i in data["survey_invitations"]] == ["baseline", "about"]
    assert [(e["experiment"], e["arm"]) for e in data["experiment_assignments"]] == [("nudge wording", arm)]

    await aida.send("/deleteme")
    await aida.press_then_see("Yes, erase everything", "everything about you is erased")
    for table in ("survey_answers", "survey_invitations", "survey_opt_outs", "experiment_assignments"):
        assert db_rows(database_path, f"SELECT COUNT(*) FROM {table} WHERE user_id = ?", aida.id) == [(0,)], table


@pytest.mark.parametrize(
    ("button", "language", "words"),
    [
        ("Кыргызча", "ky", "мүмкүнчүлүгү чектелген"),
        ("Русский", "ru", "инвалидностью"),
        ("English", "en", "girls with disabilities"),
    ],
)
async def test_privacy_explains_the_disability_questions_in_her_language(bot, users, button, language, words):
    aida = users.new("Aida", language)
    await aida.start_in(button)
    reply = await aida.send_then_see("/privacy", words)
    assert reply.text == privacy_text(translator(language)).replace("<b>", "").replace("</b>", "")
