"""Benchmark: updates per second and reply latency, the bot against a bare PTB echo bot.

Run from the repo root: `python bench/updates.py [--users 200] [--messages 20] [--rates 50,100]
[--rounds 3]`.
Prints one JSON line. This script serves the Bot API emulator and plays the users; each bot runs
in its own process (bench/_bot_process.py, PTB's run_polling), one after the other, as it would
beside a remote Telegram, and gets the same load from the same simulated users:

- the bot (a temp database): her updates alternate `/help` with the next step of onboarding
  (/start, then a button of the question she was asked, or a typed name where one is asked);
- the bare bot: PTB's defaults and one handler that echoes her text back.

Two phases per bot. *Throughput*: every user sends `--messages` updates, each as soon as the bot
says it has handled the one before, so the bot is never idle: updates handled per second of wall
time, and the bot process's CPU time per update. *Latency*: the same users, `--messages`/4
updates each, at each rate of `--rates` (updates a second in all; Poisson arrivals dealt to the
users in turn; none sends before her previous update was handled): p50 and p99 from her update
reaching the emulator to the first thing the bot shows her (a message, an edit or a button's
answer), from the emulator's own record. At full load latency is only queueing (users divided by
throughput), hence the second phase. `--rounds` runs of each bot alternate (this machine is shared
and noisy); each bot's best round counts, and every round's figure is printed too.

The bot runs with its send budget's limits (Telegram's 30 messages a second) lifted: with them
both bots would measure Telegram's cap, not their own cost. The emulator answers every call after
`--latency` seconds (60 ms by default: a round trip from Central Asia), for both bots alike.

`--flood`: instead, the flood case (issue 14, F7): one user sends 2,000 updates at once while 50
others use the bot as usual (paced, as in the latency phase); the others' p99 reply latency, with
the flood and without it, from the same emulator record."""

from __future__ import annotations

import argparse
import asyncio
import bisect
import itertools
import json
import logging
import os
import random
import signal
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sandbox.emulator.server import Emulator

TOKEN = "123456:BENCH-token"
SEED = 20250301
REPLY_EVENTS = ("bot_message", "bot_edit", "callback_answer")


class BotProcess:
    """bench/_bot_process.py in a subprocess: her update counts as handled when it says so."""

    def __init__(self, process: asyncio.subprocess.Process) -> None:
        self.process = process
        self.waiters: dict[int, asyncio.Future] = {}
        self.reader = asyncio.ensure_future(self._read())

    @classmethod
    async def start(cls, kind: str, emu: Emulator, folder: Path, **extra: str) -> BotProcess:
        env = {
            **os.environ,
            **extra,
            "BOT_TOKEN": TOKEN,
            "TELEGRAM_API_BASE_URL": emu.api_base_url,
            "DATABASE_PATH": str(folder / f"{kind}.sqlite3"),
            "LOG_LEVEL": "WARNING",
        }
        script = Path(__file__).with_name("_bot_process.py")
        process = await asyncio.create_subprocess_exec(
            sys.executable, str(script), kind, env=env, stdout=asyncio.subprocess.PIPE
        )
        calls = len(emu.calls("getUpdates"))
        await emu.wait_for(lambda: len(emu.calls("getUpdates")) > calls, timeout=120)
        return cls(process)

    def expect(self, update_id: int) -> asyncio.Future:
        return self.waiters.setdefault(update_id, asyncio.get_running_loop().create_future())

    async def _read(self) -> None:
        async for line in self.process.stdout:
            waiter = self.expect(int(line))
            if not waiter.done():
                waiter.set_result(None)

    def cpu_seconds(self) -> float:
        """User and system CPU time the bot's process has used so far."""
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    async def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        await asyncio.wait_for(self.process.wait(), timeout=30)
        await self.reader


def last_update_id(emu: Emulator) -> int:
    return emu.delivered_update_ids[-1]


def onboarding_step(emu: Emulator, rng: random.Random, user_id: int, step: int) -> None:
    """Her next onboarding move: /start first, then a button of her latest question, or a name."""
    if step == 0:
        emu.send_text(user_id, "/start")
        return
    for message in reversed(emu.bot_messages(user_id)):
        buttons = [b for row in message.keyboard for b in row if "callback_data" in b]
        if buttons:
            emu.press(user_id, message.message_id, rng.choice(buttons)["callback_data"])
            return
    emu.send_text(user_id, "Aida Bekova")


