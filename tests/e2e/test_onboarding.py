"""Onboarding end to end: mentees, mentors, subscribers, minors, resuming, editing, bad input."""

import sqlite3

import pytest

from tests.support import ADMIN_ID
from tests.support.builders import (
    approved_english_mentor,
    onboard_english_mentee,
    onboard_english_mentor,
    onboarded_english_mentee,
    pick_many,
    to_the_age_question,
    to_the_name_question,
    to_the_name_question_in_kyrgyz,
)
from tests.support.db import db_row, her_profile


async def test_an_english_mentee_onboards_and_everything_is_stored(bot, users, runner):
    aida = users.new("Aida", "en")
    summary = await onboard_english_mentee(aida)
    assert "Aida 🌸" in summary.text and "Software and IT, Data and AI" in summary.text
    await aida.press_then_see("✅ Confirm", "/mentors")
    row = her_profile(runner, aida.id)
    assert row["role"] == "mentee" and row["step"] == "done" and row["completed_at"]
    assert row["display_name"] == "Aida 🌸" and row["region"] == "bishkek" and row["stage"] == "university"
    assert row["fields"] == '["data_ai", "it"]' and row["languages"] == '["ky", "ru"]'
    assert row["consent_at"] and not row["is_minor"] and row["mentor_status"] is None


async def test_a_stories_only_subscriber_answers_only_what_she_needs(bot, users, runner):
    sara = users.new("Sara", "en")
    await to_the_name_question(sara, role="Only stories")
    await sara.send("Sara")
    await sara.press("Naryn region")
    await sara.press("Leader")
    summary = await sara.sees_buttons("✅ Confirm")
    assert "Step" not in summary.text and "Only stories" in summary.text
    assert "Fields" not in summary.text
    await sara.press_then_see("✅ Confirm", "/story")
    row = her_profile(runner, sara.id, "u.role, p.step, p.region")
    assert tuple(row) == ("subscriber", "done", "naryn")


async def test_a_fifteen_year_old_gives_guardian_consent_and_is_marked_a_minor(bot, users, runner):
    dana = users.new("Dana", "en")
    await onboard_english_mentee(dana, age="14–17")
    await dana.press_then_see("✅ Confirm", "/mentors")
    row = db_row(
        runner,
        "SELECT is_minor, age_band, guardian_consent_at FROM profiles WHERE user_id = ?",
        dana.id,
    )
    assert row["is_minor"] == 1 and row["age_band"] == "14-17" and row["guardian_consent_at"]


async def test_a_guardian_who_has_not_agreed_yet_keeps_her_at_that_step(bot, users, runner):
    dana = users.new("Dana", "en")
    await to_the_age_question(dana)
    await dana.press("14–17")
    await dana.press_then_see("Not yet", "talk to your parent or guardian first")
    assert db_row(runner, "SELECT step FROM profiles WHERE user_id = ?", dana.id)["step"] == "guardian"


async def test_a_twelve_year_old_gets_stories_only_kindly(bot, users, runner):
    nuri = users.new("Nuri", "en")
    await to_the_age_question(nuri)
    await nuri.press_then_see("Under 14", "Mentoring starts at 14")
    await nuri.sees_buttons("Issyk-Kul region")  # no name asked of a child
    await nuri.press("Issyk-Kul region")
    await nuri.press_then_see("✅ Confirm", "/story")
    row = her_profile(runner, nuri.id, "u.role, p.is_minor, p.display_name")
    assert tuple(row) == ("subscriber", 1, None)


async def test_a_teen_cannot_become_a_mentor(bot, users, runner):
    dana = users.new("Dana", "en")
    await to_the_age_question(dana, role="I want to mentor")
    await dana.press_then_see("14–17", "Mentors are adults")
    await dana.sees_buttons("Yes, my parent or guardian agrees")
    assert db_row(runner, "SELECT role FROM users WHERE id = ?", dana.id)["role"] == "mentee"


