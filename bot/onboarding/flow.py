"""Onboarding's use cases: answer a step, go back, edit, finish, pause, erase.

Each takes her id and `now`, checks the rules, writes in one transaction (the profile store's
`save`, `complete`, `erase`), and returns her profile with the notices to send before her next
question. Nothing here knows Telegram.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.domain import AgeBand, Role, Stage
from bot.i18n import N_
from bot.notices import Msg, Notice
from bot.onboarding.rules import (
    EDITABLE,
    KINDS,
    OPTIONS,
    InvalidAnswer,
    Kind,
    Step,
    applies,
    next_step,
    previous_step,
    validate_bio,
    validate_link,
    validate_name,
    validate_title,
)
from bot.onboarding.store import Profile, ProfileRepository

log = logging.getLogger(__name__)

STALE_AFTER = timedelta(days=30)

# Where each step's answer is kept.
COLUMNS = {
    Step.NAME: "display_name",
    Step.REGION: "region",
    Step.STAGE: "stage",
    Step.FIELDS: "fields",
    Step.GOALS: "goals",
    Step.LANGUAGES: "languages",
    Step.AVAILABILITY: "availability",
    Step.FORMAT: "meeting_format",
    Step.JOB_TITLE: "job_title",
    Step.ORGANISATION: "organisation",
    Step.BIO: "bio",
    Step.LINK: "meeting_link",
}
VALIDATE = {
    Step.NAME: validate_name,
    Step.JOB_TITLE: validate_title,
    Step.ORGANISATION: validate_title,
    Step.BIO: validate_bio,
    Step.LINK: validate_link,
}
INVALID_TEXT = {
    "name_empty": N_("Please type your name in letters: it can't be empty."),
    "name_too_long": N_("That's a bit long: please keep your name to 64 characters."),
    "text_empty": N_("Please type a few words."),
    "title_too_long": N_("Please keep it under 100 characters."),
    "bio_too_long": N_("That's longer than 500 characters: please shorten it a little."),
    "link_invalid": N_("That doesn't look like a link. Please send one starting with https://, or tap Skip."),
}
TEEN_NOT_MENTOR = N_("Mentors are adults, 18 or older. You can find a mentor for yourself instead!")
UNDER_14 = N_(
    "Thank you! Mentoring starts at 14, so for now I will send you stories of amazing women in STEM. "
    "When you turn 14, you can find a mentor here too. 🌱"
)
TEEN_MADE_MENTEE = N_("Mentors are adults, 18 or older, so I have set you up to find a mentor. 🌟")
NO_CONSENT = N_(
    "I understand. Without your consent I don't keep a profile, so mentoring is not possible. "
    "If you change your mind, tap I agree above or send /start."
)
NO_GUARDIAN_YET = N_(
    "No problem: talk to your parent or guardian first. Your answers are saved; "
    "when they agree, tap the button above or send /start."
)
CHOOSE_ONE = N_("Please choose at least one, then tap Done.")


@dataclass(frozen=True)
class Answered:
    """Her profile after an answer, and what to tell her before the question it is now at."""

    profile: Profile
    notices: tuple[Notice, ...] = ()
    moved: bool = True  # False: the same question stays (a refusal, or a toggle)


def _tell(user_id: int, text: str) -> tuple[Notice, ...]:
    return (Notice(user_id, (Msg(text),)),)


async def current(profiles: ProfileRepository, user_id: int, now: datetime) -> Profile:
    """Her profile, started if new and started afresh if abandoned for 30 days."""
    profile = await profiles.get(user_id)
    if profile is None:
        return await profiles.start(user_id, now, Step.ROLE.value)
    if profile.completed_at is None and now - profile.updated_at > STALE_AFTER:
        log.info("onboarding of %s expired; starting again", user_id)
        return await profiles.restart(user_id, now, Step.ROLE.value)
    return profile


async def _advance(profiles: ProfileRepository, profile: Profile, now: datetime, **answers) -> Profile:
    """Save answers and move on: to the next unanswered step, or back to the summary after an edit."""
    role = answers.pop("role", None)
    if profile.editing:
        saved = await profiles.save(profile.user_id, now, step=profile.step, role=role, **answers)
        target = Step.DONE if saved.completed_at else Step.SUMMARY
        return await profiles.save(profile.user_id, now, step=target.value, editing=False)
    return await profiles.save(
        profile.user_id, now, step=profile.step, role=role, then=lambda saved: next_step(saved.answers).value, **answers
    )


async def choose(profiles: ProfileRepository, profile: Profile, step: Step, value: str, now: datetime) -> Answered:
    """One button of a choice step (role, age, region, stage, format, capacity)."""
    if value not in OPTIONS[step]:
        return Answered(profile, moved=False)
    a, me = profile.answers, profile.user_id
    if step is Step.ROLE:
        if value == Role.MENTOR and a.age_band in (AgeBand.TEEN, AgeBand.UNDER_14):
            return Answered(profile, _tell(me, TEEN_NOT_MENTOR), moved=False)
        return Answered(await _advance(profiles, profile, now, role=value))
    if step is Step.AGE:
        answers: dict = {"age_band": value, "is_minor": value != AgeBand.ADULT}
        notices: tuple[Notice, ...] = ()
        if value == AgeBand.UNDER_14:
            answers |= {"role": Role.SUBSCRIBER.value, "stage": Stage.SCHOOL.value}
            notices = _tell(me, UNDER_14)
        elif value == AgeBand.TEEN and a.role == Role.MENTOR:
            answers["role"] = Role.MENTEE.value
            notices = _tell(me, TEEN_MADE_MENTEE)
        if value == AgeBand.ADULT:
            answers["guardian_consent_at"] = None
        return Answered(await _advance(profiles, profile, now, **answers), notices)
    if step is Step.CAPACITY:
        return Answered(await _advance(profiles, profile, now, capacity=int(value)))
    return Answered(await _advance(profiles, profile, now, **{COLUMNS[step]: value}))


async def toggle(profiles: ProfileRepository, profile: Profile, step: Step, value: str, now: datetime) -> Profile:
    """One option of a multi-choice step, on or off; she stays at the step."""
    if value not in OPTIONS[step]:
        return profile
    chosen = set(getattr(profile.answers, COLUMNS[step])) ^ {value}
    return await profiles.save(profile.user_id, now, step=step.value, **{COLUMNS[step]: chosen})


async def done_choosing(profiles: ProfileRepository, profile: Profile, step: Step, now: datetime) -> Answered:
    if not getattr(profile.answers, COLUMNS[step]):
        return Answered(profile, _tell(profile.user_id, CHOOSE_ONE), moved=False)
    return Answered(await _advance(profiles, profile, now))


async def consent(profiles: ProfileRepository, profile: Profile, step: Step, agreed: bool, now: datetime) -> Answered:
    """Her own consent, or her guardian's; a No keeps her at the question with a kind word."""
    if not agreed:
        return Answered(profile, _tell(profile.user_id, NO_CONSENT if step is Step.CONSENT else NO_GUARDIAN_YET), False)
    column = "consent_at" if step is Step.CONSENT else "guardian_consent_at"
    return Answered(await _advance(profiles, profile, now, **{column: now.isoformat(timespec="seconds")}))


