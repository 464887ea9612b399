"""Admin broadcasts end to end: composing, segments, previews, pacing, blocking, 429s, cancel."""

import json
import sqlite3

from bot.callbacks import cb
from tests.support.db import db_rows


async def member(users, name, language_button, code="en"):
    user = users.new(name, code)
    await user.start_in(language_button)
    return user


async def compose_to_everyone(admin, texts=("Салам, кыздар!", "Привет, девушки!", "Hello, <b>girls</b>!")):
    await admin.send("/broadcast")
    await admin.press("✍️ A message")
    for text in texts:
        await admin.answer("Send the message in", text)
    await admin.press("Everyone")
    return await admin.sees("It will go to")


async def test_a_composed_message_reaches_everyone_in_her_language_with_live_progress(bot, users, runner, admin):
    await admin.start_in("English")
    ky = await member(users, "Aizada", "Кыргызча")
    ru = await member(users, "Dina", "Русский")
    en = await member(users, "Emma", "English")
    confirm = await compose_to_everyone(admin)
    assert "4 people" in confirm.text  # the three women and the admin herself
    previews = [m.text for m in admin.emu.bot_messages(admin.id) if m.text and m.text.startswith("Preview for")]
    assert previews == [
        "Preview for Кыргызча (1):",
        "Preview for Русский (1):",
        "Preview for English (2):",
    ]

    await admin.press_then_see("✅ Send", "Broadcast #1 finished.", "Sent: 4")
    assert (await ky.sees("Салам, кыздар!")).text == "Салам, кыздар!"
    await ru.sees("Привет, девушки!")
    hello = await en.sees("Hello, girls!")
    assert hello.html == "Hello, <b>girls</b>!"
    assert db_rows(runner, "SELECT status, COUNT(*) FROM outbox GROUP BY status") == [("sent", 4)]
    assert db_rows(runner, "SELECT action FROM admin_audit") == [("broadcast",)]


async def test_broken_html_is_refused_before_anything_is_sent(bot, users, runner, admin):
    await admin.start_in("English")
    await admin.send("/broadcast")
    await admin.press("✍️ A message")
    await admin.answer("Send the message in", "<b>unclosed")
    await admin.sees("Telegram would refuse this text")
    await admin.sees("Send the message in Кыргызча")
    assert db_rows(runner, "SELECT COUNT(*) FROM outbox_batches") == [(0,)]


async def test_a_story_card_goes_to_a_segment_each_in_her_language(bot, users, runner, admin):
    await admin.start_in("English")
    ky = await member(users, "Aizada", "Кыргызча")
    ru = await member(users, "Dina", "Русский")
    await admin.send("/broadcast")
    await admin.presses("📖 A story card", "Ada Lovelace", "A segment…", "Language", "Кыргызча")
    await admin.sees("It will go to 1 person")
    await admin.press_then_see("✅ Send", "finished", "Sent: 1")
    card = await ky.sees("Ада Лавлейс")
    assert card.photo is not None
    assert [m for m in ru.emu.bot_messages(ru.id) if m.photo] == []


async def test_blocked_users_are_marked_and_skipped_and_429s_are_honoured(bot, users, runner, admin, emulator):
    await admin.start_in("English")
    women = [await member(users, f"W{i}", "English") for i in range(4)]
    emulator.block(women[0].id)
    await runner.settled()
    # As if the bot had been down when she blocked it: it only learns from the 403.
    with sqlite3.connect(runner.database_path) as conn:
        conn.execute("UPDATE users SET blocked_bot = 0 WHERE id = ?", (women[0].id,))
    emulator.fail_next("sendMessage", 2, retry_after=1)
    await compose_to_everyone(admin, ("ky", "ru", "en text"))
    await admin.press_then_see("✅ Send", "finished")
    await runner.services.delivery.wait_idle("broadcast")
    for woman in women[1:]:
        got = [m for m in emulator.bot_messages(woman.id) if m.text == "en text"]
        assert len(got) == 1
    statuses = dict(db_rows(runner, "SELECT user_id, status FROM outbox"))
    assert statuses[women[0].id] == "blocked"
    assert db_rows(runner, "SELECT blocked_bot FROM users WHERE id = ?", women[0].id) == [(1,)]


async def test_a_broadcast_can_be_cancelled_and_what_was_sent_stays_sent(bot, users, runner, admin, emulator):
    await admin.start_in("English")
    for i in range(6):
        await member(users, f"W{i}", "English")
    await runner.settled()
    await runner.restart(BROADCAST_RATE="2")  # a slow broadcast, so there is time to cancel
    await compose_to_everyone(admin, ("ky", "ru", "slow"))
    queued = await admin.press_then_see("✅ Send", "queued")
    await admin.press("⏹ Cancel the broadcast", queued.message_id)
    await runner.services.delivery.wait_idle("broadcast")
    counts = dict(db_rows(runner, "SELECT status, COUNT(*) FROM outbox GROUP BY status"))
    assert counts.get("cancelled", 0) >= 1 and counts.get("sent", 0) + counts["cancelled"] == 7
    await admin.sees("cancelled")


