"""The safety policy in one place: who may be matched, requested, accepted or messaged with whom.

Pure (no Telegram, no SQL): the repositories load the people inside the transaction that changes
the data, ask these rules, and refuse; migration 0011 repeats the hard ones as triggers.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass

from bot.domain import AgeBand

MENTEE_AGE_BANDS = frozenset({AgeBand.TEEN, AgeBand.ADULT})  # mentees are 14 or older
MAX_QUESTIONS = 2  # a mentor's questions to a mentee before she answers the request
CRITICAL_REASONS = frozenset({"contact"})  # asked for contacts or to meet alone
# Only for the sandbox and tests: with BOT_TOKEN set the bot refuses to start without ACCOUNT_HASH_KEY.
DEV_KEY = b"sandbox-only-account-hash-key-not-secret"


@dataclass(frozen=True, slots=True)
class Person:
    """One side of a pair, as the rules see her (loaded in the same transaction)."""

    user_id: int
    role: str | None
    age_band: str | None
    guardian_consent: bool
    suspended: bool
    finished: bool  # onboarding done
    mentor_status: str | None = None
    cleared_for_minors: bool = False

    @property
    def minor(self) -> bool:
        # Anything but a stated adult is treated as a minor: a missing or forged band never loosens a rule.
        return self.age_band != AgeBand.ADULT


def mentee_refusal(mentee: Person) -> str | None:
    """None if she may be a mentee in a request or a mentorship, else why not."""
    if mentee.role != "mentee" or not mentee.finished:
        return "not_a_mentee"
    if mentee.suspended:
        return "suspended"
    if mentee.age_band not in MENTEE_AGE_BANDS:
        return "under_14"
    if mentee.minor and not mentee.guardian_consent:
        return "no_guardian_consent"
    return None


def pair_refusal(mentee: Person, mentor: Person, *, reported_by_her: bool) -> str | None:
    """None if this mentee and this mentor may be in a request or mentorship together.

    `reported_by_her`: she has an open report about this mentor (or kept one across an erasure).
    """
    refused = mentee_refusal(mentee)
    if refused:
        return refused
    if mentor.role != "mentor" or mentor.mentor_status != "approved" or mentor.suspended:
        return "mentor_unavailable"
    if mentee.minor and not mentor.cleared_for_minors:
        return "not_cleared_for_minors"
    if reported_by_her:
        return "reported"
    return None


def minor_contact_held(mentee_minor: bool, mentor_cleared_for_minors: bool) -> bool:
    """True while a mentorship with a minor goes on without her mentor's clearance for minors (held
    while a new code of conduct waits for her acceptance): the mentorship and its booked sessions
    stay, but no new session is booked or confirmed and no message passes either way until she
    accepts. Clearance for minors needs the current code, on every path that brings them closer."""
    return mentee_minor and not mentor_cleared_for_minors


MINOR_CONTACT_HELD_SQL = (
    "SELECT COALESCE((SELECT age_band IS NOT '18+' FROM profiles WHERE user_id = ?), 1),"
    " COALESCE((SELECT cleared_for_minors FROM profiles WHERE user_id = ?), 0)"
)
"""(mentee minor, mentor cleared) for minor_contact_held; parameters: mentee id, mentor id."""


def may_resume(open_reports_on_it: int) -> bool:
    """A paused mentorship goes on only once every report on it has been decided."""
    return open_reports_on_it == 0


def counter_report_of(status: str, reporter_id: int, open_reports: list[tuple[int, int | None]]) -> int | None:
    """The report this one answers, if she is the reported side of a paused mentorship.

    `open_reports`: (report id, reported id) of the open reports on the mentorship, oldest first.
    """
    if status != "paused":
        return None
    return next((report_id for report_id, reported in open_reports if reported == reporter_id), None)


def account_hash(key: bytes, telegram_id: int) -> str:
    """A keyed hash of a Telegram id: recognises a returning account without keeping her id."""
    return hmac.new(key, str(telegram_id).encode(), hashlib.sha256).hexdigest()


# Contact details in text: what a minor may never send or receive through the bot, and what an
# adult is asked to share with "Share my contact" instead. Spaces around dots and slashes are
# folded first, so "t . me/x" and "name @ mail . com" are caught too.
_FOLD = re.compile(r"\s*([./])\s*")
CONTACT_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "link",
        re.compile(
            r"(?:https?://)?(?:www\.)?(?:t\.me|telegram\.(?:me|dog)|wa\.me|whatsapp\.com|instagram\.com|instagr\.am|vk\.com|facebook\.com|fb\.com|m\.me|snapchat\.com|tiktok\.com)/\S*",
            re.I,
        ),
    ),
    ("email", re.compile(r"[\w.+-]+\s*@\s*[\w-]+(?:\.[\w-]+)+")),
    ("username", re.compile(r"(?<![\w@])@[A-Za-z][A-Za-z0-9_]{3,31}\b")),
    # Seven or more digits, with the spaces, dashes, dots or brackets people put in phone numbers.
    ("phone", re.compile(r"(?<!\w)\+?\d(?:[\s().-]*\d){6,}")),
)


# Dates are long runs of digits too: 2026-03-12, 12.03.2026 (not followed by more digit groups).
_DATES = re.compile(r"(?<![\d.-])(?:\d{4}-\d{1,2}-\d{1,2}|\d{1,2}\.\d{1,2}\.\d{2,4})(?![\d.-]*\d)")


def find_contact_details(text: str) -> list[tuple[str, str]]:
    """Every contact detail in the text: (kind, what was found), kinds being link, email, username, phone."""
    folded = _DATES.sub(" ", _FOLD.sub(r"\1", text))
    found: list[tuple[str, str]] = []
    taken: list[tuple[int, int]] = []
    for kind, pattern in CONTACT_PATTERNS:
        for match in pattern.finditer(folded):
            span = match.span()
            if any(start < span[1] and span[0] < end for start, end in taken):
                continue  # an e-mail address is not also a username
            taken.append(span)
            found.append((kind, match.group(0)))
    return found
