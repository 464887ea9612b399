"""Matching profiles for the unit tests: two people to vary, and hypothesis strategies for anyone."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import strategies as st

from bot.domain import Availability, Field, Goal, Language, MeetingFormat, Region, Stage
from bot.matching.rules import MenteeProfile, MentorProfile

NOW = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)

NO_EXCLUSIONS: frozenset[tuple[int, int]] = frozenset()

AIDA = MenteeProfile(
    user_id=1,
    fields=frozenset({Field.IT, Field.DATA_AI}),
    goals=frozenset({Goal.FIRST_JOB, Goal.CONFIDENCE}),
    stage=Stage.UNIVERSITY,
    languages=frozenset({Language.KY, Language.RU}),
    availability=frozenset({Availability.WEEKDAY_EVENINGS, Availability.WEEKENDS}),
    meeting_format=MeetingFormat.BOTH,
    region=Region.OSH,
    is_minor=False,
)


GULNARA = MentorProfile(
    user_id=100,
    fields=frozenset({Field.IT}),
    topics=frozenset({Goal.FIRST_JOB}),
    stage=Stage.EXPERIENCED,
    languages=frozenset({Language.KY}),
    availability=frozenset({Availability.WEEKDAY_EVENINGS}),
    meeting_format=MeetingFormat.BOTH,
    region=Region.BISHKEK,
    approved=True,
    paused=False,
    cleared_for_minors=False,
    capacity=3,
    active_mentees=1,
    last_new_mentee_at=NOW - timedelta(days=10),
    last_active_at=NOW - timedelta(days=1),
)


some = st.frozensets
# What mentees and mentors both answer.
answers = dict(
    fields=some(st.sampled_from(Field)),
    stage=st.sampled_from(Stage),
    languages=some(st.sampled_from(Language)),
    availability=some(st.sampled_from(Availability)),
    meeting_format=st.sampled_from(MeetingFormat),
    region=st.sampled_from(Region),
)
mentees = st.builds(
    MenteeProfile,
    user_id=st.integers(1, 5),
    goals=some(st.sampled_from(Goal)),
    **answers,
    is_minor=st.booleans(),
)


moments = st.one_of(st.none(), st.integers(-3 * 86400, 200 * 86400).map(lambda s: NOW - timedelta(seconds=s)))
mentors = st.builds(
    MentorProfile,
    user_id=st.integers(100, 140),
    topics=some(st.sampled_from(Goal)),
    **answers,
    approved=st.booleans(),
    paused=st.booleans(),
    cleared_for_minors=st.booleans(),
    capacity=st.integers(0, 5),
    active_mentees=st.integers(0, 6),
    last_new_mentee_at=moments,
    last_active_at=moments,
)
