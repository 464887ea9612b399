"""The mentors' end survey through the emulator: invited once when her first mentorship ends (by
either side), reminded once, answered with skips and the questionnaire's version, "no thanks"
respected; in /mydata, erased by /deleteme, and its own section of /outcomes and of the workbook."""

import io
import json
from datetime import timedelta

from openpyxl import load_workbook

from bot.db import Database
from bot.db.users import UserRepository
from bot.jobs import run_jobs
from bot.onboarding.store import ProfileRepository
from bot.outcomes.rules import surveys
from bot.outcomes.workbook import MENTOR_SHEET
from tests.support.builders import MatchingStores, add_mentee, add_mentor
from tests.support.db import db_rows


async def mentorships_ended(database_path, now, mentor, mentees, *, by_mentor=False):
    """Her mentorships with each mentee, started now and ended an hour later (by the mentee, or by her)."""
    db = Database(database_path)
    await db.open()
    try:
        users, profiles, stores = UserRepository(db, "Asia/Bishkek"), ProfileRepository(db), MatchingStores.on(db)
        await add_mentor(users, profiles, mentor.id, now, name=mentor.name, capacity=3)
        for mentee in mentees:
            await add_mentee(users, profiles, mentee.id, now, name=mentee.name, language="en")
            request = await stores.requests.create_request(mentee.id, mentor.id, now)
            mentorship = (await stores.requests.accept(request.id, mentor.id, now)).mentorship.id
            ender = mentor.id if by_mentor else mentee.id
            await stores.mentorships.end(mentorship, ender, "finished", now + timedelta(hours=1))
    finally:
        await db.close()


def option(question: str, code: str) -> str:
    return next(o.text["en"] for o in surveys().questions[question].options if o.code == code)


async def test_a_mentor_answers_her_end_survey_once_and_it_is_in_mydata_and_the_report(
    users, admin, runner, database_path, clock
):
    s = surveys()
    aigul, aida, bermet = users.new("Aigul", "en"), users.new("Aida", "en"), users.new("Bermet", "en")
    await mentorships_ended(database_path, clock.now(), aigul, [aida, bermet])
    clock.advance(timedelta(hours=2))
    app = await runner.start()
    app.job_queue.scheduler.pause()
    await run_jobs(app)
    await aigul.sees(s.text("invite_mentor_end", "en")[:40])
    await aigul.press(s.text("start", "en"))
    progress = s.text("progress", "en")
    await aigul.sees(progress.format(n=1, total=4), "How prepared did you feel")
    await aigul.press_then_see("4", progress.format(n=2, total=4))
    await aigul.press(s.text("skip", "en"))
    await aigul.press(option("m_again", "yes"))
    await aigul.press(option("m_hours", "5_10"))
    await aigul.sees(s.text("thanks", "en"))
    assert db_rows(
        database_path, "SELECT question, value, version FROM survey_answers WHERE user_id = ? ORDER BY rowid", aigul.id
    ) == [("m_prepared", "4", 1), ("m_support", None, 1), ("m_again", "yes", 1), ("m_hours", "5_10", 1)]

    # Two mentorships ended, a month passes: still the one invitation, and no other wave for her.
    clock.advance(timedelta(days=30))
    await run_jobs(app)
    assert db_rows(database_path, "SELECT wave, status FROM survey_invitations WHERE user_id = ?", aigul.id) == [
        ("mentor_end", "done")
    ]

    await admin.send("/start")
    await admin.reply()
    await admin.send("/outcomes")
    summary, _, workbook = await admin.replies(3)
    assert "Mentors' end survey (means, n):" in summary.text
    # One mentor: n is shown, the mean is not (fewer than 5).
    assert "How prepared did you feel to be a mentor?: —, n=1" in summary.text
    assert "Would you mentor again?: —, n=1" in summary.text
    sheet = load_workbook(io.BytesIO(workbook.document.data))[MENTOR_SHEET]
    assert [c.value for c in sheet[1]] == ["Question", "Wording", "n", "Mean"]
    assert [c.value for c in sheet[3]][:3] == ["m_support", s.questions["m_support"].text["en"], 0]

    await aigul.send("/mydata")
    data = json.loads((await aigul.sees("everything I store")).document.data)
    assert [i["wave"] for i in data["survey_invitations"]] == ["mentor_end"]
    assert [a["question"] for a in data["survey_answers"]] == ["m_prepared", "m_support", "m_again", "m_hours"]
    await aigul.send("/deleteme")
    await aigul.press_then_see("Yes, erase everything", "everything about you is erased")
    for table in ("survey_answers", "survey_invitations"):
        assert db_rows(database_path, f"SELECT COUNT(*) FROM {table} WHERE user_id = ?", aigul.id) == [(0,)], table


async def test_ended_by_the_mentor_reminded_once_then_no_thanks_is_respected(users, runner, database_path, clock):
    s = surveys()
    aigul, aida = users.new("Aigul", "en"), users.new("Aida", "en")
    await mentorships_ended(database_path, clock.now(), aigul, [aida], by_mentor=True)
    clock.advance(timedelta(hours=2))
    app = await runner.start()
    app.job_queue.scheduler.pause()
    await run_jobs(app)
    await aigul.sees(s.text("invite_mentor_end", "en")[:40])
    clock.advance(timedelta(days=3, minutes=1))
    await run_jobs(app)
    await aigul.sees(s.text("reminder", "en"))
    clock.advance(timedelta(days=1))
    await run_jobs(app)  # no second reminder
    reminded = "SELECT status, reminded_at IS NOT NULL FROM survey_invitations WHERE user_id = ?"
    assert db_rows(database_path, reminded, aigul.id) == [("sent", 1)]
    await aigul.press(s.text("no_thanks", "en"))
    await aigul.sees(s.text("declined", "en"))
    clock.advance(timedelta(days=30))
    await run_jobs(app)
    assert db_rows(database_path, "SELECT wave, status FROM survey_invitations WHERE user_id = ?", aigul.id) == [
        ("mentor_end", "declined")
    ]
    assert db_rows(database_path, "SELECT user_id FROM survey_opt_outs") == [(aigul.id,)]
