"""Cohort matching: assign a whole group of waiting mentees at once, maximising total score.

The optimum comes from `scipy.optimize.linear_sum_assignment` on a mentee × slot matrix
(one column per free place of a mentor); `greedy_match` is the simple baseline.
Scores are the same numbers `bot.matching.score` gives, computed for all pairs at once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import numpy as np

from bot.domain import Availability, Field, Goal, Language, MeetingFormat, Region
from bot.matching.rules import (
    SAME_STAGE_SHARE,
    STAGE_LEVEL,
    Exclusions,
    MenteeProfile,
    MentorProfile,
    Rejection,
    fairness_share,
    weighted,
)

NO_MENTORS = "no_mentors"
"""Unmatched: there were no mentors at all."""
NO_FREE_SLOT = "no_free_slot"
"""Unmatched: some mentors were eligible, but their free places went to others."""
# When no mentor at all was eligible for her, the reason is a `Rejection` code: the pair
# rule (language, exclusion, minors) that shut out the most mentors who were otherwise
# open; if none were open, the commonest of not_approved, paused and full. Ties: the
# earlier rule.
_MENTOR_RULES = 3  # the first three Rejection codes concern the mentor alone


@dataclass(frozen=True, slots=True)
class CohortResult:
    assignments: list[tuple[int, int, int]]  # (mentee_id, mentor_id, score), in mentee order
    unmatched: dict[int, str]  # mentee_id -> reason code
    total_score: int
    average_score: float  # over the assignments; 0.0 when there are none


def _bits(values: frozenset, bit: dict) -> int:
    mask = 0
    for value in values:
        mask |= bit[value]
    return mask


_FIELD_BIT = {member: 1 << i for i, member in enumerate(Field)}
_GOAL_BIT = {member: 1 << i for i, member in enumerate(Goal)}
_TIME_BIT = {member: 1 << i for i, member in enumerate(Availability)}
_LANGUAGE_BIT = {member: 1 << i for i, member in enumerate(Language)}
_REGION_CODE = {member: i for i, member in enumerate(Region)}


def _column(values: list) -> np.ndarray:
    return np.array(values, dtype=np.int64)


def _share(wanted: np.ndarray, offered: np.ndarray) -> np.ndarray:
    """Per pair: the share of the mentee's choices the mentor also has (as `score` does)."""
    together = np.bitwise_count(wanted[:, None] & offered[None, :]).astype(np.int64)
    return together / np.maximum(np.bitwise_count(wanted).astype(np.int64), 1)[:, None]


@dataclass(slots=True)
class _Problem:
    mentee_ids: list[int]
    mentor_ids: list[int]  # ascending, so the first best column is the lowest mentor_id
    scores: np.ndarray  # int64, mentees × mentors
    allowed: np.ndarray  # bool, mentees × mentors: every hard rule holds
    obstacle: np.ndarray  # int, mentees: index into Rejection of her main obstacle
    free: np.ndarray  # int64, mentors: free places before the cohort


def _side(people: list, *, abroad: int) -> tuple[np.ndarray, ...]:
    """The columns both sides have: fields, times, languages, stage level, region, online.
    "abroad" never counts as the same region: each side's `abroad` is a code the other never has."""
    return (
        _column([_bits(m.fields, _FIELD_BIT) for m in people]),
        _column([_bits(m.availability, _TIME_BIT) for m in people]),
        _column([_bits(m.languages, _LANGUAGE_BIT) for m in people]),
        _column([STAGE_LEVEL[m.stage] for m in people]),
        _column([abroad if m.region == Region.ABROAD else _REGION_CODE[m.region] for m in people]),
        np.array([m.meeting_format == MeetingFormat.ONLINE for m in people], bool),
    )


