"""How many of the project's files one journey runs through, measured by running it.

The real Application runs against the emulator in this process; a profiler hook records every
function of bot/ and handlers/ that is called while one journey runs, from her press to the other
person's message. Prints one JSON line: per journey, the file count and the files.

    python bench/journeys.py

Journeys (those the architecture review traced by reading the code):
- request: a mentee presses "Request" on a mentor card and types a note, until the mentor has
  the request card;
- relay: she writes to her mentor, until the mentor has the message;
- reminder: the session reminders' job runs when a reminder is due, until she has it;
- broadcast: an admin presses Send on a composed broadcast, until a member has it.

What runs for every update whatever it is (PTB's HTTP requests, the per-user ordering, the
loader) is counted too, and listed under "every_update".
"""

from __future__ import annotations

import asyncio
import json
import sys
import tempfile
from collections.abc import Awaitable
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.clock import Clock  # noqa: E402
from bot.jobs import JOBS  # noqa: E402
from sandbox.emulator.server import Emulator  # noqa: E402
from tests.support import ADMIN_ID, BotRunner, Personas  # noqa: E402
from tests.support.builders import confirmed_session, free_hour, new_mentee, new_mentor, pair  # noqa: E402

PROJECT = tuple(str(ROOT / part) + "/" for part in ("bot", "handlers"))


class Trace:
    """The project files whose functions were called while it was on (this thread: the event loop)."""

    def __init__(self) -> None:
        self.files: set[str] = set()

    def _hook(self, frame, event, arg) -> None:
        if event == "call":
            name = frame.f_code.co_filename
            if name.startswith(PROJECT):
                self.files.add(str(Path(name).relative_to(ROOT)))

    async def during(self, *steps: Awaitable[object]) -> list[str]:
        """The files the steps run through, awaited one after another."""
        self.files = set()
        sys.setprofile(self._hook)
        try:
            for step in steps:
                await step
        finally:
            sys.setprofile(None)
        return sorted(self.files)


async def request_journey(runner, users, trace):
    aida, aigul = await new_mentee(runner, users), await new_mentor(runner, users)
    await aida.send("/mentors")
    await aida.sees("Aigul", "Compatibility:")

    return await trace.during(
        aida.press_then_see("📨 Request", "add a short note"),
        aida.send("I'd love to learn how you became an engineer"),
        aigul.sees("A new mentee would like you"),
    )


async def relay_journey(runner, users, trace):
    aida, aigul, _ = await pair(runner, users, mentee="Dana", mentor="Zarina")
    await aida.send("/mentorship")
    await aida.press("✉️ Message through the bot")
    await aida.sees("Type your message")

    text = "Hello! Could we talk about olympiads?"
    return await trace.during(aida.send(text), aigul.sees(text))


async def reminder_journey(runner, users, clock, trace):
    aida, aigul, mentorship = await pair(runner, users, mentee="Bermet", mentor="Nurzat")
    start = await free_hour(runner, aigul, hours_ahead=5)
    await confirmed_session(runner, mentorship, start)
    clock.advance(start - timedelta(hours=1) - clock.now())
    (send_due,) = [job for name, job in JOBS if name == "session reminders"]

    return await trace.during(send_due(runner.app), aida.sees("⏰"))


async def broadcast_journey(runner, users, trace):
    admin = users.new("Admin", "en", user_id=ADMIN_ID)
    await admin.start_in("English")
    member = users.new("Aizada", "ky")
    await member.start_in("Кыргызча")
    await admin.send("/broadcast")
    await admin.press("✍️ A message")
    for text in ("Салам!", "Привет!", "Hello!"):
        await admin.sees("Send the message in")
        await admin.send(text)
    await admin.press("Everyone")
    await admin.sees("It will go to")

    return await trace.during(admin.press("✅ Send"), member.sees("Салам!"))


async def main() -> None:
    trace, figures = Trace(), {}
    with tempfile.TemporaryDirectory() as tmp:
        emulator, clock = Emulator(), Clock()
        await emulator.start()
        runner = BotRunner(emulator, Path(tmp) / "bot.sqlite3", clock, admin_ids=[ADMIN_ID])
        app = await runner.start()
        app.job_queue.scheduler.pause()  # only the journey runs
        users = Personas(emulator)
        try:
            journeys = {
                "request": request_journey(runner, users, trace),
                "relay": relay_journey(runner, users, trace),
                "reminder": reminder_journey(runner, users, clock, trace),
                "broadcast": broadcast_journey(runner, users, trace),
            }
            for name, journey in journeys.items():
                figures[name] = await journey
        finally:
            await runner.stop()
            await emulator.stop()
    every = set.intersection(*(set(files) for name, files in figures.items() if name != "reminder"))
    out = {f"{name}_files": len(files) for name, files in figures.items()}
    out |= {f"{name}_files_beyond_every_update": len(set(files) - every) for name, files in figures.items()}
    out["every_update"] = sorted(every)
    out |= {f"{name}_list": files for name, files in figures.items()}
    print(json.dumps(out, ensure_ascii=False))


if __name__ == "__main__":
    asyncio.run(main())
