"""Telegram misbehaving for a while: 500s, a timeout, 429s. The bot keeps going, answers her next
message, and the outbox loses nothing and sends nothing twice."""

from collections import Counter

from bot.callbacks import cb
from tests.support.db import db_rows

HELP = "Here is what I can do:"
SORRY = "Sorry, something went wrong on my side."


def shown(emulator, user, fragment) -> int:
    return sum(1 for m in emulator.bot_messages(user.id) if fragment in (m.text or ""))


async def seed_members(runner, emulator, count):
    """Women who already chose English, as the bot would have stored them."""
    ids = [emulator.add_user(first_name=f"W{i}", language_code="en") for i in range(count)]
    now = runner.clock.now().isoformat(timespec="seconds")
    async with runner.services.db.transaction() as tx:
        await tx.executemany(
            "INSERT INTO users (id, language, first_name, created_at, last_seen_at) VALUES (?, 'en', ?, ?, ?)",
            [(uid, f"W{i}", now, now) for i, uid in enumerate(ids)],
        )
    return ids


async def queue_broadcast(runner, ids, text):
    services = runner.services
    payload = {"type": "text", "texts": {"ky": text, "ru": text, "en": text}}
    batch = await services.outbox.create_batch("broadcast", payload, [(i, "en", "") for i in ids], services.clock.now())
    services.delivery.kick("broadcast")
    return batch


def received(emulator, text) -> Counter:
    return Counter(
        int(c.params["chat_id"]) for c in emulator.calls("sendMessage") if c.ok and c.params.get("text") == text
    )


async def test_500s_for_a_while_then_her_next_message_is_answered(bot, users, emulator, runner):
    aida = users.new("Aida", "en")
    await aida.start_in("English")
    await runner.settled()
    emulator.fail_next("getUpdates", 2)  # polling itself fails: the bot backs off and polls again
    emulator.fail_next("sendMessage", 2)  # her answer and the apology both fail
    await aida.send("/help")
    await runner.settled()
    assert shown(emulator, aida, HELP) == 0
    await aida.send_then_see("/help", HELP)
    assert bot.running and bot.updater.running
    failed = Counter((c.method, c.error_code) for c in emulator.calls() if not c.ok)
    assert failed == {("getUpdates", 500): 2, ("sendMessage", 500): 2}


async def test_a_telegram_timeout_does_not_stop_the_bot(bot, users, emulator, runner):
    aida = users.new("Aida", "en")
    await aida.start_in("English")
    emulator.delay("sendMessage", 6.0)  # beyond PTB's 5 s read timeout: the bot gives up waiting
    await aida.send("/help")
    await aida.sees(SORRY, timeout=15)  # the error handler tells her it was us
    await runner.settled()
    await aida.send_then_see("/help", HELP)
    assert bot.running and bot.updater.running


async def test_429s_for_a_while_are_waited_out_and_she_is_answered_once(bot, users, emulator, runner):
    aida = users.new("Aida", "en")
    await aida.start_in("English")
    emulator.fail_next("sendMessage", 3, retry_after=1)
    await aida.send_then_see("/help", HELP)
    await runner.settled()
    assert shown(emulator, aida, HELP) == 1 and shown(emulator, aida, SORRY) == 0
    assert [c.error_code for c in emulator.calls("sendMessage") if not c.ok] == [429] * 3


async def test_the_outbox_goes_through_500s_and_429s_losing_nothing(bot, users, emulator, runner):
    ids = await seed_members(runner, emulator, 8)
    emulator.fail_next("sendMessage", 1)  # a 500: retried after a short pause
    emulator.fail_next("sendMessage", 4, retry_after=1)  # more 429s than the rate limiter retries
    batch = await queue_broadcast(runner, ids, "Through the storm")
    await runner.services.delivery.wait_idle("broadcast", timeout=30)
    got = received(emulator, "Through the storm")
    assert all(got[i] == 1 for i in ids), got
    assert db_rows(runner, "SELECT status, COUNT(*) FROM outbox WHERE batch_id = ? GROUP BY status", batch) == [
        ("sent", 8)
    ]
    # Meanwhile she is answered as usual.
    aida = users.new("Aida", "en")
    await aida.send_then_see("/start", "Please choose your language:")


async def test_a_broadcast_send_that_timed_out_after_telegram_took_it_is_not_sent_twice(bot, users, emulator, runner):
    ids = await seed_members(runner, emulator, 3)
    emulator.delay("sendMessage", 6.0)  # Telegram takes the message, then answers too late
    await queue_broadcast(runner, ids, "Only once")
    await runner.services.delivery.wait_idle("broadcast", timeout=30)
    got = received(emulator, "Only once")
    # The emulator records the late-answered call as ok: it did reach her, once; so did the others.
    assert [got[i] for i in ids] == [1, 1, 1], got
    statuses = [s for (s,) in db_rows(runner, "SELECT status FROM outbox ORDER BY id")]
    assert statuses == ["uncertain", "sent", "sent"]


async def test_a_broadcast_confirmed_while_telegram_hiccups_still_goes_out(bot, users, emulator, runner, admin):
    await admin.start_in("English")
    ids = await seed_members(runner, emulator, 3)
    await admin.send("/broadcast")
    await admin.press("✍️ A message")
    for text in ("ky", "ru", "Despite the hiccup"):
        await admin.answer("Send the message in", text)
    confirm = await admin.press_then_see("Everyone", "It will go to")
    emulator.fail_next("sendMessage", 2)  # the 'queued' message and the apology
    await admin.press_data(confirm.message_id, cb("bc", "send"))
    await emulator.wait_for(lambda: all(received(emulator, "Despite the hiccup")[i] == 1 for i in ids), timeout=8)
