"""/reports: admins see open safety reports with context and act on them; non-admins cannot."""

from bot.callbacks import cb
from tests.support.builders import confirmed_session, free_hour, matched, minor_pair, new_mentee, new_mentor
from tests.support.db import db_rows


async def reported_pair(runner, admin, users):
    await admin.start_in("English")
    dana, aigul, mentorship = await minor_pair(runner, users, name="Dana & Co")
    now = runner.clock.now()
    await runner.services.relay.relay(mentorship.id, aigul.id, "Meet me alone <tonight>", now)
    report = await runner.services.reports.report(mentorship.id, dana.id, "contact", now)
    return dana, aigul, mentorship, report


async def test_an_admin_suspends_the_reported_mentor_and_both_are_told(bot, users, runner, admin):
    dana, aigul, mentorship, report = await reported_pair(runner, admin, users)
    card = await admin.send_then_see("/reports", f"Safety report #{report.id}")
    assert "From: Dana & Co (id" in card.text and "About: Aigul" in card.text
    assert "Reason: Asked for my contacts or to meet alone" in card.text
    assert "Meet me alone &lt;tonight&gt;" in card.html
    await admin.press("⛔ Suspend", card.message_id)
    await admin.sees("Suspended ✓")
    await aigul.sees("suspended your account")
    await dana.sees("ended this mentorship after a safety report")
    await runner.settled()
    assert db_rows(runner, "SELECT suspended_at IS NOT NULL FROM users WHERE id = ?", aigul.id)[0][0] == 1
    assert db_rows(runner, "SELECT status FROM mentorships WHERE id = ?", mentorship.id)[0][0] == "cancelled"
    assert db_rows(runner, "SELECT status FROM reports WHERE id = ?", report.id)[0][0] == "closed"
    assert db_rows(runner, "SELECT action FROM admin_audit")[0][0] == "report_suspend"
    # A suspended mentor is never offered again.
    assert await runner.services.candidates.mentor_profile(aigul.id) is None
    # A second admin (or a double tap) finds it dealt with.
    answer = await admin.press_data(card.message_id, cb("report", "warn", report.id))
    assert answer == "Another admin has already dealt with this report."


async def test_dismissing_resumes_the_mentorship_and_tells_her(bot, users, runner, admin):
    dana, aigul, mentorship, report = await reported_pair(runner, admin, users)
    card = await admin.send_then_see("/reports", f"Safety report #{report.id}")
    await admin.press("✔️ Dismiss", card.message_id)
    await dana.sees("your mentorship can go on")
    await runner.settled()
    assert db_rows(runner, "SELECT status FROM mentorships WHERE id = ?", mentorship.id)[0][0] == "active"
    await admin.send_then_see("/reports", "No open safety reports")


async def test_a_warning_reaches_the_reported_person_and_the_mentorship_goes_on(bot, users, runner, admin):
    dana, aigul, mentorship, report = await reported_pair(runner, admin, users)
    card = await admin.send_then_see("/reports", f"Safety report #{report.id}")
    await admin.press("⚠️ Warn", card.message_id)
    await aigul.sees("Another report may suspend your account")
    await dana.sees("Your mentorship can go on")
    await runner.settled()
    assert db_rows(runner, "SELECT suspended_at FROM users WHERE id = ?", aigul.id)[0][0] is None
    assert db_rows(runner, "SELECT status FROM mentorships WHERE id = ?", mentorship.id)[0][0] == "active"


async def test_non_admins_cannot_see_or_act_on_reports(bot, users, runner, admin):
    dana, aigul, mentorship, report = await reported_pair(runner, admin, users)
    await aigul.send_then_see("/reports", "This is for programme admins only.")
    answer = await aigul.press_data(aigul.last().message_id, cb("report", "dismiss", report.id))
    assert answer == "This is for programme admins only."
    await runner.settled()
    assert db_rows(runner, "SELECT status FROM reports")[0][0] == "open"
    assert db_rows(runner, "SELECT status FROM mentorships")[0][0] == "paused"


async def test_suspending_a_mentor_ends_her_other_mentorships_sessions_and_requests(bot, users, runner, admin):
    await admin.start_in("English")
    dana = await new_mentee(runner, users, name="Dana")
    bermet = await new_mentee(runner, users, name="Bermet")
    cholpon = await new_mentee(runner, users, name="Cholpon")
    aigul = await new_mentor(runner, users, capacity=3)
    reported = await matched(runner, dana, aigul)
    other = await matched(runner, bermet, aigul)
    session = await confirmed_session(runner, other, await free_hour(runner, aigul))
    services = runner.services
    request = await services.requests.create_request(cholpon.id, aigul.id, runner.clock.now())
    report = await services.reports.report(reported.id, dana.id, "contact", runner.clock.now())
    card = await admin.send_then_see("/reports", f"Safety report #{report.id}")
    await admin.press("⛔ Suspend", card.message_id)
    await admin.sees("Suspended ✓")
    await dana.sees("ended this mentorship after a safety report")
    # Bermet is told it ended, and not why; Cholpon's request is closed kindly, with what next.
    told = await bermet.sees("The programme team has ended your mentorship.")
    assert "report" not in told.text
    await cholpon.sees("has paused taking mentees, so I've closed your request to her")
    await runner.settled()
    assert db_rows(runner, "SELECT status FROM mentorships WHERE id = ?", other.id)[0][0] == "cancelled"
    assert db_rows(runner, "SELECT status FROM sessions WHERE id = ?", session.id)[0][0] == "cancelled"
    pending = db_rows(runner, "SELECT COUNT(*) FROM reminders WHERE session_id = ? AND status = 'pending'", session.id)
    assert pending[0][0] == 0
    assert db_rows(runner, "SELECT status FROM requests WHERE id = ?", request.id)[0][0] == "withdrawn"
