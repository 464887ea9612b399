"""The bot's aiohttp client for the Bot API, against the emulator: what PTB's httpx client did."""

from __future__ import annotations

import socket

import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import Forbidden, NetworkError, TimedOut

from bot.telegram_http import AiohttpRequest

TOKEN = "123456:TEST-token"


def make_bot(emulator, **kwargs) -> Bot:
    return Bot(
        TOKEN,
        base_url=emulator.api_base_url,
        base_file_url=emulator.base_file_url,
        request=AiohttpRequest(**kwargs),
        get_updates_request=AiohttpRequest(connection_pool_size=1),
    )


async def test_a_message_arrives_with_its_html_and_keyboard(emulator):
    aida = emulator.add_user(first_name="Aida", language_code="ky")
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("Кыргызча", callback_data="v1:lang:set:ky")]])
    async with make_bot(emulator) as bot:
        sent = await bot.send_message(aida, "<b>Саламатсызбы!</b>", parse_mode="HTML", reply_markup=keyboard)
    assert sent.text == "Саламатсызбы!"
    shown = emulator.bot_messages(aida)[-1]
    assert shown.html == "<b>Саламатсызбы!</b>"
    assert shown.keyboard == [[{"text": "Кыргызча", "callback_data": "v1:lang:set:ky"}]]


async def test_a_file_is_uploaded_intact_with_its_name_and_type(emulator):
    aida = emulator.add_user(first_name="Aida")
    calendar = b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n"
    async with make_bot(emulator) as bot:
        sent = await bot.send_document(aida, calendar, filename="session.ics", caption="Your session")
        downloaded = await (await bot.get_file(sent.document.file_id)).download_as_bytearray()
    stored = emulator.bot_messages(aida)[-1].document
    assert (stored.data, stored.file_name) == (calendar, "session.ics")
    assert bytes(downloaded) == calendar


async def test_telegram_errors_still_become_ptb_errors(emulator):
    blocked = emulator.add_user(first_name="Gone")
    emulator.block(blocked)
    async with make_bot(emulator) as bot:
        with pytest.raises(Forbidden):
            await bot.send_message(blocked, "hello")


async def test_a_slow_answer_is_a_timeout(emulator):
    aida = emulator.add_user(first_name="Aida")
    emulator.delay("sendMessage", 2.0)
    async with make_bot(emulator, read_timeout=0.2) as bot:
        with pytest.raises(TimedOut):
            await bot.send_message(aida, "hello")


async def test_no_server_is_a_network_error():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # free now, and nobody listens on it
    bot = Bot(TOKEN, base_url=f"http://127.0.0.1:{port}/bot", request=AiohttpRequest())
    try:
        with pytest.raises(NetworkError):
            await bot.initialize()  # its getMe cannot connect
    finally:
        await bot.shutdown()