async def test_a_mentor_waits_for_approval_and_an_admin_approves_her(bot, users, runner, admin):
    await admin.start_in("English")
    aigul = users.new("Aigul", "en")
    summary = await onboard_english_mentor(aigul)
    assert "I build bridges &lt;b&gt;and&lt;/b&gt; I love it." in summary.html  # her text, escaped
    await aigul.press_then_see("✅ Confirm", "approved")
    card = await admin.sees("New mentor to check", "Civil engineer")
    assert admin.buttons(card) == ["✅ Approve", "✅ Approve and clear for minors", "✖️ Reject"]
    assert (
        db_row(runner, "SELECT mentor_status FROM profiles WHERE user_id = ?", aigul.id)["mentor_status"] == "pending"
    )

    assert "Code of conduct: not accepted yet" in card.text
    answer = await admin.press("✅ Approve", card.message_id)
    assert answer == "She has not accepted the code of conduct yet. Approve her once she has."
    code = await aigul.sees("Our safeguarding code for mentors", "never ask a mentee under 18 for her contacts")
    await aigul.press("✅ I accept the code", code.message_id)
    await aigul.sees("Accepted ✓")
    await admin.press("✅ Approve", card.message_id)
    await aigul.sees("you are approved as a mentor")
    row = db_row(
        runner,
        "SELECT mentor_status, cleared_for_minors, mentor_decided_by FROM profiles WHERE user_id = ?",
        aigul.id,
    )
    assert tuple(row) == ("approved", 0, ADMIN_ID)
    # A second press (another admin, or a double tap) changes nothing.
    answer = await admin.press_data(card.message_id, f"v1:vet:reject:{aigul.id}")
    assert answer == "Already approved."


async def test_pending_lists_waiting_mentors_and_refuses_others(bot, users, runner, admin):
    aigul = users.new("Aigul", "en")
    await onboard_english_mentor(aigul, link=None)
    await aigul.press_then_see("✅ Confirm", "approved")
    await admin.start_in("English")
    await admin.send_then_see("/pending", "1 mentor is waiting for approval:")
    await admin.sees("Aigul")
    await aigul.send_then_see("/pending", "This is for programme admins only.")
    answer = await aigul.press_data(aigul.last().message_id, f"v1:vet:approve:{aigul.id}")
    assert answer == "This is for programme admins only."
    assert (
        db_row(runner, "SELECT mentor_status FROM profiles WHERE user_id = ?", aigul.id)["mentor_status"] == "pending"
    )


@pytest.mark.parametrize(
    ("typed", "complaint"),
    [
        ("   ", "can't be empty"),
        ("\u0000\u0007", "can't be empty"),
        ("A" * 65, "64 characters"),
    ],
)
async def test_a_bad_name_is_refused_kindly_and_asked_again(bot, users, runner, typed, complaint):
    aida = users.new("Aida", "en")
    await to_the_name_question(aida)
    await aida.send_then_see(typed, complaint)
    await aida.sees("What should I call you?")
    assert db_row(runner, "SELECT display_name, step FROM profiles WHERE user_id = ?", aida.id)["step"] == "name"


async def test_stickers_typed_answers_and_old_buttons_get_the_current_question_again(bot, users, runner):
    aida = users.new("Aida", "en")
    first = await aida.start_in("English")
    await aida.press("I want a mentor")
    await aida.sees_buttons("I agree")
    await aida.send("yes I agree")  # typed where a button is expected
    await aida.sees("Please answer with the buttons")
    await aida.press("I agree")
    await aida.press_then_see("18 or older", "What should I call you?")
    await aida.send_sticker()
    await aida.sees("I can only read text here")
    await aida.send_photo()
    await aida.sees("I can only read text here")
    # The role button of the first question, pressed again now.
    answer = await aida.press_data(first.message_id, "v1:onb:role:pick:mentor")
    assert "already behind us" in answer
    await aida.sees("What should I call you?")
    row = her_profile(runner, aida.id, "u.role, p.step")
    assert tuple(row) == ("mentee", "name")


async def test_back_returns_to_the_previous_question_and_keeps_the_answers(bot, users, runner):
    aida = users.new("Aida", "en")
    await to_the_age_question(aida)
    await aida.sees_buttons("18 or older")
    await aida.press_then_see("⬅️ Back", "Do you agree")
    await aida.press("⬅️ Back")
    await aida.sees_buttons("I want a mentor")
    await aida.press("⬅️ Back")
    await aida.sees_buttons("Кыргызча", "Русский", "English")
    row = her_profile(runner, aida.id, "u.role, p.consent_at")
    assert row["role"] == "mentee" and row["consent_at"]


async def test_cancel_keeps_answers_and_start_resumes_at_the_same_step(bot, users, runner):
    aida = users.new("Aida", "en")
    await to_the_age_question(aida)
    await aida.sees_buttons("18 or older")
    await aida.send_then_see("/cancel", "Your answers are saved")
    await aida.send("Aida")  # not an answer any more: she paused
    await aida.sees("/start")
    await aida.send_then_see("/start", "Welcome back")
    await aida.sees_buttons("18 or older")


