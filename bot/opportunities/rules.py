"""Who an opportunity is for, and when she hears about it: pure rules, `now` passed in."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.domain import AgeBand, Language
from bot.i18n import N_
from bot.labelled import Labelled


class Kind(Labelled):
    OLYMPIAD = "olympiad", N_("Olympiad")
    SCHOOL_CAMP = "school_camp", N_("School or camp")
    SCHOLARSHIP = "scholarship", N_("Scholarship")
    INTERNSHIP_JOB = "internship_job", N_("Internship or job")
    EVENT_TRAINING = "event_training", N_("Event or training")
    COMPETITION = "competition", N_("Competition")


KIND_LABELS = Kind.labels()

# Reminders before the deadline of a saved opportunity, latest last.
REMINDER_OFFSETS_DAYS = (7, 1)


@dataclass(frozen=True, slots=True)
class Opportunity:
    id: int
    kind: str
    titles: dict[str, str]
    texts: dict[str, str]
    link: str
    organiser: str
    deadline_at: datetime
    starts_on: str | None = None
    ends_on: str | None = None
    result_on: str | None = None
    age_bands: frozenset[str] = frozenset()
    regions: frozenset[str] = frozenset()
    fields: frozenset[str] = frozenset()
    stages: frozenset[str] = frozenset()
    women_only: bool = False
    verified: bool = False
    closed_at: datetime | None = None
    created_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Seeker:
    """What the rules need of her profile. `language` is the bot's language for her."""

    age_band: str | None
    region: str | None
    stage: str | None
    language: str | None
    fields: frozenset[str] = frozenset()
    languages: frozenset[str] = field(default_factory=frozenset)


def is_open(opportunity: Opportunity, now: datetime) -> bool:
    return opportunity.closed_at is None and opportunity.deadline_at > now


def age_fits(age_band: str | None, bands: frozenset[str]) -> bool:
    """Adults see what is open to all or to adults; anyone else (a minor, or an unknown age) only
    what is explicitly open to her own band."""
    if age_band == AgeBand.ADULT:
        return not bands or AgeBand.ADULT in bands
    return age_band is not None and age_band in bands


def reading_language(seeker: Seeker, offered: frozenset[str] | set[str]) -> str | None:
    """The language to show it in: hers if offered, else another she reads, else None."""
    if seeker.language in offered:
        return seeker.language
    for language in Language:
        if language in seeker.languages and language in offered:
            return language.value
    return None


def fits(seeker: Seeker, opportunity: Opportunity, now: datetime) -> str | None:
    """The language to show it to her in, or None when it is not for her (or no longer open)."""
    if not is_open(opportunity, now):
        return None
    if not age_fits(seeker.age_band, opportunity.age_bands):
        return None
    if opportunity.regions and seeker.region not in opportunity.regions:
        return None
    if opportunity.fields and not (seeker.fields & opportunity.fields):
        return None
    if opportunity.stages and seeker.stage not in opportunity.stages:
        return None
    return reading_language(seeker, frozenset(opportunity.titles))


def reminder_moments(deadline_at: datetime, now: datetime) -> list[tuple[int, datetime]]:
    """(days before, when) for each reminder still ahead; those already past are skipped."""
    moments = [(days, deadline_at - timedelta(days=days)) for days in REMINDER_OFFSETS_DAYS]
    return [(days, due) for days, due in moments if due > now]


def superseded(deadline_at: datetime, offset_days: int, now: datetime) -> bool:
    """Whether a later reminder is already due too (the bot was down): it says it better, alone."""
    return any(days < offset_days and deadline_at - timedelta(days=days) <= now for days in REMINDER_OFFSETS_DAYS)


# The weekly digest's default slot: Monday 10:00 in her zone.
DIGEST_WEEKDAY, DIGEST_HOUR = 0, 10
# Without a result date, the "did you get in?" question comes this long after the deadline; "still
# waiting" asks once more after this long again.
RESULT_WAIT = timedelta(days=30)
ACCEPTED_ASKS = 2


def next_slot(weekday: int, hour: int, zone: ZoneInfo, after: datetime) -> datetime:
    """Her next digest moment strictly after `after`, in UTC."""
    local = after.astimezone(zone)
    day = local.date() + timedelta(days=(weekday - local.weekday()) % 7)
    for extra in (0, 7):
        slot = datetime(day.year, day.month, day.day, hour, tzinfo=zone) + timedelta(days=extra)
        if slot > local:
            return slot.astimezone(UTC)
    raise AssertionError("unreachable")


def week_of(slot: datetime, zone: ZoneInfo) -> str:
    year, week, _ = slot.astimezone(zone).isocalendar()
    return f"{year}-W{week:02d}"


def fitting(seeker: Seeker, opportunities: list[Opportunity], now: datetime) -> list[tuple[Opportunity, str]]:
    """The ones that fit her, in the given order, with the language to show each in."""
    return [(o, language) for o in opportunities if (language := fits(seeker, o, now)) is not None]


def digest(
    fit: list[tuple[Opportunity, str]], since: datetime, dismissed: set[int] | frozenset[int]
) -> list[tuple[Opportunity, str]]:
    """Of those that fit her, the ones added after her last digest and not turned down."""
    return [
        (o, language)
        for o, language in fit
        if o.created_at is not None and o.created_at > since and o.id not in dismissed
    ]


def accepted_due(deadline_at: datetime, result_on: str | None) -> datetime:
    """When to ask whether she got in: the day after the result date, else a while after the deadline."""
    if result_on:
        day = datetime.fromisoformat(result_on)
        day = day if day.tzinfo else day.replace(tzinfo=UTC)
        return day + timedelta(days=1)
    return deadline_at + RESULT_WAIT
