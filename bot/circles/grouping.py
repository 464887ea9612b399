"""The optimal grouping of waiting mentees into circles, pure: one mixed-integer programme (scipy's HiGHS).

The score (`plan_score`) is (girls placed, quality): placing one more girl always wins; among plans
placing as many, quality adds up each girl's fit with her circle, weighted so that for every girl a
shared field outweighs all the rest of her fit, her own age band outweighs free time and region, and
free time outweighs region (WEIGHTS). The hard rules are constraints: everyone speaks the circle's
language, a minor is only in a 14-17 circle led by a mentor cleared for minors, no (mentee, mentor)
pair from `excluded`, 3 to 8 girls a circle, and no mentor over her free circles.

The programme is a flow of counts: girls with the same attributes are interchangeable, so they are one
type with a count. A type sends x girls to a group (mentor, language, band); inside it y of them go to
circles of one of their own fields and the rest fill any of the group's circles; z counts the group's
circles of each field, each holding 3·z to 8·z girls. Capacity rows are the only ones shared by a
mentor's groups.

The search branches on the z alone, for half of TIME_LIMIT; with the z fixed the rest is a network flow
that solves at its root. Small pools are proven optimal. A large one (200 girls, 30 mentors) is not in
that time: then the circles the search or the greedy plan opens are filled with the best girls for
them, each circle re-takes the field most of its girls share while that scores better, and for the
rest of the time two mentors at a time have their circles chosen afresh around the best plan so far.
The gap to the solver's bound is reported (`bench/circle_grouping.py`).
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Sequence, Set
from dataclasses import dataclass

import numpy as np

from bot.circles.programme import Model, Rows
from bot.circles.rules import ADULT_BAND, MAX_SIZE, MIN_SIZE, MINOR_BAND, Lead, Plan, greedy_circles
from bot.domain import Field, Language
from bot.matching.rules import MenteeProfile

REFIELD_ROUNDS = 4
TIME_LIMIT = 4.0  # seconds of search; the admin waits for the preview (half for the whole search, half around its best)
AROUND, STEP = 2, 0.5  # mentors whose circles are chosen afresh at a time, and the seconds for each such search

# What one girl's fit adds to the quality: shared field, own age band, each shared free-time slot, region.
# Each weight is more than all those after it can add for one girl (8 > 2·3 + 1, 16 > 8 + 7).
WEIGHTS = (16, 8, 2, 1)
MOST_FIT = WEIGHTS[0] + WEIGHTS[1] + 3 * WEIGHTS[2] + WEIGHTS[3]


@dataclass(frozen=True, slots=True)
class Grouping:
    plans: list[Plan]
    left: list[int]
    gap: float | None  # the solver's relative gap to its bound; 0 when proven optimal, None when greedy won
    solver: str  # "optimal", "time_limit" (its best by then), or "greedy"


def fit(girl: MenteeProfile, lead: Lead, band: str, field: Field | None) -> int:
    """What one girl adds to the quality when she is in this circle (see WEIGHTS)."""
    return (
        WEIGHTS[0] * (field in girl.fields)
        + WEIGHTS[1] * ((band == MINOR_BAND) == girl.is_minor)
        + WEIGHTS[2] * len(girl.availability & lead.availability)
        + WEIGHTS[3] * (girl.region == lead.region)
    )


def plan_score(plans: Sequence[Plan], mentees: Sequence[MenteeProfile], leads: Sequence[Lead]) -> tuple[int, int]:
    """(girls placed, quality): compared as a tuple, placing more comes first."""
    girl, lead = {m.user_id: m for m in mentees}, {lead.user_id: lead for lead in leads}
    placed = quality = 0
    for plan in plans:
        for mentee_id in plan.mentee_ids:
            placed += 1
            quality += fit(girl[mentee_id], lead[plan.mentor_id], plan.band, plan.field)
    return placed, quality


def same_field(plans: Sequence[Plan], mentees: Sequence[MenteeProfile]) -> int:
    """How many placed girls share their circle's field."""
    girl = {m.user_id: m for m in mentees}
    return sum(plan.field in girl[i].fields for plan in plans for i in plan.mentee_ids)


