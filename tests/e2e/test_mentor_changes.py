"""F4: an approved mentor's edits of her vetted card wait for an admin before minors see them."""

from bot.video_room import ROOM_BASE
from tests.support.builders import free_hour, matched, minor_and_mentor, new_mentee, new_mentor
from tests.support.db import db_row

NEW_BIO = "WhatsApp me: +996 555 123 456"


async def edit_bio(aigul, text):
    await aigul.send("/profile")
    await aigul.press("✏️ About me")
    await aigul.answer("Tell mentees about yourself", text)


async def test_an_edited_bio_reaches_adults_at_once_and_minors_after_an_admin_approves(bot, users, runner, admin):
    await admin.start_in("English")
    dana, aigul = await minor_and_mentor(runner, users)
    aida = await new_mentee(runner, users, name="Aida")
    await edit_bio(aigul, NEW_BIO)
    await aigul.sees("mentees under 18 see your card as it was approved")
    card = await admin.sees("A mentor changed her profile after approval")
    assert "I love helping girls into tech." in card.text and "+996 555 123 456" in card.text
    row = db_row(runner, "SELECT bio, vetted_bio, change_pending_at FROM profiles WHERE user_id = ?", aigul.id)
    assert row["bio"] == NEW_BIO and row["vetted_bio"] == "I love helping girls into tech."
    assert row["change_pending_at"] is not None

    await aida.send("/mentors")
    assert NEW_BIO in (await aida.sees("Aigul")).text
    minor_card = await dana.send_then_see("/mentors", "Aigul")
    assert NEW_BIO not in minor_card.text and "I love helping girls into tech." in minor_card.text

    await admin.press("✅ Approve the change", card.message_id)
    await admin.sees("Change approved ✓")
    await dana.send("/mentors")
    assert NEW_BIO in (await dana.sees("Aigul", "Compatibility")).text
    assert db_row(runner, "SELECT vetted_bio FROM profiles WHERE user_id = ?", aigul.id)[0] == NEW_BIO


async def test_a_rejected_change_puts_the_approved_card_back(bot, users, runner, admin):
    await admin.start_in("English")
    aigul = await new_mentor(runner, users, minors=True)
    await edit_bio(aigul, NEW_BIO)
    card = await admin.sees("A mentor changed her profile after approval")
    await admin.press("✖️ Reject the change", card.message_id)
    await admin.sees("Change rejected")
    await aigul.sees("could not approve your latest profile change")
    row = db_row(runner, "SELECT bio, change_pending_at FROM profiles WHERE user_id = ?", aigul.id)
    assert tuple(row) == ("I love helping girls into tech.", None)


async def test_an_admin_approves_only_the_edit_she_saw(bot, users, runner, admin):
    await admin.start_in("English")
    aigul = await new_mentor(runner, users, minors=True)
    await edit_bio(aigul, "First edit, all fine")
    first = await admin.sees("First edit, all fine")
    await edit_bio(aigul, NEW_BIO)
    await admin.sees("+996 555 123 456")
    assert await admin.press("✅ Approve the change", first.message_id) == (
        "This change was already decided or changed again."
    )
    row = db_row(runner, "SELECT vetted_bio, change_pending_at FROM profiles WHERE user_id = ?", aigul.id)
    assert row["vetted_bio"] == "I love helping girls into tech." and row["change_pending_at"] is not None


async def test_a_minors_session_uses_a_generated_room_never_the_mentors_link(bot, users, runner):
    aigul = await new_mentor(runner, users, minors=True)
    await runner.services.profiles.save(
        aigul.id, runner.clock.now(), step="done", meeting_link="https://t.me/aigul_private"
    )
    for name, minor in (("Dana", True), ("Aida", False)):
        mentee = await new_mentee(runner, users, name=name, minor=minor)
        mentorship = await matched(runner, mentee, aigul)
        start = await free_hour(runner, aigul, hours_ahead=26 + 2 * minor)
        session = await runner.services.bookings.book(
            mentorship.id, mentee.id, start, runner.clock.now(), offsets=(), new_link=lambda: ROOM_BASE + "generated"
        )
        expected = ROOM_BASE + "generated" if minor else "https://t.me/aigul_private"
        assert session.meeting_link == expected
