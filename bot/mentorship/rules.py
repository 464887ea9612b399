"""Mentorship rules as plain data: limits, how long a request waits, states, reason codes.

No Telegram and no SQL: the repository (bot.mentorship.store.mentorships) enforces these inside one
transaction, and the handlers render the codes in the reader's language.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from enum import StrEnum

from bot.conduct.rules import ACCEPT_FIRST
from bot.i18n import N_
from bot.labelled import Labelled
from bot.onboarding.rules import InvalidAnswer, clean_text

# A request that goes unanswered: the mentor is reminded once, then it expires.
NUDGE_AFTER = timedelta(hours=48)
EXPIRE_AFTER = timedelta(days=7)
MAX_PENDING_REQUESTS = 3  # per mentee, at once
MISSED_TO_PAUSE = 3  # expired requests in a row before a mentor is paused from matching
NOTE_MAX = 500  # characters in an intro note, a question or an answer
RELAY_MAX = 2000  # characters in a message passed through the bot
REPORT_CONTEXT_MESSAGES = 5  # relayed messages shown to admins with a report


class RequestStatus(StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    EXPIRED = "expired"
    WITHDRAWN = "withdrawn"


class Status(StrEnum):
    """A mentorship's states; before 'active' it is a request (see RequestStatus)."""

    ACTIVE = "active"
    PAUSED = "paused"  # a report is being looked at: no messages, no contacts
    COMPLETED = "completed"
    CANCELLED = "cancelled"  # blocked, or ended by the programme


CURRENT = (Status.ACTIVE, Status.PAUSED)  # what counts against one-per-mentee and capacity

TRANSITIONS: dict[Status, frozenset[Status]] = {
    Status.ACTIVE: frozenset({Status.PAUSED, Status.COMPLETED, Status.CANCELLED}),
    Status.PAUSED: frozenset({Status.ACTIVE, Status.COMPLETED, Status.CANCELLED}),
    Status.COMPLETED: frozenset(),
    Status.CANCELLED: frozenset(),
}


def can_move(current: str, target: str) -> bool:
    try:
        return Status(target) in TRANSITIONS[Status(current)]
    except ValueError:
        return False


class Refusal(StrEnum):
    """Why a request, or an answer to one, cannot go ahead (each has its own message)."""

    NOT_A_MENTEE = "not_a_mentee"
    HAS_MENTOR = "has_mentor"
    TOO_MANY_PENDING = "too_many_pending"
    ALREADY_ASKED = "already_asked"
    MENTOR_UNAVAILABLE = "mentor_unavailable"  # a hard rule of bot.matching.rules says no
    NOT_FOUND = "not_found"
    NOT_YOURS = "not_yours"  # a third person pressed it
    OWN_REQUEST = "own_request"  # the mentee pressed the mentor's button
    ANSWERED = "answered"  # no longer pending (a double press, or answered elsewhere)
    EXPIRED = "expired"
    MENTOR_PAUSED = "mentor_paused"
    MENTOR_FULL = "mentor_full"
    MENTEE_TAKEN = "mentee_taken"  # she found a mentor in the meantime
    NOT_ACTIVE = "not_active"  # the mentorship is paused or over
    MINOR = "minor"  # contacts are never shared with a minor
    SUSPENDED = "suspended"  # the programme team suspended her account
    TOO_MANY_QUESTIONS = "too_many_questions"  # bot.safety.MAX_QUESTIONS before answering a request
    CLEARANCE_HELD = "clearance_held"  # bot.safety.minor_contact_held, said to the mentee
    ACCEPT_CODE = "accept_code"  # the same, said to the mentor


