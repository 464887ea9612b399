"""Item 5: contact details in relayed text, held back for minors (admins see it), refused for adults."""

from tests.support.builders import minor_and_mentor, minor_pair, pair, request_card, write_through_the_bot
from tests.support.db import db_rows

PHONE = "WhatsApp me: +996 555 123 456"


async def test_a_message_with_a_phone_number_to_a_minor_is_held_back_and_flagged(bot, users, runner, admin):
    await admin.start_in("English")
    dana, aigul, _ = await minor_pair(runner, users)
    await aigul.send("/mentorship")
    await aigul.press("✉️ Message through the bot")
    await aigul.answer("Type your message for Dana", PHONE)
    await aigul.sees("I held this message back", "under 18")
    flag = await admin.sees("Contact details held back in a message, from Aigul to Dana")
    assert PHONE in flag.text
    # She may type it again without them: the bot still waits for her message.
    await aigul.send_then_see("See you on Saturday!", "Sent ✓")
    await dana.sees("See you on Saturday!")
    await runner.settled()
    assert not [m for m in runner.emulator.bot_messages(dana.id) if "+996" in (m.text or "")]
    rows = db_rows(runner, "SELECT sender_id, recipient_id, source, minor, kinds, text FROM contact_flags")
    assert [tuple(r) for r in rows] == [(aigul.id, dana.id, "relay", 1, '["phone"]', PHONE)]
    assert [r[0] for r in db_rows(runner, "SELECT text FROM relay_messages")] == ["See you on Saturday!"]


async def test_a_minors_own_message_with_a_username_is_held_back_too(bot, users, runner, admin):
    await admin.start_in("English")
    dana, aigul, _ = await minor_pair(runner, users)
    await write_through_the_bot(dana, "write me at @dana_2010 please")
    await dana.sees("I held this message back")
    await admin.sees("from Dana to Aigul", "@dana_2010")
    await runner.settled()
    assert not [m for m in runner.emulator.bot_messages(aigul.id) if "dana_2010" in (m.text or "")]


async def test_between_adults_the_sender_is_asked_to_use_share_my_contact(bot, users, runner, admin):
    await admin.start_in("English")
    aida, aigul, _ = await pair(runner, users)
    await write_through_the_bot(aida, "my mail is aida@example.com")
    await aida.sees("I didn't send this", "Share my contact")
    await runner.settled()
    assert not [m for m in runner.emulator.bot_messages(aigul.id) if "example.com" in (m.text or "")]
    assert not [m for m in runner.emulator.bot_messages(admin.id) if "held back" in (m.text or "")]
    rows = db_rows(runner, "SELECT source, minor, kinds, text FROM contact_flags")
    assert [tuple(r) for r in rows] == [("relay", 0, '["email"]', "")]


async def test_a_question_to_a_minor_with_a_link_is_held_back(bot, users, runner, admin):
    await admin.start_in("English")
    dana, aigul = await minor_and_mentor(runner, users)
    _, card = await request_card(runner, dana, aigul)
    await aigul.press("❓ Ask a question", card.message_id)
    await aigul.answer("Type your question for", "Add me on t.me/aigul_private ?")
    await aigul.sees("I held this message back")
    await admin.sees("a question before a request is answered", "t.me/aigul_private")
    await runner.settled()
    assert not [m for m in runner.emulator.bot_messages(dana.id) if "aigul_private" in (m.text or "")]
    assert db_rows(runner, "SELECT COUNT(*) FROM request_messages")[0][0] == 0


async def test_stats_count_flags_per_thousand_relayed_messages(bot, users, runner, admin):
    await admin.start_in("English")
    dana, aigul, mentorship = await minor_pair(runner, users)
    for n in range(3):
        await runner.services.relay.relay(mentorship.id, dana.id, f"hello {n}", runner.clock.now())
    await write_through_the_bot(aigul, PHONE)
    await aigul.sees("I held this message back")
    await admin.send_then_see("/stats", "Messages held back for contact details: 1 (250 per 1,000 relayed)")
