"""Circles' use cases: form (preview, confirm), write, report, leave and remove, and the quiet nudge.
Each checks every rule and changes the database in one transaction, and returns what to tell whom."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.callbacks import cb
from bot.circles import rules
from bot.circles.store import (
    CircleStore,
    Queued,
    circle_in,
    in_a_circle,
    member_status,
    members,
    person,
    record,
    reported,
)
from bot.db._rows import iso
from bot.i18n import N_
from bot.mentorship.rules import REPORT_LABELS, ReportReason
from bot.notices import Button, Msg, Notice, Quote
from bot.safety import find_contact_details

LENGTH = timedelta(days=90)  # a formed circle runs this long unless its mentor ends it sooner


class CircleRefused(Exception):
    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@dataclass(frozen=True, slots=True)
class Formed:
    batch: int | None
    circles: list[tuple[int, str, list[int]]]  # (circle id, name, mentee ids)
    left: list[int]


async def _name(tx, user_id: int | None) -> str:
    if user_id is None:
        return "—"
    value = await tx.fetchval(
        "SELECT COALESCE(NULLIF(p.display_name, ''), NULLIF(u.first_name, ''))"
        " FROM users u LEFT JOIN profiles p ON p.user_id = u.id WHERE u.id = ?",
        (user_id,),
    )
    return value or "—"


async def form(store: CircleStore, admin_id: int, now: datetime) -> Formed:
    """Group the waiting mentees and save the circles as 'forming': a preview nobody has heard of yet."""
    mentees, leads, excluded = await store.waiting_mentees(), await store.leads(), await store.excluded()
    plans, left = rules.plan_circles(mentees, leads, excluded)
    if not plans:
        return Formed(None, [], left)
    circles = []
    async with store.db.transaction() as tx:
        batch = (await tx.fetchval("SELECT COALESCE(MAX(batch), 0) FROM circles")) + 1
        for plan in plans:
            lead = await person(tx, plan.mentor_id)
            kept = []
            for mentee_id in plan.mentee_ids:
                her = await person(tx, mentee_id)
                refused = rules.member_refusal(
                    her,
                    [lead],
                    plan.band,
                    reported_a_lead=await reported(tx, mentee_id, (plan.mentor_id,)),
                    in_another_circle=await in_a_circle(tx, mentee_id),
                )
                (kept if refused is None else left).append(mentee_id)
            if len(kept) < rules.MIN_SIZE:
                left.extend(kept)
                continue
            circle_id = await tx.insert(
                "INSERT INTO circles (name, mentor_id, field, language, age_band, starts_on, ends_on, batch,"
                " created_at) VALUES ('', ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    plan.mentor_id,
                    plan.field.value,
                    plan.language.value,
                    plan.band,
                    now.date().isoformat(),
                    (now + LENGTH).date().isoformat(),
                    batch,
                    iso(now),
                ),
            )
            # Her name and a number: the same in every language, and no one's account in it.
            name = f"{await _name(tx, plan.mentor_id)} #{circle_id}"
            await tx.execute("UPDATE circles SET name = ? WHERE id = ?", (name, circle_id))
            await tx.executemany(
                "INSERT INTO circle_members (circle_id, user_id, joined_at) VALUES (?, ?, ?)",
                [(circle_id, mentee_id, iso(now)) for mentee_id in kept],
            )
            await record(tx, circle_id, now, "formed", admin_id, detail=f"batch {batch}")
            circles.append((circle_id, name, kept))
    return Formed(batch, circles, sorted(left))


async def _batch(tx, batch: int) -> list[int]:
    rows = await tx.fetchall("SELECT id FROM circles WHERE batch = ? AND status = 'forming' ORDER BY id", (batch,))
    return [row[0] for row in rows]


async def confirm(store: CircleStore, batch: int, admin_id: int, now: datetime) -> list[Notice]:
    """The preview's circles begin: each member and mentor is told. `CircleRefused("done")` the second time."""
    notices = []
    async with store.db.transaction() as tx:
        ids = await _batch(tx, batch)
        if not ids:
            raise CircleRefused("done")
        for circle_id in ids:
            await tx.execute("UPDATE circles SET status = 'active' WHERE id = ?", (circle_id,))
            await record(tx, circle_id, now, "active", admin_id)
            circle = await circle_in(tx, circle_id)
            girls = await members(tx, circle_id)
            buttons = ((Button(Msg(N_("Write to the circle")), cb("circ", "w", circle_id), emoji="✍️"),),)
            for mentee_id in girls:
                notices.append(
                    Notice(
                        mentee_id,
                        (
                            Msg(N_("🌱 You are in a mentoring circle: {circle}."), circle=circle.name),
                            Msg(
                                N_("{n} girls and your mentor {name}."),
                                name=await _name(tx, circle.mentor_id),
                                n=len(girls),
                            ),
                            Msg(N_("Messages go through me: nobody sees your account. /circle opens it.")),
                        ),
                        buttons,
                    )
                )
            notices.append(
                Notice(
                    circle.mentor_id,
                    (
                        Msg(N_("🌱 You lead a new mentoring circle: {circle}."), circle=circle.name),
                        Msg(N_("{n} mentees. /circle opens it."), n=len(girls)),
                    ),
                    buttons,
                )
            )
    return notices


