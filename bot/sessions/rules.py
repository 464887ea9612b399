"""Session rules as plain data: the programme's constants, refusal codes, notice, feedback
answers, the mentorship's rhythm and the compact slot codes buttons carry.

No Telegram and no SQL: the repository (bot.sessions.store.sessions) enforces these inside one
transaction, and the handlers render the codes in the reader's language.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from functools import cache
from zoneinfo import ZoneInfo, available_timezones

from bot.conduct.rules import ACCEPT_FIRST
from bot.i18n import N_
from bot.labelled import Labelled
from bot.sessions.slot_times import parse_zone

PROGRAMME_LENGTH = timedelta(days=182)  # six months from acceptance to the closing survey
MIN_NOTICE = timedelta(hours=3)  # a change closer to the start needs a reason and is recorded
BUFFER_MINUTES = 15  # kept free around every booked session
SESSION_MINUTES = 60
BOOKING_DAYS = 14  # how far ahead a mentee sees free slots
ONE_OFF_DAYS = 60  # how far ahead a mentor may publish a one-off slot
QUIET_AFTER = timedelta(days=30)  # no session for this long: a gentle nudge to the pair
CHECKIN_EVERY = timedelta(days=30)
MAX_SLOTS_SHOWN = 24  # buttons in one booking list
AGENDA_MAX = 500
REASON_MAX = 500
COMMENT_MAX = 1000

FEEDBACK_MINUTES = (15, 30, 45, 60, 90, 120, 180)
MIN_FEEDBACK_MINUTES, MAX_FEEDBACK_MINUTES = 15, 180
RATINGS = (1, 2, 3, 4, 5)
MEET_EVERY_DAYS = (7, 14, 30)


class Status(StrEnum):
    REQUESTED = "requested"
    CONFIRMED = "confirmed"
    DECLINED = "declined"
    CANCELLED = "cancelled"
    HELD = "held"
    NO_SHOW = "no_show"


UPCOMING = (Status.REQUESTED, Status.CONFIRMED)  # what holds a mentor's slot

STATUS_LABELS = {
    Status.REQUESTED: N_("waiting for confirmation"),
    Status.CONFIRMED: N_("confirmed"),
    Status.DECLINED: N_("declined"),
    Status.CANCELLED: N_("cancelled"),
    Status.HELD: N_("held"),
    Status.NO_SHOW: N_("missed"),
}


class Outcome(Labelled):
    """What she says happened, after the session; the label is her button."""

    HELD = "held", N_("✅ It took place")
    NO_SHOW = "no_show", N_("🙈 {name} didn't come")  # the other side did not come
    CANCELLED = "cancelled", N_("✖️ It was called off")


# What the session becomes when the first answer comes in.
OUTCOME_STATUS = {
    Outcome.HELD: Status.HELD,
    Outcome.NO_SHOW: Status.NO_SHOW,
    Outcome.CANCELLED: Status.CANCELLED,
}


class Refusal(StrEnum):
    """Why a booking, a change or an answer cannot go ahead (each has its own message)."""

    NO_MENTORSHIP = "no_mentorship"
    NOT_YOURS = "not_yours"  # someone else's session or slot
    NOT_FOUND = "not_found"
    SLOT_TAKEN = "slot_taken"  # booked a moment earlier by someone else
    SLOT_GONE = "slot_gone"  # no longer free (deleted, or too close now)
    SUSPENDED = "suspended"
    NOT_PENDING = "not_pending"  # already confirmed or declined
    NOT_UPCOMING = "not_upcoming"  # cancelled, declined, or already over
    STARTED = "started"
    REASON_NEEDED = "reason_needed"
    NOT_OVER = "not_over"  # feedback before the session has ended
    ANSWERED = "answered"  # feedback or survey given already
    AGREED = "agreed"  # the rhythm was agreed already
    CLEARANCE_HELD = "clearance_held"  # bot.safety.minor_contact_held: her mentor must accept the new code
    ACCEPT_CODE = "accept_code"  # the same, said to the mentor


REFUSALS = {
    Refusal.CLEARANCE_HELD: N_(
        "New sessions can't be booked just now: your mentor has a step to finish with the programme team. "
        "Please try again in a day or two."
    ),
    Refusal.ACCEPT_CODE: ACCEPT_FIRST,
    Refusal.NO_MENTORSHIP: N_(
        "You can book a session once you have an active mentorship. /mentors helps you find one."
    ),
    Refusal.NOT_YOURS: N_("This button isn't meant for you, so nothing was changed."),
    Refusal.NOT_FOUND: N_("This is no longer here. /sessions shows your sessions."),
    Refusal.SLOT_TAKEN: N_("Someone has just booked this time, a moment before you. Please pick another one."),
    Refusal.SLOT_GONE: N_("This time is no longer free. Please pick another one."),
    Refusal.SUSPENDED: N_("Sessions can't be booked right now. The programme team can tell you more."),
    Refusal.NOT_PENDING: N_("This session has already been answered."),
    Refusal.NOT_UPCOMING: N_("This session is cancelled or over, so this can't be done now."),
    Refusal.STARTED: N_("This session has already started, so it can't be changed now."),
    Refusal.REASON_NEEDED: N_("This is less than {hours} hours before the start: please give a reason."),
    Refusal.NOT_OVER: N_("Let's talk about it after the session has ended."),
    Refusal.ANSWERED: N_("You have already answered this. Thank you! 💛"),
    Refusal.AGREED: N_("You two have already agreed on this. Thank you! 💛"),
}


class Refused(Exception):
    """A user action the rules do not allow; raised inside a transaction, which rolls back."""

    def __init__(self, code: Refusal) -> None:
        super().__init__(code)
        self.code = code


def inside_notice(starts_at: datetime, now: datetime) -> bool:
    """Whether a change now is late: within MIN_NOTICE of the start (a reason is required)."""
    return starts_at - now < MIN_NOTICE


def valid_feedback_minutes(value: int) -> bool:
    return MIN_FEEDBACK_MINUTES <= value <= MAX_FEEDBACK_MINUTES


def valid_rating(value: int) -> bool:
    return value in RATINGS


# --- compact codes for callback data -------------------------------------------------------

_STAMP = "%Y%m%d%H%M"


def slot_code(start_utc: datetime) -> str:
    """A slot's UTC start as 12 ASCII digits, short enough for callback data."""
    return start_utc.astimezone(UTC).strftime(_STAMP)


