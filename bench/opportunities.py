"""Opportunities over 100,000 users and 500 open opportunities: everyone's weekly digest, and one
user's list of those that fit her.

Prints one JSON line: seconds to compute (and claim) every digest through the real use case on a
SQLite file, untraced; the peak Python memory of the same work on a copy of the file (MB,
tracemalloc) and the process's peak RSS after the timed pass (MB, seeding included); and the
median and 95th percentile milliseconds of `/opportunities` for one user (the use case, no Telegram).
"""

from __future__ import annotations

import asyncio
import json
import random
import resource
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
import tracemalloc
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.db import Database
from bot.opportunities import digest, flow

USERS, OPPORTUNITIES, LISTS = 100_000, 500, 200
NOW = datetime(2026, 3, 2, 6, 0, tzinfo=UTC)
REGIONS = ["bishkek", "osh_city", "chui", "osh", "jalal_abad", "issyk_kul", "naryn", "talas", "batken"]
STAGES = ["school", "university", "early_career", "experienced"]
FIELDS = ["it", "data_ai", "engineering", "math", "physics", "space", "chemistry", "biomed", "earth_env"]
KINDS = ["olympiad", "school_camp", "scholarship", "internship_job", "event_training", "competition"]


def some(rng: random.Random, values: list[str], most: int) -> list[str]:
    return rng.sample(values, rng.randint(0, most))


def seed(path: Path, rng: random.Random) -> None:
    async def migrate() -> None:
        db = Database(path)
        await db.open()
        await db.close()

    asyncio.run(migrate())
    week_ago = (NOW - timedelta(days=7)).isoformat()
    with sqlite3.connect(path) as conn:
        conn.executemany(
            "INSERT INTO users (id, language, role, created_at, last_seen_at) VALUES (?, ?, ?, ?, ?)",
            (
                (u, rng.choice(["ky", "ru", "en"]), rng.choice(["mentee", "mentee", "subscriber"]), week_ago, week_ago)
                for u in range(1, USERS + 1)
            ),
        )
        rows = []
        for u in range(1, USERS + 1):
            minor = rng.random() < 0.4
            rows.append(
                (
                    u,
                    "14-17" if minor else "18+",
                    int(minor),
                    rng.choice(REGIONS),
                    "school" if minor else rng.choice(STAGES[1:]),
                    json.dumps(rng.sample(FIELDS, rng.randint(1, 3))),
                    json.dumps(rng.sample(["ky", "ru", "en"], rng.randint(1, 2))),
                    week_ago,
                )
            )
        conn.executemany(
            "INSERT INTO profiles (user_id, step, age_band, is_minor, region, stage, fields, languages,"
            " started_at, updated_at) VALUES (?, 'done', ?, ?, ?, ?, ?, ?, ?, ?)",
            ((*r[:-1], r[-1], r[-1]) for r in rows),
        )
        # Everyone's slot is due now; the last digest was a week ago, all 500 are newer.
        conn.executemany(
            "INSERT INTO opportunity_digest_settings (user_id, next_at, last_sent_at, created_at) VALUES (?, ?, ?, ?)",
            ((u, NOW.isoformat(), week_ago, week_ago) for u in range(1, USERS + 1)),
        )
        opportunities = []
        for i in range(OPPORTUNITIES):
            languages = rng.sample(["ky", "ru", "en"], rng.randint(1, 3))
            opportunities.append(
                (
                    rng.choice(KINDS),
                    json.dumps({lang: f"Opportunity {i} ({lang})" for lang in languages}),
                    f"https://example.kg/{i}",
                    "Organiser",
                    (NOW + timedelta(days=rng.randint(1, 90))).isoformat(),
                    json.dumps(rng.choice([[], ["14-17"], ["18+"], ["14-17", "18+"]])),
                    json.dumps(some(rng, REGIONS, 2)),
                    json.dumps(some(rng, FIELDS, 3)),
                    json.dumps(some(rng, STAGES, 2)),
                    (NOW - timedelta(days=rng.randint(0, 6))).isoformat(),
                )
            )
        conn.executemany(
            "INSERT INTO opportunities (kind, titles, link, organiser, deadline_at, age_bands, regions, fields,"
            " stages, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            opportunities,
        )


async def digest_all(path: Path) -> tuple[int, int]:
    """Every due digest through the real use case, batch after batch: (batches, digests with items)."""
    db = Database(path)
    await db.open()
    try:
        batches = sent = 0
        while notices := await digest.due_digests(db, NOW):
            sent += len(notices)
            batches += 1
        return batches, sent
    finally:
        await db.close()


async def measure(path: Path, twin: Path, rng: random.Random) -> dict:
    # Timed untraced (tracemalloc slows Python about fourfold); Python's peak is taken on a twin copy.
    started = time.perf_counter()
    batches, sent = await digest_all(path)
    digest_seconds = time.perf_counter() - started
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    tracemalloc.start()
    await digest_all(twin)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    db = Database(path)
    await db.open()
    try:
        claimed = (await db.fetchone("SELECT COUNT(*) FROM opportunity_digests"))[0]
        timings = []
        for user_id in rng.sample(range(1, USERS + 1), LISTS):
            started = time.perf_counter()
            await flow.browse(db, user_id, NOW)
            timings.append((time.perf_counter() - started) * 1000)
        timings.sort()
        return {
            "bench": "opportunities",
            "users": USERS,
            "open_opportunities": OPPORTUNITIES,
            "digest_seconds": round(digest_seconds, 2),
            "digests_claimed": claimed,
            "digests_with_items": sent,
            "digest_batches": batches,
            "digest_peak_python_mb": round(peak / 2**20, 1),
            "peak_rss_mb_after_digest": round(rss, 1),
            "list_median_ms": round(statistics.median(timings), 2),
            "list_p95_ms": round(timings[int(len(timings) * 0.95)], 2),
        }
    finally:
        await db.close()


def main() -> None:
    rng = random.Random(16)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bot.sqlite3"
        seed(path, rng)
        twin = Path(folder) / "twin.sqlite3"
        shutil.copyfile(path, twin)
        print(json.dumps(asyncio.run(measure(path, twin, rng))))


if __name__ == "__main__":
    main()
