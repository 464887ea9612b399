"""The outcome indicator report over 100,000 surveyed people: every breakdown, then the XLSX.

Prints one JSON line: seconds for the report over rows in memory and read from a SQLite file (wall and CPU), for
the workbook, and the workbook's peak Python memory (MB, tracemalloc).
"""

from __future__ import annotations

import asyncio
import json
import random
import sqlite3
import sys
import tempfile
import time
import tracemalloc
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.db import Database
from bot.outcomes import flow
from bot.outcomes.report import indicator_report
from bot.outcomes.rules import surveys
from bot.outcomes.workbook import write_xlsx

PEOPLE = 100_000
REGIONS = ["bishkek", "chuy", "osh", "osh_city", "jalal_abad", "batken", "naryn", "issyk_kul", "talas"]


def data(rng: random.Random):
    core = surveys().waves["baseline"]
    people, answers = {}, []
    for user_id in range(PEOPLE):
        people[user_id] = {
            "region": rng.choice(REGIONS),
            "area": rng.choice(["urban", "rural", None]),
            "age_band": rng.choice(["14_15", "16_17", "18_24", "25_34", "35_plus"]),
            "disability": rng.choice(["no", "no", "no", "yes", "unknown"]),
            "language": rng.choice(["ky", "ru", "en"]),
            "stage": rng.choice(["school", "university", "graduate", "working"]),
        }
        for wave in ("baseline", "endline"):
            if wave == "endline" and rng.random() < 0.35:
                continue
            for q in core:
                if rng.random() < 0.05:
                    answers.append((user_id, wave, q.code, None))
                else:
                    answers.append((user_id, wave, q.code, rng.choice(q.options).code))
    return people, answers


def seed_database(path: Path, people, answers) -> None:
    """The same people and answers as survey rows in a migrated SQLite file."""

    async def migrate() -> None:
        db = Database(path)
        await db.open()
        await db.close()

    asyncio.run(migrate())
    at = "2026-01-15T09:00:00+00:00"
    with sqlite3.connect(path) as conn:
        conn.executemany(
            "INSERT INTO users (id, language, role, created_at, last_seen_at) VALUES (?, ?, 'mentee', ?, ?)",
            ((u, p["language"], at, at) for u, p in people.items()),
        )
        conn.executemany(
            "INSERT INTO profiles (user_id, step, region, age_band, stage, started_at, updated_at)"
            " VALUES (?, 'done', ?, ?, ?, ?, ?)",
            ((u, p["region"], p["age_band"], p["stage"], at, at) for u, p in people.items()),
        )
        conn.executemany(
            "INSERT INTO survey_invitations (id, user_id, wave, due_at, status) VALUES (?, ?, ?, ?, 'done')",
            ((2 * u + i + 1, u, wave, at) for u in people for i, wave in enumerate(("baseline", "endline"))),
        )
        conn.executemany(
            "INSERT INTO survey_answers VALUES (?, ?, ?, ?, ?, 1, ?)",
            ((2 * u + (wave == "endline") + 1, u, wave, q, v, at) for u, wave, q, v in answers),
        )


def main() -> None:
    people, answers = data(random.Random(17))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bot.sqlite3"
        seed_database(path, people, answers)

        async def from_database():
            db = Database(path)
            await db.open()
            try:
                return await flow.indicators(db, datetime(2026, 1, 1, tzinfo=UTC), datetime(2026, 2, 1, tzinfo=UTC))
            finally:
                await db.close()

        started, cpu = time.perf_counter(), time.process_time()
        _, cohort = asyncio.run(from_database())
        with_db_s, with_db_cpu_s = time.perf_counter() - started, time.process_time() - cpu
    assert cohort == PEOPLE
    started = time.perf_counter()
    reports = indicator_report(people, answers)
    report_s = time.perf_counter() - started
    tracemalloc.start()
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as folder:
        write_xlsx(reports, Path(folder) / "outcomes.xlsx")
    xlsx_s = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1] / 1e6
    tracemalloc.stop()
    cells = sum(len(r.cells) for r in reports)
    print(
        json.dumps(
            {
                "people": PEOPLE,
                "answers": len(answers),
                "indicators": len(reports),
                "cells": cells,
                "report_s": round(report_s, 3),
                "report_with_database_s": round(with_db_s, 3),
                # CPU seconds too: on a loaded machine the wall clock mostly measures the others.
                "report_with_database_cpu_s": round(with_db_cpu_s, 3),
                "xlsx_s": round(xlsx_s, 3),
                "xlsx_peak_mb": round(peak, 1),
            }
        )
    )


if __name__ == "__main__":
    main()
