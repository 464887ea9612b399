"""Benchmark: 200 circles of 8, every member writing to her circle at once.

Run from the repo root: `python bench/circles.py [--circles 200] [--size 8]`. Prints one JSON line.
The real Application (its AIORateLimiter) against the Bot API emulator with Telegram's limit enforced
(30 sends a second, 429 above). Every member's message is stored through the use case, then each
circle's queue is sent as the bot does after a message. Reported: deliveries expected and made,
members who got their circle's messages out of order, the most sends in any one second (from the
emulator's log of accepted sends), 429s, and the seconds until the last member had the last message
against the minimum the rate limit allows (deliveries / 30).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.circles import flow
from bot.circles.store import CircleStore
from bot.clock import Clock
from handlers.circles import pump
from sandbox.emulator.server import Emulator
from tests.support.runner import BotRunner

TELEGRAM_LIMIT = 30


async def main(circles: int, size: int) -> dict:
    emu = Emulator(rate_limit=TELEGRAM_LIMIT)
    await emu.start()
    accepted: list[float] = []
    refused = 0
    check = emu.faults.check

    def logged(method, now, *, counts_as_send):
        nonlocal refused
        error = check(method, now, counts_as_send=counts_as_send)
        if counts_as_send:
            if error is None:
                accepted.append(time.monotonic())
            else:
                refused += 1
        return error

    emu.faults.check = logged
    with tempfile.TemporaryDirectory() as folder:
        runner = BotRunner(emu, Path(folder) / "bot.sqlite3", Clock())
        app = await runner.start()
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
                await flow.post(store, circle_id, uid, f"msg {i}", None, now, ())
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
    per_second = Counter(int(t - start) for t in accepted)
    minimum = expected / TELEGRAM_LIMIT
    return {
        "bench": "circles",
        "circles": circles,
        "size": size,
        "deliveries_expected": expected,
        "delivered": delivered,
        "members_out_of_order": out_of_order,
        "max_sends_in_a_second": max(per_second.values(), default=0),
        "rejected_429": refused,
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