def parse_slot_code(code: str) -> datetime | None:
    """The UTC start from `slot_code`, or None for anything forged."""
    if len(code) != 12 or not code.isdigit():
        return None
    try:
        return datetime.strptime(code, _STAMP).replace(tzinfo=UTC)
    except ValueError:
        return None


# --- time zones ------------------------------------------------------------------------------

# The short list /timezone offers as buttons: where the programme's people live and study.
COMMON_ZONES: tuple[tuple[str, str], ...] = (
    ("Asia/Bishkek", N_("Bishkek")),
    ("Asia/Almaty", N_("Almaty")),
    ("Asia/Tashkent", N_("Tashkent")),
    ("Europe/Moscow", N_("Moscow")),
    ("Europe/Istanbul", N_("Istanbul")),
    ("Europe/Berlin", N_("Berlin")),
    ("Europe/London", N_("London")),
    ("Asia/Seoul", N_("Seoul")),
    ("America/New_York", N_("New York")),
)


@cache
def _zones_by_lower_name() -> dict[str, str]:
    return {name.lower(): name for name in available_timezones()}


def find_zone(text: str) -> str | None:
    """The IANA name she meant ("europe/berlin", " Asia/Bishkek "), or None if unknown."""
    cleaned = "_".join(text.strip().split())
    if not cleaned or len(cleaned) > 64:
        return None
    name = _zones_by_lower_name().get(cleaned.lower())
    if name is None:
        return None
    try:
        parse_zone(name)
    except ValueError:
        return None
    return name


def utc_offset_label(zone: str, now: datetime) -> str:
    """'UTC+6', 'UTC+5:30', 'UTC-4' for a zone at this moment."""
    offset = now.astimezone(ZoneInfo(zone)).utcoffset() or timedelta()
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours}" + (f":{rest:02d}" if rest else "")


# --- the mentorship's rhythm -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RhythmState:
    started_at: datetime
    ends_at: datetime
    next_checkin_at: datetime | None
    quiet_nudged_at: datetime | None
    closing_sent_at: datetime | None
    last_session_at: datetime | None  # the latest start of a session that was not called off


class RhythmStep(StrEnum):
    CLOSING = "closing"
    CHECKIN = "checkin"
    QUIET = "quiet"


def rhythm_plan(started_at: datetime) -> tuple[datetime, datetime]:
    """(first check-in, end of the programme) for a mentorship starting now."""
    return started_at + CHECKIN_EVERY, started_at + PROGRAMME_LENGTH


def rhythm_due(state: RhythmState, now: datetime) -> list[RhythmStep]:
    """What the rhythm owes the pair now; the closing survey replaces everything else."""
    if state.closing_sent_at is not None:
        return []
    if now >= state.ends_at:
        return [RhythmStep.CLOSING]
    due = []
    if state.next_checkin_at is not None and now >= state.next_checkin_at:
        due.append(RhythmStep.CHECKIN)
    if is_quiet(state, now):
        due.append(RhythmStep.QUIET)
    return due


def is_quiet(state: RhythmState, now: datetime) -> bool:
    """No session for QUIET_AFTER (counting from the start), and no nudge in that time either."""
    last = max(filter(None, (state.started_at, state.last_session_at)))
    if now - last < QUIET_AFTER:
        return False
    return state.quiet_nudged_at is None or now - state.quiet_nudged_at >= QUIET_AFTER