REFUSALS = {
    Refusal.CLEARANCE_HELD: N_(
        "Your mentor can't get messages just now: she has a step to finish with the programme team. "
        "Please try again in a day or two."
    ),
    Refusal.ACCEPT_CODE: ACCEPT_FIRST,
    Refusal.SUSPENDED: N_(
        "Your account is paused by the programme team, so messages can't be sent. "
        "Please contact the programme organisers."
    ),
    Refusal.NOT_A_MENTEE: N_("Finding a mentor is for mentees who have finished their profile."),
    Refusal.TOO_MANY_QUESTIONS: N_(
        "You have asked her two questions already. Please accept or decline the request now."
    ),
    Refusal.HAS_MENTOR: N_("You already have a mentor: /mentorship shows her."),
    Refusal.TOO_MANY_PENDING: N_(
        "You already have {n} requests waiting. Let's give those mentors time to answer first."
    ),
    Refusal.ALREADY_ASKED: N_("You have already asked her. She has up to a week to answer."),
    Refusal.MENTOR_UNAVAILABLE: N_("This mentor can't take new mentees right now. /mentors shows who can."),
    Refusal.NOT_FOUND: N_("This is no longer here. Tap /start to begin again."),
    Refusal.NOT_YOURS: N_("This button isn't meant for you, so nothing was changed."),
    Refusal.OWN_REQUEST: N_("This is your own request: only the mentor can answer it."),
    Refusal.ANSWERED: N_("This request has already been answered."),
    Refusal.EXPIRED: N_("This request has expired, so it can't be answered any more."),
    Refusal.MENTOR_PAUSED: N_("You have paused taking mentees. Open /profile and tap Take mentees again first."),
    Refusal.MENTOR_FULL: N_(
        "You are mentoring as many mentees as you offered. To take one more, raise it in /profile."
    ),
    Refusal.MENTEE_TAKEN: N_("She has just found another mentor, so this request is closed."),
    Refusal.NOT_ACTIVE: N_("This mentorship is paused or over, so this can't be done now."),
    Refusal.MINOR: N_(
        "Contacts are never shared when the mentee is under 18. "
        "Please keep talking through the bot: it keeps everyone safe."
    ),
}


class Refused(Exception):
    """A user action the rules do not allow; raised inside a transaction, which rolls back."""

    def __init__(self, code: Refusal) -> None:
        super().__init__(code)
        self.code = code


class DeclineReason(Labelled):
    NO_TIME = "no_time", N_("No time right now")
    NOT_MY_FIELD = "field", N_("Not my field")
    BETTER_FIT = "better", N_("Someone else fits better")
    OTHER = "other", N_("Another reason")


DECLINE_LABELS = DeclineReason.labels()
# How the mentee hears it: kind, and never her fault.
DECLINE_TOLD = {
    DeclineReason.NO_TIME: N_("she has no time for a new mentee right now"),
    DeclineReason.NOT_MY_FIELD: N_("your goals are outside her field"),
    DeclineReason.BETTER_FIT: N_("she thinks another mentor will fit you better"),
    DeclineReason.OTHER: N_("she can't take a mentee at the moment"),
}


class EndReason(Labelled):
    GOALS = "goals", N_("We reached our goals")
    NO_TIME = "no_time", N_("No time any more")
    NOT_A_FIT = "fit", N_("Not a good fit")
    OTHER = "other", N_("Another reason")


class ReportReason(Labelled):
    INAPPROPRIATE = "inappropriate", N_("Inappropriate messages")
    CONTACT = "contact", N_("Asked for my contacts or to meet alone")
    UNCOMFORTABLE = "uncomfortable", N_("Made me feel unsafe or uncomfortable")
    OTHER = "other", N_("Something else")


END_LABELS = EndReason.labels()
REPORT_LABELS = ReportReason.labels()


def parse_code(enum: type[StrEnum], value: str) -> StrEnum | None:
    """The member named in callback data, or None for anything forged or out of date."""
    return enum._value2member_map_.get(value)  # type: ignore[return-value]


def expires_at(created_at: datetime) -> datetime:
    return created_at + EXPIRE_AFTER


def clean_message(raw: str, limit: int) -> str:
    """Typed text to pass on: control characters dropped, her line breaks kept, length checked.

    Raises InvalidAnswer("text_empty") or InvalidAnswer("too_long").
    """
    text = "\n".join(clean_text(line) for line in raw.strip().splitlines()).strip()
    text = re.sub(r"\n{3,}", "\n\n", text)
    if not text:
        raise InvalidAnswer("text_empty")
    if len(text) > limit:
        raise InvalidAnswer("too_long")
    return text
