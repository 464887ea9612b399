"""Admin numbers: /stats equals counts computed independently from the database; /export's CSVs."""

import csv
import io

from tests.support.builders import english_subscriber, onboard_english_mentee, to_the_name_question_in_kyrgyz
from tests.support.db import scalar


async def test_stats_match_the_database_and_come_with_a_chart(bot, users, runner, admin):
    await admin.start_in("English")
    aida = users.new("Aida", "en")
    await onboard_english_mentee(aida)
    await aida.press("✅ Confirm")
    dana = users.new("Dana", "en")
    await onboard_english_mentee(dana, age="14–17")
    await dana.press("✅ Confirm")
    await english_subscriber(users, "Sara")
    await runner.settled()

    await admin.send("/stats")
    text = (await admin.sees("The programme in numbers")).text
    mentees = scalar(runner, "SELECT COUNT(*) FROM users WHERE role = 'mentee'")
    subscribers = scalar(runner, "SELECT COUNT(*) FROM story_subscriptions WHERE active = 1")
    assert f"I want a mentor {mentees}" in text and mentees == 2
    assert f"Onboarded {mentees} → Matched 0 → First session 0 → Three sessions 0 → Completed 0" in text
    assert f"Stories: {subscribers} subscribers" in text and subscribers == 1
    assert "14–17: 1 → 0 → 0 → 0 → 0" in text and "18 or older: 1 → 0 → 0 → 0 → 0" in text
    assert "Bishkek: 2 →" in text and "Software and IT: 2 →" in text
    await admin.emu.wait_for(lambda: [m for m in admin.emu.bot_messages(admin.id) if m.photo is not None])
    photos = [m for m in admin.emu.bot_messages(admin.id) if m.photo is not None]
    assert photos[-1].photo.data[:8] == b"\x89PNG\r\n\x1a\n"


async def test_export_sends_csv_files_with_a_bom_and_cyrillic_intact(bot, users, runner, admin):
    await admin.start_in("English")
    aizada = users.new("Айзада", "ky")
    await to_the_name_question_in_kyrgyz(aizada)
    await aizada.send("Айзада Ңөү")
    await aizada.press("Бишкек")
    await runner.settled()

    await admin.send("/export")
    await admin.press("Everything, with names and bios")
    await admin.emu.wait_for(lambda: len([m for m in admin.emu.bot_messages(admin.id) if m.document]) >= 6, timeout=10)
    files = {
        m.document.file_name.split("-")[0]: m.document.data for m in admin.emu.bot_messages(admin.id) if m.document
    }
    assert set(files) == {"profiles", "mentorships", "sessions", "deliveries", "opportunities", "circles"}
    assert all(data.startswith(b"\xef\xbb\xbf") for data in files.values())
    profiles = list(csv.DictReader(io.StringIO(files["profiles"].decode("utf-8-sig"))))
    row = next(r for r in profiles if r["user_id"] == str(aizada.id))
    assert row["display_name"] == "Айзада Ңөү" and row["region"] == "bishkek" and row["language"] == "ky"
    header = files["sessions"].decode("utf-8-sig").splitlines()[0]
    assert "mentee_rating" in header and "mentor_comment" in header
    await runner.settled()
    assert scalar(runner, "SELECT action FROM admin_audit ORDER BY id DESC LIMIT 1") == "export"


async def test_export_leaves_out_free_text_unless_asked(bot, users, runner, admin):
    await admin.start_in("English")
    await admin.send("/export")
    await admin.press("Last 30 days")
    await admin.emu.wait_for(lambda: len([m for m in admin.emu.bot_messages(admin.id) if m.document]) >= 6, timeout=10)
    profiles = next(m for m in admin.emu.bot_messages(admin.id) if m.document and "profiles" in m.document.file_name)
    header = profiles.document.data.decode("utf-8-sig").splitlines()[0].split(",")
    assert "display_name" not in header and "bio" not in header and "region" in header
    sessions = next(m for m in admin.emu.bot_messages(admin.id) if m.document and "sessions" in m.document.file_name)
    header = sessions.document.data.decode("utf-8-sig").splitlines()[0].split(",")
    assert "mentee_comment" not in header and "cancel_reason" not in header and "mentee_rating" in header
