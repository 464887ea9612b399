"""A sliding window per user (pure: `now` is passed in) and the programme's limits."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bot.i18n import N_

SLOW_DOWN = N_("You are sending a lot right now. Please wait a few minutes, then try again.")


@dataclass
class SlidingWindow:
    """At most `limit` events per user in any `period`; a refused event does not count."""

    limit: int
    period: timedelta
    _events: dict[int, deque[datetime]] = field(default_factory=dict)

    def allow(self, user_id: int, now: datetime) -> bool:
        events = self._events.setdefault(user_id, deque())
        while events and now - events[0] >= self.period:
            events.popleft()
        if len(events) >= self.limit:
            return False
        events.append(now)
        return True


def _limits() -> dict[str, SlidingWindow]:
    return {
        # A lively conversation is a message every half minute, not forty in ten minutes.
        "relay": SlidingWindow(40, timedelta(minutes=10)),
        "answer": SlidingWindow(5, timedelta(hours=1)),
        # Reports are always stored; past this, admins are not alerted one by one (the queue's
        # re-alerts still come), so one person cannot flood every admin.
        "report_alert": SlidingWindow(5, timedelta(days=1)),
        "share": SlidingWindow(5, timedelta(hours=1)),
    }


@dataclass
class Limits:
    windows: dict[str, SlidingWindow] = field(default_factory=_limits)

    def allow(self, what: str, user_id: int, now: datetime) -> bool:
        return self.windows[what].allow(user_id, now)
