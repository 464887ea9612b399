"""Benchmark: 200 circles of 8, every member writing to her circle at once.

Run from the repo root: `python bench/circles.py [--circles 200] [--size 8]`. Prints one JSON line.
The real Application (its send budget) against the Bot API emulator with Telegram's limits enforced
(sandbox/emulator/limits.py: 429 above them) and its latency. Every member's message is stored
through the use case, then each
circle's queue is sent as the bot does after a message. Reported: deliveries expected and made,
members who got their circle's messages out of order, the most sends in any sliding one-second window
(from the emulator's own call times), 429s, and the seconds until the last member had the last message
against the minimum the rate limit allows (deliveries / 30).

Measured (2026-12-06, `nice`, the shared 2-core machine at load 2-4): 11,200 of 11,200 delivered, none out
of order, at most 30 sends in any sliding second, no 429, 447.8 s against 373.3 s (+20%). The budget
counts each send from its turn until a second after its answer, so the rate is 30 / (1 s + round
trip): about 25 a second when a loaded machine stretches the round trip to some 0.2 s (a 20-circle
run, shorter and less loaded, came within 9.6%).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.budget import Limits
from bot.circles import chat
from bot.circles.store import CircleStore
from bot.clock import Clock
from bot.telegram.circles import pump
from sandbox.emulator.server import Emulator
from tests.support.runner import BotRunner

TELEGRAM_LIMIT = 30
LATENCY = 0.06  # seconds the emulator takes for every call, as Telegram does


def busiest_window(times: list[float]) -> int:
    """The most sends in any one-second window sliding over the emulator's own call times."""
    best = first = 0
    for last, at in enumerate(times):
        while at - times[first] >= 1.0:
            first += 1
        best = max(best, last - first + 1)
    return best


async def main(circles: int, size: int) -> dict:
    emu = Emulator(latency=LATENCY, telegram_limits=True)
    await emu.start()
    with tempfile.TemporaryDirectory() as folder:
        runner = BotRunner(emu, Path(folder) / "bot.sqlite3", Clock())
        # Telegram's limits as the bot keeps them in production; the runner's default lifts them for
        # tests, and with the overall one lifted bulk was paced by grant times alone, which a loaded
        # machine bunches into 31 arrivals in one of Telegram's seconds (a 429 and a 1 s pause for all).
        app = await runner.start(send_limits=Limits())
        db, now = runner.services.db, datetime.now(UTC)
        stamp = now.isoformat(timespec="seconds")
        members: dict[int, list[int]] = {}
        async with db.transaction() as tx:
            for c in range(circles):
                ids = [emu.add_user(first_name=f"M{c}-{i}", language_code="en") for i in range(size)]
                await tx.executemany(
                    "INSERT INTO users (id, language, first_name, role, created_at, last_seen_at)"
                    " VALUES (?, 'en', ?, 'mentee', ?, ?)",
                    [(uid, f"M{c}-{i}", stamp, stamp) for i, uid in enumerate(ids)],
                )
                circle_id = await tx.insert(
                    "INSERT INTO circles (name, field, language, age_band, status, starts_on, ends_on, created_at)"
                    " VALUES (?, 'it', 'en', '18+', 'active', ?, ?, ?)",
                    (f"C{c}", stamp[:10], stamp[:10], stamp),
                )
                await tx.executemany(
                    "INSERT INTO circle_members (circle_id, user_id, joined_at) VALUES (?, ?, ?)",
                    [(circle_id, uid, stamp) for uid in ids],
                )
                members[circle_id] = ids
        store = CircleStore(db)
        for circle_id, ids in members.items():
            for i, uid in enumerate(ids):
                await chat.post(store, circle_id, uid, f"msg {i}", None, now, ())
        expected = circles * size * (size - 1)
        start = time.monotonic()
        await asyncio.gather(*(pump(app, circle_id) for circle_id in members))
        seconds = time.monotonic() - start
        out_of_order = delivered = 0
        for ids in members.values():
            for uid in ids:
                got = [int(m.text.rsplit(" ", 1)[-1]) for m in emu.bot_messages(uid) if "msg " in (m.text or "")]
                delivered += len(got)
                out_of_order += got != sorted(got)
        await runner.stop()
    await emu.stop()
    sends = [c for c in emu.calls() if c.method in ("sendMessage", "sendDocument")]
    accepted = sorted(c.time for c in sends if c.ok)
    minimum = expected / TELEGRAM_LIMIT
    return {
        "bench": "circles",
        "circles": circles,
        "size": size,
        "deliveries_expected": expected,
        "delivered": delivered,
        "members_out_of_order": out_of_order,
        "max_sends_in_any_sliding_second": busiest_window(accepted),
        "rejected_429": sum(1 for c in sends if c.error_code == 429),
        "seconds": round(seconds, 1),
        "minimum_seconds": round(minimum, 1),
        "over_minimum": round(seconds / minimum - 1, 3) if minimum else None,
    }


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--circles", type=int, default=200)
    parser.add_argument("--size", type=int, default=8)
    args = parser.parse_args()
    print(json.dumps(asyncio.run(main(args.circles, args.size))))
