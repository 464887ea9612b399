"""The mentorship's typed-text steps survive a restart: the message she is about to type, and the
details of a report she has just made, still reach the other side after the bot comes back."""

from tests.support.builders import pair
from tests.support.db import db_rows


async def test_a_message_typed_after_a_restart_still_reaches_her_mentor(bot, users, runner):
    aida, aigul, mentorship = await pair(runner, users)
    await aida.send("/mentorship")
    await aida.press("✉️ Message through the bot")
    await aida.sees("Type your message for Aigul")
    await runner.restart()
    await aida.send("Hello after the restart")
    await aida.sees("Sent ✓")
    await aigul.sees("Message from Aida:", "Hello after the restart")
    assert [tuple(r) for r in db_rows(runner, "SELECT text, delivered FROM relay_messages")] == [
        ("Hello after the restart", 1)
    ]
    # The wait ended with the message: her next text is not passed on.
    await aida.send("and this is just for the bot")
    await aida.sees("I answer to buttons and commands")
    assert len(db_rows(runner, "SELECT id FROM relay_messages WHERE mentorship_id = ?", mentorship.id)) == 1


async def test_report_details_typed_after_a_restart_reach_the_admins(bot, users, runner, admin):
    aida, aigul, _ = await pair(runner, users)
    await aida.send("/mentorship")
    await aida.press("⚠️ Report")
    await aida.press("Something else")
    await aida.sees("If you want to add details, type them now")
    await admin.sees("#1")
    await runner.restart()
    await aida.send("He kept asking for my number.")
    await aida.sees("Added to your report")
    await admin.sees("He kept asking for my number.")