def may_join(girl: MenteeProfile, lead: Lead, language: Language, band: str, excluded: Set) -> bool:
    return (
        language in girl.languages
        and (band == MINOR_BAND or not girl.is_minor)
        and (girl.user_id, lead.user_id) not in excluded
    )


@dataclass(frozen=True, slots=True)
class _Group:
    """Circles one mentor may lead in one language and age band; each has a field, chosen per circle."""

    lead: Lead
    language: Language
    band: str
    able: tuple[int, ...]  # indexes of the types whose girls may be in it
    fields: tuple[Field, ...]  # the fields those girls have


def _types(mentees: Sequence[MenteeProfile], leads: Sequence[Lead], excluded: Set) -> list[list[MenteeProfile]]:
    """Girls who are interchangeable (same attributes, same mentors excluded), each list by id."""
    kinds: dict[tuple, list[MenteeProfile]] = {}
    for girl in mentees:
        barred = frozenset(lead.user_id for lead in leads if (girl.user_id, lead.user_id) in excluded)
        key = (girl.languages, girl.fields, girl.availability, girl.region, girl.is_minor, barred)
        kinds.setdefault(key, []).append(girl)
    return list(kinds.values())


def _groups(types: list[list[MenteeProfile]], leads: Sequence[Lead], excluded: Set) -> list[_Group]:
    found = []
    for lead in sorted(leads, key=lambda lead: lead.user_id):
        if lead.free_circles <= 0:
            continue
        bands = (ADULT_BAND, MINOR_BAND) if lead.cleared_for_minors else (ADULT_BAND,)
        for language in sorted(lead.languages):
            for band in bands:
                able = tuple(t for t, kind in enumerate(types) if may_join(kind[0], lead, language, band, excluded))
                if sum(len(types[t]) for t in able) < MIN_SIZE:
                    continue
                if band == MINOR_BAND and not any(types[t][0].is_minor for t in able):
                    continue
                fields = tuple(f for f in Field if any(f in types[t][0].fields for t in able))
                found.append(_Group(lead, language, band, able, fields))
    return found


def plan_circles(
    mentees: Sequence[MenteeProfile],
    leads: Sequence[Lead],
    excluded: Set[tuple[int, int]],
    *,
    time_limit: float = TIME_LIMIT,
) -> tuple[list[Plan], list[int]]:
    """Circles from waiting mentees under each mentor's free circles: the plans and who is left (by id)."""
    found = group(mentees, leads, excluded, time_limit=time_limit)
    return found.plans, found.left


def group(
    mentees: Sequence[MenteeProfile],
    leads: Sequence[Lead],
    excluded: Set[tuple[int, int]],
    *,
    time_limit: float = TIME_LIMIT,
    gap: float = 0.0,
) -> Grouping:
    """The best grouping (`plan_score`) when the solver proves it within `time_limit`; otherwise the better
    of its best plan by then and the greedy one. Deterministic for a pool the solver finishes."""
    mentees = sorted(mentees, key=lambda m: m.user_id)
    greedy_plans, greedy_left = greedy_circles(mentees, leads, excluded)
    found = _optimal(mentees, leads, excluded, greedy_plans, time_limit, gap)
    if found is None or plan_score(found.plans, mentees, leads) < plan_score(greedy_plans, mentees, leads):
        return Grouping(greedy_plans, greedy_left, None, "greedy")
    return found


