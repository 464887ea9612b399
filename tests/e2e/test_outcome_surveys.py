"""Outcome surveys through the emulator: the baseline when her mentorship starts, answered, skipped,
resumed after a restart; the who-she-is items with "prefer not to say"; "no thanks" ends all asking;
midline, endline and follow-ups fall due as the clock moves."""

import io
from datetime import timedelta

import pytest
from openpyxl import load_workbook
from PIL import Image

from bot.db import Database
from bot.db.users import UserRepository
from bot.jobs import run_jobs
from bot.mentorship.store.mentorships import MentorshipRepository
from bot.mentorship.store.requests import RequestRepository
from bot.onboarding.store import ProfileRepository
from bot.outcomes.rules import surveys
from tests.support.builders import add_mentee, add_mentor
from tests.support.db import db_rows


async def prepare(database_path, now, mentor, mentee, language):
    db = Database(database_path)
    await db.open()
    try:
        users, profiles, requests = (
            UserRepository(db, "Asia/Bishkek"),
            ProfileRepository(db),
            RequestRepository(db),
        )
        await add_mentor(users, profiles, mentor.id, now, name=mentor.name, capacity=3)
        await add_mentee(users, profiles, mentee.id, now, name=mentee.name, language=language)
        request = await requests.create_request(mentee.id, mentor.id, now)
        return (await requests.accept(request.id, mentor.id, now)).mentorship.id
    finally:
        await db.close()


async def invited_to_the_baseline(users, runner, database_path, clock, language):
    """Aida, matched with Aigul, sees the invitation to the baseline survey in her language."""
    s = surveys()
    aida, aigul = users.new("Aida", language), users.new("Aigul", "ru")
    await prepare(database_path, clock.now(), aigul, aida, language)
    app = await runner.start()
    app.job_queue.scheduler.pause()
    await run_jobs(app)
    await aida.sees(s.text("invite_baseline", language)[:40])
    return s, aida, app


def option(question: str, code: str, language: str) -> str:
    return next(o.text[language] for o in surveys().questions[question].options if o.code == code)


@pytest.mark.parametrize("language", ["ru", "ky", "en"])
async def test_a_baseline_answered_skipped_resumed_after_a_restart_then_the_about_items(
    users, runner, database_path, clock, language
):
    s, aida, app = await invited_to_the_baseline(users, runner, database_path, clock, language)
    await aida.press(s.text("start", language))
    progress = s.text("progress", language)
    await aida.sees(progress.format(n=1, total=7), s.questions["conf_math"].text[language][:30])
    await aida.press(option("conf_math", "1", language))
    await aida.sees(progress.format(n=2, total=7))
    await aida.press(s.text("skip", language))
    await aida.sees(progress.format(n=3, total=7))

    app = await runner.restart()
    app.job_queue.scheduler.pause()
    await aida.press("4")  # the same message's buttons still work: the step is in the database
    await aida.sees(progress.format(n=4, total=7))
    await aida.press(option("conf_career", "5", language))
    await aida.press(option("intend", "yes", language))
    await aida.press(option("know_woman", "no", language))
    await aida.press(option("step", "learning", language))
    await aida.sees(s.text("thanks", language))
    answers = db_rows(
        database_path, "SELECT question, value, version FROM survey_answers WHERE user_id = ? ORDER BY rowid", aida.id
    )
    assert answers == [
        ("conf_math", "1", 1),
        ("conf_tech", None, 1),
        ("conf_belong", "4", 1),
        ("conf_career", "5", 1),
        ("intend", "yes", 1),
        ("know_woman", "no", 1),
        ("step", "learning", 1),
    ]
    # Next tick: the who-she-is items, with the consent line and "prefer not to say".
    await run_jobs(app)
    await aida.sees(s.text("invite_about", language)[:60])
    await aida.press(s.text("start", language))
    await aida.press(s.text("prefer_not", language))
    await aida.sees(progress.format(n=2, total=7))
    assert db_rows(database_path, "SELECT value FROM survey_answers WHERE question = 'area'") == [("na",)]


@pytest.mark.parametrize("language", ["ru", "ky", "en"])
async def test_no_thanks_in_each_language_means_no_more_questions(users, runner, database_path, clock, language):
    s, aida, app = await invited_to_the_baseline(users, runner, database_path, clock, language)
    await aida.press(s.text("no_thanks", language))
    await aida.sees(s.text("declined", language))
    clock.advance(timedelta(days=30))
    await run_jobs(app)
    assert db_rows(database_path, "SELECT wave, status FROM survey_invitations ORDER BY id") == [
        ("baseline", "declined"),
        ("about", "declined"),
    ]


