"""The optimal grouping of waiting mentees into circles, pure: a mixed-integer programme (scipy's HiGHS).

What is optimised, lexicographically: the number of girls placed first, then how many share their
circle's field, then how many are in their own age band, then shared free time with the mentor, then
region. The hard rules are constraints: everyone speaks the circle's language, a minor is only in a
14-17 circle led by a mentor cleared for minors, no (mentee, mentor) pair from `excluded`, 3 to 8 girls
a circle, and no mentor over her free circles.

The programme is a flow: a girl goes to a group (mentor, language, band), inside it to a circle of one
of her own fields (y) or as a filler to any of its circles (w); z counts the group's circles of each
field, each holding 3·z to 8·z girls. With z whole the rest is a network flow, whole at its vertices:
so the search branches on the few z alone, and one more solve with z fixed reads off whole girls.
"""

from __future__ import annotations

import time
from collections.abc import Sequence, Set
from dataclasses import dataclass

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import coo_array

from bot.circles.rules import ADULT_BAND, MAX_SIZE, MIN_SIZE, MINOR_BAND, Lead, Plan, greedy_circles
from bot.domain import Field, Language
from bot.matching.rules import MenteeProfile

TIME_LIMIT = 20.0  # seconds; the admin waits for the preview, and the best plan found by then is kept

# The order of the score's terms, most important first (see `member_score`).
TERMS = ("placed", "field", "age_band", "availability", "region")


@dataclass(frozen=True, slots=True)
class _Group:
    """Circles one mentor may lead in one language and age band; each has a field, chosen per circle."""

    lead: Lead
    language: Language
    band: str
    able: tuple[int, ...]  # indexes of the girls who may be in it
    fields: tuple[Field, ...]  # the fields those girls have


def member_score(girl: MenteeProfile, lead: Lead, band: str, field: Field | None) -> tuple[int, ...]:
    """What one girl adds to each term of the score when she is in this circle (see TERMS)."""
    return (
        1,
        int(field in girl.fields),
        int((band == MINOR_BAND) == girl.is_minor),
        len(girl.availability & lead.availability),
        int(girl.region == lead.region),
    )


def plan_score(plans: Sequence[Plan], mentees: Sequence[MenteeProfile], leads: Sequence[Lead]) -> tuple[int, ...]:
    """The score of a whole plan, a tuple compared lexicographically."""
    girl, lead = {m.user_id: m for m in mentees}, {lead.user_id: lead for lead in leads}
    total = [0] * len(TERMS)
    for plan in plans:
        for mentee_id in plan.mentee_ids:
            for k, value in enumerate(member_score(girl[mentee_id], lead[plan.mentor_id], plan.band, plan.field)):
                total[k] += value
    return tuple(total)


def may_join(girl: MenteeProfile, lead: Lead, language: Language, band: str, excluded: Set) -> bool:
    return (
        language in girl.languages
        and (band == MINOR_BAND or not girl.is_minor)
        and (girl.user_id, lead.user_id) not in excluded
    )


def _groups(mentees: Sequence[MenteeProfile], leads: Sequence[Lead], excluded: Set) -> list[_Group]:
    found = []
    for lead in sorted(leads, key=lambda lead: lead.user_id):
        if lead.free_circles <= 0:
            continue
        bands = (ADULT_BAND, MINOR_BAND) if lead.cleared_for_minors else (ADULT_BAND,)
        for language in sorted(lead.languages):
            for band in bands:
                able = tuple(i for i, girl in enumerate(mentees) if may_join(girl, lead, language, band, excluded))
                if len(able) < MIN_SIZE or (band == MINOR_BAND and not any(mentees[i].is_minor for i in able)):
                    continue
                fields = tuple(f for f in Field if any(f in mentees[i].fields for i in able))
                found.append(_Group(lead, language, band, able, fields))
    return found


def plan_circles(
    mentees: Sequence[MenteeProfile],
    leads: Sequence[Lead],
    excluded: Set[tuple[int, int]],
    *,
    time_limit: float = TIME_LIMIT,
) -> tuple[list[Plan], list[int]]:
    """Circles from waiting mentees under each mentor's free circles: the plans and who is left (by id).

    Optimal when the solver ends within `time_limit`; otherwise the better of its best plan by then and
    the greedy one. Deterministic for a pool the solver finishes (HiGHS is; a time limit is not).
    """
    mentees = sorted(mentees, key=lambda m: m.user_id)
    greedy = greedy_circles(mentees, leads, excluded)
    found = _optimal(mentees, leads, excluded, time_limit)
    if found is None or plan_score(found[0], mentees, leads) < plan_score(greedy[0], mentees, leads):
        return greedy
    return found


