"""Which card a channel gets next, and when (pure)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta


def is_due(last_posted_at: datetime | None, every: timedelta, now: datetime) -> bool:
    """The first post goes at once; each next one `every` after the one before."""
    return last_posted_at is None or last_posted_at + every <= now


def next_card(visible: Sequence[str], posted_this_round: set[str], round_: int) -> tuple[str, int] | None:
    """The first visible card not posted in this pass through the library, else the first of a new pass."""
    for slug in visible:
        if slug not in posted_this_round:
            return slug, round_
    return (visible[0], round_ + 1) if visible else None
