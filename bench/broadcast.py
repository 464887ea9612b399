"""Benchmark: a broadcast to many subscribers through the paced outbox, and one cut by kill -9.

Run from the repo root: `python bench/broadcast.py [--recipients 2000] [--rate 30] [--latency 0.06]`.
Prints one JSON line. 10,000 subscribers at about 29 a second take about 6 minutes a pass, 12 in
all: `python bench/broadcast.py --recipients 10000`.

The bot is the real `python -m bot run` in a subprocess with BROADCAST_RATE=`--rate`, polling the
Bot API emulator served by this script with Telegram's limits (30 messages a second, about one a
second to a chat; 429 above) and 60 ms for every call.
A broadcast batch is queued in the outbox (as /broadcast's Send button does) and the bot sends
it. Reported per pass: the achieved rate as a share of BROADCAST_RATE, 429s hit, duplicates
(a subscriber who got it twice), lost (one who never got it and was not 'uncertain': a send cut
off by the kill, never repeated) and the seconds it took. The second pass kills the bot with
SIGKILL halfway and starts it again.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import signal
import sqlite3
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.db import Database
from bot.delivery.store import OutboxRepository
from sandbox.emulator.server import Emulator
from sandbox.process import start_polling_bot

TOKEN = "123456:BENCH-token"
TELEGRAM_LIMIT = 30  # messages a second


async def prepare(emu: Emulator, path: Path, recipients: int, text: str) -> list[int]:
    """Subscribers as the bot stores them, and a queued broadcast to all of them."""
    ids = [emu.add_user(first_name=f"S{i}", language_code="ru") for i in range(recipients)]
    now = datetime.now(UTC)
    stamp = now.isoformat(timespec="seconds")
    db = Database(path)
    await db.open()
    async with db.transaction() as tx:
        await tx.executemany(
            "INSERT INTO users (id, language, first_name, created_at, last_seen_at) VALUES (?, 'ru', ?, ?, ?)",
            [(uid, f"S{i}", stamp, stamp) for i, uid in enumerate(ids)],
        )
    payload = {"type": "text", "texts": {"ky": text, "ru": text, "en": text}}
    await OutboxRepository(db).create_batch(
        "broadcast", payload, [(uid, "ru", "") for uid in ids], now, audience={"to": "all"}
    )
    await db.close()
    return ids


async def start_bot(emu: Emulator, path: Path, rate: float):
    return await start_polling_bot(
        emu,
        path,
        timeout=120,
        token=TOKEN,
        log_level="WARNING",
        stderr=asyncio.subprocess.DEVNULL,
        BROADCAST_RATE=str(rate),
    )


def deliveries(emu: Emulator, text: str) -> list:
    return [c for c in emu.calls("sendMessage") if c.params.get("text") == text]


def finished(path: Path) -> bool:
    with sqlite3.connect(path) as conn:
        row = conn.execute("SELECT status FROM outbox_batches ORDER BY id DESC LIMIT 1").fetchone()
    return row is not None and row[0] == "done"


async def wait_until(condition, within: float) -> None:
    """Check every half second (a benchmark script, not a test: it watches another process)."""
    deadline = time.monotonic() + within
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError("the broadcast did not finish in time")
        await asyncio.sleep(0.5)


async def one_pass(recipients: int, rate: float, latency: float, *, kill_halfway: bool) -> dict:
    text = "Kill pass" if kill_halfway else "Clean pass"
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bot.sqlite3"
        async with Emulator(latency=latency, telegram_limits=True) as emu:
            ids = await prepare(emu, path, recipients, text)
            budget = recipients / rate * 3 + 60
            process = await start_bot(emu, path, rate)
            restarts = 0
            try:
                if kill_halfway:
                    await emu.wait_for(
                        lambda: sum(c.ok for c in deliveries(emu, text)) >= recipients // 2,
                        timeout=budget,
                    )
                    process.send_signal(signal.SIGKILL)
                    await process.wait()
                    process = await start_bot(emu, path, rate)
                    restarts = 1
                await wait_until(lambda: finished(path), budget)
            finally:
                process.send_signal(signal.SIGTERM)
                await asyncio.wait_for(process.wait(), timeout=30)
            calls = deliveries(emu, text)
        with sqlite3.connect(path) as conn:
            status = Counter(s for (s,) in conn.execute("SELECT status FROM outbox"))
            uncertain = {uid for (uid,) in conn.execute("SELECT user_id FROM outbox WHERE status = 'uncertain'")}
    sent = sorted(c.time for c in calls if c.ok)
    got = Counter(int(c.params["chat_id"]) for c in calls if c.ok)
    span = sent[-1] - sent[0] if len(sent) > 1 else 0.0
    # The longest silence: the restart in the kill pass; it is left out of the achieved rate.
    pause = max((b - a for a, b in itertools.pairwise(sent)), default=0.0) if kill_halfway else 0.0
    achieved = (len(sent) - 1) / (span - pause) if span > pause else 0.0
    return {
        "recipients": recipients,
        "restarts": restarts,
        "seconds": round(span, 1),
        "restart_pause_s": round(pause, 1),
        "achieved_per_s": round(achieved, 2),
        "share_of_broadcast_rate": round(achieved / rate, 3),
        "429s": sum(1 for c in calls if c.error_code == 429),
        "duplicates": sum(1 for n in got.values() if n > 1),
        "lost": sum(1 for uid in ids if got[uid] == 0 and uid not in uncertain),
        "uncertain": len(uncertain),
        "statuses": dict(status),
    }


async def main(recipients: int, rate: float, latency: float) -> dict:
    clean = await one_pass(recipients, rate, latency, kill_halfway=False)
    killed = await one_pass(recipients, rate, latency, kill_halfway=True)
    return {
        "benchmark": "broadcast",
        "broadcast_rate": rate,
        "latency_ms": round(latency * 1000),
        "telegram_limit_per_s": TELEGRAM_LIMIT,
        "clean": clean,
        "kill_9_halfway": killed,
    }


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--recipients", type=int, default=2000)
    parser.add_argument("--rate", type=float, default=30.0, help="BROADCAST_RATE for the bot")
    parser.add_argument("--latency", type=float, default=0.06, help="seconds the emulator takes for every call")
    args = parser.parse_args()
    print(json.dumps(asyncio.run(main(args.recipients, args.rate, args.latency))))
