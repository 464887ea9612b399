"""The request's use cases: each takes ids and `now`, lets the store check every rule and change the
database in one transaction (`Refused` when a rule says no), and returns what to tell whom.
No Telegram: the handler shows `reply` to the one who pressed and hands `notices` to the one sender.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from bot.contact_guard import flow as contact_guard
from bot.contact_guard.rules import Action
from bot.domain import GOAL_LABELS
from bot.experiments import flow as experiments
from bot.limits.rules import SLOW_DOWN
from bot.matching import introduction, notices
from bot.matching.find import offer_next
from bot.mentorship.rules import DECLINE_LABELS, DECLINE_TOLD, NUDGE_AFTER, REPORT_LABELS, Refusal, Refused
from bot.mentorship.store.requests import Request
from bot.mentorship.store.rows import Mentorship
from bot.notices import Line, Msg, Notice

if TYPE_CHECKING:
    from bot.services import Services


@dataclass(frozen=True)
class Done:
    """`reply`: lines for the one who acted; `notices`: for everyone else. `held`: her text had
    contact details and was not sent (True when a minor is involved and admins were told)."""

    reply: tuple[Line, ...] = ()
    notices: list[Notice] = field(default_factory=list)
    request: Request | None = None
    held: Action | None = None


async def name(services: Services, user_id: int) -> str:
    return await services.users.display_name(user_id)


async def held_back(
    services: Services, source: str, sender_id: int, recipient_id: int, text: str, now: datetime
) -> Done | None:
    """None if her text may go; else it is flagged (and, with a minor, shown to the admins)."""
    held = await contact_guard.check(services, source, sender_id, recipient_id, text, now)
    return None if held is None else Done(notices=held.notices, held=held.action)


# --- her request ---------------------------------------------------------------------------------


async def may_request(services: Services, mentee_id: int, mentor_id: int) -> str:
    """The mentor's name if she may ask her now (before she types a note in vain); else `Refused`."""
    await services.requests.check_requestable(mentee_id, mentor_id)
    return await name(services, mentor_id)


async def request(services: Services, mentee_id: int, mentor_id: int, note: str | None, now: datetime) -> Done:
    """Her request with an optional note: the mentor gets the card."""
    if note is not None and (held := await held_back(services, "note", mentee_id, mentor_id, note, now)):
        return held
    sent = await services.requests.create_request(mentee_id, mentor_id, now, note=note)
    mine = notices.sent(mentee_id, sent.id, await name(services, mentor_id))
    card = notices.request_card(sent, await services.profiles.get(mentee_id))
    return Done(mine.lines, [card], sent)


async def mentee_side(services: Services, request_id: int, mentee_id: int) -> Request:
    """Her pending request, for her Answer and Report buttons; else `Refused`."""
    asked = await services.requests.get_request(request_id)
    if asked is None or asked.mentee_id != mentee_id:
        raise Refused(Refusal.NOT_YOURS)
    if asked.status != "pending":
        raise Refused(Refusal.ANSWERED)
    return asked


async def answer(services: Services, request_id: int, mentee_id: int, text: str, now: datetime) -> Done:
    """Her answer to the mentor's question: the mentor gets the card again, with it."""
    if not services.limits.allow("answer", mentee_id, now):
        return Done((Msg(SLOW_DOWN),))
    asked = await services.requests.get_request(request_id)
    if asked is not None and (held := await held_back(services, "answer", mentee_id, asked.mentor_id, text, now)):
        return held
    answered = await services.requests.answer(request_id, mentee_id, text, now)
    card = notices.request_card(answered, await services.profiles.get(mentee_id), "answer")
    return Done((Msg(notices.ANSWER_SENT),), [card], answered)


async def withdraw(services: Services, request_id: int, mentee_id: int, now: datetime, *, block: bool) -> Done:
    closed = await services.requests.withdraw(request_id, mentee_id, now, block=block)
    mentor = await name(services, closed.mentor_id)
    told = notices.withdrawn(closed.mentor_id, await name(services, mentee_id))
    return Done((notices.withdrawn_mine(mentor, block),), [told], closed)


