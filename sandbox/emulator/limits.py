"""Telegram's sending limits, as the emulator enforces them when asked (off by default).

Telegram does not publish exact figures; its FAQ says about 30 messages a second in all, about
one a second to one chat (short bursts pass) and 20 a minute to one group. Above them it answers
429 with retry_after. Pure bookkeeping with the time passed in.
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass, field

from sandbox.emulator.checks import ApiError, too_many_requests

OVERALL = 30  # messages in any one second
PRIVATE_BURST = 4  # messages to one private chat at once
PRIVATE_RATE = 1.0  # then one a second
GROUP_COUNT = 20  # messages to one group
GROUP_WINDOW = 60.0  # in any minute


@dataclass
class _Bucket:
    tokens: float
    at: float


@dataclass
class TelegramLimits:
    overall: int = OVERALL
    private_burst: int = PRIVATE_BURST
    private_rate: float = PRIVATE_RATE
    group_count: int = GROUP_COUNT
    group_window: float = GROUP_WINDOW
    _sent: deque[float] = field(default_factory=deque)
    _private: dict[int, _Bucket] = field(default_factory=dict)
    _groups: dict[int, deque[float]] = field(default_factory=dict)

    def check(self, chat_id: int | None, now: float) -> ApiError | None:
        """A 429 if one more message to `chat_id` now would cross a limit; else counts it."""
        while self._sent and self._sent[0] <= now - 1.0:
            self._sent.popleft()
        if len(self._sent) >= self.overall:
            return _wait(self._sent[0] + 1.0 - now)
        if chat_id is not None and chat_id < 0:
            sent = self._groups.setdefault(chat_id, deque())
            while sent and sent[0] <= now - self.group_window:
                sent.popleft()
            if len(sent) >= self.group_count:
                return _wait(sent[0] + self.group_window - now)
            sent.append(now)
        elif chat_id is not None:
            bucket = self._private.setdefault(chat_id, _Bucket(self.private_burst, now))
            tokens = min(self.private_burst, bucket.tokens + (now - bucket.at) * self.private_rate)
            if tokens < 1:
                return _wait((1 - tokens) / self.private_rate)
            bucket.tokens, bucket.at = tokens - 1, now
        self._sent.append(now)
        return None


def _wait(seconds: float) -> ApiError:
    return too_many_requests(max(1, math.ceil(seconds)))
