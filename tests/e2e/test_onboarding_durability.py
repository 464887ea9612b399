"""Onboarding survives a kill -9, and unfinished onboardings get two friendly nudges, then none."""

import asyncio
import signal
import sqlite3
from datetime import timedelta
from pathlib import Path

from bot.jobs import run_jobs
from tests.support.runner import TOKEN, start_bot_process

ROOT = Path(__file__).resolve().parents[2]


async def test_kill_9_in_the_middle_of_onboarding_loses_nothing(emulator, users, database_path, runner):
    process = await start_bot_process(emulator, database_path)
    try:
        aida = users.new("Aida", "en")
        await aida.start_in("English")
        await aida.presses("I want a mentor", "I agree", "18 or older")
        await aida.sees("What should I call you?")
    finally:
        process.send_signal(signal.SIGKILL)
        await process.wait()
    assert process.returncode == -signal.SIGKILL
    with sqlite3.connect(database_path) as conn:
        states = conn.execute("SELECT state FROM conversations WHERE name = 'onboarding'").fetchall()
    assert states == [('"onboarding:name"',)]  # written before the question went out

    process = await start_bot_process(emulator, database_path)
    try:
        await aida.send("Aida")  # her typed answer to the question asked before the crash
        await aida.sees_buttons("Bishkek")
    finally:
        process.send_signal(signal.SIGKILL)
        await process.wait()

    await runner.start()
    await aida.press("Bishkek")  # the button of the question asked before the second crash
    await aida.sees_buttons("At university")
    with sqlite3.connect(database_path) as conn:
        row = conn.execute("SELECT display_name, region, step FROM profiles WHERE user_id = ?", (aida.id,)).fetchone()
    assert row == ("Aida", "bishkek", "stage")


async def test_sigterm_stops_the_bot_cleanly(emulator, database_path):
    process = await start_bot_process(emulator, database_path)
    process.send_signal(signal.SIGTERM)
    _, stderr = await asyncio.wait_for(process.communicate(), timeout=30)
    assert process.returncode == 0, stderr.decode()[-2000:]
    assert TOKEN not in stderr.decode()


async def test_two_nudges_for_an_unfinished_onboarding_then_silence(bot, users, runner, clock):
    aida = users.new("Aida", "en")
    await aida.start_in("English")
    await aida.press("I want a mentor")
    await aida.sees_buttons("I agree")
    finished = users.new("Bermet", "en")
    await finished.start_in("English")
    await finished.presses("Only stories", "I agree", "Under 14", "Bishkek", "✅ Confirm")
    await finished.sees("/story")

    def nudges(user):
        return [
            m
            for m in user.emu.bot_messages(user.id)
            if "/start" in (m.text or "") and ("almost ready" in m.text or "keep your place" in m.text)
        ]

    clock.advance(timedelta(hours=23))
    await run_jobs(bot)
    assert nudges(aida) == []
    clock.advance(timedelta(hours=2))
    await run_jobs(bot)
    await run_jobs(bot)  # a second run sends nothing twice
    assert [("almost ready" in m.text) for m in nudges(aida)] == [True]
    clock.advance(timedelta(days=7))
    await run_jobs(bot)
    assert len(nudges(aida)) == 2 and "keep your place" in nudges(aida)[1].text
    clock.advance(timedelta(days=30))
    await run_jobs(bot)
    assert len(nudges(aida)) == 2
    assert nudges(finished) == []