async def discard(store: CircleStore, batch: int, admin_id: int, now: datetime) -> bool:
    async with store.db.transaction() as tx:
        ids = await _batch(tx, batch)
        for circle_id in ids:
            await tx.execute("UPDATE circles SET status = 'cancelled' WHERE id = ?", (circle_id,))
            await record(tx, circle_id, now, "cancelled", admin_id, detail="preview discarded")
        return bool(ids)


async def _may_write(tx, circle_id: int, user_id: int):
    circle = await circle_in(tx, circle_id)
    if circle is None:
        raise CircleRefused("not_a_member")
    status = "active" if user_id in circle.leads else await member_status(tx, circle_id, user_id)
    if status not in ("active", "paused"):
        raise CircleRefused("not_a_member")
    if circle.status != "active":
        raise CircleRefused("circle_paused")
    if status == "paused":
        raise CircleRefused("you_are_paused")
    return circle


async def check_member(store: CircleStore, circle_id: int, user_id: int) -> None:
    """`CircleRefused` unless she may write to this circle now (a forged or stale button)."""
    async with store.db.reading() as s:
        await _may_write(s, circle_id, user_id)


async def post(
    store: CircleStore,
    circle_id: int,
    sender_id: int,
    text: str,
    reply_to: int | None,
    now: datetime,
    admins: Iterable[int],
) -> tuple[bool, list[Notice]]:
    """Store her message and queue it for every other member; in a minors' circle, the coordinators
    (admins) get it too. Contact details in a minors' circle are stored but held back: (True, the
    admins' flags); else (False, [])."""
    async with store.db.transaction() as tx:
        circle = await _may_write(tx, circle_id, sender_id)
        minors = circle.age_band == rules.MINOR_BAND
        if (
            reply_to is not None
            and await tx.fetchval("SELECT circle_id FROM circle_messages WHERE id = ?", (reply_to,)) != circle_id
        ):
            reply_to = None
        held = minors and bool(find_contact_details(text))
        message_id = await tx.insert(
            "INSERT INTO circle_messages (circle_id, sender_id, reply_to, text, held, sent_at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (circle_id, sender_id, reply_to, text, int(held), iso(now)),
        )
        known_admins = [a for a in admins if await tx.fetchval("SELECT 1 FROM users WHERE id = ?", (a,))]
        if held:
            await record(tx, circle_id, now, "contact_held", sender_id, detail=str(message_id))
            name = await _name(tx, sender_id)
            flagged = [
                Notice(
                    a,
                    (
                        Msg(N_("⚠️ Contact details held back in {circle}, from {name}:"), circle=circle.name, name=name),
                        Quote(text),
                    ),
                )
                for a in known_admins
            ]
            return True, flagged
        readers = set(await members(tx, circle_id)) | set(circle.leads)
        if minors:
            readers |= set(known_admins)
        readers.discard(sender_id)
        await tx.executemany(
            "INSERT INTO circle_deliveries (message_id, user_id) VALUES (?, ?)",
            [(message_id, user_id) for user_id in sorted(readers)],
        )
    return False, []


