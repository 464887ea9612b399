"""Benchmark: the bot's peak memory with 100,000 users in the database while it serves users.

Run from the repo root: `python bench/memory.py [--users 100000] [--active 50] [--messages 12]
[--mix updates|full]`.
Prints one JSON line. The bot is the real `python -m bot run` in a subprocess, polling the Bot
API emulator served by this script; its peak resident memory is the kernel's VmHWM for it,
read from /proc before it is stopped. The database holds `--users` people (a third of them
with a finished profile, one in twenty an approved mentor, two in five subscribed to stories);
`--active` of them then use the bot at once with the load of bench/updates.py (/help and
onboarding steps; `--mix full` adds /story, which draws picture cards, and /mentors).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import signal
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.db import Database
from bot.domain import AgeBand, Availability, Field, Goal, Region, Stage
from sandbox.emulator.server import Emulator
from sandbox.process import spawn_bot

TOKEN = "123456:BENCH-token"
SEED = 20250302
FIELDS = [f.value for f in Field]
GOALS = [g.value for g in Goal]


def iso(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


async def fill(path: Path, count: int) -> None:
    """`count` users as the bot would have stored them, written in a few big transactions."""
    rng = random.Random(SEED)
    db = Database(path)
    await db.open()
    now = datetime.now(UTC)
    users, profiles, subscriptions = [], [], []
    for i in range(count):
        uid = 10_000_000 + i
        language = rng.choice(["ky", "ru", "ru", "en"])
        role = rng.choice(["mentee", "mentee", "mentor", "subscriber"]) if i % 3 == 0 else None
        users.append((uid, language, role, f"User{i}", iso(now), iso(now)))
        if role is not None:
            mentor = role == "mentor" and i % 20 == 0
            profiles.append(
                (
                    uid,
                    "done",
                    iso(now),
                    AgeBand.ADULT.value,
                    f"User {i}",
                    rng.choice(list(Region)).value,
                    rng.choice(list(Stage)).value,
                    json.dumps(rng.sample(FIELDS, 2)),
                    json.dumps(rng.sample(GOALS, 2)),
                    json.dumps(["ky", "ru"]),
                    json.dumps([rng.choice(list(Availability)).value]),
                    "online",
                    "approved" if mentor else None,
                    3 if mentor else None,
                    "Engineer" if mentor else None,
                    "A short bio. " * 5 if mentor else None,
                    iso(now),
                    iso(now),
                    iso(now),
                )
            )
        if i % 5 < 2:
            subscriptions.append(
                (
                    uid,
                    "weekly",
                    "evening",
                    iso(now + timedelta(days=rng.randint(1, 7))),
                    iso(now),
                    iso(now),
                )
            )
    async with db.transaction() as tx:
        await tx.executemany(
            "INSERT INTO users (id, language, role, first_name, created_at, last_seen_at) VALUES (?, ?, ?, ?, ?, ?)",
            users,
        )
        await tx.executemany(
            "INSERT INTO profiles (user_id, step, consent_at, age_band, display_name, region,"
            " stage, fields, goals, languages, availability, meeting_format, mentor_status,"
            " capacity, job_title, bio,"
            " started_at, updated_at, completed_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            profiles,
        )
        await tx.executemany(
            "INSERT INTO story_subscriptions (user_id, frequency, time_of_day, next_due_at,"
            " created_at,"
            " updated_at) VALUES (?, ?, ?, ?, ?, ?)",
            subscriptions,
        )
    await db.close()


def peak_rss_mb(pid: int) -> tuple[float, float]:
    """(VmHWM, VmRSS) of a live process, in MB."""
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmHWM", "VmRSS"):
            fields[key] = int(value.split()[0]) / 1024
    return round(fields["VmHWM"], 1), round(fields["VmRSS"], 1)


MIXES = {"updates": ["/help"], "full": ["/help", "/story", "/mentors", "/help"]}


async def serve(emu: Emulator, active: int, messages: int, mix: str) -> int:
    """`active` users at once, each waiting for the bot's answer before her next update."""
    rng = random.Random(SEED)
    ids = [emu.add_user(first_name=f"A{i}", language_code=rng.choice(["ky", "ru", "en"])) for i in range(active)]
    extra = MIXES[mix]

    async def one_user(uid: int) -> int:
        handled = 0
        for i in range(messages):
            cursor = emu.cursor()
            if i == 0:
                emu.send_text(uid, "/start")
            elif i % 2:
                emu.send_text(uid, extra[(i // 2) % len(extra)])
            else:
                keyboards = [
                    m for m in emu.bot_messages(uid) if any("callback_data" in b for r in m.keyboard for b in r)
                ]
                if keyboards:
                    buttons = [b for r in keyboards[-1].keyboard for b in r if "callback_data" in b]
                    emu.press(uid, keyboards[-1].message_id, rng.choice(buttons)["callback_data"])
                else:
                    emu.send_text(uid, "Aida Bekova")
            await emu.next_bot_events(uid, cursor, timeout=60)
            handled += 1
        return handled

    return sum(await asyncio.gather(*(one_user(u) for u in ids)))


async def main(users: int, active: int, messages: int, mix: str) -> dict:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bot.sqlite3"
        started = time.perf_counter()
        await fill(path, users)
        fill_seconds = time.perf_counter() - started
        async with Emulator() as emu:
            process = await spawn_bot(
                emu.api_base_url, path, token=TOKEN, log_level="WARNING", stderr=asyncio.subprocess.DEVNULL
            )
            try:
                await emu.wait_for(lambda: emu.calls("getUpdates"), timeout=120)
                idle_peak, _ = peak_rss_mb(process.pid)
                handled = await serve(emu, active, messages, mix)
                peak, now = peak_rss_mb(process.pid)
            finally:
                process.send_signal(signal.SIGTERM)
                await asyncio.wait_for(process.wait(), timeout=30)
        return {
            "benchmark": "memory",
            "users_in_database": users,
            "database_mb": round(path.stat().st_size / 2**20, 1),
            "active_users": active,
            "mix": mix,
            "updates_handled": handled,
            "peak_rss_mb_after_start": idle_peak,
            "peak_rss_mb": peak,
            "rss_mb_at_end": now,
            "fill_seconds": round(fill_seconds, 1),
            "aim": {"peak_rss_mb": "< 200"},
        }


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=100_000)
    parser.add_argument("--active", type=int, default=50)
    parser.add_argument("--messages", type=int, default=12)
    parser.add_argument("--mix", choices=sorted(MIXES), default="updates")
    args = parser.parse_args()
    print(json.dumps(asyncio.run(main(args.users, args.active, args.messages, args.mix))))
