"""When a subscriber's next story is due: pure arithmetic over her zone, frequency and time of day."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.i18n import N_, Translator
from bot.labelled import Labelled


class Frequency(Labelled):
    DAILY = "daily", N_("Every day")
    TWICE_WEEKLY = "twice_weekly", N_("Twice a week")
    WEEKLY = "weekly", N_("Once a week")


class TimeOfDay(Labelled):
    MORNING = "morning", N_("Morning (9:00)")
    AFTERNOON = "afternoon", N_("Afternoon (14:00)")
    EVENING = "evening", N_("Evening (19:00)")


# Local wall-clock times and weekdays (0 = Monday).
TIMES = {
    TimeOfDay.MORNING: time(9, 0),
    TimeOfDay.AFTERNOON: time(14, 0),
    TimeOfDay.EVENING: time(19, 0),
}
WEEKDAYS = {
    Frequency.DAILY: frozenset(range(7)),
    Frequency.TWICE_WEEKLY: frozenset({1, 4}),  # Tuesday and Friday
    Frequency.WEEKLY: frozenset({5}),  # Saturday: time to read
}

FREQUENCY_LABELS = Frequency.labels()
TIME_LABELS = TimeOfDay.labels()


def next_due(frequency: Frequency, time_of_day: TimeOfDay, zone: ZoneInfo, after: datetime) -> datetime:
    """The first chosen local time strictly after `after`, in UTC."""
    local_after = after.astimezone(zone)
    for days in range(8):
        day = local_after.date() + timedelta(days=days)
        if day.weekday() not in WEEKDAYS[frequency]:
            continue
        # fold=0 and wall time: a DST gap moves it by the gap, which is fine for a story.
        candidate = datetime.combine(day, TIMES[time_of_day], tzinfo=zone)
        if candidate > local_after:
            return candidate.astimezone(UTC)
    raise AssertionError("every frequency has a day within a week")


def subscription_text(t: Translator, active: bool, frequency: str, time_of_day: str) -> str:
    """What /stories says of her subscription, in her language."""
    lines = [t("<b>Stories of women in STEM, on your schedule</b>"), ""]
    if active:
        lines.append(
            t("You get a story: {frequency}, {time}.").format(
                frequency=t(FREQUENCY_LABELS[Frequency(frequency)]).lower(),
                time=t(TIME_LABELS[TimeOfDay(time_of_day)]).lower(),
            )
        )
    else:
        lines.append(t("Stories are off. Choose how often and when, and turn them on."))
    return "\n".join(lines)
