"""The funder's indicator report: pure functions over plain rows (numpy for the sums, scipy for t).

An indicator is a core question's score. Per group: baseline and endline means, the paired change
(endline minus baseline, for those with both) with a 95% t-interval, the share who moved up, and
the response rate (share of the cohort with both) against the 60% aim. Groups under 5 people show
no figures.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np
from scipy import stats

from bot.outcomes.rules import surveys

MIN_CELL = 5
RESPONSE_AIM = 0.60
BREAKDOWNS = ("region", "area", "age_band", "disability", "language", "stage")


@dataclass(frozen=True)
class Cell:
    dimension: str  # "all" for the whole cohort
    group: str
    cohort: int
    suppressed: bool
    n_baseline: int = 0
    mean_baseline: float | None = None
    n_endline: int = 0
    mean_endline: float | None = None
    n_paired: int = 0
    change: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    moved_up: float | None = None
    response_rate: float | None = None


@dataclass(frozen=True)
class IndicatorReport:
    indicator: str
    cells: tuple[Cell, ...]

    @property
    def overall(self) -> Cell:
        return self.cells[0]


def _mean(values: np.ndarray, codes: np.ndarray, groups: int):
    present = ~np.isnan(values)
    n = np.bincount(codes[present], minlength=groups)
    total = np.bincount(codes[present], weights=values[present], minlength=groups)
    with np.errstate(invalid="ignore", divide="ignore"):
        return n, total / n


def _cells(dimension: str, labels: list[str], codes: np.ndarray, base: np.ndarray, end: np.ndarray) -> list[Cell]:
    groups = len(labels)
    cohort = np.bincount(codes, minlength=groups)
    n_b, m_b = _mean(base, codes, groups)
    n_e, m_e = _mean(end, codes, groups)
    paired = ~np.isnan(base) & ~np.isnan(end)
    diff = (end - base)[paired]
    pc = codes[paired]
    n_p = np.bincount(pc, minlength=groups)
    sum_d = np.bincount(pc, weights=diff, minlength=groups)
    sum_sq = np.bincount(pc, weights=diff * diff, minlength=groups)
    up = np.bincount(pc, weights=(diff > 0).astype(float), minlength=groups)
    cells = []
    for g, label in enumerate(labels):
        if cohort[g] < MIN_CELL:
            cells.append(Cell(dimension, label, int(cohort[g]), True))
            continue
        n = int(n_p[g])
        change = low = high = moved = None
        # Figures from fewer than 5 answers would single people out: shown empty.
        if n >= MIN_CELL:
            change = float(sum_d[g] / n)
            moved = float(up[g] / n)
            # Per-group sums in one pass; scores are small integers, so this loses no precision.
            sd = math.sqrt(max(0.0, float(sum_sq[g] - n * change * change) / (n - 1)))
            half = float(stats.t.ppf(0.975, n - 1)) * sd / math.sqrt(n)
            low, high = change - half, change + half
        cells.append(
            Cell(
                dimension,
                label,
                int(cohort[g]),
                False,
                int(n_b[g]),
                _num(m_b[g]) if n_b[g] >= MIN_CELL else None,
                int(n_e[g]),
                _num(m_e[g]) if n_e[g] >= MIN_CELL else None,
                n,
                change,
                low,
                high,
                moved,
                n / int(cohort[g]),
            )
        )
    return cells


def _num(x: float) -> float | None:
    return None if math.isnan(x) else float(x)


def indicator_report(
    people: Mapping[int, Mapping[str, str]], answers: Iterable[tuple[int, str, str, str | None]]
) -> list[IndicatorReport]:
    """`people`: the cohort (everyone invited to a baseline), each with her breakdown values;
    `answers`: (user, wave, question, option code) rows, grouped by person for the one scoring path."""
    waves: dict[int, tuple[dict[str, str], dict[str, str]]] = {}
    for user_id, wave, question, value in answers:
        if wave in ("baseline", "endline") and value is not None:
            waves.setdefault(user_id, ({}, {}))[wave == "endline"][question] = value
    return indicator_report_by_person(people, waves)


def indicator_report_by_person(
    people: Mapping[int, Mapping[str, str]], waves: Mapping[int, tuple[Mapping[str, str], Mapping[str, str]]]
) -> list[IndicatorReport]:
    """The same report from each person's answers already grouped: `waves` maps her to her
    ({question: option code} at baseline, the same at endline); she may be missing from it."""
    ids = list(people)
    core = surveys().waves["baseline"]
    score = {(q.code, o.code): o.score for q in core for o in q.options}
    columns = {q.code: ([math.nan] * len(ids), [math.nan] * len(ids)) for q in core}
    for i, user_id in enumerate(ids):
        for side, given in enumerate(waves.get(user_id, ({}, {}))):
            for question, value in given.items():
                s = score.get((question, value))
                if s is not None:
                    columns[question][side][i] = s
    scores = {code: (np.array(base), np.array(end)) for code, (base, end) in columns.items()}
    return _report(people, ids, scores)


def _report(people: Mapping[int, Mapping[str, str]], ids: list[int], scores) -> list[IndicatorReport]:
    dimensions = []
    for dimension in BREAKDOWNS:
        values = [people[u].get(dimension) or "unknown" for u in ids]
        labels, codes = np.unique(np.array(values, dtype=object).astype(str), return_inverse=True)
        dimensions.append((dimension, [str(x) for x in labels], codes.astype(np.int64)))
    reports = []
    everyone = np.zeros(len(ids), dtype=np.int64)
    for question, (base, end) in scores.items():
        cells = _cells("all", ["all"], everyone, base, end)
        for dimension, labels, codes in dimensions:
            cells += _cells(dimension, labels, codes, base, end)
        reports.append(IndicatorReport(question, tuple(cells)))
    return reports


@dataclass(frozen=True)
class MentorItem:
    """One question of the mentors' end survey: how many answered, and the mean score (None under 5)."""

    question: str
    n: int
    mean: float | None


def mentor_summary(rows: Iterable[tuple[str, str | None]]) -> list[MentorItem]:
    """`rows`: (question, option code) of the mentors' end survey; skips count in no n."""
    questions = surveys().waves["mentor_end"]
    scores: dict[str, list[float]] = {q.code: [] for q in questions}
    by_code = {q.code: q for q in questions}
    for question, value in rows:
        score = by_code[question].score(value) if question in by_code else None
        if score is not None:
            scores[question].append(score)
    return [
        MentorItem(code, len(values), float(np.mean(values)) if len(values) >= MIN_CELL else None)
        for code, values in scores.items()
    ]
