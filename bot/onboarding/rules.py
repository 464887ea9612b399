"""Onboarding as data: which steps she answers, in what order, and what makes an answer valid.

Pure: the handlers ask `next_step` where to go and `validate_*` whether a typed
answer is acceptable; nothing here knows Telegram or SQL.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from enum import StrEnum
from urllib.parse import urlparse

from bot.domain import (
    AgeBand,
    Availability,
    Field,
    Goal,
    Language,
    MeetingFormat,
    Region,
    Role,
    Stage,
)


class Step(StrEnum):
    ROLE = "role"
    CONSENT = "consent"
    AGE = "age"
    GUARDIAN = "guardian"
    NAME = "name"
    REGION = "region"
    STAGE = "stage"
    FIELDS = "fields"
    GOALS = "goals"
    LANGUAGES = "langs"
    AVAILABILITY = "avail"
    FORMAT = "format"
    JOB_TITLE = "job"
    ORGANISATION = "org"
    BIO = "bio"
    CAPACITY = "cap"
    LINK = "link"
    SUMMARY = "summary"
    DONE = "done"


def parse_step(value: str) -> Step | None:
    """The step named in callback data, or None for anything else (forged or from an old version)."""
    return Step._value2member_map_.get(value)  # type: ignore[return-value]


class Kind(StrEnum):
    CHOICE = "choice"  # one button
    MULTI = "multi"  # toggles and Done
    TEXT = "text"  # typed
    CONSENT = "consent"  # agree / disagree


# Steps in order; who answers each is decided by `applies`.
ORDER: tuple[Step, ...] = (
    Step.ROLE,
    Step.CONSENT,
    Step.AGE,
    Step.GUARDIAN,
    Step.NAME,
    Step.REGION,
    Step.STAGE,
    Step.FIELDS,
    Step.GOALS,
    Step.LANGUAGES,
    Step.AVAILABILITY,
    Step.FORMAT,
    Step.JOB_TITLE,
    Step.ORGANISATION,
    Step.BIO,
    Step.CAPACITY,
    Step.LINK,
    Step.SUMMARY,
)

KINDS: dict[Step, Kind] = {
    Step.ROLE: Kind.CHOICE,
    Step.CONSENT: Kind.CONSENT,
    Step.AGE: Kind.CHOICE,
    Step.GUARDIAN: Kind.CONSENT,
    Step.NAME: Kind.TEXT,
    Step.REGION: Kind.CHOICE,
    Step.STAGE: Kind.CHOICE,
    Step.FIELDS: Kind.MULTI,
    Step.GOALS: Kind.MULTI,
    Step.LANGUAGES: Kind.MULTI,
    Step.AVAILABILITY: Kind.MULTI,
    Step.FORMAT: Kind.CHOICE,
    Step.JOB_TITLE: Kind.TEXT,
    Step.ORGANISATION: Kind.TEXT,
    Step.BIO: Kind.TEXT,
    Step.CAPACITY: Kind.CHOICE,
    Step.LINK: Kind.TEXT,
    Step.SUMMARY: Kind.CHOICE,
}

# The codes a choice or multi-choice step accepts.
OPTIONS: dict[Step, tuple[str, ...]] = {
    Step.ROLE: tuple(Role),
    Step.AGE: tuple(AgeBand),
    Step.REGION: tuple(Region),
    Step.STAGE: tuple(Stage),
    Step.FIELDS: tuple(Field),
    Step.GOALS: tuple(Goal),
    Step.LANGUAGES: tuple(Language),
    Step.AVAILABILITY: tuple(Availability),
    Step.FORMAT: tuple(MeetingFormat),
    Step.CAPACITY: ("1", "2", "3", "4", "5"),
}

# Steps a summary Edit button may reopen (role and age change who she is: not editable).
EDITABLE: tuple[Step, ...] = ORDER[ORDER.index(Step.NAME) : ORDER.index(Step.SUMMARY)]

NAME_MAX = 64
TITLE_MAX = 100
BIO_MAX = 500


@dataclass(frozen=True, slots=True)
class Answers:
    """What she has answered so far (None or empty: not yet)."""

    role: str | None = None
    consent: bool = False
    age_band: str | None = None
    guardian_consent: bool = False
    display_name: str | None = None
    region: str | None = None
    stage: str | None = None
    fields: frozenset[str] = field(default_factory=frozenset)
    goals: frozenset[str] = field(default_factory=frozenset)
    languages: frozenset[str] = field(default_factory=frozenset)
    availability: frozenset[str] = field(default_factory=frozenset)
    meeting_format: str | None = None
    job_title: str | None = None
    organisation: str | None = None
    bio: str | None = None
    capacity: int | None = None
    link_answered: bool = False

    @property
    def stories_only(self) -> bool:
        return self.role == Role.SUBSCRIBER or self.age_band == AgeBand.UNDER_14


def applies(step: Step, answers: Answers) -> bool:
    """Whether she is asked this step at all."""
    role = answers.role
    if step in (Step.ROLE, Step.CONSENT, Step.AGE, Step.REGION, Step.SUMMARY):
        return True
    if step is Step.GUARDIAN:
        return answers.age_band == AgeBand.TEEN
    if step is Step.NAME:
        # Children under 14 get stories without giving a name.
        return answers.age_band != AgeBand.UNDER_14
    if step is Step.STAGE:
        return answers.age_band != AgeBand.UNDER_14
    if answers.stories_only:
        return False
    if step in (Step.FIELDS, Step.GOALS, Step.LANGUAGES, Step.AVAILABILITY, Step.FORMAT):
        return role in (Role.MENTEE, Role.MENTOR)
    return role == Role.MENTOR  # job, organisation, bio, capacity, link


def answered(step: Step, a: Answers) -> bool:
    return {
        Step.ROLE: a.role is not None,
        Step.CONSENT: a.consent,
        Step.AGE: a.age_band is not None,
        Step.GUARDIAN: a.guardian_consent,
        Step.NAME: bool(a.display_name),
        Step.REGION: a.region is not None,
        Step.STAGE: a.stage is not None,
        Step.FIELDS: bool(a.fields),
        Step.GOALS: bool(a.goals),
        Step.LANGUAGES: bool(a.languages),
        Step.AVAILABILITY: bool(a.availability),
        Step.FORMAT: a.meeting_format is not None,
        Step.JOB_TITLE: bool(a.job_title),
        Step.ORGANISATION: bool(a.organisation),
        Step.BIO: bool(a.bio),
        Step.CAPACITY: a.capacity is not None,
        Step.LINK: a.link_answered,
        Step.SUMMARY: False,
    }[step]


def steps_for(answers: Answers) -> list[Step]:
    return [step for step in ORDER if applies(step, answers)]


def next_step(answers: Answers) -> Step:
    """The first step she still has to answer: where `/start` resumes."""
    for step in steps_for(answers):
        if not answered(step, answers):
            return step
    return Step.SUMMARY


def previous_step(current: Step, answers: Answers) -> Step | None:
    """Where Back goes: the step asked before this one, or None before the first."""
    steps = steps_for(answers)
    if current not in steps:
        return None
    index = steps.index(current)
    return steps[index - 1] if index > 0 else None


def progress(current: Step, answers: Answers) -> tuple[int, int]:
    """(this step's number, how many steps) for "Step 3 of 12"."""
    steps = [s for s in steps_for(answers) if s is not Step.SUMMARY]
    if current not in steps:
        return len(steps), len(steps)
    return steps.index(current) + 1, len(steps)


class InvalidAnswer(ValueError):
    """A typed answer we cannot take; `code` picks the message she is shown."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


_SPACES = re.compile(r"\s+")


def clean_text(raw: str) -> str:
    """Drop control and format characters except the joiners emoji need; fold spaces."""
    kept = []
    for char in raw:
        category = unicodedata.category(char)
        if char in "\n\t ":
            kept.append(" ")
        elif category == "Cc" or (category == "Cf" and char not in "\u200d\ufe0f"):
            continue
        else:
            kept.append(char)
    return _SPACES.sub(" ", "".join(kept)).strip()


def _has_letter_or_digit(text: str) -> bool:
    return any(unicodedata.category(c)[0] in "LN" for c in text)


def validate_name(raw: str) -> str:
    name = clean_text(raw)
    if not name:
        raise InvalidAnswer("name_empty")
    if len(name) > NAME_MAX:
        raise InvalidAnswer("name_too_long")
    return name


def validate_title(raw: str) -> str:
    """A job title or an organisation: one line, at most TITLE_MAX characters, some letters."""
    return _some_words(clean_text(raw), TITLE_MAX, "title_too_long")


def validate_bio(raw: str) -> str:
    # Keep her line breaks in a bio; only drop control characters.
    text = "\n".join(clean_text(line) for line in raw.strip().splitlines()).strip()
    return _some_words(re.sub(r"\n{3,}", "\n\n", text), BIO_MAX, "bio_too_long")


def _some_words(text: str, limit: int, too_long: str) -> str:
    """The cleaned text if it has a letter or digit and at most `limit` characters."""
    if not text or not _has_letter_or_digit(text):
        raise InvalidAnswer("text_empty")
    if len(text) > limit:
        raise InvalidAnswer(too_long)
    return text


def validate_link(raw: str) -> str:
    link = raw.strip()
    parsed = urlparse(link)
    if (
        parsed.scheme not in ("http", "https")
        or not parsed.hostname
        or "." not in parsed.hostname
        or any(c.isspace() for c in link)
        or len(link) > 300
    ):
        raise InvalidAnswer("link_invalid")
    return link
