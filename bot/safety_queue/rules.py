"""When an open report alerts admins again (pure)."""

from __future__ import annotations

from datetime import timedelta

from bot.safety import CRITICAL_REASONS

CRITICAL_AFTER = timedelta(hours=2)  # an unreviewed critical report
ANY_AFTER = timedelta(hours=24)  # any report still open
# alerts_sent on a report: the highest threshold already alerted.
CRITICAL_ALERTED, DAY_ALERTED = 1, 2


def is_critical(reason: str) -> bool:
    return reason in CRITICAL_REASONS


def due_alert(reason: str, age: timedelta, alerts_sent: int, *, reviewed: bool) -> int | None:
    """The threshold to alert now (its alerts_sent value), or None."""
    if age >= ANY_AFTER and alerts_sent < DAY_ALERTED:
        return DAY_ALERTED
    if is_critical(reason) and not reviewed and age >= CRITICAL_AFTER and alerts_sent < CRITICAL_ALERTED:
        return CRITICAL_ALERTED
    return None