async def drive(
    emu: Emulator,
    bot: BotProcess,
    users: list[int],
    messages: int,
    move,
    *,
    rate: float | None = None,
    first: int = 0,
) -> tuple[float, list]:
    """Every user sends `messages` updates, each once the one before was handled; with `rate`,
    after a random pause that makes `rate` updates a second from all of them together."""
    sent: list[tuple[int, int, float]] = []  # (chat id, event cursor before, time)
    # Paced: Poisson arrivals at `rate` in all, dealt to the users in turn.
    gaps = random.Random(SEED + 1)
    count = len(users) * messages if rate else 0
    arrivals = list(itertools.accumulate(gaps.expovariate(rate or 1) for _ in range(count)))
    loop = asyncio.get_running_loop()
    start = loop.time()

    async def one_user(index: int, user_id: int) -> None:
        for n, i in enumerate(range(first, first + messages)):
            if rate:
                due = start + arrivals[n * len(users) + index]
                await asyncio.sleep(max(0.0, due - loop.time()))
            cursor, now = emu.cursor(), time.time()
            move(user_id, i)
            sent.append((user_id, cursor, now))
            await bot.expect(last_update_id(emu))

    started = time.perf_counter()
    await asyncio.gather(*(one_user(index, u) for index, u in enumerate(users)))
    return time.perf_counter() - started, sent


def latencies(emu: Emulator, sent: list[tuple[int, int, float]]) -> list[float]:
    """From each update to the first bot event in her chat after it."""
    replies: dict[int, list[tuple[int, float]]] = defaultdict(list)
    for event in emu.events:
        if event.kind in REPLY_EVENTS:
            replies[event.chat_id].append((event.seq, event.time))
    found = []
    for chat_id, cursor, at in sent:
        events = replies[chat_id]
        i = bisect.bisect_right(events, (cursor, float("inf")))
        if i < len(events):
            found.append(events[i][1] - at)
    return found


def aim_ms(latency: float) -> int:
    """The issue's aim for p99: 250 ms with no API latency, 300 ms with 60 ms of it."""
    return 250 if latency == 0 else 300


def percentile_ms(lags: list[float], cut: int) -> float:
    return round(statistics.quantiles(lags, n=100)[cut - 1] * 1000, 1)


