"""Matching: the hard rules, each score component and its reason, ranking, explanations."""

from __future__ import annotations

import random
from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.domain import Availability, Field, Goal, Language, MeetingFormat, Region, Stage
from bot.matching.rules import (
    W_REGION,
    Match,
    Reason,
    Rejection,
    eligible,
    rank_mentors,
    score,
    why_no_match,
)
from tests.support.profiles import AIDA, GULNARA, NO_EXCLUSIONS, NOW, mentees, mentors


def codes(match: Match) -> list[str]:
    return [reason.code for reason in match.reasons]


def reason(match: Match, code: str) -> Reason | None:
    return next((r for r in match.reasons if r.code == code), None)


# --- the baseline, spelled out --------------------------------------------------------


# field 35 * 1/2 + topic 25 * 1/2 + ahead 15 + availability 12 * 1/2
# + fairness 5 * (0.5 * 2/3 free + 0.5 * 10/60 days) = 51 + 2.08 -> 53
GULNARA_MATCH = Match(
    mentor_id=100,
    score=53,
    reasons=(
        Reason("shared_language", ("ky",)),
        Reason("field", ("it",)),
        Reason("ahead", ("experienced",)),
        Reason("topic", ("first_job",)),
        Reason("availability", ("wd_evening",)),
    ),
)


def test_baseline_score_and_reasons() -> None:
    assert score(AIDA, GULNARA, NOW) == GULNARA_MATCH


# --- hard rules: one each -------------------------------------------------------------


@pytest.mark.parametrize(
    ("mentee", "mentor", "exclusions", "code"),
    [
        (AIDA, replace(GULNARA, approved=False), NO_EXCLUSIONS, "not_approved"),
        (AIDA, replace(GULNARA, paused=True), NO_EXCLUSIONS, "paused"),
        (AIDA, replace(GULNARA, active_mentees=3), NO_EXCLUSIONS, "full"),
        (AIDA, replace(GULNARA, capacity=0, active_mentees=0), NO_EXCLUSIONS, "full"),
        (
            AIDA,
            replace(GULNARA, languages=frozenset({Language.EN})),
            NO_EXCLUSIONS,
            "no_shared_language",
        ),
        (AIDA, GULNARA, frozenset({(1, 100)}), "excluded"),
        (replace(AIDA, is_minor=True), GULNARA, NO_EXCLUSIONS, "not_cleared_for_minors"),
    ],
    ids=["approved", "paused", "full", "no_capacity", "language", "excluded", "minor"],
)
def test_each_hard_rule(mentee, mentor, exclusions, code) -> None:
    assert eligible(mentee, mentor, exclusions) == code
    assert rank_mentors(mentee, [mentor], exclusions, NOW) == []


def test_allowed_pair_and_cleared_mentor_for_a_minor() -> None:
    assert eligible(AIDA, GULNARA, NO_EXCLUSIONS) is None
    minor = replace(AIDA, is_minor=True)
    assert eligible(minor, replace(GULNARA, cleared_for_minors=True), NO_EXCLUSIONS) is None


def test_exclusion_is_for_that_pair_only() -> None:
    assert eligible(AIDA, GULNARA, frozenset({(1, 101), (2, 100)})) is None


def test_first_broken_rule_is_reported() -> None:
    mentor = replace(GULNARA, approved=False, paused=True, languages=frozenset())
    assert eligible(AIDA, mentor, NO_EXCLUSIONS) == Rejection.NOT_APPROVED


# --- each score component: change one thing -------------------------------------------


def changed(**mentor_changes: object) -> tuple[int, Match]:
    """The score's change from the baseline, and the new match."""
    match = score(AIDA, replace(GULNARA, **mentor_changes), NOW)
    return match.score - GULNARA_MATCH.score, match


@pytest.mark.parametrize(
    ("answer", "more", "less", "code", "shown"),
    [
        ("fields", {Field.DATA_AI, Field.IT, Field.MATH}, {Field.MATH}, "field", ("it", "data_ai")),
        ("topics", {Goal.FIRST_JOB, Goal.CONFIDENCE}, {Goal.LEADERSHIP}, "topic", ("first_job", "confidence")),
        (
            "availability",
            {Availability.WEEKENDS, Availability.WEEKDAY_EVENINGS},
            {Availability.WEEKDAY_MORNINGS},
            "availability",
            ("wd_evening", "weekend"),
        ),
    ],
    ids=["fields", "goals", "free-time"],
)
def test_more_in_common_scores_higher_and_is_named(answer, more, less, code, shown) -> None:
    delta, match = changed(**{answer: frozenset(more)})
    assert delta > 0
    assert reason(match, code) == Reason(code, shown)
    delta, match = changed(**{answer: frozenset(less)})
    assert delta < 0
    assert reason(match, code) is None


