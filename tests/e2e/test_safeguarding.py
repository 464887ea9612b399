"""The review's reproductions (safeguarding-2026-12.md), end to end as a user and an admin would."""

from bot.callbacks import cb
from bot.safety import DEV_KEY, account_hash
from tests.support.builders import (
    approved_english_mentor,
    minor_and_mentor,
    minor_pair,
    new_mentee,
    new_mentor,
    onboard_english_mentor,
)
from tests.support.db import db_rows


async def minor_reports_her_mentor(runner, admin, users):
    """F1 steps 1-2: a minor reports her cleared mentor from /mentorship."""
    await admin.start_in("English")
    dana, aigul, mentorship = await minor_pair(runner, users)
    await runner.services.relay.relay(mentorship.id, aigul.id, "Let's meet, just us two", runner.clock.now())
    await dana.send("/mentorship")
    await dana.press("⚠️ Report")
    assert await dana.press("Asked for my contacts or to meet alone") == "Reported ✓"
    await admin.sees("Safety report #")
    await aigul.sees("Your mentorship with Dana is paused for now")
    return dana, aigul, mentorship


async def test_f1_a_counter_report_dismissed_leaves_the_mentorship_paused(bot, users, runner, admin):
    dana, aigul, mentorship = await minor_reports_her_mentor(runner, admin, users)
    await aigul.send_then_see("/mentorship", "Paused")
    await aigul.press("⚠️ Report")
    assert await aigul.press("Something else") == "Reported ✓"
    alert = await admin.sees("A counter-report to report #")
    first, counter = [r[0] for r in db_rows(runner, "SELECT id FROM reports ORDER BY id")]
    assert f"report #{first}" in alert.text
    await admin.send_then_see("/reports", f"Safety report #{first}")
    card = await admin.sees(f"Counter-report #{counter}")
    assert "🔴 Critical" not in card.text and "open for 0 h" in card.text
    await admin.press("✔️ Dismiss", card.message_id)
    await admin.sees("Dismissed ✓")
    await aigul.sees("stays paused")
    await runner.settled()
    assert db_rows(runner, "SELECT status FROM mentorships")[0][0] == "paused"
    answer = await aigul.press_data(aigul.last().message_id, f"v1:ship:msg:{mentorship.id}")
    assert answer == "This mentorship is paused or over, so this can't be done now."
    assert not [m for m in runner.emulator.bot_messages(dana.id) if "can go on" in (m.text or "")]


async def test_f1_warn_on_a_counter_report_never_warns_the_minor(bot, users, runner, admin):
    dana, aigul, mentorship = await minor_reports_her_mentor(runner, admin, users)
    await aigul.send("/mentorship")
    await aigul.press("⚠️ Report")
    await aigul.press("Something else")
    await admin.sees("A counter-report")
    card = await admin.send_then_see("/reports", "Counter-report #")
    await admin.press("⚠️ Warn", card.message_id)
    await admin.sees("Warned ✓")
    await runner.settled()
    assert not [m for m in runner.emulator.bot_messages(dana.id) if "Another report may" in (m.text or "")]
    assert db_rows(runner, "SELECT status FROM mentorships")[0][0] == "paused"
    # Once the minor's own report is decided too, it may go on.
    card = await admin.send_then_see("/reports", "🔴 Critical")
    await admin.press("✔️ Dismiss", card.message_id)
    await dana.sees("your mentorship can go on")
    await runner.settled()
    assert db_rows(runner, "SELECT status FROM mentorships")[0][0] == "active"


async def test_f1_the_database_refuses_to_resume_a_reported_mentorship(bot, users, runner, admin):
    import sqlite3

    import pytest

    _, _, mentorship = await minor_reports_her_mentor(runner, admin, users)
    with sqlite3.connect(runner.database_path) as conn, pytest.raises(sqlite3.IntegrityError, match="open report"):
        conn.execute("UPDATE mentorships SET status = 'active' WHERE id = ?", (mentorship.id,))


