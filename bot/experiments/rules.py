"""Assignment and statistics, pure.

Assignment is by permuted blocks within each stratum (region × age band): the k-th person to enter
a stratum takes place k of a shuffled block of the arms, the shuffle seeded by the experiment, the
stratum and the block. Arms stay balanced within every stratum (never more than one apart), and
the arm follows from what is stored, so a restart changes nothing.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from statsmodels.stats.proportion import (
    confint_proportions_2indep,
    proportion_confint,
    test_proportions_2indep,
)

OUTCOMES = ("request_30d", "session_30d", "story_opened_30d", "opportunity_saved_30d")
MIN_ARMS, MAX_ARMS = 2, 4
NUDGE_WORDINGS = ("plain", "warm")
REMINDER_TIMINGS = ("24h,1h", "24h", "2h", "1h", "3h,30m", "48h,2h")


def _frequencies() -> tuple[str, ...]:
    from bot.stories.schedule import Frequency

    return tuple(f.value for f in Frequency)


# The settings an arm can change, each with the values an arm may take ('none': arms only label groups).
def setting_values(setting: str) -> tuple[str, ...] | None:
    return {
        "story_frequency": _frequencies(),
        "nudge_wording": NUDGE_WORDINGS,
        "reminder_timing": REMINDER_TIMINGS,
    }.get(setting)


SETTINGS = ("story_frequency", "nudge_wording", "reminder_timing")


def stratum(region: str | None, age_band: str | None) -> str:
    return f"{region or 'unknown'}/{age_band or 'unknown'}"


def arm_for(experiment_id: int, arms: tuple[str, ...], stratum_key: str, position: int) -> str:
    """The arm of the `position`-th person (from 0) to enter this stratum."""
    block, place = divmod(position, len(arms))
    order = list(arms)
    random.Random(f"{experiment_id}:{stratum_key}:{block}").shuffle(order)
    return order[place]


def check_definition(arms: tuple[str, ...], outcome: str, planned_size: int, setting: str = "none") -> None:
    if not MIN_ARMS <= len(arms) <= MAX_ARMS or len(set(arms)) != len(arms):
        raise ValueError("an experiment has 2 to 4 distinct arms")
    if setting != "none":
        values = setting_values(setting)
        if values is None:
            raise ValueError(f"the setting is one of {', '.join(SETTINGS)}")
        if not set(arms) <= set(values):
            raise ValueError(f"each arm of {setting} is one of {', '.join(values)}")
    if outcome not in OUTCOMES:
        raise ValueError(f"the outcome is one of {', '.join(OUTCOMES)}")
    if planned_size < 2 * len(arms):
        raise ValueError("the planned size is too small")


@dataclass(frozen=True)
class ArmResult:
    arm: str
    n: int
    successes: int
    rate: float | None
    ci_low: float | None
    ci_high: float | None
    # Against control (None for the control itself).
    difference: float | None = None
    diff_low: float | None = None
    diff_high: float | None = None
    p_value: float | None = None


@dataclass(frozen=True)
class ExperimentResult:
    arms: tuple[ArmResult, ...]
    planned_size: int
    total: int  # whose outcome window is over (the arms' n)
    reached_plan: bool
    stopped_early: bool
    enrolled: int = 0  # everyone assigned: what the planned size counts


def compare(
    arms: tuple[str, ...],
    counts: dict[str, tuple[int, int]],
    planned_size: int,
    stopped: bool,
    enrolled: int | None = None,
) -> ExperimentResult:
    """`counts`: arm -> (successes, n) of those whose outcome window is over. Wilson intervals per arm;
    the difference from control (the first arm) with a Newcombe interval and a score test's p-value.
    The planned size counts everyone enrolled (`enrolled`; by default the counted)."""
    control = arms[0]
    c_k, c_n = counts.get(control, (0, 0))
    results = []
    for arm in arms:
        k, n = counts.get(arm, (0, 0))
        if n == 0:
            results.append(ArmResult(arm, 0, 0, None, None, None))
            continue
        low, high = proportion_confint(k, n, alpha=0.05, method="wilson")
        diff = d_low = d_high = p = None
        if arm != control and c_n > 0:
            diff = k / n - c_k / c_n
            d_low, d_high = confint_proportions_2indep(k, n, c_k, c_n, method="newcomb", compare="diff")
            p = test_proportions_2indep(k, n, c_k, c_n, method="score", compare="diff").pvalue
            d_low, d_high, p = float(d_low), float(d_high), float(p)
        results.append(ArmResult(arm, n, k, k / n, float(low), float(high), diff, d_low, d_high, p))
    total = sum(n for _, n in counts.values())
    enrolled = total if enrolled is None else enrolled
    return ExperimentResult(
        tuple(results), planned_size, total, enrolled >= planned_size, stopped and enrolled < planned_size, enrolled
    )