def _optimal(mentees, leads, excluded, greedy, time_limit: float, gap: float) -> Grouping | None:
    everyone = [m.user_id for m in mentees]
    types = _types(mentees, leads, excluded)
    groups = _groups(types, leads, excluded)
    if not groups:
        return Grouping([], everyone, 0.0, "optimal")
    gain: list[float] = []  # each column's part in the weighted score
    high: list[float] = []

    def column(value: float, upper: float) -> int:
        gain.append(value)
        high.append(upper)
        return len(gain) - 1

    placing = 1 + MOST_FIT * len(mentees)  # one more girl placed outweighs any quality
    x: dict[tuple[int, int], int] = {}
    y: dict[tuple[int, int, Field], int] = {}
    fill: dict[tuple[int, Field], int] = {}
    z: dict[tuple[int, Field], int] = {}
    for g, grp in enumerate(groups):
        most = min(grp.lead.free_circles, sum(len(types[t]) for t in grp.able) // MIN_SIZE)
        for t in grp.able:
            kind = types[t]
            x[t, g] = column(placing + fit(kind[0], grp.lead, grp.band, None), len(kind))
            for field in kind[0].fields:
                y[t, g, field] = column(WEIGHTS[0], len(kind))
        for field in grp.fields:
            fill[g, field] = column(0, MAX_SIZE * most)
            z[g, field] = column(0, most)
    rows = Rows()
    by_type: dict[int, list[int]] = {}
    for (t, _), col in x.items():
        by_type.setdefault(t, []).append(col)
    for t, cols in by_type.items():  # each girl in one circle at most
        rows.add([(col, 1) for col in cols], 0, len(types[t]))
    for (t, g), col in x.items():  # in a field's circles only those in the group
        rows.add([(y[t, g, f], 1) for f in types[t][0].fields] + [(col, -1)], -np.inf, 0)
    for g, grp in enumerate(groups):  # the group's girls without a field circle are its fillers
        rows.add(
            [(x[t, g], 1) for t in grp.able]
            + [(y[t, g, f], -1) for t in grp.able for f in types[t][0].fields]
            + [(fill[g, f], -1) for f in grp.fields],
            0,
            0,
        )
        for f in grp.fields:  # MIN_SIZE·z ≤ the field's circles' girls ≤ MAX_SIZE·z
            members = [(y[t, g, f], 1) for t in grp.able if f in types[t][0].fields] + [(fill[g, f], 1)]
            rows.add([*members, (z[g, f], -MIN_SIZE)], 0, np.inf)
            rows.add([*members, (z[g, f], -MAX_SIZE)], -np.inf, 0)
    for lead in leads:  # no mentor over her free circles
        mine = [(col, 1) for (g, _), col in z.items() if groups[g].lead.user_id == lead.user_id]
        if mine:
            rows.add(mine, 0, lead.free_circles)
    model = Model(-np.array(gain), rows.constraint(len(gain)), np.array(high), list(z.values()))

    def read(chosen: np.ndarray) -> list[Plan]:
        plans, waiting = [], [list(kind) for kind in types]
        for g, grp in enumerate(groups):
            fillers, fielded = [], {f: [] for f in grp.fields}
            for t in grp.able:
                taken = _take(waiting[t], chosen[x[t, g]])
                for f in types[t][0].fields:
                    fielded[f] += [taken.pop(0) for _ in range(chosen[y[t, g, f]])]
                fillers += taken
            fillers.sort(key=lambda m: m.user_id)
            for f in grp.fields:
                girls = fielded[f] + [fillers.pop(0) for _ in range(chosen[fill[g, f]])]
                plans += _split(grp, f, girls, chosen[z[g, f]])
        return plans

    # The search branches on the circle counts alone; with them fixed, the girls' side is a network flow
    # whose best vertices are whole, so one more solve reads off whole girls.
    deadline = time.monotonic() + time_limit
    found = model.solve(time_limit / 2, gap)
    where = {(grp.lead.user_id, grp.language, grp.band): g for g, grp in enumerate(groups)}
    girl_of = {m.user_id: m for m in mentees}

    def _group_band(plan: Plan) -> str:
        # _split calls a minors' group's circle with no minor an adults' one; it came from the minors' group
        # only if the adults' group does not exist for this mentor and language.
        if plan.band == ADULT_BAND and (plan.mentor_id, plan.language, ADULT_BAND) not in where:
            return MINOR_BAND
        return plan.band

    def counts_of(plans: list[Plan], field_of) -> np.ndarray:
        counts = np.zeros(len(gain))
        for plan in plans:
            col = z.get((where.get((plan.mentor_id, plan.language, _group_band(plan))), field_of(plan)))
            if col is not None:  # a field none of its girls has (girls with no field) is no circle of the model's
                counts[col] += 1
        return counts

    def their_field(plan: Plan) -> Field:
        shared = Counter(f for i in plan.mentee_ids for f in girl_of[i].fields)
        return max(shared, key=lambda f: (shared[f], f == plan.field), default=plan.field)

    opened = counts_of(greedy, lambda plan: plan.field)  # the greedy plan's circles, with the best girls for them
    tries = [model.fill(opened)] + ([model.fill(found.chosen)] if found is not None else [])
    tries = [one for one in tries if one is not None]
    if not tries:
        return None
    best = min(tries, key=lambda one: one.value)
    for _ in range(REFIELD_ROUNDS):  # each circle takes the field most of its girls share, and is filled again
        again = model.fill(counts_of(read(best.chosen), their_field))
        if again is None or again.value >= best.value:
            break
        best = again
    # Around the best so far, a few mentors' circles at a time are chosen afresh (the others kept), while
    # time is left: each small search finds what the whole one does not in its share of time.
    cols_of: dict[int, list[int]] = {}
    for (g, _), col in z.items():
        cols_of.setdefault(groups[g].lead.user_id, []).append(col)
    turn = sorted(cols_of)
    for step in range(len(turn) if found is None or found.status != 0 else 0):
        left = deadline - time.monotonic()
        if left <= 0:
            break
        chosen_leads = turn[step * AROUND : step * AROUND + AROUND]
        if not chosen_leads:
            break
        near = model.around(best.chosen, [col for lead_id in chosen_leads for col in cols_of[lead_id]], min(STEP, left))
        again = None if near is None else model.fill(near.chosen)
        if again is not None and again.value < best.value:
            best = again
    if found is not None and found.status == 0 and best.value <= found.value + 0.5:
        return _grouping(read(best.chosen), everyone, 0.0, "optimal")
    # The gap is to the solver's bound, on quality alone (the placing weight would make any gap look tiny);
    # None when the search ended before it had a bound.
    quality = -best.value - placing * sum(best.chosen[col] for col in x.values())
    gap_now = (best.value - model.bound) / max(quality, 1) if np.isfinite(model.bound) else None
    return _grouping(read(best.chosen), everyone, gap_now, "time_limit")


def _grouping(plans: list[Plan], everyone: list[int], gap: float | None, solver: str) -> Grouping:
    placed = {i for plan in plans for i in plan.mentee_ids}
    return Grouping(plans, [i for i in everyone if i not in placed], gap, solver)


def _take(kind: list[MenteeProfile], count: int) -> list[MenteeProfile]:
    """The next `count` girls of a type not yet given a group; who waited longest (lowest id) goes first."""
    taken, rest = kind[:count], kind[count:]
    kind[:] = rest
    return taken


def _split(grp: _Group, field: Field, girls: list[MenteeProfile], count: int) -> list[Plan]:
    """Girls as `count` circles of near-equal size. Minors come first, so they gather in as few circles as
    they fill; a circle of the minors' band left with no minor is an adults' circle (which only scores better)."""
    if not girls or count <= 0:
        return []
    girls = sorted(girls, key=lambda m: (not m.is_minor, m.user_id))
    size, extra = divmod(len(girls), count)
    plans, start = [], 0
    for n in range(count):
        circle = girls[start : start + size + (n < extra)]
        start += len(circle)
        band = MINOR_BAND if any(m.is_minor for m in circle) else ADULT_BAND
        ids = tuple(sorted(m.user_id for m in circle))
        plans.append(Plan(grp.lead.user_id, grp.language, band, field, ids))
    return plans