async def measure(emu: Emulator, bot: BotProcess, ids: list[int], messages: int, move, rates: list[float]) -> dict:
    """Both phases on a running bot: throughput at full load, then latency at each rate."""
    cpu, own_cpu = bot.cpu_seconds(), time.process_time()
    elapsed, sent = await drive(emu, bot, ids, messages, move)
    cpu, own_cpu = bot.cpu_seconds() - cpu, time.process_time() - own_cpu
    full = latencies(emu, sent)
    result = {
        "updates_per_s": round(len(sent) / elapsed, 1),
        "ms_per_update": round(elapsed / len(sent) * 1000, 2),
        # CPU time of the bot's process per update, and how busy each process was: the bot's at
        # 100 % means the bot was the limit, the emulator's near 100 % that the emulator was.
        "bot_cpu_ms_per_update": round(cpu / len(sent) * 1000, 2),
        "bot_process_busy_percent": round(cpu / elapsed * 100),
        "emulator_process_busy_percent": round(own_cpu / elapsed * 100),
        "p50_ms_at_full_load": percentile_ms(full, 50),
        "p99_ms_at_full_load": percentile_ms(full, 99),
        "latency_at": {},
    }
    updates, answered, first = len(sent), len(full), messages
    for rate in rates:
        count = max(messages // 4, 1)
        paced_elapsed, paced = await drive(emu, bot, ids, count, move, rate=rate, first=first)
        lags = latencies(emu, paced)
        result["latency_at"][f"{rate:g}_per_s"] = {
            "offered_per_s": round(len(paced) / paced_elapsed, 1),
            "p50_ms": percentile_ms(lags, 50),
            "p99_ms": percentile_ms(lags, 99),
        }
        updates, answered, first = updates + len(paced), answered + len(lags), first + count
    result["updates"], result["answered"] = updates, answered
    return result


async def run(kind: str, emu: Emulator, folder: Path, users: int, messages: int, rates: list[float]) -> dict:
    rng = random.Random(SEED)
    ids = [emu.add_user(first_name=f"U{i}", language_code=rng.choice(["ky", "ru", "en"])) for i in range(users)]

    def bare_move(user_id: int, i: int) -> None:
        emu.send_text(user_id, "/help" if i % 2 else f"hello {i}")

    def bot_move(user_id: int, i: int) -> None:
        if i % 2:
            emu.send_text(user_id, "/help")
        else:
            onboarding_step(emu, rng, user_id, i // 2)

    bot = await BotProcess.start(kind, emu, folder)
    try:
        return await measure(emu, bot, ids, messages, bot_move if kind == "bot" else bare_move, rates)
    finally:
        await bot.stop()


async def flood_case(others: int, flood: int, messages: int, rate: float) -> dict:
    """The others' reply latency while one user floods the bot, and without the flood."""
    figures: dict = {"benchmark": "updates_flood", "others": others, "flood_updates": flood, "rate_per_s": rate}
    with tempfile.TemporaryDirectory() as folder:
        for flooding in (False, True):
            async with Emulator() as emu:
                rng = random.Random(SEED)
                ids = [
                    emu.add_user(first_name=f"U{i}", language_code=rng.choice(["ky", "ru", "en"]))
                    for i in range(others)
                ]
                flooder = emu.add_user(first_name="Flood", language_code="ru")

                def move(user_id: int, i: int, emu: Emulator = emu, rng: random.Random = rng) -> None:
                    if i % 2:
                        emu.send_text(user_id, "/help")
                    else:
                        onboarding_step(emu, rng, user_id, i // 2)

                bot = await BotProcess.start("bot", emu, Path(folder) / f"flood{int(flooding)}")
                try:
                    if flooding:
                        emu.send_text(flooder, "/start")
                        for n in range(flood - 1):
                            emu.send_text(flooder, "/help" if n % 2 else f"spam {n}")
                    _, sent = await drive(emu, bot, ids, messages, move, rate=rate)
                    lags = latencies(emu, sent)
                finally:
                    await bot.stop()
                key = "with_flood" if flooding else "without_flood"
                figures[f"others_p50_reply_ms_{key}"] = percentile_ms(lags, 50)
                figures[f"others_p99_reply_ms_{key}"] = percentile_ms(lags, 99)
                if flooding:
                    figures["flooder_replies"] = len(emu.bot_messages(flooder))
    figures["aim"] = {"others_p99_reply_ms_with_flood": "< 250"}
    return figures


async def main(users: int, messages: int, rates: list[float], rounds: int, latency: float = 0.06) -> dict:
    logging.basicConfig(level=logging.WARNING)
    started = time.perf_counter()
    runs: dict[str, list[dict]] = {"bare": [], "bot": []}
    with tempfile.TemporaryDirectory() as folder:
        # Rounds alternate the two bots, so that a noisy neighbour on this shared machine weighs on
        # both; each bot's best round counts (as timeit's best of n). Latency in the first round only.
        for n in range(rounds):
            for kind in ("bare", "bot"):
                async with Emulator(latency=latency) as emu:
                    runs[kind].append(
                        await run(kind, emu, Path(folder) / f"{n}", users, messages, rates if n == 0 else [])
                    )
    bare = max(runs["bare"], key=lambda r: r["updates_per_s"])
    ours = max(runs["bot"], key=lambda r: r["updates_per_s"])
    for kind, best in (("bare", bare), ("bot", ours)):
        best["latency_at"] = runs[kind][0]["latency_at"]
        best["updates_per_s_each_round"] = [r["updates_per_s"] for r in runs[kind]]
    return {
        "benchmark": "updates",
        "users": users,
        "messages_each": messages,
        "latency_ms": round(latency * 1000),
        "rounds": rounds,
        "bot": ours,
        "bare_ptb_echo": bare,
        "throughput_ratio": round(ours["updates_per_s"] / bare["updates_per_s"], 3),
        "cpu_ratio": round(bare["bot_cpu_ms_per_update"] / ours["bot_cpu_ms_per_update"], 3),
        "aim": {"throughput_ratio": ">= 0.8", "bot_p99_ms": f"< {aim_ms(latency)}"},
        "bot_p99_ms_meets_aim_at": [r for r, v in ours["latency_at"].items() if v["p99_ms"] < aim_ms(latency)],
        "seconds": round(time.perf_counter() - started, 1),
    }


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--messages", type=int, default=20)
    parser.add_argument(
        "--rates",
        default="50,100",
        help="updates a second in all, in the latency phases (comma-separated)",
    )
    parser.add_argument("--rounds", type=int, default=3, help="runs of each bot, alternating; the best counts")
    parser.add_argument("--latency", type=float, default=0.06, help="seconds the emulator takes for every call")
    parser.add_argument("--flood", action="store_true", help="the flood case instead (see above)")
    args = parser.parse_args()
    rates = [float(r) for r in args.rates.split(",")]
    if args.flood:
        print(json.dumps(asyncio.run(flood_case(50, 2000, 8, 25.0)), ensure_ascii=False))
        sys.exit(0)
    print(
        json.dumps(asyncio.run(main(args.users, args.messages, rates, args.rounds, args.latency)), ensure_ascii=False)
    )