async def test_a_restart_in_the_middle_resumes_at_the_same_step(bot, users, runner):
    aida = users.new("Aida", "en")
    await to_the_name_question(aida)
    await runner.restart()
    await aida.send("Aida")  # her answer to the question asked before the restart
    await aida.sees_buttons("Bishkek")
    assert db_row(runner, "SELECT display_name FROM profiles WHERE user_id = ?", aida.id)["display_name"] == "Aida"


async def test_double_tapping_confirm_completes_once(bot, users, runner, admin):
    await admin.start_in("English")
    aigul = users.new("Aigul", "en")
    summary = await onboard_english_mentor(aigul)
    await aigul.press("✅ Confirm", summary.message_id)
    answer = await aigul.press_data(summary.message_id, "v1:onb:summary:ok")
    assert answer == "Already saved ✓"
    await admin.sees("New mentor to check")
    cards = [m for m in admin.emu.bot_messages(admin.id) if "New mentor to check" in (m.text or "")]
    assert len(cards) == 1


async def test_profile_edit_changes_exactly_one_field(bot, users, runner):
    aida = users.new("Aida", "en")
    await onboarded_english_mentee(aida)
    before = dict(db_row(runner, "SELECT * FROM profiles WHERE user_id = ?", aida.id))
    await aida.send("/profile")
    await aida.press("✏️ Region")
    await aida.sees_buttons("Talas region", "↩️ Back without changes")
    card = await aida.press_then_see("Talas region", "Your profile", "Talas region")
    assert "✏️ Name" in aida.buttons(card)
    after = dict(db_row(runner, "SELECT * FROM profiles WHERE user_id = ?", aida.id))
    changed = {k for k in before if before[k] != after[k]} - {"updated_at", "nudges_sent"}
    assert changed == {"region"} and after["region"] == "talas" and after["step"] == "done"


async def test_mydata_sends_everything_stored_as_json(bot, users, runner, emulator):
    import json

    aida = users.new("Aida", "en")
    await onboarded_english_mentee(aida)
    message = await aida.send_then_see("/mydata", "everything I store")
    assert message.document.file_name == f"my-data-{aida.id}.json"
    data = json.loads(message.document.data)
    assert data["users"][0]["id"] == aida.id
    assert data["profiles"][0]["display_name"] == "Aida 🌸"
    assert data["profiles"][0]["fields"] == ["data_ai", "it"]


async def test_deleteme_leaves_no_personal_data_in_any_table(bot, users, runner):
    aida = users.new("Aida", "en")
    await onboarded_english_mentee(aida)
    await aida.send("/deleteme")
    await aida.press_then_see("No, keep it", "Nothing was erased")
    await aida.send("/deleteme")
    await aida.press_then_see("Yes, erase everything", "everything about you is erased")
    with sqlite3.connect(runner.database_path) as conn:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        for table in tables:
            for row in conn.execute(f"SELECT * FROM {table}"):
                text = " ".join(str(v) for v in row)
                assert str(aida.id) not in text and "Aida" not in text, (table, row)
        assert conn.execute("SELECT role, age_band, region FROM erased_accounts").fetchall() == [
            ("mentee", "18+", "bishkek")
        ]


async def test_a_mentee_onboards_in_kyrgyz(bot, users, runner):
    aizada = users.new("Айзада", "ky")
    await to_the_name_question_in_kyrgyz(aizada)
    await aizada.send("Айзада")
    await aizada.presses("Бишкек", "Университетте окуйм")
    for choice in ("IT жана программалоо", "Биринчи жумуш же стажировка", "Кыргызча", "Иш күндөрү кечинде"):
        await pick_many(aizada, choice, done="Даяр ✔️")
    await aizada.press("Онлайн")
    summary = await aizada.sees_buttons("✅ Тастыктоо")
    assert "Айзада" in summary.text and "IT жана программалоо" in summary.text
    await aizada.press_then_see("✅ Тастыктоо", "Профилиңиз даяр")
    await runner.settled()
    row = her_profile(runner, aizada.id, "p.step, p.fields, p.languages, u.language")
    assert tuple(row) == ("done", '["it"]', '["ky"]', "ky")