def test_ahead_beats_same_stage_beats_behind() -> None:
    same_delta, same = changed(stage=Stage.UNIVERSITY)
    behind_delta, behind = changed(stage=Stage.SCHOOL)
    assert 0 > same_delta > behind_delta
    assert reason(same, "same_stage") == Reason("same_stage", ("university",))
    assert reason(same, "ahead") is None
    assert "ahead" not in codes(behind) and "same_stage" not in codes(behind)


def test_returning_counts_as_early_career_and_leader_is_highest() -> None:
    early = replace(AIDA, stage=Stage.EARLY_CAREER)
    assert reason(score(early, replace(GULNARA, stage=Stage.RETURNING), NOW), "same_stage")
    assert reason(score(AIDA, replace(GULNARA, stage=Stage.RETURNING), NOW), "ahead")
    experienced = replace(AIDA, stage=Stage.EXPERIENCED)
    assert reason(score(experienced, replace(GULNARA, stage=Stage.LEADER), NOW), "ahead")
    leader = replace(AIDA, stage=Stage.LEADER)
    assert not {"ahead", "same_stage"} & set(codes(score(leader, GULNARA, NOW)))


def test_same_region_counts_when_either_wants_to_meet_in_person() -> None:
    delta, match = changed(region=Region.OSH)
    assert delta == W_REGION
    assert reason(match, "region") == Reason("region", ("osh",))
    online = replace(AIDA, meeting_format=MeetingFormat.ONLINE)
    in_person = replace(GULNARA, region=Region.OSH, meeting_format=MeetingFormat.IN_PERSON)
    assert reason(score(online, in_person, NOW), "region")


def test_online_only_pairs_ignore_region() -> None:
    online = replace(AIDA, meeting_format=MeetingFormat.ONLINE)
    elsewhere = replace(GULNARA, meeting_format=MeetingFormat.ONLINE)
    here = replace(elsewhere, region=Region.OSH)
    assert score(online, here, NOW).score == score(online, elsewhere, NOW).score
    assert reason(score(online, here, NOW), "region") is None


def test_two_people_abroad_are_not_the_same_region() -> None:
    abroad = replace(AIDA, region=Region.ABROAD)
    match = score(abroad, replace(GULNARA, region=Region.ABROAD), NOW)
    assert reason(match, "region") is None


def test_free_capacity_and_a_long_wait_earn_fairness() -> None:
    delta, match = changed(active_mentees=0, last_new_mentee_at=None)
    assert delta > 0
    assert reason(match, "has_time") == Reason("has_time", ())
    assert "has_time" not in codes(GULNARA_MATCH)
    delta, _ = changed(active_mentees=2, last_new_mentee_at=NOW)
    assert delta < 0


def test_fairness_never_outweighs_a_shared_field() -> None:
    idle = replace(GULNARA, active_mentees=0, last_new_mentee_at=None, fields=frozenset())
    busy = replace(GULNARA, active_mentees=2, last_new_mentee_at=NOW)
    assert score(AIDA, busy, NOW).score > score(AIDA, idle, NOW).score


def test_reasons_start_with_the_shared_language_then_strongest_first() -> None:
    mentor = replace(
        GULNARA,
        languages=frozenset({Language.RU, Language.KY, Language.EN}),
        region=Region.OSH,
        availability=frozenset(Availability),
        topics=frozenset(),
    )
    match = score(AIDA, mentor, NOW)
    assert match.reasons[0] == Reason("shared_language", ("ky", "ru"))
    # field 17.5, ahead 15, availability 12, region 8
    assert codes(match)[1:] == ["field", "ahead", "availability", "region"]


def test_a_pair_with_nothing_in_common_but_language_still_says_so() -> None:
    mentee = replace(AIDA, fields=frozenset(), goals=frozenset(), availability=frozenset())
    mentor = replace(GULNARA, stage=Stage.SCHOOL, active_mentees=2, last_new_mentee_at=NOW)
    match = score(mentee, mentor, NOW)
    assert match.reasons == (Reason("shared_language", ("ky",)),)
    assert match.score == 1  # fairness alone: 5 * 0.5 * 1/3


# --- ranking --------------------------------------------------------------------------


def test_fairness_breaks_a_tie_between_equal_mentors() -> None:
    busy = replace(GULNARA, user_id=100, active_mentees=2, last_new_mentee_at=NOW)
    idle = replace(GULNARA, user_id=200, active_mentees=0, last_new_mentee_at=None)
    ranked = rank_mentors(AIDA, [busy, idle], NO_EXCLUSIONS, NOW)
    assert [m.mentor_id for m in ranked] == [200, 100]
    assert ranked[0].score > ranked[1].score


def test_equal_scores_go_to_the_lower_mentor_id() -> None:
    mentors = [replace(GULNARA, user_id=i) for i in (300, 100, 200)]
    assert [m.mentor_id for m in rank_mentors(AIDA, mentors, NO_EXCLUSIONS, NOW)] == [
        100,
        200,
        300,
    ]


