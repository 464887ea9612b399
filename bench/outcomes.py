"""The outcome indicator report over 100,000 surveyed people: every breakdown, then the XLSX.

Prints one JSON line: seconds for the report and the workbook, peak memory (MB) of the workbook.
"""

from __future__ import annotations

import json
import random
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

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


def main() -> None:
    people, answers = data(random.Random(17))
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
                "xlsx_s": round(xlsx_s, 3),
                "xlsx_peak_mb": round(peak, 1),
            }
        )
    )


if __name__ == "__main__":
    main()
