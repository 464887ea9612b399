"""The digest's fast path (bit masks per attribute) agrees with the one rule, `rules.fits`, and with
`rules.digest` (new since her last digest, not turned down), on random profiles and opportunities."""

from datetime import UTC, datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.domain import AgeBand, Field, Language, Region, Stage
from bot.opportunities.fit_index import FitIndex
from bot.opportunities.rules import Kind, Opportunity, Seeker, digest, fitting

NOW = datetime(2027, 1, 10, 9, 0, tzinfo=UTC)


def some(values, most=3):
    return st.frozensets(st.sampled_from(list(values)), max_size=most)


maybe = lambda values: st.one_of(st.none(), st.sampled_from([v.value for v in values]))  # noqa: E731
days = st.integers(min_value=-5, max_value=10)


@st.composite
def opportunities(draw):
    count = draw(st.integers(min_value=0, max_value=30))
    found = []
    for i in range(count):
        titles = {lang.value: f"T{i}{lang}" for lang in draw(some(Language))}
        found.append(
            Opportunity(
                id=i + 1,
                kind=Kind.OLYMPIAD,
                titles=titles,
                texts={},
                link="https://example.org",
                organiser="O",
                deadline_at=NOW + timedelta(days=draw(days)),
                age_bands=frozenset(v.value for v in draw(some(AgeBand))),
                regions=frozenset(v.value for v in draw(some(Region))),
                fields=frozenset(v.value for v in draw(some(Field))),
                stages=frozenset(v.value for v in draw(some(Stage))),
                closed_at=NOW if draw(st.booleans()) and draw(st.booleans()) else None,
                created_at=NOW - timedelta(days=draw(st.integers(min_value=0, max_value=14))),
            )
        )
    found.sort(key=lambda o: (o.deadline_at, o.id))
    return found


seekers = st.builds(
    Seeker,
    age_band=maybe(AgeBand),
    region=maybe(Region),
    stage=maybe(Stage),
    language=maybe(Language),
    fields=some(Field).map(lambda s: frozenset(v.value for v in s)),
    languages=some(Language).map(lambda s: frozenset(v.value for v in s)),
)


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(found=opportunities(), people=st.lists(seekers, min_size=1, max_size=20))
def test_the_index_finds_exactly_what_fits_finds_in_the_same_order_and_language(found, people):
    index = FitIndex(found, NOW)
    for seeker in people:
        assert index.pick(seeker, index.mask(seeker)) == fitting(seeker, found, NOW)


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(
    found=opportunities(),
    seeker=seekers,
    since_days=st.integers(min_value=0, max_value=14),
    dismissed=st.frozensets(st.integers(min_value=1, max_value=30)),
    most=st.integers(min_value=1, max_value=6),
)
def test_a_digest_through_the_index_is_the_rules_digest(found, seeker, since_days, dismissed, most):
    index = FitIndex(found, NOW)
    since = NOW - timedelta(days=since_days)
    new = index.mask(seeker) & index.added_after(since) & index.without(dismissed)
    expected = digest(fitting(seeker, found, NOW), since, dismissed)
    assert new.bit_count() == len(expected)
    assert index.pick(seeker, new, most) == expected[:most]