def test_field_narrows_the_list() -> None:
    mentors = [
        replace(GULNARA, user_id=100, fields=frozenset({Field.IT})),
        replace(GULNARA, user_id=101, fields=frozenset({Field.SPACE})),
        replace(GULNARA, user_id=102, fields=frozenset({Field.SPACE, Field.IT})),
    ]
    ranked = rank_mentors(AIDA, mentors, NO_EXCLUSIONS, NOW, field=Field.SPACE)
    assert [m.mentor_id for m in ranked] == [102, 101]


def test_limit_and_best_first() -> None:
    mentors = [replace(GULNARA, user_id=100 + i, active_mentees=i % 3) for i in range(20)]
    ranked = rank_mentors(AIDA, mentors, NO_EXCLUSIONS, NOW, limit=3)
    assert len(ranked) == 3
    assert ranked[0].score >= ranked[1].score >= ranked[2].score
    assert ranked[0].score == max(score(AIDA, m, NOW).score for m in mentors)
    assert rank_mentors(AIDA, mentors, NO_EXCLUSIONS, NOW, limit=0) == []


def test_ranking_is_deterministic_whatever_the_input_order() -> None:
    rng = random.Random(7)
    mentors = [
        replace(
            GULNARA,
            user_id=100 + i,
            fields=frozenset(rng.sample(list(Field), 2)),
            topics=frozenset(rng.sample(list(Goal), 2)),
            active_mentees=rng.randint(0, 2),
        )
        for i in range(40)
    ]
    first = rank_mentors(AIDA, mentors, NO_EXCLUSIONS, NOW, limit=10)
    rng.shuffle(mentors)
    assert rank_mentors(AIDA, mentors, NO_EXCLUSIONS, NOW, limit=10) == first


# --- explaining an empty result -------------------------------------------------------


def test_why_no_match_counts_each_rule() -> None:
    mentors = [
        replace(GULNARA, user_id=101, approved=False, paused=True),
        replace(GULNARA, user_id=102, paused=True),
        replace(GULNARA, user_id=103, active_mentees=3),
        replace(GULNARA, user_id=104, languages=frozenset({Language.EN})),
        replace(GULNARA, user_id=105, languages=frozenset({Language.EN})),
        replace(GULNARA, user_id=106),
        replace(GULNARA, user_id=107),
        replace(GULNARA, user_id=108, cleared_for_minors=True, fields=frozenset({Field.SPACE})),
    ]
    minor = replace(AIDA, is_minor=True)
    counts = why_no_match(minor, mentors, frozenset({(1, 106)}))
    assert counts == {
        "not_approved": 1,
        "paused": 1,
        "full": 1,
        "no_shared_language": 2,
        "excluded": 1,
        "not_cleared_for_minors": 1,
    }
    by_field = why_no_match(minor, mentors, frozenset({(1, 106)}), field=Field.IT)
    assert by_field["not_in_field"] == 1


def test_why_no_match_with_no_mentors_is_all_zero() -> None:
    assert set(why_no_match(AIDA, [], NO_EXCLUSIONS).values()) == {0}


# --- properties -----------------------------------------------------------------------

exclusion_sets = st.frozensets(st.tuples(st.integers(1, 5), st.integers(100, 140)), max_size=8)


@settings(max_examples=100, deadline=None)
@given(mentees, mentors)
def test_scores_stay_within_0_and_100(mentee, mentor) -> None:
    match = score(mentee, mentor, NOW)
    assert 0 <= match.score <= 100
    if mentee.languages & mentor.languages:
        assert match.reasons[0].code == "shared_language"


@settings(max_examples=80, deadline=None)
@given(
    mentees,
    st.lists(mentors, max_size=25, unique_by=lambda m: m.user_id),
    exclusion_sets,
    st.integers(1, 8),
    st.one_of(st.none(), st.sampled_from(Field)),
)
def test_ranking_is_the_top_of_all_eligible_scores(mentee, pool, exclusions, limit, field):
    ranked = rank_mentors(mentee, pool, exclusions, NOW, limit=limit, field=field)
    by_id = {m.user_id: m for m in pool}
    for match in ranked:
        assert eligible(mentee, by_id[match.mentor_id], exclusions) is None
        assert field is None or field in by_id[match.mentor_id].fields
        assert match.reasons[0].code == "shared_language"
    keys = [(-m.score, m.mentor_id) for m in ranked]
    assert keys == sorted(keys)
    # The fast path agrees with score() and eligible() on every mentor.
    expected = sorted(
        (
            score(mentee, m, NOW)
            for m in pool
            if eligible(mentee, m, exclusions) is None and (field is None or field in m.fields)
        ),
        key=lambda m: (-m.score, m.mentor_id),
    )[:limit]
    assert ranked == expected
    if not ranked and field is None:
        assert sum(why_no_match(mentee, pool, exclusions).values()) == len(pool)
