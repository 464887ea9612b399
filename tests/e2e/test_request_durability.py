"""A request's typed steps survive a kill -9: her note, after the restart, still becomes her request."""

from bot.db import Database
from bot.db.users import UserRepository
from bot.onboarding.store import ProfileRepository
from tests.support.builders import add_mentee, add_mentor
from tests.support.db import conversation_rows
from tests.support.runner import bot_process_killed_after


async def prepare(database_path, now, mentee, mentor):
    db = Database(database_path)
    await db.open()
    try:
        users, profiles = UserRepository(db, "Asia/Bishkek"), ProfileRepository(db)
        await add_mentee(users, profiles, mentee.id, now, name=mentee.name)
        await add_mentor(users, profiles, mentor.id, now, name=mentor.name)
    finally:
        await db.close()


async def test_kill_9_while_she_types_her_note_keeps_the_wait(emulator, users, database_path, runner, clock):
    aida, aigul = users.new("Aida", "en"), users.new("Aigul", "en")
    await prepare(database_path, clock.now(), aida, aigul)
    async with bot_process_killed_after(emulator, database_path):
        await aida.send("/mentors")
        await aida.sees("Aigul", "Compatibility:")
        await aida.press("📨 Request")
        await aida.sees("add a short note")
        # The step is in the database as soon as the question is out.
        assert conversation_rows(database_path, aida.id) == [("req_note", '"note"')]

    await runner.start()
    await aida.send("I'd love to learn how you became an engineer")
    await aida.sees("Sent! 📨")
    card = await aigul.sees("A new mentee would like you")
    assert "I'd love to learn how you became an engineer" in card.text
    await runner.settled()
    assert conversation_rows(database_path, aida.id) == []

    # The mentor's question is a step of the same kind: typed, passed on, answered.
    await aigul.press("❓ Ask a question")
    await aigul.sees("Type your question for Aida")
    await runner.settled()
    assert conversation_rows(database_path, aigul.id) == [("request", '"question"')]
    await aigul.send("Which field do you like most?")
    await aigul.sees("Sent ✓ I'll bring you her answer.")
    await aida.sees("Aigul has a question before answering your request")
    await aida.press("✍️ Answer")
    await aida.send("Networks")
    await aigul.sees("She answered your question", "Networks")
