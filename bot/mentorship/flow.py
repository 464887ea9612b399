"""The mentorship in progress as use cases: each takes ids and `now`, checks every rule (bot.safety,
bot.mentorship.rules) in one transaction, and returns what to tell whom. No Telegram: the handler
answers the one who pressed or wrote and hands `notices` to the one sender.

A report pauses a mentorship and an admin's Warn or Dismiss resumes it: pause and resume are
`report` and `decide`, not buttons of their own.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from bot.circles import membership as circle_membership
from bot.contact_guard import flow as contact_guard
from bot.matching import flow as matching
from bot.mentorship import notices
from bot.mentorship.rules import REPORT_CONTEXT_MESSAGES, EndReason, ReportReason, Status
from bot.mentorship.store.mentorships import current_in
from bot.mentorship.store.relay import RelayMessage, check_may_relay, insert
from bot.mentorship.store.reports import Decided, Report, audit_in, decide_in
from bot.mentorship.store.requests import Request
from bot.mentorship.store.rows import Mentorship, load_party, move
from bot.notices import Notice

if TYPE_CHECKING:
    from bot.services import Services


@dataclass(frozen=True)
class Done:
    mentorship: Mentorship
    other_name: str  # the other side, for her own reply
    notices: list[Notice] = field(default_factory=list)


class Relay(StrEnum):
    SENT = "sent"
    SLOW = "slow"  # bot.limits: too many at once
    HOLD = "hold"  # contact details with a minor: held back, admins flagged
    SHARE = "share"  # contact details between adults: use Share my contact


@dataclass(frozen=True)
class Relayed:
    outcome: Relay
    message: RelayMessage | None = None
    notices: list[Notice] = field(default_factory=list)  # the message first, when it was sent


async def relay(services: Services, mentorship_id: int, sender_id: int, text: str, now: datetime) -> Relayed:
    """Her typed (already cleaned) text to the other side, unless a rule holds it back."""
    if not services.limits.allow("relay", sender_id, now):
        return Relayed(Relay.SLOW)
    async with services.db.transaction() as tx:
        m = await load_party(tx, mentorship_id, sender_id)
        # Screened first: a minor's contact details reach the admins even when the message can't go.
        held = await contact_guard.hold_in(tx, "relay", sender_id, m.other(sender_id), text, now)
        if held is None:
            await check_may_relay(tx, m, sender_id)
            message = await insert(tx, m, sender_id, text, now)
    if held is not None:
        verdict, flag_id = held
        told = await contact_guard.admin_notices(
            services, verdict, flag_id, "relay", sender_id, m.other(sender_id), text
        )
        return Relayed(Relay(verdict.action.value), None, told)
    name = await services.users.display_name(sender_id)
    return Relayed(Relay.SENT, message, [notices.relayed(message.recipient_id, m.id, name, text)])


@dataclass(frozen=True)
class Shared:
    mentorship: Mentorship
    other_name: str
    both: bool = False  # the contacts went to both just now
    slow: bool = False
    notices: list[Notice] = field(default_factory=list)


async def share(services: Services, mentorship_id: int, user_id: int, now: datetime) -> Shared:
    """Her consent to share contacts; once both agreed, each gets the other's."""
    m = await services.mentorships.party_of(mentorship_id, user_id)
    other_name = await services.users.display_name(m.other(user_id))
    already = m.shares(user_id)  # a repeated or forged press tells the other side nothing new (F6)
    if not already and not services.limits.allow("share", user_id, now):
        return Shared(m, other_name, slow=True)
    m, both = await services.mentorships.share_contact(mentorship_id, user_id, now)
    if both:
        told = []
        for viewer in (m.mentee_id, m.mentor_id):
            other = m.other(viewer)
            record = await services.users.get(other)
            name = await services.users.display_name(other)
            told.append(notices.contact(viewer, other, name, record.username if record else None))
        return Shared(m, other_name, both=True, notices=told)
    if already:
        return Shared(m, other_name)
    asked = notices.share_asked(m.other(user_id), m.id, await services.users.display_name(user_id))
    return Shared(m, other_name, notices=[asked])


async def end(services: Services, mentorship_id: int, user_id: int, reason: EndReason, now: datetime) -> Done:
    m = await services.mentorships.end(mentorship_id, user_id, reason, now)
    return await _ended(services, m, user_id, reason)


async def block(services: Services, mentorship_id: int, user_id: int, now: datetime) -> Done:
    """It ends at once and the pair is never matched again; the other side hears only that it ended."""
    m = await services.mentorships.block(mentorship_id, user_id, now)
    return await _ended(services, m, user_id, None)


async def _ended(services: Services, m: Mentorship, user_id: int, reason: EndReason | None) -> Done:
    other = m.other(user_id)
    told = notices.ended(other, await services.users.display_name(user_id), reason, to_mentee=other == m.mentee_id)
    return Done(m, await services.users.display_name(other), [told])


async def end_all_for_erasure(services: Services, user_id: int, now: datetime) -> list[Notice]:
    """/deleteme: each of her current mentorships ends, and the other side hears it (while her
    name still exists: call it before `profiles.erase`)."""
    name = await services.users.display_name(user_id)
    async with services.db.transaction() as tx:
        current = await current_in(tx, user_id)
        for m in current:
            await move(tx, m, Status.CANCELLED, user_id, now, detail="erased")
    return [notices.ended(m.other(user_id), name, None, to_mentee=m.other(user_id) == m.mentee_id) for m in current]


