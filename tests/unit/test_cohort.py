"""Cohort matching: optimal under capacities and hard rules, never worse than greedy."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from datetime import timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.domain import Field, Language, Stage
from bot.matching.cohort import NO_FREE_SLOT, NO_MENTORS, CohortResult, cohort_match, greedy_match
from bot.matching.rules import MenteeProfile, MentorProfile, eligible, score
from tests.support.profiles import AIDA, GULNARA, NO_EXCLUSIONS, NOW
from tests.support.profiles import mentees as any_mentee
from tests.support.profiles import mentors as any_mentor

ONLY_RU = frozenset({Language.RU})


def points(mentee: MenteeProfile, mentor: MentorProfile) -> int:
    return score(mentee, mentor, NOW).score


def test_greedy_is_beaten_by_the_optimal_assignment() -> None:
    # Aida fits both mentors, Gulnara a little better. Bermet speaks only Russian, which
    # only Gulnara does. Greedy gives Gulnara to Aida and leaves Bermet out; the optimum
    # gives Aida the other mentor and Bermet Gulnara.
    aida = AIDA
    bermet = replace(AIDA, user_id=2, languages=ONLY_RU)
    gulnara = replace(
        GULNARA,
        user_id=100,
        capacity=1,
        active_mentees=0,
        languages=frozenset({Language.KY, Language.RU}),
    )
    nurzat = replace(GULNARA, user_id=101, capacity=1, active_mentees=0, fields=frozenset({Field.MATH}))
    assert points(aida, gulnara) > points(aida, nurzat)
    assert eligible(bermet, nurzat, NO_EXCLUSIONS) == "no_shared_language"

    greedy = greedy_match([aida, bermet], [gulnara, nurzat], NO_EXCLUSIONS, NOW)
    assert greedy.assignments == [(1, 100, points(aida, gulnara))]
    assert greedy.unmatched == {2: NO_FREE_SLOT}

    best = cohort_match([aida, bermet], [gulnara, nurzat], NO_EXCLUSIONS, NOW)
    assert best.assignments == [(1, 101, points(aida, nurzat)), (2, 100, points(bermet, gulnara))]
    assert best.unmatched == {}
    assert best.total_score == points(aida, nurzat) + points(bermet, gulnara)
    assert best.total_score > greedy.total_score
    assert best.average_score == best.total_score / 2


def test_free_places_not_capacity_limit_a_mentor() -> None:
    mentor = replace(GULNARA, capacity=3, active_mentees=1)
    cohort = [replace(AIDA, user_id=i) for i in range(1, 5)]
    result = cohort_match(cohort, [mentor], NO_EXCLUSIONS, NOW)
    assert len(result.assignments) == 2
    assert list(result.unmatched.values()) == [NO_FREE_SLOT, NO_FREE_SLOT]


def test_fairness_uses_the_state_before_the_cohort() -> None:
    mentor = replace(GULNARA, capacity=5, active_mentees=0, last_new_mentee_at=None)
    cohort = [replace(AIDA, user_id=i) for i in range(1, 4)]
    result = cohort_match(cohort, [mentor], NO_EXCLUSIONS, NOW)
    assert {s for _, _, s in result.assignments} == {points(AIDA, mentor)}


def test_unmatched_reasons() -> None:
    alone = cohort_match([AIDA], [], NO_EXCLUSIONS, NOW)
    assert alone.unmatched == {1: NO_MENTORS}
    assert alone.assignments == [] and alone.total_score == 0 and alone.average_score == 0.0
    minor = replace(AIDA, user_id=2, is_minor=True)
    russian = replace(AIDA, user_id=3, languages=ONLY_RU)
    mentors = [GULNARA, replace(GULNARA, user_id=101, paused=True)]
    result = cohort_match([minor, russian], mentors, NO_EXCLUSIONS, NOW)
    assert result.unmatched == {2: "not_cleared_for_minors", 3: "no_shared_language"}
    excluded = cohort_match([AIDA], [GULNARA], frozenset({(1, 100)}), NOW)
    assert excluded.unmatched == {1: "excluded"}


def test_a_zero_score_pair_is_still_assigned() -> None:
    mentee = replace(AIDA, fields=frozenset(), goals=frozenset(), availability=frozenset())
    mentor = replace(GULNARA, stage=Stage.SCHOOL, capacity=20, active_mentees=19, last_new_mentee_at=NOW)
    assert points(mentee, mentor) == 0
    result = cohort_match([mentee], [mentor], NO_EXCLUSIONS, NOW)
    assert result.assignments == [(1, 100, 0)]


def test_duplicated_ids_count_once() -> None:
    mentor = replace(GULNARA, capacity=5, active_mentees=0)
    result = cohort_match([AIDA, AIDA], [mentor, mentor], NO_EXCLUSIONS, NOW)
    assert result.assignments == [(1, 100, points(AIDA, mentor))]


def test_no_mentees() -> None:
    assert cohort_match([], [GULNARA], NO_EXCLUSIONS, NOW) == CohortResult([], {}, 0, 0.0)


# --- properties -----------------------------------------------------------------------

# Mostly Russian speakers with room, so that most examples have something to assign.
cohorts = st.lists(
    any_mentee.map(lambda m: replace(m, languages=m.languages | ONLY_RU)),
    min_size=2,
    max_size=5,
    unique_by=lambda m: m.user_id,
)
mentor_pools = st.lists(
    any_mentor.map(
        lambda m: replace(
            m,
            languages=m.languages | ONLY_RU,
            approved=True,
            paused=False,
            capacity=1 + m.capacity % 2,
            active_mentees=m.active_mentees % 2,
        )
    ),
    min_size=1,
    max_size=4,
    unique_by=lambda m: m.user_id,
)
exclusion_sets = st.frozensets(st.tuples(st.integers(1, 5), st.integers(100, 140)), max_size=6)


def check_valid(result: CohortResult, cohort, pool, exclusions) -> None:
    mentees = {m.user_id: m for m in cohort}
    mentors = {m.user_id: m for m in pool}
    assigned = [mentee_id for mentee_id, _, _ in result.assignments]
    assert len(assigned) == len(set(assigned))
    assert set(assigned) | set(result.unmatched) == set(mentees)
    assert not set(assigned) & set(result.unmatched)
    load = Counter(mentor_id for _, mentor_id, _ in result.assignments)
    for mentor_id, taken in load.items():
        mentor = mentors[mentor_id]
        assert taken <= mentor.capacity - mentor.active_mentees
    for mentee_id, mentor_id, value in result.assignments:
        mentee, mentor = mentees[mentee_id], mentors[mentor_id]
        assert eligible(mentee, mentor, exclusions) is None
        assert value == points(mentee, mentor)
    assert result.total_score == sum(value for _, _, value in result.assignments)


def best_total(cohort, pool, exclusions) -> int:
    """Brute force: every way to give each mentee one mentor or none."""
    room = {m.user_id: m.capacity - m.active_mentees for m in pool}

    def go(i: int) -> int:
        if i == len(cohort):
            return 0
        best = go(i + 1)
        for mentor in pool:
            if room[mentor.user_id] > 0 and eligible(cohort[i], mentor, exclusions) is None:
                room[mentor.user_id] -= 1
                best = max(best, points(cohort[i], mentor) + go(i + 1))
                room[mentor.user_id] += 1
        return best

    return go(0)


@settings(max_examples=80, deadline=None)
@given(cohorts, mentor_pools, exclusion_sets)
def test_cohort_is_valid_optimal_and_beats_greedy(cohort, pool, exclusions) -> None:
    result = cohort_match(cohort, pool, exclusions, NOW)
    greedy = greedy_match(cohort, pool, exclusions, NOW)
    check_valid(result, cohort, pool, exclusions)
    check_valid(greedy, cohort, pool, exclusions)
    assert result.total_score == best_total(cohort, pool, exclusions)
    assert result.total_score >= greedy.total_score


@settings(max_examples=30, deadline=None)
@given(
    st.lists(any_mentee, min_size=20, max_size=40).map(lambda ms: [replace(m, user_id=i) for i, m in enumerate(ms, 1)]),
    st.lists(any_mentor, min_size=5, max_size=15).map(
        lambda ms: [replace(m, user_id=100 + i, last_active_at=NOW - timedelta(days=1)) for i, m in enumerate(ms)]
    ),
    exclusion_sets,
)
def test_larger_cohorts_stay_valid_and_beat_greedy(cohort, pool, exclusions) -> None:
    result = cohort_match(cohort, pool, exclusions, NOW)
    greedy = greedy_match(cohort, pool, exclusions, NOW)
    check_valid(result, cohort, pool, exclusions)
    check_valid(greedy, cohort, pool, exclusions)
    assert result.total_score >= greedy.total_score
