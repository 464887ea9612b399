"""The rules of circles, pure: who may be in one, how waiting mentees are grouped, which states follow
which. No Telegram, no SQL; `now` is passed in.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence, Set
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.domain import Availability, Field, Language, Region
from bot.matching.rules import MenteeProfile
from bot.safety import Person, pair_refusal

MIN_SIZE = 3
MAX_SIZE = 8
QUIET_AFTER = timedelta(days=21)  # a circle with no message and no session this long nudges its mentor
MESSAGE_MAX = 2000
MINOR_BAND, ADULT_BAND = "14-17", "18+"

# A circle's states, as for a mentorship; every move is recorded as an event.
MOVES: dict[str, frozenset[str]] = {
    "forming": frozenset({"active", "cancelled"}),
    "active": frozenset({"paused", "completed", "cancelled"}),
    "paused": frozenset({"active", "completed", "cancelled"}),
    "completed": frozenset(),
    "cancelled": frozenset(),
}
CURRENT = ("forming", "active", "paused")


class CircleRefused(Exception):
    """A use case refuses; `code` says why (the handlers turn it into words)."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def may_move(status: str, to: str) -> bool:
    return to in MOVES.get(status, frozenset())


def band_of(minor: bool) -> str:
    return MINOR_BAND if minor else ADULT_BAND


@dataclass(frozen=True, slots=True)
class Lead:
    """A mentor as the grouping sees her: what she shares with girls and how many circles she can still lead."""

    user_id: int
    languages: frozenset[Language]
    fields: frozenset[Field]
    availability: frozenset[Availability]
    region: Region
    cleared_for_minors: bool
    free_circles: int


@dataclass(frozen=True, slots=True)
class Plan:
    """One circle the grouping proposes."""

    mentor_id: int
    language: Language
    band: str
    field: Field
    mentee_ids: tuple[int, ...]


def member_refusal(
    mentee: Person,
    leads: Sequence[Person],
    band: str,
    *,
    reported_a_lead: bool,
    in_another_circle: bool,
) -> str | None:
    """None if she may be in a circle of this band led by these mentors, else why not.

    The one-to-one rules hold for each mentor (suspended, under 14, consent, cleared for minors, her
    open report); a minor joins only a circle marked as having minors (its rules are on).
    """
    for lead in leads:
        refused = pair_refusal(mentee, lead, reported_by_her=reported_a_lead)
        if refused:
            return refused
    if mentee.minor and band != MINOR_BAND:
        return "wrong_age_band"
    if in_another_circle:
        return "in_a_circle"
    return None


def co_mentor_refusal(candidate: Person | None, band: str, *, available: bool, speaks: bool) -> str | None:
    """None if this mentor may co-lead a circle of this band and language, on her side; each member is
    then checked against her with `member_refusal`, as at formation."""
    if candidate is None or candidate.role != "mentor" or candidate.mentor_status != "approved":
        return "mentor_unavailable"
    if candidate.suspended or not available:
        return "mentor_unavailable"
    if not speaks:
        return "language"
    if band == MINOR_BAND and not candidate.cleared_for_minors:
        return "not_cleared_for_minors"
    return None


def _size_for(pool: int) -> int:
    """As many as fit, but never leaving a remainder too small to be a circle of its own."""
    if pool <= MAX_SIZE:
        return pool
    rest = pool - MAX_SIZE
    return MAX_SIZE if rest >= MIN_SIZE else max(MIN_SIZE, pool - MIN_SIZE)


def _best_field(pool: Iterable[MenteeProfile], lead: Lead) -> Field:
    counts = Counter(field for m in pool for field in m.fields)
    order = list(Field)
    return max(order, key=lambda f: (counts[f], f in lead.fields, -order.index(f)))


