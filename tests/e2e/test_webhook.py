"""Webhook mode end to end: `python -m bot run` with WEBHOOK_URL set, the emulator POSTing updates.

Forged requests (no secret, a wrong one) get 403 and never reach a handler; /healthz answers
200 only while the database answers and the scheduler runs; SIGTERM finishes what was taken.
"""

import asyncio
import signal
import socket
import time

import aiohttp

from bot.app import build_application
from bot.webhook import SECRET_HEADER, serving
from sandbox.process import spawn_bot
from tests.support.db import db_rows
from tests.support.runner import TOKEN, settings_for_test

SECRET = "webhook_Secret-42"
HOOK = "/telegram/updates"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def hook_url(port: int) -> str:
    return f"http://127.0.0.1:{port}{HOOK}"


async def start_webhook_process(emulator, database_path, port):
    """`python -m bot run` in webhook mode on loopback; returns once it has set its webhook."""
    before = len(emulator.calls("setWebhook"))
    process = await spawn_bot(
        emulator.api_base_url,
        database_path,
        "--listen",
        "127.0.0.1",
        WEBHOOK_URL=hook_url(port),
        WEBHOOK_SECRET=SECRET,
        PORT=str(port),
    )
    await emulator.wait_for(lambda: len(emulator.calls("setWebhook")) > before, timeout=60)
    return process


async def stop(process, within: float = 10) -> str:
    """SIGTERM, and the process must be gone with exit code 0 within ten seconds."""
    process.send_signal(signal.SIGTERM)
    _, stderr = await asyncio.wait_for(process.communicate(), timeout=within)
    log = stderr.decode()
    assert process.returncode == 0, log[-3000:]
    return log


def forged_start(user_id: int) -> dict:
    """What Telegram would send for her /start: a forger can build it just as well."""
    return {
        "update_id": 999_999,
        "message": {
            "message_id": 1,
            "date": int(time.time()),
            "text": "/start",
            "chat": {"id": user_id, "type": "private", "first_name": "Eve"},
            "from": {"id": user_id, "is_bot": False, "first_name": "Eve", "language_code": "en"},
            "entities": [{"type": "bot_command", "offset": 0, "length": 6}],
        },
    }


async def post(url: str, body: dict, headers: dict | None = None) -> int:
    async with aiohttp.ClientSession() as session:
        async with session.post(url, json=body, headers=headers or {}) as response:
            return response.status


async def get(url: str) -> tuple[int, dict]:
    async with aiohttp.ClientSession() as session, session.get(url) as response:
        return response.status, await response.json()


async def test_webhook_mode_serves_users_and_refuses_requests_without_the_secret(emulator, users, database_path):
    port = free_port()
    process = await start_webhook_process(emulator, database_path, port)
    try:
        registered = emulator.calls("setWebhook")[-1].params
        assert registered["url"] == hook_url(port) and registered["secret_token"] == SECRET
        assert "my_chat_member" in emulator.allowed_updates  # Update.ALL_TYPES

        aida = users.new("Aida", "en")
        question = await aida.send_then_see("/start", "Please choose your language:")
        await aida.press("English", question.message_id)
        await aida.sees_buttons("I want a mentor")

        eve = emulator.add_user(first_name="Eve", language_code="en")
        assert await post(hook_url(port), forged_start(eve)) == 403
        assert await post(hook_url(port), forged_start(eve), {SECRET_HEADER: "guessed"}) == 403
        assert await post(hook_url(port), forged_start(eve), {SECRET_HEADER: SECRET + "x"}) == 403
        assert await post(hook_url(port), {"not": "an update"}, {SECRET_HEADER: SECRET}) == 400
        # A date out of range and JSON nested too deep are refused, not a 500 (F17).
        far = forged_start(eve)
        far["message"]["date"] = 1e300
        assert await post(hook_url(port), far, {SECRET_HEADER: SECRET}) == 400
        deep = "[" * 100_000 + "]" * 100_000
        async with aiohttp.ClientSession() as session:
            headers = {SECRET_HEADER: SECRET, "Content-Type": "application/json"}
            async with session.post(hook_url(port), data=deep, headers=headers) as response:
                assert response.status == 400
        # Updates are handled in order: once Bermet is answered, anything before would have been.
        bermet = users.new("Bermet", "ru")
        await bermet.send_then_see("/start", "Пожалуйста, выберите язык:")
        assert emulator.bot_messages(eve) == []
        assert db_rows(database_path, "SELECT COUNT(*) FROM users WHERE id = ?", eve) == [(0,)]

        status, body = await get(f"http://127.0.0.1:{port}/healthz")
        assert (status, body) == (200, {"ok": True})
        assert emulator.calls("getUpdates") == []  # no polling in webhook mode
    finally:
        log = await stop(process)
    assert TOKEN not in log and SECRET not in log


async def test_sigterm_in_webhook_mode_finishes_the_running_handler_and_loses_nothing(emulator, users, database_path):
    port = free_port()
    process = await start_webhook_process(emulator, database_path, port)
    aida = users.new("Aida", "en")
    question = await aida.send_then_see("/start", "Please choose your language:")
    # Her language choice is still being handled (a slow Telegram) when the stop signal comes.
    emulator.delay("editMessageText", 1.5)
    edits = len(emulator.calls("editMessageText"))
    await aida.press("English", question.message_id)
    await emulator.wait_for(lambda: len(emulator.calls("editMessageText")) > edits)
    bermet = users.new("Bermet", "ru")
    await bermet.send("/start")  # arrives around the stop: handled now or after the restart
    await stop(process)
    await aida.sees_buttons("I want a mentor")  # the handler ran to its end before the exit
    assert db_rows(database_path, "SELECT language FROM users WHERE id = ?", aida.id) == [("en",)]

    process = await start_webhook_process(emulator, database_path, port)
    try:
        await bermet.sees("Пожалуйста, выберите язык:")
        await aida.send_then_see("/help", "Here is what I can do:")
    finally:
        await stop(process)
    asked = [m for m in emulator.bot_messages(bermet.id) if "выберите язык" in (m.text or "")]
    assert len(asked) == 1


async def test_healthz_answers_503_when_the_database_or_the_scheduler_is_down(emulator, database_path):
    port = free_port()
    settings = settings_for_test(
        emulator, database_path, WEBHOOK_URL=hook_url(port), WEBHOOK_SECRET=SECRET, PORT=str(port)
    )
    app = build_application(settings)
    health = f"http://127.0.0.1:{port}/healthz"
    async with serving(app, settings, listen="127.0.0.1"):
        assert (await get(health))[0] == 200
        app.job_queue.scheduler.pause()
        status, body = await get(health)
        assert status == 503 and body["problems"] == ["the scheduler is not running"]
        app.job_queue.scheduler.resume()
        assert (await get(health))[0] == 200
        await app.bot_data.services.db.close()
        status, body = await get(health)
        assert status == 503 and "the database does not answer" in body["problems"][0]