async def test_f5_an_under_14_is_never_a_matchable_mentee_whatever_is_forged(bot, users, runner):
    aigul = await new_mentor(runner, users, minors=True)
    nura = await new_mentee(runner, users, name="Nura", minor=True)
    # What a forged Back on the summary leaves behind: "Under 14" and "I want a mentor" both saved.
    await runner.services.profiles.save(nura.id, runner.clock.now(), step="done", age_band="under14", is_minor=True)
    card = await nura.send_then_see("/mentors", "Mentoring starts at 14")
    assert "Aigul" not in card.text
    await nura.press_data(nura.last().message_id, cb("find", "req", aigul.id))
    await nura.press_data(nura.last().message_id, cb("find", "send", aigul.id))
    await runner.settled()
    assert db_rows(runner, "SELECT COUNT(*) FROM requests")[0][0] == 0
    assert await runner.services.candidates.waiting_mentees() == []


async def test_f5_a_minor_without_guardian_consent_is_not_matchable(bot, users, runner):
    dana, aigul = await minor_and_mentor(runner, users)
    await runner.services.profiles.save(dana.id, runner.clock.now(), step="done", guardian_consent_at=None)
    card = await dana.send_then_see("/mentors", "stories only")
    assert "Aigul" not in card.text
    await dana.press_data(dana.last().message_id, cb("find", "send", aigul.id))
    await runner.settled()
    assert db_rows(runner, "SELECT COUNT(*) FROM requests")[0][0] == 0


async def test_f2_a_suspended_mentor_who_erases_and_reapplies_is_flagged_and_stays_suspended(bot, users, runner, admin):
    dana, aigul, mentorship = await minor_reports_her_mentor(runner, admin, users)
    card = await admin.send_then_see("/reports", "Safety report #")
    await admin.press("⛔ Suspend", card.message_id)
    await aigul.sees("suspended your account")
    await aigul.send("/deleteme")
    await aigul.press_then_see("Yes, erase everything", "everything about you is erased")
    await onboard_english_mentor(aigul)
    await aigul.press("✅ Confirm")
    flagged = await admin.sees("New mentor to check", "safety history")
    assert "the suspension still stands" in flagged.text and "reported" in flagged.text
    assert "Asked for my contacts or to meet alone" in flagged.text  # the reason's label, not its code
    await aigul.press("✅ I accept the code")
    await admin.press("✅ Approve", flagged.message_id)
    await runner.settled()
    assert await runner.services.candidates.mentor_profile(aigul.id) is None
    assert db_rows(runner, "SELECT suspended_at IS NOT NULL FROM users WHERE id = ?", aigul.id)[0][0] == 1
    assert [tuple(r) for r in db_rows(runner, "SELECT mentee_id, mentor_id FROM exclusions")] == [(dana.id, aigul.id)]
    # Only the keyed hash was kept while she was gone, never her id.
    kept = db_rows(runner, "SELECT id_hash FROM accountability")
    assert [r[0] for r in kept] == [account_hash(DEV_KEY, aigul.id)]


async def test_f3_a_report_and_its_evidence_outlive_the_reporters_erasure(bot, users, runner, admin):
    dana, aigul, mentorship = await minor_reports_her_mentor(runner, admin, users)
    await dana.send("/deleteme")
    await dana.press_then_see("Yes, erase everything", "everything about you is erased")
    card = await admin.send_then_see("/reports", "Safety report #")
    assert "From: (erased account)" in card.text and "About: Aigul" in card.text
    assert "mentor: Let's meet, just us two" in card.text
    await admin.press("✔️ Dismiss", card.message_id)
    await admin.sees("Dismissed ✓")
    await runner.settled()
    assert db_rows(runner, "SELECT COUNT(*) FROM report_evidence")[0][0] == 0


async def test_f9_the_audit_log_forgets_an_erased_mentor(bot, users, runner, admin):
    await admin.start_in("English")
    aigul = users.new("Aigul", "en")
    await approved_english_mentor(aigul, admin)
    await aigul.send("/deleteme")
    await aigul.press_then_see("Yes, erase everything", "everything about you is erased")
    rows = db_rows(runner, "SELECT target, details FROM admin_audit")
    assert rows and all(str(aigul.id) not in f"{r[0]} {r[1]}" for r in rows)


async def ask(mentor, card, text):
    await mentor.press("❓ Ask a question", card.message_id)
    await mentor.answer("Type your question for", text)
    return await mentor.sees("Sent ✓", "answer") if text else None