async def queued_notices(store: CircleStore, circle_id: int) -> list[tuple[Queued, Notice]]:
    """The circle's waiting messages as notices, each member's in the order they were written."""
    circle = await store.get(circle_id)
    names: dict[int, str] = {}
    out = []
    for item in await store.queued(circle_id):
        for user_id in (item.sender_id, item.reply_sender_id):
            if user_id is not None and user_id not in names:
                names[user_id] = await _name(store.db, user_id)
        lines = [Msg(N_("💬 {circle} · {name}:"), circle=circle.name, name=names[item.sender_id])]
        if item.reply_text is not None:
            lines += [Msg(N_("↩️ in reply to {name}:"), name=names[item.reply_sender_id]), Quote(item.reply_text[:200])]
        lines += ["", item.text]
        buttons = (
            (
                Button(Msg(N_("Reply")), cb("circ", "r", item.message_id), emoji="↩️"),
                Button(Msg(N_("Report")), cb("circ", "rp", item.message_id), emoji="⚠️"),
            ),
        )
        out.append((item, Notice(item.user_id, tuple(lines), buttons)))
    return out


def report_buttons(message_id: int) -> tuple[tuple[Button, ...], ...]:
    return tuple(
        (Button(Msg(label), cb("circ", "rr", message_id, reason.value)),) for reason, label in REPORT_LABELS.items()
    )


async def report(
    store: CircleStore, message_id: int, reporter_id: int, reason: ReportReason, now: datetime, admins: Iterable[int]
) -> list[Notice]:
    """She reports a message she received: its sender is paused in the circle at once (the whole circle
    if the sender leads it), and admins get the message."""
    async with store.db.transaction() as tx:
        row = await tx.fetchone(
            "SELECT m.circle_id, m.sender_id, m.text FROM circle_messages m JOIN circle_deliveries d"
            " ON d.message_id = m.id AND d.user_id = ? WHERE m.id = ?",
            (reporter_id, message_id),
        )
        if row is None:
            raise CircleRefused("not_a_member")
        circle_id, sender_id, text = row
        circle = await circle_in(tx, circle_id)
        await tx.insert(
            "INSERT INTO circle_reports (circle_id, message_id, reporter_id, reported_id, reason, text, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (circle_id, message_id, reporter_id, sender_id, reason.value, text, iso(now)),
        )
        if sender_id in circle.leads:
            if rules.may_move(circle.status, "paused"):
                await tx.execute("UPDATE circles SET status = 'paused' WHERE id = ?", (circle_id,))
        else:
            await tx.execute(
                "UPDATE circle_members SET status = 'paused' WHERE circle_id = ? AND user_id = ? AND status = 'active'",
                (circle_id, sender_id),
            )
        await record(tx, circle_id, now, "reported", reporter_id, sender_id, reason.value)
        sender_name, reporter_name = await _name(tx, sender_id), await _name(tx, reporter_id)
    alert = (
        Msg(
            N_("🚩 Report in circle {circle}: {reporter} reported {name}."),
            circle=circle.name,
            reporter=reporter_name,
            name=sender_name,
        ),
        Msg(N_("Reason: {reason}"), reason=Msg(REPORT_LABELS[reason])),
        Quote(text),
        Msg(N_("{name} cannot write to the circle until an admin looks at it."), name=sender_name),
    )
    return [Notice(a, alert) for a in admins] + [
        Notice(
            reporter_id,
            (
                Msg(
                    N_(
                        "Thank you for telling us. The programme team will look at it; "
                        "{name} cannot write to the circle until then."
                    ),
                    name=sender_name,
                ),
            ),
        )
    ]