async def test_a_mentor_onboards_in_russian_and_an_admin_approves_her(bot, users, runner, admin):
    await admin.start_in("English")
    gulnara = users.new("Гульнара", "ru")
    await gulnara.start_in("Русский")
    await gulnara.presses("Хочу стать ментором", "Даю согласие", "18 лет и старше")
    await gulnara.sees_buttons("⬅️ Назад")
    await gulnara.send("Гульнара")
    await gulnara.presses("Город Ош", "Опытный специалист")
    for choices in (["Инженерия"], ["Лидерство"], ["Русский", "Кыргызский"], ["По выходным"]):
        await pick_many(gulnara, *choices, done="Готово ✔️")
    await gulnara.press("И онлайн, и вживую")
    for typed in ("Инженер-строитель", "КГТУ им. Раззакова", "Строю мосты и учу студентов. " * 3):
        await gulnara.sees_buttons("⬅️ Назад")
        await gulnara.send(typed)
    await gulnara.presses("3", "Пропустить", "✅ Подтвердить")
    card = await admin.sees("New mentor to check", "Гульнара")
    await gulnara.press("✅ Я принимаю правила")
    await admin.press("✅ Approve", card.message_id)
    await gulnara.sees("вас одобрили как ментора")
    await runner.settled()
    row = db_row(
        runner,
        "SELECT mentor_status, languages, capacity, meeting_link, link_answered FROM profiles WHERE user_id = ?",
        gulnara.id,
    )
    assert tuple(row) == ("approved", '["ky", "ru"]', 3, None, 1)


async def test_a_long_bio_and_a_bad_link_are_refused_and_asked_again(bot, users, runner):
    aigul = users.new("Aigul", "en")
    await to_the_name_question(aigul, role="I want to mentor")
    await aigul.send("Aigul")
    await aigul.press("Bishkek")
    await aigul.press("Leader")
    await pick_many(aigul, "Data and AI")
    await pick_many(aigul, "Leadership")
    await pick_many(aigul, "Russian")
    await pick_many(aigul, "Weekday mornings")
    await aigul.press("Online")
    await aigul.answer("job title", "CTO")
    await aigul.answer("Where do you work?", "Data Lab")
    await aigul.answer("Tell mentees about yourself", "x" * 5000)
    await aigul.sees("longer than 500 characters")
    await aigul.answer("Tell mentees about yourself", "I lead a data team. 📊")
    await aigul.press("2")
    await aigul.sees_buttons("Skip")
    for bad in (
        "not a link",
        "ftp://files.example.org",
        "javascript:alert(1)",
        "https://localhost",
    ):
        await aigul.send_then_see(bad, "doesn't look like a link")
    await aigul.send("https://meet.google.com/abc-defg-hij")
    await aigul.sees_buttons("✅ Confirm")
    await runner.settled()
    row = db_row(runner, "SELECT bio, meeting_link FROM profiles WHERE user_id = ?", aigul.id)
    assert tuple(row) == ("I lead a data team. 📊", "https://meet.google.com/abc-defg-hij")


async def test_an_onboarding_abandoned_for_30_days_starts_afresh(bot, users, runner, clock):
    from datetime import timedelta

    aida = users.new("Aida", "en")
    await to_the_age_question(aida)
    await aida.sees_buttons("18 or older")
    await runner.settled()
    clock.advance(timedelta(days=31))
    await aida.send("/start")
    await aida.sees_buttons("I want a mentor", "Only stories")
    await runner.settled()
    row = her_profile(runner, aida.id, "u.role, p.consent_at, p.step")
    assert tuple(row) == (None, None, "role")


async def test_an_approved_mentor_pauses_and_resumes_taking_mentees(bot, users, runner, admin):
    await admin.start_in("English")
    aigul = users.new("Aigul", "en")
    await approved_english_mentor(aigul, admin, approve="✅ Approve and clear for minors")
    await aigul.send("/profile")
    await aigul.press("⏸ Pause taking mentees")
    await aigul.sees_buttons("▶️ Take mentees again")
    await runner.settled()
    row = db_row(runner, "SELECT mentor_paused, cleared_for_minors FROM profiles WHERE user_id = ?", aigul.id)
    assert tuple(row) == (1, 1)
    await aigul.press("▶️ Take mentees again")
    await aigul.sees_buttons("⏸ Pause taking mentees")
    await runner.settled()
    assert db_row(runner, "SELECT mentor_paused FROM profiles WHERE user_id = ?", aigul.id)[0] == 0
