"""Who may mentor whom, how well they fit (a 0-100 score with its reasons), and the ranking.

Pure functions over plain data: no Telegram, no database, and time is always passed in.
Cohort matching (a whole group at once) lives in `bot.matching.cohort`.
"""

from __future__ import annotations

import heapq
from collections import Counter
from collections.abc import Iterable, Sequence, Set
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import TypeAlias

from bot.domain import Availability, Field, Goal, Language, MeetingFormat, Region, Stage

# Score weights: the points each component gives at its best. They sum to 100.
W_FIELD = 35  # share of her fields the mentor works in
W_TOPIC = 25  # share of her goals that are among the mentor's topics
W_AHEAD = 15  # the mentor is one or more stages further along the pipeline
W_AVAILABILITY = 12  # share of her free times the mentor is also free
W_REGION = 8  # same region, counted only when either side wants to meet in person
W_FAIRNESS = 5  # free capacity and time since her last new mentee: breaks ties, not fit
SAME_STAGE_SHARE = 0.3  # a mentor at her own stage earns this share of W_AHEAD; behind earns 0
FAIRNESS_LOAD_SHARE = 0.5  # of W_FAIRNESS: the share of the mentor's capacity still free
FAIRNESS_WAIT_SHARE = 1 - FAIRNESS_LOAD_SHARE  # of W_FAIRNESS: time since her last new mentee
FAIRNESS_WAIT_DAYS = 60  # that long (or never a mentee yet) earns the whole wait share
HAS_TIME_MIN_SHARE = 0.5  # the has_time reason shows from this share of W_FAIRNESS up
assert W_FIELD + W_TOPIC + W_AHEAD + W_AVAILABILITY + W_REGION + W_FAIRNESS == 100

# Levels for "ahead": returning or switching counts as early career, leader is highest.
STAGE_LEVEL: dict[Stage, int] = {
    Stage.SCHOOL: 0,
    Stage.UNIVERSITY: 1,
    Stage.EARLY_CAREER: 2,
    Stage.RETURNING: 2,
    Stage.EXPERIENCED: 3,
    Stage.LEADER: 4,
}

Exclusions: TypeAlias = Set[tuple[int, int]]
"""(mentee_id, mentor_id) pairs never to match: either side declined, blocked or reported."""


class Rejection(StrEnum):
    """The hard rules, in the order `eligible` checks them; the value names the broken rule."""

    NOT_APPROVED = "not_approved"  # an admin has not approved the mentor (yet)
    PAUSED = "paused"  # the mentor paused herself, or was paused for letting requests expire
    FULL = "full"  # no free capacity: active_mentees >= capacity
    NO_SHARED_LANGUAGE = "no_shared_language"  # they have no language in common
    EXCLUDED = "excluded"  # either side declined, blocked or reported the other
    NOT_CLEARED_FOR_MINORS = "not_cleared_for_minors"  # she is a minor, the mentor is not cleared


NOT_IN_FIELD = "not_in_field"
"""Counted by `why_no_match` when narrowing by field: eligible, but not in that field."""


@dataclass(frozen=True, slots=True)
class MenteeProfile:
    user_id: int
    fields: frozenset[Field]
    goals: frozenset[Goal]
    stage: Stage
    languages: frozenset[Language]
    availability: frozenset[Availability]
    meeting_format: MeetingFormat
    region: Region
    is_minor: bool


@dataclass(frozen=True, slots=True)
class MentorProfile:
    user_id: int
    fields: frozenset[Field]
    topics: frozenset[Goal]
    stage: Stage
    languages: frozenset[Language]
    availability: frozenset[Availability]
    meeting_format: MeetingFormat
    region: Region
    approved: bool
    paused: bool
    cleared_for_minors: bool
    capacity: int
    active_mentees: int
    last_new_mentee_at: datetime | None
    last_active_at: datetime | None  # shown on cards; not part of the score