def _optimal(mentees, leads, excluded, time_limit: float) -> tuple[list[Plan], list[int]] | None:
    everyone = [m.user_id for m in mentees]
    groups = _groups(mentees, leads, excluded)
    if not groups:
        return [], everyone
    terms: list[tuple[int, ...]] = []  # each column's part in each term of the score
    high: list[float] = []

    def column(score: tuple[int, ...], upper: float) -> int:
        terms.append(score)
        high.append(upper)
        return len(terms) - 1

    nothing = (0,) * len(TERMS)
    x: dict[tuple[int, int], int] = {}
    y: dict[tuple[int, int, Field], int] = {}
    fill: dict[tuple[int, Field], int] = {}
    z: dict[tuple[int, Field], int] = {}
    for g, group in enumerate(groups):
        most = min(group.lead.free_circles, len(group.able) // MIN_SIZE)
        for i in group.able:
            x[i, g] = column(member_score(mentees[i], group.lead, group.band, None), 1)
            for field in mentees[i].fields:
                y[i, g, field] = column((0, 1, 0, 0, 0), 1)
        for field in group.fields:
            fill[g, field] = column(nothing, MAX_SIZE * most)
            z[g, field] = column(nothing, most)
    rows = _Rows()
    for i in range(len(mentees)):  # each girl in one circle at most
        rows.add([(x[key], 1) for key in x if key[0] == i], 0, 1)
    for (i, g), col in x.items():  # in a field's circles only if she is in the group
        rows.add([(y[i, g, f], 1) for f in mentees[i].fields] + [(col, -1)], -np.inf, 0)
    for g, group in enumerate(groups):  # the group's girls without a field circle are its fillers
        rows.add(
            [(x[i, g], 1) for i in group.able]
            + [(y[i, g, f], -1) for i in group.able for f in mentees[i].fields]
            + [(fill[g, f], -1) for f in group.fields],
            0,
            0,
        )
        for f in group.fields:  # MIN_SIZE·z ≤ the field's circles' girls ≤ MAX_SIZE·z
            members = [(y[i, g, f], 1) for i in group.able if f in mentees[i].fields] + [(fill[g, f], 1)]
            rows.add([*members, (z[g, f], -MIN_SIZE)], 0, np.inf)
            rows.add([*members, (z[g, f], -MAX_SIZE)], -np.inf, 0)
    for lead in leads:  # no mentor over her free circles
        mine = [(col, 1) for (g, _), col in z.items() if groups[g].lead.user_id == lead.user_id]
        if mine:
            rows.add(mine, 0, lead.free_circles)
    whole = np.zeros(len(terms))
    whole[list(z.values())] = 1
    chosen = _solve(
        np.array(terms, dtype=float), rows.constraint(len(terms)), np.array(high), whole, len(mentees), time_limit
    )
    if chosen is None:
        return None
    plans = []
    for g, group in enumerate(groups):
        fillers = [mentees[i] for i in group.able if chosen[x[i, g]] and not any(
            chosen[y[i, g, f]] for f in mentees[i].fields)]  # fmt: skip
        for f in group.fields:
            girls = [mentees[i] for i in group.able if f in mentees[i].fields and chosen[y[i, g, f]]]
            girls += [fillers.pop(0) for _ in range(chosen[fill[g, f]])]
            plans += _split(group, f, girls, chosen[z[g, f]])
    placed = {i for plan in plans for i in plan.mentee_ids}
    return plans, [i for i in everyone if i not in placed]


def _solve(terms: np.ndarray, constraints: LinearConstraint, upper: np.ndarray, whole: np.ndarray, girls: int,
           limit: float):  # fmt: skip
    """Whole values for the columns, best term by term: each term is maximised while the ones before it keep
    the best value found (a term not finished in its share of time keeps its best so far).

    Only the circle counts (`whole`) are branched on: with them fixed the girls' side is a network flow, whose
    best faces have whole vertices; the last solve, with the counts fixed and weights that order as the terms
    do, reads one off.
    """
    kept, best = [constraints], None
    deadline = time.monotonic() + limit
    for k in range(len(TERMS)):
        share = max((deadline - time.monotonic()) / (len(TERMS) - k), 0.5)
        found = milp(-terms[:, k], constraints=kept, integrality=whole, bounds=Bounds(0, upper),
                     options={"time_limit": share, "mip_rel_gap": 0})  # fmt: skip
        if found.x is None:
            break
        best = found.x
        kept.append(LinearConstraint(terms[:, k], terms[:, k] @ best - 1e-6, np.inf))
    if best is None:
        return None
    fixed = np.where(whole == 1, np.round(best), 0)
    lexicographic = terms @ np.array(weights(girls), dtype=float)
    bounds = Bounds(fixed, np.where(whole == 1, fixed, upper))
    found = milp(-lexicographic, constraints=constraints, integrality=np.ones(len(upper)), bounds=bounds,
                 options={"time_limit": max(limit / 5, 1)})  # fmt: skip
    return None if found.x is None else np.round(found.x).astype(int)


def weights(count: int) -> list[int]:
    """Integer weights that order by weighted sum exactly as by the terms in turn, for `count` girls (each
    adds at most 3 to a term): each weight is more than all the lower terms can ever add up to."""
    found = [1]
    for _ in TERMS[1:]:
        found.insert(0, 1 + sum(found) * 3 * count)
    return found


class _Rows:
    """A sparse constraint matrix, a row at a time."""

    def __init__(self) -> None:
        self.rows: list[int] = []
        self.cols: list[int] = []
        self.vals: list[float] = []
        self.low: list[float] = []
        self.high: list[float] = []

    def add(self, entries: list[tuple[int, float]], low: float, high: float) -> None:
        for col, val in entries:
            self.rows.append(len(self.low))
            self.cols.append(col)
            self.vals.append(val)
        self.low.append(low)
        self.high.append(high)

    def constraint(self, width: int) -> LinearConstraint:
        matrix = coo_array((self.vals, (self.rows, self.cols)), shape=(len(self.low), width)).tocsr()
        return LinearConstraint(matrix, self.low, self.high)


def _split(group: _Group, field: Field, girls: list[MenteeProfile], count: int) -> list[Plan]:
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
        plans.append(Plan(group.lead.user_id, group.language, band, field, ids))
    return plans