async def test_non_admins_are_refused_for_every_admin_command_and_button(bot, users, runner):
    eve = users.new("Eve", "en")
    await eve.start_in("English")
    for command in ("/broadcast", "/admin", "/audit", "/pending"):
        await eve.send_then_see(command, "This is for programme admins only.")
    message_id = eve.last().message_id
    for data in (
        cb("bc", "send"),
        cb("bc", "compose"),
        cb("bc", "cancel", 1),
        cb("vet", "approve", eve.id),
    ):
        assert await eve.press_data(message_id, data) == "This is for programme admins only."
    assert db_rows(runner, "SELECT COUNT(*) FROM outbox_batches") == [(0,)]
    assert db_rows(runner, "SELECT COUNT(*) FROM broadcast_drafts") == [(0,)]


async def test_double_tapping_send_sends_once(bot, users, runner, admin):
    await admin.start_in("English")
    w = await member(users, "W", "English")
    confirm = await compose_to_everyone(admin, ("a", "b", "c"))
    await admin.press("✅ Send", confirm.message_id)
    await admin.press_data(confirm.message_id, cb("bc", "send"))
    await admin.sees("finished")
    assert db_rows(runner, "SELECT COUNT(*) FROM outbox_batches") == [(1,)]
    assert [m.text for m in runner.emulator.bot_messages(w.id)].count("c") == 1


async def test_a_story_push_and_a_broadcast_at_once_both_finish_within_telegrams_limit(
    bot, users, runner, admin, emulator, clock
):
    from datetime import timedelta

    from bot.jobs import run_jobs
    from tests.support.builders import seed_members

    await admin.start_in("English")
    ids = await seed_members(emulator, runner.database_path)
    now = clock.now()
    for uid in ids:
        await runner.services.stories.subscribe(uid, "daily", "morning", now, now)
    await compose_to_everyone(admin, ("ky", "Всем привет!", "en"))
    await admin.press_then_see("✅ Send", "queued")
    clock.advance(timedelta(seconds=1))
    await run_jobs(bot)  # the story push is queued while the broadcast runs
    await runner.services.delivery.wait_idle("broadcast", timeout=60)
    await runner.services.delivery.wait_idle("stories", timeout=60)
    texts = {
        int(c.params["chat_id"])
        for c in emulator.calls("sendMessage")
        if c.ok and c.params.get("text") == "Всем привет!"
    }
    photos = [int(c.params["chat_id"]) for c in emulator.calls("sendPhoto") if c.ok]
    assert texts >= set(ids) and sorted(photos) == sorted(ids)
    # Both lanes together keep to BROADCAST_RATE in every second, leaving Telegram's remaining
    # room (it allows about 30 a second) for interactive replies.
    times = sorted(
        c.time
        for c in emulator.calls()
        if c.method in ("sendMessage", "sendPhoto") and int(c.params["chat_id"]) in set(ids)
    )
    busiest = max(sum(1 for u in times if t <= u < t + 1.0) for t in times)
    assert busiest <= runner.services.settings.broadcast_rate + 1
    # Whichever was queued first (the story tick also runs on its own while the admin composes).
    assert db_rows(runner, "SELECT lane, status FROM outbox_batches ORDER BY lane") == [
        ("broadcast", "done"),
        ("stories", "done"),
    ]


async def test_the_composer_waits_for_each_language_across_a_restart_and_reuses_the_last_text(
    bot, users, runner, admin
):
    await admin.start_in("English")
    await admin.send("/broadcast")
    await admin.press_then_see("✍️ A message", "Send the message in Кыргызча")
    await runner.restart()
    await admin.send("Салам!")  # the text asked for before the restart
    await admin.sees("Send the message in Русский")
    await admin.press_then_see("Same text as in Кыргызча", "Send the message in English")
    await admin.send_sticker()
    await admin.answer("I need text here", "Hello!")
    await admin.sees("Who should receive it?")
    payload = db_rows(runner, "SELECT payload FROM broadcast_drafts WHERE admin_id = ?", admin.id)[0][0]
    assert json.loads(payload)["texts"] == {"ky": "Салам!", "ru": "Салам!", "en": "Hello!"}
    await admin.send("Hi again")  # the composer waits no more
    await admin.sees("I answer to buttons and commands")