@dataclass(frozen=True)
class Reported:
    report: Report
    notices: list[Notice] = field(default_factory=list)


async def report(
    services: Services, mentorship_id: int, reporter_id: int, reason: ReportReason, now: datetime
) -> Reported:
    """The mentorship pauses at once and the admins hear; the other side learns only of the pause."""
    before = await services.mentorships.party_of(mentorship_id, reporter_id)
    made = await services.reports.report(mentorship_id, reporter_id, reason, now)
    told: list[Notice] = []
    # Always stored; past the limit admins are not alerted one by one (the queue's re-alerts still come, F13).
    if services.limits.allow("report_alert", reporter_id, now):
        told += await _alert(services, made, before)
    if before.status == Status.ACTIVE:
        # Already paused, or over: nothing changed for the other person, and someone who blocked
        # the reporter must not hear from her through us.
        told.append(notices.paused(before.other(reporter_id), await services.users.display_name(reporter_id)))
    return Reported(made, told)


async def add_details(services: Services, report_id: int, reporter_id: int, text: str) -> list[Notice]:
    """Her own words added to her report; the admins get them at once."""
    if not await services.reports.add_report_text(report_id, reporter_id, text):
        return []
    made = await services.reports.get_report(report_id)
    if made is None or made.mentorship_id is None:
        return []
    return notices.report_details(sorted(services.settings.admin_ids), report_id, text)


async def _alert(services: Services, made: Report, m: Mentorship) -> list[Notice]:
    async def who(user_id: int) -> object:
        profile = await services.profiles.get(user_id)
        name = await services.users.display_name(user_id)
        minor = bool(profile and profile.is_minor)
        return notices.who(name, user_id, mentee=user_id == m.mentee_id, minor=minor)

    messages = [
        (await services.users.display_name(r.sender_id), r.sent_at, r.text)
        for r in await services.relay.last_messages(m.id, REPORT_CONTEXT_MESSAGES)
    ]
    reporter, reported = await who(made.reporter_id), await who(m.other(made.reporter_id))
    admins = sorted(services.settings.admin_ids)
    return notices.report_alert(admins, made.id, m, made.reason, reporter, reported, messages, made.counter_of)


DECISIONS = ("warn", "suspend", "end", "dismiss")


@dataclass(frozen=True)
class Decision:
    report: Report
    withdrawn: list[Request] = field(default_factory=list)  # a suspended mentor's open requests
    notices: list[Notice] = field(default_factory=list)


async def decide(services: Services, report_id: int, admin_id: int, decision: str, now: datetime) -> Decision | None:
    """An admin closes a report once (None if another admin already did): Warn or Dismiss resume the
    mentorship when nothing else on it is open, End cancels it, Suspend also ends everything the
    reported person is part of. The people on the other side learn only that it ended, never why."""
    async with services.db.transaction() as tx:
        decided = await decide_in(tx, report_id, admin_id, decision, now)
        if decided is None:
            return None
        made = decided.report
        ended: list[Mentorship] = []
        withdrawn: list[Request] = []
        out_of_circles: list[Notice] = []
        if decision == "suspend" and made.reported_id is not None:
            ended, withdrawn = await services.reports.suspend_in(tx, made.reported_id, admin_id, now)
            out_of_circles = await circle_membership.out_of_circles_in(tx, made.reported_id, admin_id, "suspended", now)
        details = {"reported": made.reported_id, "mentorship": made.mentorship_id}
        await audit_in(tx, admin_id, f"report_{decision}", now, made.id, **details)
    told = _told_of(decided, decision) if made.mentorship_id else await _told_of_request(services, made, decision)
    for m in ended:
        told += notices.told(m.other(made.reported_id), notices.ENDED_OTHER)
    told += out_of_circles
    mine = [r for r in withdrawn if r.mentor_id == made.reported_id]
    if mine:  # her mentees-to-be each get their next match
        told += await matching.mentor_paused(services, mine, await services.users.display_name(made.reported_id), now)
    return Decision(made, mine, told)


def _told_of(decided: Decided, decision: str) -> list[Notice]:
    """The two sides of a reported mentorship."""
    made = decided.report
    reporter, reported = made.reporter_id, made.reported_id
    # A counter-report names the one who reported first: a minor is never warned for having reported.
    spare_minor = made.counter_of is not None and decided.reported_minor
    after = (notices.WARNED if decision == "warn" else notices.DISMISSED) if decided.resumed else notices.STILL_PAUSED
    return {
        "warn": [*([] if spare_minor else notices.told(reported, notices.WARNING)), *notices.told(reporter, after)],
        "dismiss": notices.told(reporter, after),
        "end": [*notices.told(reporter, notices.ENDED), *notices.told(reported, notices.ENDED_OTHER)],
        "suspend": [*notices.told(reported, notices.SUSPENDED), *notices.told(reporter, notices.ENDED)],
    }[decision]


async def _told_of_request(services: Services, made: Report, decision: str) -> list[Notice]:
    """A report on a pending request: it was withdrawn when she reported, so there is nothing to
    resume or end; she hears it was looked at, and the mentor hears a warning or her suspension."""
    name = await services.users.display_name(made.reported_id) if made.reported_id else "—"
    told = notices.told(made.reporter_id, notices.REVIEWED, name=name)
    if decision == "warn":
        told += notices.told(made.reported_id, notices.WARNING)
    elif decision == "suspend":
        told += notices.told(made.reported_id, notices.SUSPENDED)
    return told