async def test_f10_two_questions_at_most_and_every_question_and_answer_is_kept(bot, users, runner):
    from tests.support.builders import request_card

    dana, aigul = await minor_and_mentor(runner, users)
    request, card = await request_card(runner, dana, aigul)
    await ask(aigul, card, "Which school?")
    question = await dana.sees("has a question", "Which school?")
    assert dana.buttons(question) == ["✍️ Answer", "↩️ Withdraw", "⚠️ Report", "🚫 Block"]
    await dana.press("✍️ Answer", question.message_id)
    await dana.send_then_see("School 61", "Sent ✓")
    answered = await aigul.sees("She answered your question", "School 61")
    await ask(aigul, answered, "And where do you live?")
    await dana.sees("And where do you live?")
    await aigul.press("❓ Ask a question", answered.message_id)
    await aigul.answer("Type your question for", "What is your phone?")
    await aigul.sees("asked her two questions already")
    await runner.settled()
    rows = db_rows(runner, "SELECT sender_id, kind, text FROM request_messages ORDER BY id")
    assert [tuple(r) for r in rows] == [
        (aigul.id, "question", "Which school?"),
        (dana.id, "answer", "School 61"),
        (aigul.id, "question", "And where do you live?"),
    ]
    assert not [m for m in runner.emulator.bot_messages(dana.id) if "phone" in (m.text or "")]


async def test_f10_a_minor_reports_the_mentor_of_her_pending_request(bot, users, runner, admin):
    from tests.support.builders import request_card

    await admin.start_in("English")
    dana, aigul = await minor_and_mentor(runner, users)
    request, card = await request_card(runner, dana, aigul)
    await ask(aigul, card, "Send me a photo of you")
    question = await dana.sees("Send me a photo of you")
    await dana.press("⚠️ Report", question.message_id)
    assert await dana.press("Made me feel unsafe or uncomfortable") == "Reported ✓"
    alert = await admin.sees("pending request", "Send me a photo of you")
    assert "About: Aigul" in alert.text
    await runner.settled()
    assert db_rows(runner, "SELECT status FROM requests")[0][0] == "withdrawn"
    assert db_rows(runner, "SELECT reason FROM exclusions")[0][0] == "reported"
    # The evidence outlives her erasure until an admin closes the report.
    await dana.send("/deleteme")
    await dana.press_then_see("Yes, erase everything", "everything about you is erased")
    card = await admin.send_then_see("/reports", "From: (erased account)")
    assert "Send me a photo of you" in card.text


async def test_f10_a_warning_on_a_request_report_speaks_of_the_report_not_a_mentorship(bot, users, runner, admin):
    from tests.support.builders import request_card

    await admin.start_in("English")
    dana, aigul = await minor_and_mentor(runner, users)
    request, card = await request_card(runner, dana, aigul)
    await ask(aigul, card, "Send me a photo of you")
    question = await dana.sees("Send me a photo of you")
    await dana.press("⚠️ Report", question.message_id)
    await dana.press("Made me feel unsafe or uncomfortable")
    card = await admin.send_then_see("/reports", "open for 0 h")
    assert admin.buttons(card) == ["⚠️ Warn", "⛔ Suspend", "✔️ Dismiss"]
    await admin.press("⚠️ Warn", card.message_id)
    await admin.sees("Warned ✓")
    await dana.sees("The programme team has looked at your report about Aigul")
    await aigul.sees("Another report may suspend your account")
    await runner.settled()
    assert not [m for m in runner.emulator.bot_messages(dana.id) if "mentorship" in (m.text or "")]


async def test_f10_a_mentee_withdraws_or_blocks_a_pending_request(bot, users, runner):
    from tests.support.builders import request_card

    dana = await new_mentee(runner, users, name="Dana")
    aigul = await new_mentor(runner, users)
    await request_card(runner, dana, aigul)
    await dana.send_then_see("/mentors", "already asked every mentor")
    request_id = db_rows(runner, "SELECT id FROM requests")[0][0]
    assert await dana.press_data(dana.last().message_id, cb("req", "blk", request_id)) == "Blocked ✓"
    await aigul.sees("Dana has withdrawn her request")
    await runner.settled()
    assert db_rows(runner, "SELECT status FROM requests")[0][0] == "withdrawn"
    assert db_rows(runner, "SELECT reason FROM exclusions")[0][0] == "blocked"
    # Someone else's request is not hers to withdraw.
    assert await aigul.press_data(aigul.last().message_id, cb("req", "wd", request_id)) is not None
