from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from bot.limits.rules import Limits, SlidingWindow

T0 = datetime(2026, 12, 1, tzinfo=UTC)


def test_the_window_slides():
    window = SlidingWindow(3, timedelta(minutes=10))
    assert [window.allow(1, T0 + timedelta(minutes=m)) for m in (0, 1, 2, 3)] == [True, True, True, False]
    assert window.allow(2, T0 + timedelta(minutes=3))  # another user has her own window
    assert not window.allow(1, T0 + timedelta(minutes=9, seconds=59))
    assert window.allow(1, T0 + timedelta(minutes=10))  # the first event left the window


@given(st.lists(st.integers(min_value=0, max_value=3600), max_size=200))
def test_never_more_than_the_limit_in_any_period(offsets):
    window = SlidingWindow(5, timedelta(minutes=10))
    allowed = [o for o in sorted(offsets) if window.allow(7, T0 + timedelta(seconds=o))]
    for first in allowed:
        assert sum(1 for o in allowed if first <= o < first + 600) <= 5


def test_the_programme_limits_are_independent():
    limits = Limits()
    assert all(limits.allow("share", 1, T0) for _ in range(5))
    assert not limits.allow("share", 1, T0)
    assert limits.allow("relay", 1, T0)