async def test_no_thanks_means_never_again_and_waves_follow_the_clock(users, runner, database_path, clock):
    bermet, aigul = users.new("Bermet", "ky"), users.new("Aigul", "ru")
    mentorship = await prepare(database_path, clock.now(), aigul, bermet, "ky")
    app = await runner.start()
    app.job_queue.scheduler.pause()
    await run_jobs(app)
    await bermet.sees(surveys().text("invite_baseline", "ky")[:30])
    # Unanswered for 3 days: one reminder, and only one.
    clock.advance(timedelta(days=3, minutes=1))
    await run_jobs(app)
    await bermet.sees("Кыска суроолор тууралуу эскертип коёюн")
    clock.advance(timedelta(days=12))
    await run_jobs(app)  # the baseline is closed, the about items go out
    await bermet.sees("Эмне үчүн: программа")
    assert db_rows(
        database_path, "SELECT wave, status, reminded_at IS NOT NULL FROM survey_invitations ORDER BY id"
    ) == [
        ("baseline", "closed", 1),
        ("about", "sent", 0),
    ]
    await bermet.press_then_see("Жок, рахмат", "Мындан ары бул суроолорду бербейм")
    # Midline time, end and follow-ups: nothing more for her.
    clock.advance(timedelta(days=100))
    db = Database(database_path)
    await db.open()
    await MentorshipRepository(db).end(mentorship, bermet.id, "finished", clock.now())
    await db.close()
    clock.advance(timedelta(days=400))
    await run_jobs(app)
    hers = "SELECT wave, status FROM survey_invitations WHERE user_id = ? ORDER BY id"
    assert db_rows(database_path, hers, bermet.id) == [
        ("baseline", "closed"),
        ("about", "declined"),
    ]
    assert db_rows(database_path, "SELECT user_id FROM survey_opt_outs") == [(bermet.id,)]


async def test_outcomes_is_for_admins_and_sends_the_summary_and_workbook(users, admin, runner, database_path, clock):
    aida, aigul = users.new("Aida", "en"), users.new("Aigul", "ru")
    await prepare(database_path, clock.now(), aigul, aida, "en")
    app = await runner.start()
    app.job_queue.scheduler.pause()
    await admin.send("/start")
    await admin.send_then_see("/outcomes", "No outcome surveys in this period yet.")
    await run_jobs(app)  # Aida's baseline invitation: a cohort of one, shown without figures
    await admin.send("/outcomes")
    summary, chart, workbook = await admin.replies(3)
    assert summary.text.startswith("📈 Outcomes: baseline and endline")
    assert "n=0" in summary.text and "aim 60%" in summary.text
    assert chart.photo.data[:8] == b"\x89PNG\r\n\x1a\n"
    assert Image.open(io.BytesIO(chart.photo.data)).size[0] == 1200
    assert workbook.document is not None
    book = load_workbook(io.BytesIO(workbook.document.data))
    assert book.sheetnames[-1] == "Definitions"
    assert book["conf_math"]["A3"].value == "all" and book["conf_math"]["C3"].value == "<5"
    await aida.send("/outcomes")
    assert "Outcomes" not in (await aida.reply()).text


async def test_outcomes_takes_a_date_range(users, admin, runner, database_path, clock):
    aida, aigul = users.new("Aida", "en"), users.new("Aigul", "ru")
    await prepare(database_path, clock.now(), aigul, aida, "en")
    app = await runner.start()
    app.job_queue.scheduler.pause()
    await run_jobs(app)
    today = clock.now().date()
    await admin.send("/start")
    await admin.send(f"/outcomes {today + timedelta(days=1)} {today + timedelta(days=30)}")
    await admin.sees("Cohort: baseline due", "No outcome surveys in this period yet.")
    await admin.send(f"/outcomes {today} {today}")
    summary, chart, _ = await admin.replies(3)
    assert summary.text.startswith(f"Cohort: baseline due {today} … {today}") and "of 1 (aim 60%)" in summary.text
    assert chart.photo is not None
    await admin.send_then_see("/outcomes 2026-06-30 2026-01-01", "Dates as YYYY-MM-DD")
    await admin.send_then_see("/outcomes yesterday", "Dates as YYYY-MM-DD")
