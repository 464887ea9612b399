"""Who is in a circle after it began: a mentee leaves, a lead removes a member with a reason.
Each in one transaction, recorded, and told to those concerned."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from bot.circles.rules import CircleRefused
from bot.circles.store import CircleStore, circle_in, display_name, member_status, members, record, take_out
from bot.i18n import N_
from bot.notices import Msg, Notice


async def leave(store: CircleStore, circle_id: int, user_id: int, now: datetime) -> list[Notice]:
    async with store.db.transaction() as tx:
        circle = await circle_in(tx, circle_id)
        if circle is None or await member_status(tx, circle_id, user_id) not in ("active", "paused"):
            raise CircleRefused("not_a_member")
        await take_out(tx, circle_id, user_id, "left", now)
        await record(tx, circle_id, now, "left", user_id, user_id)
        name = await display_name(tx, user_id)
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
        await take_out(tx, circle_id, member_id, "removed", now)
        await record(tx, circle_id, now, "removed", mentor_id, member_id, reason)
        name, mentor = await display_name(tx, member_id), await display_name(tx, mentor_id)
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


async def out_of_circles_in(tx, user_id: int, actor_id: int | None, why: str, now: datetime) -> list[Notice]:
    """An admin suspended her, or she erases herself: she is out of every circle, in the caller's transaction.

    A member is taken out; a co-mentor steps down; a circle she is the mentor of is paused (nobody would
    read it) until the programme team finds it a mentor. Those left in it are told, never why."""
    name = await display_name(tx, user_id)
    notices: list[Notice] = []
    rows = await tx.fetchall(
        "SELECT circle_id FROM circle_members WHERE user_id = ? AND status IN ('asked', 'active', 'paused')",
        (user_id,),
    )
    for (circle_id,) in rows:
        circle = await circle_in(tx, circle_id)
        await take_out(tx, circle_id, user_id, "removed", now)
        await record(tx, circle_id, now, f"out_{why}", actor_id, user_id)
        told = Msg(N_("{name} is no longer in your circle {circle}."), name=name, circle=circle.name)
        notices += [Notice(lead, (told,)) for lead in circle.leads]
    led = await tx.fetchall(
        "SELECT id FROM circles WHERE status IN ('forming', 'active', 'paused') AND ? IN (mentor_id, co_mentor_id)",
        (user_id,),
    )
    for (circle_id,) in led:
        circle = await circle_in(tx, circle_id)
        if circle.mentor_id == user_id:
            await tx.execute("UPDATE circles SET status = 'paused' WHERE id = ? AND status = 'active'", (circle_id,))
            told = Msg(
                N_(
                    "Your circle {circle} is paused for now: {name} can no longer lead it. "
                    "The programme team will be in touch."
                ),
                circle=circle.name,
                name=name,
            )
        else:
            await tx.execute("UPDATE circles SET co_mentor_id = NULL WHERE id = ?", (circle_id,))
            told = Msg(N_("{name} is no longer a mentor of your circle {circle}."), name=name, circle=circle.name)
        await record(tx, circle_id, now, f"lead_out_{why}", actor_id, user_id)
        others = [i for i in (*circle.leads, *await members(tx, circle_id)) if i != user_id]
        notices += [Notice(other, (told,)) for other in others]
    return notices


async def erasing(store: CircleStore, user_id: int, now: datetime) -> list[Notice]:
    """/deleteme: out of her circles before her name is gone (`out_of_circles_in`)."""
    async with store.db.transaction() as tx:
        return await out_of_circles_in(tx, user_id, user_id, "erased", now)
