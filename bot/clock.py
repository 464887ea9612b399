"""The bot's sense of time: real UTC now, which the sandbox and tests may move forward."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta


class Clock:
    def __init__(self, start: datetime | None = None) -> None:
        self._offset = timedelta(0) if start is None else start - datetime.now(UTC)

    def now(self) -> datetime:
        return datetime.now(UTC) + self._offset

    def advance(self, delta: timedelta) -> None:
        """Jump forward (the sandbox's clock control; tests of time-driven steps)."""
        if delta < timedelta(0):
            raise ValueError("time only moves forward")
        self._offset += delta
