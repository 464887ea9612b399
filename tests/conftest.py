"""Shared fixtures: a temp database, the Bot API emulator on loopback, the real bot, and personas.

A test reads like the user's story:

    aida = users.new("Aida", "ru")
    await aida.send("/start")
    await aida.press("Русский")
    assert "Здравствуйте" in (await aida.reply()).text
"""

from __future__ import annotations

import pytest

from bot.clock import Clock
from bot.db import Database
from sandbox.emulator.server import Emulator
from tests.support import ADMIN_ID, BotRunner, Personas


@pytest.fixture
async def emulator():
    emu = Emulator()
    await emu.start()
    yield emu
    await emu.stop()


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def database_path(tmp_path):
    return tmp_path / "bot.sqlite3"


@pytest.fixture
async def db(database_path):
    """The bot's database, migrated and open, without the bot: for tests of the stores."""
    database = Database(database_path)
    await database.open()
    yield database
    await database.close()


@pytest.fixture
async def runner(emulator, database_path, clock):
    """Starts (and restarts) the real Application against the emulator; stops it at the end."""
    runner = BotRunner(emulator, database_path, clock, admin_ids=[ADMIN_ID])
    yield runner
    await runner.stop()


@pytest.fixture
async def bot(runner):
    return await runner.start()


@pytest.fixture
def users(emulator) -> Personas:
    return Personas(emulator)


@pytest.fixture
def admin(users, emulator):
    return users.new("Admin", "en", user_id=ADMIN_ID)
