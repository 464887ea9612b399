"""A circle's chat through the bot: write (contact details held back with minors), the per-member
queue as notices, reporting a message (its sender paused at once), and the quiet-circle nudge."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from bot.callbacks import cb
from bot.circles import rules
from bot.circles.rules import CircleRefused
from bot.circles.store import (
    CircleStore,
    Queued,
    circle_in,
    display_name,
    member_status,
    members,
    not_suspended,
    received,
    record,
)
from bot.db._rows import iso
from bot.i18n import N_
from bot.mentorship.rules import REPORT_LABELS, ReportReason
from bot.notices import Button, Msg, Notice, Quote
from bot.safety import find_contact_details


async def _may_write(tx, circle_id: int, user_id: int):
    circle = await circle_in(tx, circle_id)
    if circle is None:
        raise CircleRefused("not_a_member")
    status = "active" if user_id in circle.leads else await member_status(tx, circle_id, user_id)
    if status not in ("active", "paused") or not await not_suspended(tx, (user_id,)):
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


async def reply_circle(store: CircleStore, message_id: int, user_id: int) -> int:
    """The circle of a message she was sent (`check_member` then says whether she may write now)."""
    found = await received(store.db, message_id, user_id)
    if found is None:
        raise CircleRefused("not_a_member")
    return found[0]


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
        known_admins = sorted(await not_suspended(tx, admins))  # those who have started the bot
        if held:
            await record(tx, circle_id, now, "contact_held", sender_id, detail=str(message_id))
            name = await display_name(tx, sender_id)
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
        readers = await not_suspended(tx, readers - {sender_id})  # a suspended lead reads no more
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
                names[user_id] = await display_name(store.db, user_id)
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
        row = await received(tx, message_id, reporter_id)
        if row is None:
            raise CircleRefused("not_a_member")
        circle_id, sender_id, text = row
        circle = await circle_in(tx, circle_id)
        report_id = await tx.insert(
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
        sender_name, reporter_name = await display_name(tx, sender_id), await display_name(tx, reporter_id)
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
    actions = [Button(Msg(N_("Resume the sender")), cb("circa", "rs", report_id))]
    if sender_id not in circle.leads:
        actions.append(Button(Msg(N_("Remove her from the circle")), cb("circa", "rx", report_id)))
    actions.append(Button(Msg(N_("Close")), cb("circa", "rc", report_id)))
    buttons = tuple((b,) for b in actions)
    return [Notice(a, alert, buttons) for a in admins] + [
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


async def quiet_nudges(store: CircleStore, now: datetime) -> list[Notice]:
    notices = []
    for circle_id, mentor_id, last, nudged in await store.quiet(now):
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
