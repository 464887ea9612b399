"""Item 9: /mydata is complete and holds no one else's id (F12, F15); commands answer only in private (F11)."""

import json
import sqlite3

from bot.privacy.export import NAMED, NOT_EXPORTED, OTHER_PEOPLE, PARENTS
from tests.support.builders import confirmed_session, free_hour, minor_pair, new_mentee, pair
from tests.support.personas import ADMIN_ID

PEOPLE = ("user_id", "mentee_id", "mentor_id", "sender_id", "recipient_id", "reporter_id", "reported_id")


def test_every_table_with_a_users_id_is_in_mydata_or_said_why_not(bot, runner):
    """Fails when a new table holds a person's id that /mydata would not find."""
    with sqlite3.connect(runner.database_path) as conn:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        for table in tables:
            keys = {r[3]: r[2] for r in conn.execute(f"PRAGMA foreign_key_list({table})")}
            columns = [r[1] for r in conn.execute(f"PRAGMA table_info({table})")]
            personal = [c for c in columns if c in PEOPLE or c.endswith("_by") or c in ("admin_id", "actor_id")]
            for column in personal:
                found = (
                    keys.get(column) in ("users", *PARENTS)
                    or column in OTHER_PEOPLE.get(table, ())
                    or column in NAMED.get(table, ())
                )
                assert found or table in NOT_EXPORTED, f"{table}.{column}: not in /mydata and not said why"


async def test_a_mentors_mydata_has_her_mentorship_and_sessions_but_no_mentee_or_admin_id(bot, users, runner):
    dana, aigul, mentorship = await minor_pair(runner, users)
    await runner.services.relay.relay(mentorship.id, dana.id, "Hello!", runner.clock.now())
    await confirmed_session(runner, mentorship, await free_hour(runner, aigul))
    message = await aigul.send_then_see("/mydata", "everything I store")
    data = json.loads(message.document.data)
    for table in ("profiles", "mentorships", "requests", "sessions", "relay_messages", "mentorship_events", "slots"):
        assert data.get(table), table
    assert data["mentorships"][0]["mentor_id"] == aigul.id
    text = json.dumps(data)
    assert str(dana.id) not in text and str(ADMIN_ID) not in text


async def test_a_mentees_mydata_has_her_story_and_reminder_rows(bot, users, runner):
    aida, aigul, mentorship = await pair(runner, users)
    await confirmed_session(runner, mentorship, await free_hour(runner, aigul))
    await aida.send("/mydata")
    data = json.loads((await aida.sees("everything I store")).document.data)
    assert data["reminders"] and all(r["recipient_id"] == aida.id for r in data["reminders"])
    assert str(aigul.id) not in json.dumps(data)


async def test_f11_a_command_in_a_group_gets_one_short_line_and_nothing_personal(bot, users, runner, emulator):
    aida = await new_mentee(runner, users, name="Aida")
    await aida.send("/start")
    await aida.reply()
    sent = emulator.send_text(aida.id, "/mydata")
    group = {"id": -100200300, "type": "group", "title": "STEM girls"}
    emulator.enqueue_update("message", {**sent, "message_id": sent["message_id"] + 1000, "chat": group})
    await emulator.wait_for(
        lambda: [c for c in emulator.calls() if c.params.get("chat_id") in (-100200300, "-100200300")]
    )
    await aida.sees("everything I store")  # the private /mydata still works
    await runner.settled()
    to_group = [c for c in emulator.calls() if str(c.params.get("chat_id")) == "-100200300"]
    # The emulator knows private chats only, so its "chat not found" adds the generic apology.
    assert {c.method for c in to_group} == {"sendMessage"}
    assert to_group[0].params["text"] == "I answer only in a private chat with me."
    documents = emulator.calls("sendDocument")
    assert [str(c.params.get("chat_id")) for c in documents] == [str(aida.id)]
