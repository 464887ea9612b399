"""The emulator on a free port (`emu`) and a real telegram.Bot against it (`bot`), for every test here."""

import pytest
from telegram import Bot

from sandbox.emulator import Emulator

TOKEN = "123:ABC"


@pytest.fixture
async def emu():
    async with Emulator() as emulator:
        yield emulator


@pytest.fixture
async def bot(emu):
    async with Bot(TOKEN, base_url=emu.api_base_url, base_file_url=emu.base_file_url) as bot:
        yield bot
