"""Benchmark matching: top-5 ranking among 10,000 mentors, and a 2,000 × 500 cohort.

Run from the repo root: `python bench/matching.py`. Prints one JSON line.
"""

from __future__ import annotations

import json
import random
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.domain import (
    Availability,
    Field,
    Goal,
    Language,
    MeetingFormat,
    Region,
    Stage,
)
from bot.matching.cohort import cohort_match, greedy_match
from bot.matching.rules import MenteeProfile, MentorProfile, rank_mentors

SEED = 20240601
NOW = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
RANK_MENTORS = 10_000
RANK_MENTEES = 200
COHORT_MENTEES = 2_000
COHORT_MENTORS = 500

LANGUAGE_MIX = [
    frozenset({Language.KY}),
    frozenset({Language.RU}),
    frozenset({Language.KY, Language.RU}),
    frozenset({Language.RU, Language.EN}),
    frozenset({Language.KY, Language.RU, Language.EN}),
]


def _some(rng: random.Random, choices: list, low: int, high: int) -> frozenset:
    return frozenset(rng.sample(choices, rng.randint(low, high)))


def make_mentee(rng: random.Random, user_id: int) -> MenteeProfile:
    stage = rng.choice(
        [
            Stage.SCHOOL,
            Stage.SCHOOL,
            Stage.UNIVERSITY,
            Stage.UNIVERSITY,
            Stage.EARLY_CAREER,
            Stage.RETURNING,
        ]
    )
    return MenteeProfile(
        user_id=user_id,
        fields=_some(rng, list(Field), 1, 3),
        goals=_some(rng, list(Goal), 1, 3),
        stage=stage,
        languages=rng.choice(LANGUAGE_MIX),
        availability=_some(rng, list(Availability), 1, 2),
        meeting_format=rng.choice(list(MeetingFormat)),
        region=rng.choice(list(Region)),
        is_minor=stage == Stage.SCHOOL and rng.random() < 0.8,
    )


def make_mentor(rng: random.Random, user_id: int) -> MentorProfile:
    capacity = rng.randint(1, 5)
    last = None if rng.random() < 0.3 else NOW - timedelta(days=rng.uniform(0, 200))
    return MentorProfile(
        user_id=user_id,
        fields=_some(rng, list(Field), 1, 3),
        topics=_some(rng, list(Goal), 2, 5),
        stage=rng.choice(
            [
                Stage.EARLY_CAREER,
                Stage.EXPERIENCED,
                Stage.EXPERIENCED,
                Stage.RETURNING,
                Stage.LEADER,
                Stage.UNIVERSITY,
            ]
        ),
        languages=rng.choice(LANGUAGE_MIX),
        availability=_some(rng, list(Availability), 1, 3),
        meeting_format=rng.choice(list(MeetingFormat)),
        region=rng.choice(list(Region)),
        approved=rng.random() < 0.95,
        paused=rng.random() < 0.05,
        cleared_for_minors=rng.random() < 0.6,
        capacity=capacity,
        active_mentees=rng.randint(0, capacity - 1) if rng.random() < 0.5 else 0,
        last_new_mentee_at=last,
        last_active_at=NOW - timedelta(days=rng.uniform(0, 30)),
    )


def _exclusions(rng: random.Random, mentee_ids: range, mentor_ids: range, n: int) -> set:
    return {(rng.choice(mentee_ids), rng.choice(mentor_ids)) for _ in range(n)}


def bench_rank(rng: random.Random) -> tuple[float, float]:
    mentors = [make_mentor(rng, 100_000 + i) for i in range(RANK_MENTORS)]
    mentees = [make_mentee(rng, 1 + i) for i in range(RANK_MENTEES)]
    exclusions = _exclusions(rng, range(1, RANK_MENTEES + 1), range(100_000, 110_000), 2_000)
    for mentee in mentees[:5]:  # warm up
        rank_mentors(mentee, mentors, exclusions, NOW)
    timings = []
    for mentee in mentees:
        start = time.perf_counter()
        rank_mentors(mentee, mentors, exclusions, NOW, limit=5)
        timings.append((time.perf_counter() - start) * 1000)
    timings.sort()
    return statistics.median(timings), timings[int(0.95 * (len(timings) - 1))]


def main() -> None:
    rng = random.Random(SEED)
    median_ms, p95_ms = bench_rank(rng)

    mentees = [make_mentee(rng, 1 + i) for i in range(COHORT_MENTEES)]
    mentors = [make_mentor(rng, 100_000 + i) for i in range(COHORT_MENTORS)]
    exclusions = _exclusions(rng, range(1, COHORT_MENTEES + 1), range(100_000, 100_500), 1_000)
    start = time.perf_counter()
    cohort = cohort_match(mentees, mentors, exclusions, NOW)
    cohort_seconds = time.perf_counter() - start
    greedy = greedy_match(mentees, mentors, exclusions, NOW)

    print(
        json.dumps(
            {
                "rank_top5_ms_median": round(median_ms, 3),
                "rank_top5_ms_p95": round(p95_ms, 3),
                "mentors": RANK_MENTORS,
                "cohort_seconds": round(cohort_seconds, 3),
                "cohort_mentees": COHORT_MENTEES,
                "cohort_mentors": COHORT_MENTORS,
                "cohort_total_score": cohort.total_score,
                "greedy_total_score": greedy.total_score,
                "cohort_vs_greedy": round(cohort.total_score / max(greedy.total_score, 1), 4),
                "cohort_assigned": len(cohort.assignments),
                "greedy_assigned": len(greedy.assignments),
            }
        )
    )


if __name__ == "__main__":
    main()