async def report(services: Services, request_id: int, mentee_id: int, reason: str, now: datetime) -> Done:
    """She reports the mentor of her pending request: withdrawn at once, the admins alerted."""
    made = await services.reports.report_request(request_id, mentee_id, reason, now)
    if not services.limits.allow("report_alert", mentee_id, now):
        return Done()  # stored; the safety queue's re-alerts bring it to admins (F13)
    messages = [
        (await name(services, sender), kind, text)
        for sender, kind, text in await services.requests.request_messages(request_id)
    ]
    reporter, reported = await name(services, made.reporter_id), await name(services, made.reported_id)
    alert = (made.id, request_id, reporter, made.reporter_id, reported, made.reported_id, REPORT_LABELS[reason])
    return Done(notices=[notices.report_alert(a, *alert, messages) for a in sorted(services.settings.admin_ids)])


# --- the mentor's answer -------------------------------------------------------------------------


async def answerable(services: Services, request_id: int, mentor_id: int, now: datetime) -> Request:
    """The request if this mentor may still answer it (before she picks a reason or types)."""
    return await services.requests.check_answerable(request_id, mentor_id, now)


async def accept(services: Services, request_id: int, mentor_id: int, now: datetime) -> Done:
    """A mentorship starts: both are introduced and asked how often to meet; the mentors of her
    other requests hear that she found a mentor."""
    accepted = await services.requests.accept(request_id, mentor_id, now)
    told = await introduce(services, accepted.mentorship)
    mentee = await name(services, accepted.request.mentee_id)
    told += [notices.found_a_mentor(other.mentor_id, mentee) for other in accepted.withdrawn]
    return Done((Msg(notices.ACCEPTED),), told, accepted.request)


async def introduce(services: Services, mentorship: Mentorship) -> list[Notice]:
    mentee = await services.profiles.get(mentorship.mentee_id)
    mentor = await services.profiles.get(mentorship.mentor_id)
    minor = bool(mentee and mentee.is_minor)
    if minor and mentor is not None:
        mentor = mentor.for_minors()  # an edit since vetting waits for an admin (F4)
    mentee_name, mentor_name = await name(services, mentorship.mentee_id), await name(services, mentorship.mentor_id)
    told = [
        introduction.introduction(mentorship, mentorship.mentee_id, mentor_name, mentor, minor),
        introduction.introduction(mentorship, mentorship.mentor_id, mentee_name, mentee, minor),
    ]
    # The agreement (goals and how often to meet); a crash before it is mended at start (rhythm.add_missing).
    if await services.rhythms.start_rhythm(mentorship.id, mentorship.started_at):
        goals = notices.labels(GOAL_LABELS, mentee.answers.goals if mentee else (), by_code=True)
        told += [
            introduction.agreement(mentorship, viewer, mentee_name, goals)
            for viewer in (mentorship.mentee_id, mentorship.mentor_id)
        ]
    return told


async def decline(services: Services, request_id: int, mentor_id: int, reason: str, now: datetime) -> Done:
    closed = await services.requests.decline(request_id, mentor_id, reason, now)
    told = Msg(notices.DECLINED, name=await name(services, mentor_id), reason=Msg(DECLINE_TOLD[reason]))
    verdict = Msg(notices.DECLINED_MINE, reason=Msg(DECLINE_LABELS[reason]))
    return Done((verdict,), await offer_next(services, closed.mentee_id, told, now), closed)


async def ask(services: Services, request_id: int, mentor_id: int, text: str, now: datetime) -> Done:
    """The mentor's question to the mentee before she answers the request."""
    asked = await services.requests.get_request(request_id)
    if asked is not None and (held := await held_back(services, "question", mentor_id, asked.mentee_id, text, now)):
        return held
    asked = await services.requests.ask(request_id, mentor_id, text, now)
    told = notices.question(asked, await name(services, mentor_id), text)
    return Done((Msg(notices.QUESTION_SENT),), [told], asked)