def _prepare(
    mentees: Sequence[MenteeProfile],
    mentors: Sequence[MentorProfile],
    exclusions: Exclusions,
    now: datetime,
) -> _Problem:
    first_mentees: dict[int, MenteeProfile] = {}
    for mentee in mentees:  # a repeated user_id counts once: the first
        first_mentees.setdefault(mentee.user_id, mentee)
    mentees = list(first_mentees.values())
    first_mentors: dict[int, MentorProfile] = {}
    for mentor in mentors:
        first_mentors.setdefault(mentor.user_id, mentor)
    mentors = [first_mentors[i] for i in sorted(first_mentors)]

    e_fields, e_times, e_langs, e_level, e_region, e_online = _side(mentees, abroad=-1)
    e_goals = _column([_bits(m.goals, _GOAL_BIT) for m in mentees])
    e_minor = np.array([m.is_minor for m in mentees], bool)

    r_fields, r_times, r_langs, r_level, r_region, r_online = _side(mentors, abroad=-2)
    r_topics = _column([_bits(m.topics, _GOAL_BIT) for m in mentors])
    r_fairness = np.array([fairness_share(m, now) for m in mentors], dtype=np.float64)

    ahead = r_level[None, :] - e_level[:, None]
    raw = weighted(
        _share(e_fields, r_fields),
        _share(e_goals, r_topics),
        np.where(ahead > 0, 1.0, np.where(ahead == 0, SAME_STAGE_SHARE, 0.0)),
        _share(e_times, r_times),
        ((e_region[:, None] == r_region[None, :]) & ~(e_online[:, None] & r_online[None, :])).astype(np.float64),
        r_fairness[None, :],
    )
    scores = np.floor(raw + 0.5).astype(np.int64)  # as matching._points

    # The hard rules, in `eligible`'s order; each pair is charged to the first it breaks.
    n, m = len(mentees), len(mentors)
    excluded = np.zeros((n, m), dtype=bool)
    mentee_index = {mentee.user_id: i for i, mentee in enumerate(mentees)}
    mentor_index = {mentor.user_id: j for j, mentor in enumerate(mentors)}
    for mentee_id, mentor_id in exclusions:
        i, j = mentee_index.get(mentee_id), mentor_index.get(mentor_id)
        if i is not None and j is not None:
            excluded[i, j] = True
    broken = {
        Rejection.NOT_APPROVED: np.array([not r.approved for r in mentors], bool)[None, :],
        Rejection.PAUSED: np.array([r.paused for r in mentors], bool)[None, :],
        Rejection.FULL: np.array([r.active_mentees >= r.capacity for r in mentors], bool)[None, :],
        Rejection.NO_SHARED_LANGUAGE: (e_langs[:, None] & r_langs[None, :]) == 0,
        Rejection.EXCLUDED: excluded,
        Rejection.NOT_CLEARED_FOR_MINORS: e_minor[:, None]
        & ~np.array([r.cleared_for_minors for r in mentors], bool)[None, :],
    }
    allowed = np.ones((n, m), dtype=bool)
    charged = np.zeros((len(Rejection), n), dtype=np.int64)
    for k, code in enumerate(Rejection):
        charged[k] = (allowed & broken[code]).sum(axis=1)
        allowed &= ~broken[code]

    free = np.maximum(_column([r.capacity - r.active_mentees for r in mentors]), 0)
    return _Problem(
        mentee_ids=[mentee.user_id for mentee in mentees],
        mentor_ids=[mentor.user_id for mentor in mentors],
        scores=scores,
        allowed=allowed,
        obstacle=np.where(
            charged[_MENTOR_RULES:].sum(axis=0) > 0,
            _MENTOR_RULES + charged[_MENTOR_RULES:].argmax(axis=0),
            charged[:_MENTOR_RULES].argmax(axis=0),
        ),
        free=free,
    )


def _result(problem: _Problem, chosen: dict[int, int]) -> CohortResult:
    """Build the result from mentee row -> mentor column, explaining everyone left out."""
    rules = list(Rejection)
    assignments, unmatched = [], {}
    for i, mentee_id in enumerate(problem.mentee_ids):
        j = chosen.get(i)
        if j is not None:
            assignments.append((mentee_id, problem.mentor_ids[j], int(problem.scores[i, j])))
        elif not problem.mentor_ids:
            unmatched[mentee_id] = NO_MENTORS
        elif problem.allowed[i].any():
            unmatched[mentee_id] = NO_FREE_SLOT
        else:
            unmatched[mentee_id] = str(rules[problem.obstacle[i]])
    total = sum(score for _, _, score in assignments)
    average = total / len(assignments) if assignments else 0.0
    return CohortResult(assignments, unmatched, total, average)


def cohort_match(
    mentees: Sequence[MenteeProfile],
    mentors: Sequence[MentorProfile],
    exclusions: Exclusions,
    now: datetime,
) -> CohortResult:
    """An optimal assignment: the largest total score under the hard rules and free places.

    Each mentee gets at most one mentor; a mentor takes at most capacity - active_mentees.
    Among equally good totals it prefers assigning more mentees. Fairness uses the
    mentors' state before the cohort. A duplicated user_id counts once (the first).
    """
    problem = _prepare(mentees, mentors, exclusions, now)
    allowed = problem.allowed
    # Only usable columns: a mentor needs no more slots than mentees allowed to take them.
    slots = np.minimum(problem.free, allowed.sum(axis=0))
    rows = np.flatnonzero(allowed.any(axis=1))
    cols = np.flatnonzero(slots > 0)
    chosen: dict[int, int] = {}
    if len(rows) and len(cols):
        sub_allowed = allowed[np.ix_(rows, cols)]
        # score * K + 1 for allowed pairs, 0 for forbidden ones: with K above the number
        # of rows, the total score comes first and the number assigned breaks ties, and
        # a forbidden pair is never better than leaving the mentee unmatched.
        k = len(rows) + 1
        gain = np.where(sub_allowed, problem.scores[np.ix_(rows, cols)] * k + 1, 0)
        slot_of = np.repeat(np.arange(len(cols)), slots[cols])
        # Slots of one mentor are identical columns: repeat instead of rescoring.
        # scipy is heavy (~40 MB, a second at start-up) and only admins' /cohort needs it.
        from scipy.optimize import linear_sum_assignment

        picked_rows, picked_slots = linear_sum_assignment(gain[:, slot_of], maximize=True)
        for r, s in zip(picked_rows, picked_slots, strict=True):
            c = slot_of[s]
            if sub_allowed[r, c]:
                chosen[int(rows[r])] = int(cols[c])
    return _result(problem, chosen)


def greedy_match(
    mentees: Sequence[MenteeProfile],
    mentors: Sequence[MentorProfile],
    exclusions: Exclusions,
    now: datetime,
) -> CohortResult:
    """The baseline: each mentee in turn takes her best eligible mentor who still has room.

    Ties go to the lowest mentor_id, as in `rank_mentors`.
    """
    problem = _prepare(mentees, mentors, exclusions, now)
    room = problem.free.copy()
    chosen: dict[int, int] = {}
    for i in range(len(problem.mentee_ids)):
        open_ = problem.allowed[i] & (room > 0)
        if open_.any():
            j = int(np.argmax(np.where(open_, problem.scores[i], -1)))
            chosen[i] = j
            room[j] -= 1
    return _result(problem, chosen)