async def leave(store: CircleStore, circle_id: int, user_id: int, now: datetime) -> list[Notice]:
    async with store.db.transaction() as tx:
        circle = await circle_in(tx, circle_id)
        if circle is None or await member_status(tx, circle_id, user_id) not in ("active", "paused"):
            raise CircleRefused("not_a_member")
        await tx.execute(
            "UPDATE circle_members SET status = 'left', left_at = ? WHERE circle_id = ? AND user_id = ?",
            (iso(now), circle_id, user_id),
        )
        await tx.execute(
            "DELETE FROM circle_deliveries WHERE user_id = ? AND delivered_at IS NULL"
            " AND message_id IN (SELECT id FROM circle_messages WHERE circle_id = ?)",
            (user_id, circle_id),
        )
        await record(tx, circle_id, now, "left", user_id, user_id)
        name = await _name(tx, user_id)
    told = Msg(N_("{name} has left your circle {circle}."), name=name, circle=circle.name)
    return [Notice(lead, (told,)) for lead in circle.leads] + [
        Notice(user_id, (Msg(N_("You have left the circle {circle}. Take care! 🌸"), circle=circle.name),))
    ]


REMOVE_REASONS = {
    "quiet": N_("Not taking part"),
    "rules": N_("Broke the circle's rules"),
    "other": N_("Another reason"),
}


async def remove(
    store: CircleStore,
    circle_id: int,
    mentor_id: int,
    member_id: int,
    reason: str,
    now: datetime,
    admins: Iterable[int],
) -> list[Notice]:
    async with store.db.transaction() as tx:
        circle = await circle_in(tx, circle_id)
        if circle is None or mentor_id not in circle.leads or reason not in REMOVE_REASONS:
            raise CircleRefused("not_a_member")
        if await member_status(tx, circle_id, member_id) not in ("active", "paused"):
            raise CircleRefused("not_a_member")
        await tx.execute(
            "UPDATE circle_members SET status = 'removed', left_at = ? WHERE circle_id = ? AND user_id = ?",
            (iso(now), circle_id, member_id),
        )
        await tx.execute(
            "DELETE FROM circle_deliveries WHERE user_id = ? AND delivered_at IS NULL"
            " AND message_id IN (SELECT id FROM circle_messages WHERE circle_id = ?)",
            (member_id, circle_id),
        )
        await record(tx, circle_id, now, "removed", mentor_id, member_id, reason)
        name, mentor = await _name(tx, member_id), await _name(tx, mentor_id)
    why = Msg(REMOVE_REASONS[reason])
    return [
        Notice(
            a,
            (
                Msg(
                    N_("{mentor} removed {name} from the circle {circle}."),
                    mentor=mentor,
                    name=name,
                    circle=circle.name,
                ),
                Msg(N_("Reason: {reason}"), reason=why),
            ),
        )
        for a in admins
    ] + [
        Notice(
            member_id,
            (
                Msg(
                    N_("Your mentor has taken you out of the circle {circle}. The programme team can tell you more."),
                    circle=circle.name,
                ),
            ),
        )
    ]


async def quiet_nudges(store: CircleStore, now: datetime) -> list[Notice]:
    notices = []
    for circle_id, mentor_id, last, nudged in await store.quiet():
        if rules.is_quiet(last, nudged, now):
            await store.mark_nudged(circle_id, now)
            circle = await store.get(circle_id)
            notices.append(
                Notice(
                    mentor_id,
                    (
                        Msg(
                            N_(
                                "Your circle {circle} has been quiet for three weeks. "
                                "A question or a short session could wake it up. 🌱"
                            ),
                            circle=circle.name,
                        ),
                    ),
                    ((Button(Msg(N_("Write to the circle")), cb("circ", "w", circle_id), emoji="✍️"),),),
                )
            )
    return notices