async def type_answer(profiles: ProfileRepository, profile: Profile, step: Step, text: str, now: datetime) -> Answered:
    """A typed answer: name, job title, organisation, bio or meeting link."""
    try:
        value = VALIDATE[step](text)
    except InvalidAnswer as error:
        return Answered(profile, _tell(profile.user_id, INVALID_TEXT[error.code]), moved=False)
    extra = {"link_answered": True} if step is Step.LINK else {}
    return Answered(await _advance(profiles, profile, now, **{COLUMNS[step]: value}, **extra))


async def skip_link(profiles: ProfileRepository, profile: Profile, now: datetime) -> Answered:
    return Answered(await _advance(profiles, profile, now, meeting_link=None, link_answered=True))


async def back(profiles: ProfileRepository, profile: Profile, now: datetime) -> Profile | None:
    """The question before (or her summary, leaving an edit unchanged); None: the language comes first."""
    if profile.editing:
        target = Step.DONE if profile.completed_at else Step.SUMMARY
        return await profiles.save(profile.user_id, now, step=target.value, editing=False)
    previous = previous_step(Step(profile.step), profile.answers)
    if previous is None:
        return None
    return await profiles.save(profile.user_id, now, step=previous.value)


async def edit(profiles: ProfileRepository, profile: Profile, step: Step | None, now: datetime) -> Profile | None:
    """Reopen one answer (from the summary or /profile); None if that step is not hers to edit."""
    if step not in EDITABLE or not applies(step, profile.answers):
        return None
    return await profiles.save(profile.user_id, now, step=step.value, editing=True)


async def finish(profiles: ProfileRepository, profile: Profile, now: datetime) -> bool:
    """Confirm: her profile is complete (a mentor's waits for a check); False for a double tap."""
    return await profiles.complete(profile.user_id, now, mentor=profile.role == Role.MENTOR)


async def pause(profiles: ProfileRepository, user_id: int) -> None:
    """/cancel in the middle: her answers stay, and no nudge comes until she moves again."""
    await profiles.pause(user_id)


NUDGE_AFTER = [timedelta(hours=24), timedelta(days=7)]
FIRST_NUDGE = N_("Hi! 🌸 Your profile is almost ready: just a few questions left. Send /start to continue.")
SECOND_NUDGE = N_(
    "We still keep your place in the programme. Whenever you are ready, send /start: it takes a few minutes."
)


async def nudges(profiles: ProfileRepository, now: datetime) -> list[Notice]:
    """One friendly reminder a day after she stopped, one a week after; then silence.

    Each is claimed before it is returned: a crash may lose one, never send one twice.
    """
    due = []
    for user_id, number in await profiles.due_for_nudge(now, NUDGE_AFTER):
        if await profiles.claim_nudge(user_id, number):  # else another run took it
            due.append(Notice(user_id, (Msg(FIRST_NUDGE if number == 1 else SECOND_NUDGE),)))
    return due


def is_text_step(step: Step) -> bool:
    return KINDS[step] is Kind.TEXT
