"""The sessions feature's use cases: each takes ids and `now`, lets the store check every rule and
change the database (one transaction there), and returns the session with what to tell whom.
No Telegram: the handler answers the one who pressed and hands `notices` to the one sender.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from bot.experiments import flow as experiments
from bot.i18n import N_
from bot.notices import Msg, Notice
from bot.sessions import notices
from bot.sessions.reminder_plan import parse_offsets
from bot.sessions.rules import Status
from bot.sessions.store.rows import People, SessionRow

if TYPE_CHECKING:
    from bot.services import Services


async def reminder_offsets(services: Services, mentee_id: int, now: datetime) -> tuple[timedelta, ...]:
    """Her reminder timing: her arm of a running experiment on it, else the configured offsets."""
    arm = await experiments.arm_setting(services.db, mentee_id, "reminder_timing", now)
    return parse_offsets(arm) if arm else services.settings.reminder_offsets


# A mentee trying /book again and again must not flood her mentor: she hears of it once a day at most.
NO_TIME_NOTICE_EVERY = timedelta(days=1)


async def no_free_time(
    services: Services, mentorship_id: int, mentor_id: int, mentee_id: int, now: datetime
) -> list[Notice]:
    """Her mentee wanted to book and found no free time: the mentor is asked for some, once a day."""
    if not await services.mentorships.claim_no_time_notice(mentorship_id, now, NO_TIME_NOTICE_EVERY):
        return []
    no_time = N_(
        "{name} would like to book a session, but you have no free time in the next two weeks. /slots adds some."
    )
    name = await services.users.display_name(mentee_id)
    return [Notice(mentor_id, (Msg(no_time, name=name),))]


@dataclass(frozen=True)
class Done:
    session: SessionRow
    people: People
    notices: list[Notice] = field(default_factory=list)


async def book(
    services: Services,
    mentorship_id: int,
    mentee_id: int,
    start: datetime,
    now: datetime,
    *,
    new_link: Callable[[], str],
    agenda: str | None,
) -> Done:
    """She books a free slot: with a mentor who confirms automatically both get the card at once;
    else she gets hers (waiting) and the mentor the request card."""
    session = await services.bookings.book(
        mentorship_id,
        mentee_id,
        start,
        now,
        offsets=await reminder_offsets(services, mentee_id, now),
        new_link=new_link,
        agenda=agenda,
    )
    people = await services.sessions.people(session)
    if session.status == Status.CONFIRMED:
        first = await services.sessions.first_id(session.id)
        return Done(
            session, people, notices.both_confirmed(session, people, N_("Your session is booked! 🎉"), first, now)
        )
    booked = Msg(
        N_("Booked! ⏳ I've asked {name} to confirm and will tell you as soon as she does."), name=people.mentor_name
    )
    return Done(
        session, people, [notices.card(session, mentee_id, people, (booked,)), notices.request_card(session, people)]
    )


async def confirm(services: Services, session_id: int, mentor_id: int, now: datetime) -> Done:
    pending = await services.sessions.get(session_id)
    offsets = (
        await reminder_offsets(services, pending.mentee_id, now) if pending else services.settings.reminder_offsets
    )
    session = await services.bookings.confirm(session_id, mentor_id, now, offsets=offsets)
    people = await services.sessions.people(session)
    first = await services.sessions.first_id(session.id)
    return Done(
        session, people, notices.both_confirmed(session, people, N_("Your session is confirmed! 🎉"), first, now)
    )


async def decline(services: Services, session_id: int, mentor_id: int, now: datetime) -> Done:
    session = await services.bookings.decline(session_id, mentor_id, now)
    people = await services.sessions.people(session)
    return Done(session, people, [notices.declined(session, people)])


async def reschedule(
    services: Services, session_id: int, user_id: int, start: datetime, now: datetime, reason: str | None
) -> Done:
    """The move: her own card again (with the .ics once confirmed), then the word to the other side."""
    pending = await services.sessions.get(session_id)
    offsets = (
        await reminder_offsets(services, pending.mentee_id, now) if pending else services.settings.reminder_offsets
    )
    old, new = await services.bookings.reschedule(session_id, user_id, start, now, offsets=offsets, reason=reason)
    people = await services.sessions.people(new)
    first = await services.sessions.first_id(new.id)
    document = notices.ics(new, people, first, now) if new.status == Status.CONFIRMED else None
    mine = notices.card(new, user_id, people, (Msg(N_("Moved ✓")),), document)
    return Done(new, people, [mine, *notices.moved(old, new, user_id, people, reason, now, first)])


async def cancel(services: Services, session_id: int, user_id: int, now: datetime, reason: str | None) -> Done:
    session = await services.bookings.cancel(session_id, user_id, now, reason)
    people = await services.sessions.people(session)
    return Done(session, people, [notices.cancelled(session, user_id, people, reason)])


async def expire_unconfirmed(services: Services, now: datetime) -> list[Notice]:
    """Bookings the mentor never confirmed before their start: the mentee is told kindly."""
    told = []
    for session in await services.bookings.expire_unconfirmed(now):
        told.append(notices.not_confirmed_in_time(session, await services.sessions.people(session)))
    return told
