"""Trouble on demand: planned failures, slow answers and a global send rate limit.

Pure bookkeeping with the time passed in, so it is testable without a server; the
server asks it before each call (`check`) and after (`take_delay`).
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass

from sandbox.emulator.checks import ApiError, too_many_requests


@dataclass
class _Plan:
    remaining: int
    error: ApiError | None = None
    seconds: float = 0.0


class Faults:
    """What should go wrong next, per method (names compared case-insensitively)."""

    def __init__(self, rate_limit: float | None = None) -> None:
        self.rate_limit = rate_limit
        self._failures: dict[str, deque[_Plan]] = {}
        self._delays: dict[str, deque[_Plan]] = {}
        self._sent: deque[float] = deque()

    def fail_next(
        self,
        method: str,
        count: int = 1,
        error_code: int | None = None,
        description: str | None = None,
        retry_after: int | None = None,
    ) -> None:
        """Make the next `count` calls of `method` fail; retry_after makes it a 429."""
        if retry_after is not None:
            error = too_many_requests(retry_after)
            if error_code is not None:
                error.code = error_code
            if description is not None:
                error.description = description
        else:
            error = ApiError(error_code or 500, description or "Internal Server Error")
        self._failures.setdefault(method.lower(), deque()).append(_Plan(count, error))

    def delay(self, method: str, seconds: float, count: int = 1) -> None:
        """Hold the answers to the next `count` calls of `method` for `seconds`."""
        self._delays.setdefault(method.lower(), deque()).append(_Plan(count, seconds=seconds))

    def check(self, method: str, now: float, *, counts_as_send: bool) -> ApiError | None:
        """The planned failure for this call, or a 429 above the rate limit, or None."""
        plan = _take(self._failures, method)
        if plan is not None:
            return plan.error
        if counts_as_send and self.rate_limit:
            return self._over_rate(now)
        return None

    def take_delay(self, method: str) -> float:
        plan = _take(self._delays, method)
        return plan.seconds if plan else 0.0

    def _over_rate(self, now: float) -> ApiError | None:
        """A sliding window: at most `rate_limit` sends in any second (one per 1/rate if < 1)."""
        rate = self.rate_limit or 0
        window = max(1.0, 1.0 / rate)
        capacity = max(1, int(rate))
        while self._sent and self._sent[0] <= now - window:
            self._sent.popleft()
        if len(self._sent) >= capacity:
            return too_many_requests(max(1, math.ceil(self._sent[0] + window - now)))
        self._sent.append(now)
        return None


def _take(plans: dict[str, deque[_Plan]], method: str) -> _Plan | None:
    queue = plans.get(method.lower())
    if not queue:
        return None
    plan = queue[0]
    plan.remaining -= 1
    if plan.remaining <= 0:
        queue.popleft()
    return plan
