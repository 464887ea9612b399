"""kill -9 in the middle of a broadcast, then a restart: nobody gets it twice, nobody is lost."""

import signal
import sqlite3
from collections import Counter

from tests.support.builders import RECIPIENTS, seed_members
from tests.support.runner import start_bot_process


async def test_kill_9_mid_broadcast_then_restart_sends_each_once(emulator, users, database_path, runner):
    ids = await seed_members(emulator, database_path)
    admin_id = runner.admin_ids[0]
    admin = users.new("Admin", "en", user_id=admin_id)
    process = await start_bot_process(emulator, database_path, admin_ids=[admin_id])
    try:
        await admin.start_in("English")
        emulator.delay("sendMessage", 0.05, count=10_000)  # ~20 per second at most: time to kill it midway
        await admin.send("/broadcast")
        await admin.press("✍️ A message")
        for text in ("ky", "Всем привет!", "en"):
            await admin.sees("Send the message in")
            await admin.send(text)
        await admin.press("Everyone")
        await admin.press("✅ Send")
        await emulator.wait_for(
            lambda: (
                sum(1 for c in emulator.calls("sendMessage") if c.params.get("text") == "Всем привет!")
                >= RECIPIENTS // 3
            ),
            timeout=60,
        )
    finally:
        process.send_signal(signal.SIGKILL)
        await process.wait()

    await runner.start()
    await runner.services.delivery.wait_idle("broadcast", timeout=60)
    received = Counter(
        int(c.params["chat_id"])
        for c in emulator.calls("sendMessage")
        if c.ok and c.params.get("text") == "Всем привет!"
    )
    with sqlite3.connect(database_path) as conn:
        status = dict(conn.execute("SELECT user_id, status FROM outbox"))
    assert max(received.values()) == 1, "someone got the broadcast twice"
    for uid in ids:
        if status[uid] == "uncertain":
            # Caught mid-send by the kill: never resent; it may or may not have arrived.
            assert received[uid] <= 1
        else:
            assert status[uid] == "sent" and received[uid] == 1, (uid, status[uid])
    assert sum(1 for s in status.values() if s == "uncertain") <= 1
