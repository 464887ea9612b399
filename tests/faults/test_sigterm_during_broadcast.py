"""SIGTERM in the middle of a broadcast: a clean exit within ten seconds, then a restart that
finishes the broadcast with nobody getting it twice and nobody left out."""

import asyncio
import signal
import sqlite3

from tests.support.broadcast import assert_each_got_it_once, broadcast_sent, send_to_everyone
from tests.support.builders import RECIPIENTS, seed_members
from tests.support.runner import start_bot_process


async def test_sigterm_mid_broadcast_exits_cleanly_and_the_restart_completes_it_once(
    emulator, users, database_path, runner
):
    ids = await seed_members(emulator, database_path)
    admin_id = runner.admin_ids[0]
    admin = users.new("Admin", "en", user_id=admin_id)
    process = await start_bot_process(emulator, database_path, admin_ids=[admin_id])
    await admin.start_in("English")
    emulator.delay("sendMessage", 0.05, count=10_000)  # ~20 a second: time to stop it midway
    await send_to_everyone(admin)
    await emulator.wait_for(lambda: broadcast_sent(emulator) >= RECIPIENTS // 3, timeout=60)

    process.send_signal(signal.SIGTERM)
    _, stderr = await asyncio.wait_for(process.communicate(), timeout=10)
    assert process.returncode == 0, stderr.decode()[-3000:]
    before_restart = broadcast_sent(emulator)
    assert before_restart < RECIPIENTS, "the broadcast went on after the stop signal"
    with sqlite3.connect(database_path) as conn:
        left = dict(conn.execute("SELECT status, COUNT(*) FROM outbox GROUP BY status"))
    assert left.get("failed", 0) == 0 and left.get("pending", 0) > 0, left  # stopped, not spoiled

    await runner.start()
    await runner.services.delivery.wait_idle("broadcast", timeout=60)
    assert_each_got_it_once(emulator, database_path, ids, uncertain_at_most=1)
    await admin.sees("finished")