async def cohort(services: Services, pairs: list, admin_id: int, now: datetime) -> tuple[int, list[Notice]]:
    """A confirmed cohort: each pair's request, unless things changed since the preview (skipped).
    How many were sent, and the cards and the word to each mentee."""
    told: list[Notice] = []
    for mentee_id, mentor_id, _ in pairs:
        try:
            made = await services.requests.create_request(mentee_id, mentor_id, now, source="cohort", actor_id=admin_id)
        except Refused:
            continue  # she found a mentor, or the mentor filled up, since the preview
        told.append(notices.request_card(made, await services.profiles.get(mentee_id)))
        told.append(notices.cohort_matched(mentee_id, await name(services, mentor_id)))
    return len(told) // 2, told


# --- closed without her doing ----------------------------------------------------------------------


async def expire_due(services: Services, now: datetime) -> list[Notice]:
    """Requests a week old without an answer: closed, the mentee offered her next match at once,
    the mentor told (and paused after too many in a row, her other requests closed)."""
    told: list[Notice] = []
    for request_id in await services.request_expiry.due_expiries(now):
        expired = await services.request_expiry.expire(request_id, now)
        if expired is None:
            continue  # another run took it
        closed = expired.request
        mentor = await name(services, closed.mentor_id)
        told += await offer_next(services, closed.mentee_id, Msg(notices.EXPIRED, name=mentor), now)
        told.append(notices.expired_to_mentor(closed, await name(services, closed.mentee_id), expired.mentor_paused))
        told += await mentor_paused(services, expired.withdrawn, mentor, now)
    return told


async def mentor_paused(services: Services, withdrawn: list[Request], mentor: str, now: datetime) -> list[Notice]:
    """Her requests to a mentor who was paused (or suspended) are closed: each mentee gets her next."""
    told: list[Notice] = []
    for closed in withdrawn:
        told += await offer_next(services, closed.mentee_id, Msg(notices.MENTOR_PAUSED, name=mentor), now)
    return told


async def nudge_due(services: Services, now: datetime) -> list[Notice]:
    """Two days without an answer: one reminder to the mentor, with the buttons again."""
    told = []
    for request_id in await services.request_expiry.due_nudges(now, NUDGE_AFTER):
        nudged = await services.request_expiry.claim_nudge(request_id, now)
        mentee = await services.profiles.get(nudged.mentee_id) if nudged is not None else None
        if mentee is not None:  # (a request whose mentee is gone has nothing to remind of)
            arm = await experiments.arm_setting(services.db, nudged.mentor_id, "nudge_wording", now)
            heading = "reminder_warm" if arm == "warm" else "reminder"
            told.append(notices.request_card(nudged, mentee, heading))
    return told


async def withdraw_all(services: Services, user_id: int, now: datetime) -> list[Notice]:
    """/deleteme: her open requests, both sides, are closed, and the other side is told (before her
    name is erased); a mentee whose mentor leaves gets her next best match, never the one leaving."""
    as_mentee, as_mentor = await services.requests.withdraw_all(user_id, now)
    her = await name(services, user_id)
    told = [notices.withdrawn(closed.mentor_id, her) for closed in as_mentee]
    for closed in as_mentor:
        told += await offer_next(services, closed.mentee_id, Msg(notices.MENTOR_LEFT, name=her), now, skip=user_id)
    return told


async def expiry_job(app) -> None:
    """Timed job (bot.jobs): expire, then re-offer."""
    services: Services = app.bot_data.services
    await services.sender.send(await expire_due(services, services.clock.now()))


async def nudge_job(app) -> None:
    """Timed job (bot.jobs): the mentor's one reminder."""
    services: Services = app.bot_data.services
    await services.sender.send(await nudge_due(services, services.clock.now()))
