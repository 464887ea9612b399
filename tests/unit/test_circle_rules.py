"""Circle grouping: over random formations no circle breaks size, language or the minors' rules."""

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.circles import rules
from bot.circles.grouping import plan_circles
from bot.circles.rules import MAX_SIZE, MIN_SIZE, Lead, band_of, member_refusal, plan_breaks
from bot.domain import Availability, Field, Goal, Language, MeetingFormat, Region, Stage
from bot.matching.rules import MenteeProfile
from bot.safety import Person


def subset(enum):
    return st.frozensets(st.sampled_from(list(enum)), min_size=1, max_size=2)


@st.composite
def mentees(draw):
    count = draw(st.integers(0, 40))
    return [
        MenteeProfile(
            user_id=1000 + i,
            fields=draw(subset(Field)),
            goals=frozenset({Goal.FIRST_JOB}),
            stage=Stage.SCHOOL,
            languages=draw(subset(Language)),
            availability=draw(subset(Availability)),
            meeting_format=MeetingFormat.ONLINE,
            region=draw(st.sampled_from(list(Region))),
            is_minor=draw(st.booleans()),
        )
        for i in range(count)
    ]


@st.composite
def leads(draw):
    count = draw(st.integers(0, 6))
    return [
        Lead(
            user_id=1 + i,
            languages=draw(subset(Language)),
            fields=draw(subset(Field)),
            availability=draw(subset(Availability)),
            region=draw(st.sampled_from(list(Region))),
            cleared_for_minors=draw(st.booleans()),
            free_circles=draw(st.integers(0, 3)),
        )
        for i in range(count)
    ]


@settings(max_examples=60, deadline=None)
@given(mentees(), leads(), st.data())
def test_no_formed_circle_breaks_size_language_or_minors_rules(girls, mentors, data):
    excluded = set()
    if girls and mentors:
        excluded = data.draw(
            st.sets(
                st.tuples(st.sampled_from([g.user_id for g in girls]), st.sampled_from([m.user_id for m in mentors]))
            )
        )
    plans, left = plan_circles(girls, mentors, excluded)
    by_id = {g.user_id: g for g in girls}
    lead_of = {m.user_id: m for m in mentors}
    placed = [i for plan in plans for i in plan.mentee_ids]
    assert len(placed) == len(set(placed))  # nobody is in two circles
    assert sorted(placed + left) == sorted(by_id)
    for plan in plans:
        lead = lead_of[plan.mentor_id]
        members = [by_id[i] for i in plan.mentee_ids]
        assert MIN_SIZE <= len(members) <= MAX_SIZE
        assert plan_breaks(plan, lead, members, excluded) is None
        if any(m.is_minor for m in members):
            assert lead.cleared_for_minors and plan.band == "14-17"
    for lead in mentors:
        assert sum(plan.mentor_id == lead.user_id for plan in plans) <= lead.free_circles


def test_grouping_puts_a_shared_language_first_then_the_field():
    def girl(i, language, field):
        return MenteeProfile(
            i, frozenset({field}), frozenset(), Stage.SCHOOL, frozenset({language}),
            frozenset({Availability.WEEKENDS}), MeetingFormat.ONLINE, Region.BISHKEK, False,
        )  # fmt: skip

    girls = [girl(10 + i, Language.KY, Field.IT) for i in range(4)] + [
        girl(20 + i, Language.RU, Field.IT) for i in range(3)
    ]
    lead = Lead(1, frozenset({Language.KY, Language.RU}), frozenset({Field.IT}), frozenset(), Region.BISHKEK, False, 2)
    plans, left = plan_circles(girls, [lead], set())
    assert [(p.language, p.mentee_ids) for p in plans] == [(Language.KY, (10, 11, 12, 13)), (Language.RU, (20, 21, 22))]
    assert left == []


def person(user_id, *, minor=False, role="mentee", cleared=False, suspended=False):
    return Person(user_id, role, "14-17" if minor else "18+", True, suspended, True, "approved", cleared)


def test_minors_need_cleared_mentors_and_their_own_band():
    mentor, cleared = person(1, role="mentor"), person(2, role="mentor", cleared=True)
    girl = person(10, minor=True)
    kwargs = {"reported_a_lead": False, "in_another_circle": False}
    assert member_refusal(girl, [mentor], band_of(True), **kwargs) == "not_cleared_for_minors"
    assert member_refusal(girl, [cleared], band_of(True), **kwargs) is None
    assert member_refusal(girl, [cleared], band_of(False), **kwargs) == "wrong_age_band"
    assert member_refusal(person(12, suspended=True), [mentor], band_of(False), **kwargs) == "suspended"
    assert member_refusal(person(13), [mentor], "18+", reported_a_lead=True, in_another_circle=False) == "reported"
    assert member_refusal(person(14), [mentor], "18+", reported_a_lead=False, in_another_circle=True) == "in_a_circle"


def test_session_rules_room_reminders_and_time():
    from datetime import UTC, datetime, timedelta

    from bot.circles.rules import reminded, room_for, session_time_refusal

    assert room_for("14-17", "https://meet.example/aigul", "https://gen") == "https://gen"
    assert room_for("18+", "https://meet.example/aigul", "https://gen") == "https://meet.example/aigul"
    assert room_for("18+", None, "https://gen") == "https://gen"
    assert reminded(None) and reminded("yes") and not reminded("no")
    now = datetime(2025, 3, 1, tzinfo=UTC)
    assert session_time_refusal(now + timedelta(minutes=30), now) == "too_soon"
    assert session_time_refusal(now + timedelta(days=100), now) == "too_far"
    assert session_time_refusal(now + timedelta(days=2), now) is None


def test_a_co_mentor_is_an_approved_free_mentor_who_speaks_it_and_is_cleared_for_minors_when_it_has_one():
    def mentor(**kw):
        return Person(7, kw.pop("role", "mentor"), "18+", False, kw.pop("suspended", False), True,
                      kw.pop("status", "approved"), kw.pop("cleared", True))  # fmt: skip

    ok = dict(available=True, speaks=True)
    assert rules.co_mentor_refusal(mentor(), rules.MINOR_BAND, **ok) is None
    assert rules.co_mentor_refusal(None, rules.ADULT_BAND, **ok) == "mentor_unavailable"
    assert rules.co_mentor_refusal(mentor(status="pending"), rules.ADULT_BAND, **ok) == "mentor_unavailable"
    assert rules.co_mentor_refusal(mentor(role="mentee"), rules.ADULT_BAND, **ok) == "mentor_unavailable"
    assert rules.co_mentor_refusal(mentor(suspended=True), rules.ADULT_BAND, **ok) == "mentor_unavailable"
    assert rules.co_mentor_refusal(mentor(), rules.ADULT_BAND, available=False, speaks=True) == "mentor_unavailable"
    assert rules.co_mentor_refusal(mentor(), rules.ADULT_BAND, available=True, speaks=False) == "language"
    assert rules.co_mentor_refusal(mentor(cleared=False), rules.MINOR_BAND, **ok) == "not_cleared_for_minors"
    assert rules.co_mentor_refusal(mentor(cleared=False), rules.ADULT_BAND, **ok) is None
