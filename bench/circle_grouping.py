"""Benchmark: the admin's circle grouping on a random pool (200 waiting mentees, 30 mentors by default).

Run from the repo root: `python bench/circle_grouping.py [--mentees 200] [--mentors 30] [--seed 1]`.
Prints one JSON line: the optimiser's seconds, girls placed and sharing their circle's field, the
weighted quality (`grouping.plan_score`), its gap to the solver's bound on quality (0: proven optimal),
and the greedy plan's figures for the same pool.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.circles.grouping import group, plan_score, same_field
from bot.circles.rules import Lead, greedy_circles
from bot.domain import Availability, Field, Goal, Language, MeetingFormat, Region, Stage
from bot.matching.rules import MenteeProfile


def some(rng: random.Random, values, most: int = 2) -> frozenset:
    return frozenset(rng.sample(list(values), rng.randint(1, most)))


def pool(mentees: int, mentors: int, seed: int):
    """Random languages, fields, free time and regions; 40% minors; mentors with 1-2 free circles, half
    of them cleared for minors; a few excluded pairs."""
    rng = random.Random(seed)
    girls = [
        MenteeProfile(
            1000 + i,
            some(rng, Field),
            frozenset({Goal.FIRST_JOB}),
            Stage.SCHOOL,
            some(rng, Language),
            some(rng, Availability),
            MeetingFormat.ONLINE,
            rng.choice(list(Region)),
            rng.random() < 0.4,
        )
        for i in range(mentees)
    ]
    leads = [
        Lead(
            1 + i,
            some(rng, Language),
            some(rng, Field),
            some(rng, Availability),
            rng.choice(list(Region)),
            rng.random() < 0.5,
            rng.randint(1, 2),
        )
        for i in range(mentors)
    ]
    excluded = {(rng.choice(girls).user_id, rng.choice(leads).user_id) for _ in range(mentees // 10)}
    return girls, leads, excluded


def main(mentees: int, mentors: int, seed: int) -> dict:
    girls, leads, excluded = pool(mentees, mentors, seed)
    start = time.monotonic()
    found = group(girls, leads, excluded)
    seconds = time.monotonic() - start
    greedy, _ = greedy_circles(girls, leads, excluded)
    return {
        "bench": "circle_grouping",
        "mentees": mentees,
        "mentors": mentors,
        "seconds": round(seconds, 2),
        "solver": found.solver,
        "placed": sum(len(p.mentee_ids) for p in found.plans),
        "same_field": same_field(found.plans, girls),
        "gap": found.gap,
        "quality": plan_score(found.plans, girls, leads)[1],
        "greedy_placed": sum(len(p.mentee_ids) for p in greedy),
        "greedy_same_field": same_field(greedy, girls),
        "greedy_quality": plan_score(greedy, girls, leads)[1],
    }


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--mentees", type=int, default=200)
    parser.add_argument("--mentors", type=int, default=30)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    print(json.dumps(main(args.mentees, args.mentors, args.seed)))