@dataclass(frozen=True, slots=True)
class Reason:
    """Why a mentor fits, as data; rendering into words happens elsewhere.

    Codes and their values (enum codes, in the enums' declaration order):
    - "shared_language": the languages both speak, e.g. ("ky", "ru"). Always present on
      an eligible pair and always listed first: it is the precondition, worth no points.
    - "field": the fields both work in, e.g. ("it", "data_ai").
    - "topic": her goals the mentor offers as topics, e.g. ("first_job",).
    - "ahead": the mentor is further along; value is the mentor's stage, e.g. ("experienced",).
    - "same_stage": the mentor is at her stage (a few points); e.g. ("university",).
    - "availability": the times both are free, e.g. ("wd_evening", "weekend").
    - "region": same region and either side wants to meet in person, e.g. ("osh",).
      "abroad" never counts: two people abroad are rarely in the same place.
    - "has_time": () the mentor has room and has not had a new mentee lately (fairness).
    After the language, reasons come strongest (most points) first.
    """

    code: str
    values: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Match:
    mentor_id: int
    score: int  # 0..100
    reasons: tuple[Reason, ...]


def eligible(mentee: MenteeProfile, mentor: MentorProfile, exclusions: Exclusions) -> str | None:
    """None if the pair may be matched, else the `Rejection` code of the first rule broken."""
    if not mentor.approved:
        return Rejection.NOT_APPROVED
    if mentor.paused:
        return Rejection.PAUSED
    if mentor.active_mentees >= mentor.capacity:
        return Rejection.FULL
    if mentee.languages.isdisjoint(mentor.languages):
        return Rejection.NO_SHARED_LANGUAGE
    if (mentee.user_id, mentor.user_id) in exclusions:
        return Rejection.EXCLUDED
    if mentee.is_minor and not mentor.cleared_for_minors:
        return Rejection.NOT_CLEARED_FOR_MINORS
    return None


def why_no_match(
    mentee: MenteeProfile,
    mentors: Iterable[MentorProfile],
    exclusions: Exclusions,
    *,
    field: Field | None = None,
) -> dict[str, int]:
    """How many mentors each hard rule excluded, every `Rejection` code present (maybe 0).

    A mentor is counted once, under the first rule she breaks (the order of `eligible`).
    With `field`, eligible mentors outside that field are counted under "not_in_field".
    """
    counts: Counter[str] = Counter()
    for mentor in mentors:
        code = eligible(mentee, mentor, exclusions)
        if code is None and field is not None and field not in mentor.fields:
            code = NOT_IN_FIELD
        if code is not None:
            counts[code] += 1
    result = {str(code): counts[code] for code in Rejection}
    if field is not None:
        result[NOT_IN_FIELD] = counts[NOT_IN_FIELD]
    return result


def fairness_share(mentor: MentorProfile, now: datetime) -> float:
    """0..1: the share of capacity still free, and how long since her last new mentee.

    Clamped with comparisons rather than min/max: this runs once per mentor per ranking.
    """
    capacity, active = mentor.capacity, mentor.active_mentees
    if capacity <= 0 or active >= capacity:
        free = 0.0
    elif active <= 0:
        free = 1.0
    else:
        free = (capacity - active) / capacity
    last = mentor.last_new_mentee_at
    if last is None:
        wait = 1.0
    else:
        days = (now - last).total_seconds() / 86400
        wait = 1.0 if days >= FAIRNESS_WAIT_DAYS else 0.0 if days <= 0 else days / FAIRNESS_WAIT_DAYS
    return FAIRNESS_LOAD_SHARE * free + FAIRNESS_WAIT_SHARE * wait


def weighted(field: float, topic: float, stage: float, availability: float, region: float, fairness: float) -> float:
    """The score before rounding, from each component's 0..1 share.

    Written once for floats and numpy arrays alike (arrays work too), so that
    `bot.matching.cohort` computes exactly the same numbers as `score`.
    """
    return (
        W_FIELD * field
        + W_TOPIC * topic
        + W_AHEAD * stage
        + W_AVAILABILITY * availability
        + W_REGION * region
        + W_FAIRNESS * fairness
    )


def _points(raw: float) -> int:
    """Round half up; every share is in 0..1 and the weights sum to 100, so 0..100."""
    return int(raw + 0.5)


def _stage_share(mentee_stage: Stage, mentor_stage: Stage) -> float:
    ahead = STAGE_LEVEL[mentor_stage] - STAGE_LEVEL[mentee_stage]
    return 1.0 if ahead > 0 else SAME_STAGE_SHARE if ahead == 0 else 0.0