def _candidate(lead: Lead, language: Language, left: dict[int, MenteeProfile], excluded: Set):
    pool = [
        m
        for m in left.values()
        if language in m.languages
        and (lead.cleared_for_minors or not m.is_minor)
        and (m.user_id, lead.user_id) not in excluded
    ]
    if len(pool) < MIN_SIZE:
        return None
    field = _best_field(pool, lead)
    minors = sum(m.is_minor for m in pool) * 2 >= len(pool)
    # Field first, then the same age band as most, then shared free time, then region, then who
    # has waited longest (lower id).
    pool.sort(
        key=lambda m: (
            field not in m.fields,
            m.is_minor != minors,
            -len(m.availability & lead.availability),
            m.region != lead.region,
        )
    )
    group = pool[: _size_for(len(pool))]
    quality = (
        len(group),
        sum(field in m.fields for m in group),
        sum(m.is_minor == minors for m in group),
        sum(len(m.availability & lead.availability) for m in group),
        sum(m.region == lead.region for m in group),
    )
    band = band_of(any(m.is_minor for m in group))
    return quality, Plan(lead.user_id, language, band, field, tuple(sorted(m.user_id for m in group)))


def greedy_circles(
    mentees: Sequence[MenteeProfile], leads: Sequence[Lead], excluded: Set[tuple[int, int]]
) -> tuple[list[Plan], list[int]]:
    """Circles from waiting mentees under each mentor's free circles, fast and good, not always the best
    (`grouping.plan_circles` is; it keeps this plan when its own search runs out of time with a worse one).

    Greedy by quality: each round takes the best circle any free mentor could lead (most girls, then
    most sharing its field, then one age band, then free time, then region). Language is a hard
    rule (everyone speaks the circle's), and so are minors': a circle with a minor (band 14-17) has
    a mentor cleared for minors.
    """
    left = {m.user_id: m for m in sorted(mentees, key=lambda m: m.user_id)}
    free = {lead.user_id: lead.free_circles for lead in leads}
    by_id = {lead.user_id: lead for lead in sorted(leads, key=lambda lead: lead.user_id)}
    plans: list[Plan] = []
    while True:
        best = None
        for lead in by_id.values():
            if free[lead.user_id] <= 0:
                continue
            for language in sorted(lead.languages):
                found = _candidate(lead, language, left, excluded)
                if found and (best is None or found[0] > best[0]):
                    best = found
        if best is None:
            return plans, sorted(left)
        plan = best[1]
        plans.append(plan)
        free[plan.mentor_id] -= 1
        for mentee_id in plan.mentee_ids:
            del left[mentee_id]


def plan_breaks(plan: Plan, lead: Lead, members: Sequence[MenteeProfile], excluded: Set[tuple[int, int]]) -> str | None:
    """The first hard rule a proposed circle breaks, or None (checked again before anything is saved)."""
    if not MIN_SIZE <= len(members) <= MAX_SIZE:
        return "size"
    if plan.language not in lead.languages or any(plan.language not in m.languages for m in members):
        return "language"
    if band_of(any(m.is_minor for m in members)) != plan.band:
        return "age_band"
    if plan.band == MINOR_BAND and not lead.cleared_for_minors:
        return "not_cleared_for_minors"
    if any((m.user_id, lead.user_id) in excluded for m in members):
        return "excluded"
    return None


def is_quiet(last_activity: datetime, nudged_at: datetime | None, now: datetime) -> bool:
    """Quiet for three weeks, and not nudged since it went quiet."""
    return now - last_activity >= QUIET_AFTER and (nudged_at is None or nudged_at < last_activity + QUIET_AFTER)


# Circle sessions.
SESSION_MINUTES = 60
SESSION_LEAD = timedelta(hours=1)  # a group needs at least this to see the card and plan
TOPIC_MAX = 200


def session_time_refusal(start: datetime, now: datetime) -> str | None:
    if start - now < SESSION_LEAD:
        return "too_soon"
    if start - now > timedelta(days=90):
        return "too_far"
    return None


def room_for(band: str, own_link: str | None, generated: str) -> str:
    """A circle with a minor always meets in a generated room (no mentor's personal link); others
    use the mentor's own link when she has one."""
    return generated if band == MINOR_BAND or not own_link else own_link


def reminded(rsvp: str | None) -> bool:
    """Reminders go to everyone who has not said she can't come."""
    return rsvp != "no"
