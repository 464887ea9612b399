"""The emulator's Telegram limits and latency, both off unless asked for."""

import time

import aiohttp

from sandbox.emulator import Emulator
from sandbox.emulator.limits import TelegramLimits


def test_thirty_a_second_in_all_then_429_with_retry_after():
    limits = TelegramLimits()
    assert all(limits.check(1000 + i, 0.01 * i) is None for i in range(30))
    error = limits.check(2000, 0.5)
    assert error is not None and error.code == 429 and error.payload()["parameters"]["retry_after"] >= 1
    assert limits.check(2000, 1.01) is None  # the first of the thirty left the window


def test_a_private_chat_gets_a_short_burst_then_about_one_a_second():
    limits = TelegramLimits()
    assert all(limits.check(7, 0.0) is None for _ in range(limits.private_burst))
    assert limits.check(7, 0.1).code == 429
    assert limits.check(8, 0.1) is None  # another chat is not held up
    assert limits.check(7, 1.0) is None


def test_a_group_gets_twenty_a_minute():
    limits = TelegramLimits()
    assert all(limits.check(-5, i * 0.5) is None for i in range(20))
    assert limits.check(-5, 30.0).code == 429
    assert limits.check(-5, 60.1) is None


async def test_over_http_the_limits_answer_429_and_latency_slows_every_call():
    async with Emulator(latency=0.06, telegram_limits=True) as emu:
        chat = emu.add_user(first_name="Aida")
        url = f"{emu.api_base_url}123:ABC/sendMessage"
        async with aiohttp.ClientSession() as session:
            started = time.monotonic()
            codes = []
            for _ in range(6):
                async with session.post(url, json={"chat_id": chat, "text": "hi"}) as response:
                    codes.append(response.status)
            took = time.monotonic() - started
    assert codes[:4] == [200] * 4 and 429 in codes[4:]
    assert took >= 6 * 0.06


async def test_both_are_off_by_default():
    async with Emulator() as emu:
        chat = emu.add_user(first_name="Aida")
        url = f"{emu.api_base_url}123:ABC/sendMessage"
        async with aiohttp.ClientSession() as session:
            for _ in range(10):
                async with session.post(url, json={"chat_id": chat, "text": "hi"}) as response:
                    assert response.status == 200
