"""Finding a mentor: her best matches one card at a time (narrowed by field), and the re-offer of
her next best match after a request closes without her doing. Use cases, no Telegram.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from bot.domain import AgeBand, Field
from bot.i18n import N_
from bot.matching import mentor_card, notices
from bot.matching.notices import Rows
from bot.matching.rules import rank_mentors, why_no_match
from bot.notices import Line, Msg, Notice

if TYPE_CHECKING:
    from bot.services import Services


@dataclass(frozen=True)
class View:
    """What she sees: a mentor's card (`found`), or why there is none."""

    lines: tuple[Line, ...]
    buttons: Rows = ()
    found: bool = False

    def to(self, user_id: int) -> Notice:
        return Notice(user_id, self.lines, self.buttons)


def field_of(code: str | None) -> str | None:
    """A field filter from a button or a story card; anything else means all fields."""
    return code if code in Field._value2member_map_ else None


def said(text: str) -> View:
    return View((Msg(text),))


async def browse(
    services: Services, user_id: int, index: int, field: str | None, now: datetime, *, skip: int | None = None
) -> View:
    """Her `index`-th best mentor (in `field`, if given), or why there is none. `skip`: a mentor
    about to leave the programme, never offered."""
    profile = await services.profiles.get(user_id)
    if profile is None or profile.completed_at is None:
        return said(N_("Let's make your profile first: send /start."))
    if profile.role == "mentor":
        return said(
            N_("/mentors is for mentees looking for a mentor. Mentees find you here; /mentorship shows your mentees.")
        )
    if profile.answers.age_band == AgeBand.UNDER_14:
        return said(N_("Mentoring starts at 14. Until then, /story brings you stories of amazing women in STEM. 🌱"))
    mentee = await services.candidates.mentee_profile(user_id)
    if mentee is None:
        return said(
            N_(
                "Your profile is set up for stories only, so mentors are not matched to you. "
                "Write to the programme team if you would like a mentor."
            )
        )
    if await services.mentorships.current(user_id):
        return said(N_("You already have a mentor: /mentorship shows her."))
    mentors = await services.candidates.mentor_profiles()
    excluded = await services.candidates.exclusions(user_id)
    if skip is not None:
        excluded.add((user_id, skip))
    wanted = Field(field) if field else None
    matches = rank_mentors(mentee, mentors, excluded, now, limit=index + 1, field=wanted)
    if not matches:
        counts = why_no_match(mentee, mentors, excluded, field=wanted)
        waiting = bool(await services.requests.pending_requests(mentee_id=user_id))
        return View(
            (mentor_card.nobody(counts, field, waiting),), ((mentor_card.all_fields_button(),),) if field else ()
        )
    if index >= len(matches):
        return View(*mentor_card.everyone_seen(field))
    match = matches[index]
    mentor = next(m for m in mentors if m.user_id == match.mentor_id)
    mentor_profile = await services.profiles.get(match.mentor_id)
    if profile.answers.age_band != AgeBand.ADULT:
        mentor_profile = mentor_profile.for_minors()  # an edit since vetting waits for an admin (F4)
    _, zone = await services.sender.reader(user_id)
    lines = mentor_card.card(mentor_profile, mentor, match, now, zone, field)
    return View(lines, mentor_card.card_buttons(match.mentor_id, index, field), found=True)


async def offer_next(
    services: Services, mentee_id: int, told: Msg, now: datetime, *, skip: int | None = None
) -> list[Notice]:
    """After a decline, an expiry or a mentor's leaving: what happened (`told`), then her next."""
    if await services.mentorships.current(mentee_id):
        return [Notice(mentee_id, (told,))]
    view = await browse(services, mentee_id, 0, None, now, skip=skip)
    if view.found:
        return notices.reoffer(mentee_id, told, view.to(mentee_id), None)
    return notices.reoffer(mentee_id, told, None, view.to(mentee_id))
