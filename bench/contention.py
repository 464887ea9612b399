"""Benchmark: people using the bot while a big broadcast runs, at Telegram's latency and limits.

Run from the repo root: `python bench/contention.py [--recipients 5000] [--users 50] [--rate 10]
[--messages 12] [--latency 0.06]`. Prints one JSON line.

The emulator answers every call after `--latency` seconds and enforces Telegram's limits (30
messages a second in all, about one a second to a chat: 429 above). The real bot (its send budget
as in production, BROADCAST_RATE 30) starts with a broadcast to `--recipients` subscribers queued;
once it is under way, `--users` people onboard and ask for /help, `--rate` updates a second
together (Poisson arrivals; bench/updates.py's users), `--messages` each. Reported, over the time
the people were active: their p99 reply latency, the 429s, the most sends in any one second, the
broadcast's rate against the room the replies left (30 minus the replies' rate), and the bot's
throughput against the bare PTB echo bot at the same latency (bench/updates.py, no broadcast).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import updates
from broadcast import prepare

from bot.budget import Limits
from sandbox.emulator.api_messages import SEND_METHODS
from sandbox.emulator.server import Emulator

TELEGRAM_LIMIT = 30
TEXT = "Contention broadcast"


def busiest_second(times: list[float]) -> int:
    times = sorted(times)
    most, j = 0, 0
    for i, at in enumerate(times):
        while times[j] <= at - 1.0:
            j += 1
        most = max(most, i - j + 1)
    return most


async def contention(recipients: int, users: int, rate: float, messages: int, latency: float) -> dict:
    with tempfile.TemporaryDirectory() as folder:
        async with Emulator(latency=latency, telegram_limits=True) as emu:
            await prepare(emu, Path(folder) / "limited.sqlite3", recipients, TEXT)
            rng = random.Random(updates.SEED)
            people = [
                emu.add_user(first_name=f"U{i}", language_code=rng.choice(["ky", "ru", "en"])) for i in range(users)
            ]

            def move(user_id: int, i: int) -> None:
                if i % 2:
                    emu.send_text(user_id, "/help")
                else:
                    updates.onboarding_step(emu, rng, user_id, i // 2)

            def broadcast_calls() -> list:
                return [c for c in emu.calls("sendMessage") if c.params.get("text") == TEXT]

            bot = await updates.BotProcess.start("limited", emu, Path(folder), BROADCAST_RATE=str(TELEGRAM_LIMIT))
            try:
                await emu.wait_for(lambda: len(broadcast_calls()) >= 50, timeout=120)
                started = time.time()
                _, sent = await updates.drive(emu, bot, people, messages, move, rate=rate)
                ended = time.time()
                left = recipients - sum(c.ok for c in broadcast_calls())
            finally:
                await bot.stop()
            lags = updates.latencies(emu, sent)
            calls = [c for c in emu.calls() if c.method in SEND_METHODS]
    during = [c for c in calls if c.ok and started <= c.time <= ended]
    span = ended - started
    broadcast_rate = sum(1 for c in during if c.params.get("text") == TEXT) / span
    replies_rate = sum(1 for c in during if c.params.get("text") != TEXT) / span
    room = TELEGRAM_LIMIT - replies_rate
    # The budget holds each send's place for a window and its margin (bot/budget.py: 10 ms), so at
    # most 30 in 1.01 s: the room the budget can give at best with the replies' share taken.
    margin_room = TELEGRAM_LIMIT / (1 + Limits().margin) - replies_rate
    return {
        "recipients": recipients,
        "users": users,
        "updates": len(sent),
        "offered_updates_per_s": round(len(sent) / span, 1),
        "seconds": round(span, 1),
        "broadcast_left_at_the_end": left,
        "interactive_p50_ms": updates.percentile_ms(lags, 50),
        "interactive_p99_ms": updates.percentile_ms(lags, 99),
        "answered": len(lags),
        "429s": sum(1 for c in calls if c.error_code == 429),
        # Which limit: the most sends in the second before each 429, and to her chat in the one before.
        "429s_seen_as": [
            [sum(1 for d in calls if d.ok and c.time - 1.0 < d.time <= c.time), c.method, c.params.get("text") == TEXT]
            for c in calls
            if c.error_code == 429
        ],
        "max_sends_in_any_second": busiest_second([c.time for c in calls if c.ok]),
        "broadcast_per_s": round(broadcast_rate, 2),
        "replies_per_s": round(replies_rate, 2),
        "room_per_s": round(room, 2),
        "broadcast_share_of_room": round(broadcast_rate / room, 3),
        "room_after_margin_per_s": round(margin_room, 2),
        "broadcast_share_of_room_after_margin": round(broadcast_rate / margin_room, 3),
    }


async def main(args: argparse.Namespace) -> dict:
    figures = await contention(args.recipients, args.users, args.rate, args.messages, args.latency)
    compared = await updates.main(args.users, args.messages, [], 1, args.latency)
    return {
        "benchmark": "contention",
        "latency_ms": round(args.latency * 1000),
        **figures,
        "throughput_ratio_vs_bare_ptb": compared["throughput_ratio"],
        "bot_updates_per_s": compared["bot"]["updates_per_s"],
        "bare_updates_per_s": compared["bare_ptb_echo"]["updates_per_s"],
        "aim": {
            "interactive_p99_ms": f"< {updates.aim_ms(args.latency)}",
            "429s": 0,
            "max_sends_in_any_second": f"<= {TELEGRAM_LIMIT}",
            "broadcast_share_of_room": ">= 0.95",
            "throughput_ratio_vs_bare_ptb": ">= 0.8",
        },
    }


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--recipients", type=int, default=5000)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--rate", type=float, default=10.0, help="updates a second from all the people together")
    parser.add_argument("--messages", type=int, default=12, help="updates each person sends")
    parser.add_argument("--latency", type=float, default=0.06, help="seconds the emulator takes for every call")
    print(json.dumps(asyncio.run(main(parser.parse_args())), ensure_ascii=False))
