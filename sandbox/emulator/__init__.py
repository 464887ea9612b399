"""A local Telegram Bot API emulator: the real bot runs against it, tests play the users.

    async with Emulator() as emu:
        aida = emu.add_user(first_name="Aida", language_code="ky")
        emu.send_text(aida, "/start")
        await emu.wait_for(lambda: emu.bot_messages(aida))

See server.py (the HTTP Bot API), users.py (what users do), state.py (the record),
control.py (the same over HTTP) and client.py (an async client for that control API).
"""

from sandbox.emulator.checks import ApiError
from sandbox.emulator.html import HtmlError, parse_html
from sandbox.emulator.model import Call, ChatMessage, Event, StoredFile, User
from sandbox.emulator.server import Emulator

__all__ = [
    "ApiError",
    "Call",
    "ChatMessage",
    "Emulator",
    "Event",
    "HtmlError",
    "StoredFile",
    "User",
    "parse_html",
]