def _region_share(mentee: MenteeProfile, mentor: MentorProfile) -> float:
    online_only = mentee.meeting_format == MeetingFormat.ONLINE and mentor.meeting_format == MeetingFormat.ONLINE
    same = mentee.region == mentor.region and mentee.region != Region.ABROAD
    return 1.0 if same and not online_only else 0.0


def _in_order(enum: type[StrEnum], chosen: frozenset) -> tuple[str, ...]:
    return tuple(member.value for member in enum if member in chosen)


def score(mentee: MenteeProfile, mentor: MentorProfile, now: datetime) -> Match:
    """How well the mentor fits her, 0..100, with the reasons that contributed.

    Hard rules are not checked here (see `eligible`); the shared-language reason is
    present whenever they share a language.
    """
    fields = mentee.fields & mentor.fields
    goals = mentee.goals & mentor.topics
    times = mentee.availability & mentor.availability
    shares = (
        len(fields) / max(len(mentee.fields), 1),
        len(goals) / max(len(mentee.goals), 1),
        _stage_share(mentee.stage, mentor.stage),
        len(times) / max(len(mentee.availability), 1),
        _region_share(mentee, mentor),
        fairness_share(mentor, now),
    )
    stage_code = "ahead" if shares[2] == 1.0 else "same_stage"
    found = (
        (W_FIELD * shares[0], Reason("field", _in_order(Field, fields))),
        (W_TOPIC * shares[1], Reason("topic", _in_order(Goal, goals))),
        (W_AHEAD * shares[2], Reason(stage_code, (str(mentor.stage),))),
        (W_AVAILABILITY * shares[3], Reason("availability", _in_order(Availability, times))),
        (W_REGION * shares[4], Reason("region", (str(mentee.region),))),
    )
    contributed = sorted((item for item in found if item[0] > 0), key=lambda item: -item[0])
    reasons = [reason for _, reason in contributed]
    if shares[5] >= HAS_TIME_MIN_SHARE:
        reasons.append(Reason("has_time", ()))
    languages = _in_order(Language, mentee.languages & mentor.languages)
    if languages:
        reasons.insert(0, Reason("shared_language", languages))
    return Match(mentor.user_id, _points(weighted(*shares)), tuple(reasons))


def rank_mentors(
    mentee: MenteeProfile,
    mentors: Sequence[MentorProfile],
    exclusions: Exclusions,
    now: datetime,
    *,
    limit: int = 5,
    field: Field | None = None,
) -> list[Match]:
    """Her best `limit` eligible mentors (only those in `field`, if given).

    Sorted by score, highest first; equal scores by mentor_id, lowest first. Only the
    winners get their reasons built; the rest are scored on the fast path below,
    which must stay in step with `score` and `eligible` (the tests check it does).
    """
    if limit <= 0:
        return []
    me = mentee.user_id
    languages, minor = mentee.languages, mentee.is_minor
    fields, goals, times = mentee.fields, mentee.goals, mentee.availability
    n_fields, n_goals, n_times = max(len(fields), 1), max(len(goals), 1), max(len(times), 1)
    stage_share = {stage: _stage_share(mentee.stage, stage) for stage in Stage}
    region = None if mentee.region == Region.ABROAD else mentee.region
    she_online = mentee.meeting_format == MeetingFormat.ONLINE
    online = MeetingFormat.ONLINE

    def candidates() -> Iterable[tuple[int, int, int]]:
        for i, m in enumerate(mentors):
            if field is not None and field not in m.fields:
                continue
            if (
                not m.approved
                or m.paused
                or m.active_mentees >= m.capacity
                or languages.isdisjoint(m.languages)
                or (me, m.user_id) in exclusions
                or (minor and not m.cleared_for_minors)
            ):
                continue
            same_place = m.region == region and not (she_online and m.meeting_format == online)
            raw = weighted(
                len(fields & m.fields) / n_fields,
                len(goals & m.topics) / n_goals,
                stage_share[m.stage],
                len(times & m.availability) / n_times,
                1.0 if same_place else 0.0,
                fairness_share(m, now),
            )
            yield _points(raw), -m.user_id, i

    best = heapq.nlargest(limit, candidates())
    return [score(mentee, mentors[i], now) for _, _, i in best]
