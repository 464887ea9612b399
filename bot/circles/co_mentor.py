"""A circle's co-mentor: an admin adds one (an approved mentor who speaks its language and passes the
same safety checks as its mentor, against every member) or removes her; recorded and told to all."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from bot.callbacks import cb
from bot.circles import meetings, rules
from bot.circles.rules import CircleRefused
from bot.circles.store import (
    Circle,
    CircleStore,
    circle_in,
    display_name,
    drop_queue,
    members,
    person,
    record,
)
from bot.i18n import N_
from bot.matching.store import mentor_in
from bot.notices import Button, Msg, Notice
from bot.safety import Person


async def _girls(tx, circle: Circle) -> list[Person | None]:
    return [await person(tx, member_id) for member_id in await members(tx, circle.id)]


async def _refusal(tx, circle: Circle, mentor_id: int, girls: list[Person | None]) -> str | None:
    """Why she may not co-lead this circle (its members `girls`) now, or None."""
    if circle.status not in ("active", "paused"):
        return "not_a_member"
    if mentor_id in circle.leads:
        return "co_lead"
    lead, profile = await person(tx, mentor_id), await mentor_in(tx, mentor_id)
    refused = rules.co_mentor_refusal(
        lead,
        circle.age_band,
        available=profile is not None and not profile.paused,
        speaks=profile is not None and circle.language in {language.value for language in profile.languages},
    )
    if refused:
        return refused
    if any(her is None for her in girls):
        return "excluded"
    ids = [her.user_id for her in girls]
    marks = ",".join("?" * len(ids))
    if await tx.fetchval(f"SELECT 1 FROM exclusions WHERE mentor_id = ? AND mentee_id IN ({marks})", (mentor_id, *ids)):
        return "excluded"
    reporters = {row[0] for row in await tx.fetchall(_REPORTERS, (mentor_id, mentor_id))}
    for her in girls:
        if rules.member_refusal(
            her, [lead], circle.age_band, reported_a_lead=her.user_id in reporters, in_another_circle=False
        ):
            return "excluded"
    return None


# Who has an open report (one-to-one or in a circle) about this mentor; parameters: her id twice.
_REPORTERS = (
    "SELECT reporter_id FROM reports WHERE status <> 'closed' AND reported_id = ?"
    " UNION SELECT reporter_id FROM circle_reports WHERE status = 'open' AND reported_id = ?"
)


async def choices(store: CircleStore, circle_id: int) -> list[tuple[int, str]]:
    """(id, display name) of the approved mentors who could co-lead this circle now."""
    async with store.db.reading() as s:
        circle = await circle_in(s, circle_id)
        if circle is None:
            raise CircleRefused("not_a_member")
        girls = await _girls(s, circle)
        rows = await s.fetchall(
            "SELECT p.user_id FROM profiles p JOIN users u ON u.id = p.user_id"
            " WHERE u.role = 'mentor' AND p.mentor_status = 'approved' ORDER BY p.user_id"
        )
        return [
            (mentor_id, await display_name(s, mentor_id))
            for (mentor_id,) in rows
            if await _refusal(s, circle, mentor_id, girls) is None
        ]


async def current(store: CircleStore, circle_id: int) -> tuple[Circle, str | None]:
    """The circle and its co-mentor's display name (None if it has none)."""
    circle = await store.get(circle_id)
    if circle is None:
        raise CircleRefused("not_a_member")
    if circle.co_mentor_id is None:
        return circle, None
    return circle, await display_name(store.db, circle.co_mentor_id)


async def add(
    store: CircleStore, circle_id: int, admin_id: int, mentor_id: int, now: datetime, offsets: Iterable[timedelta]
) -> list[Notice]:
    """She co-leads from now on: the chat from now (no history), the sessions ahead (their cards and
    reminders, `offsets` before each), scheduling."""
    async with store.db.transaction() as tx:
        circle = await circle_in(tx, circle_id)
        if circle is None:
            raise CircleRefused("not_a_member")
        if circle.co_mentor_id is not None:
            raise CircleRefused("co_lead" if circle.co_mentor_id == mentor_id else "has_co_mentor")
        refused = await _refusal(tx, circle, mentor_id, await _girls(tx, circle))
        if refused:
            raise CircleRefused(refused)
        await tx.execute("UPDATE circles SET co_mentor_id = ? WHERE id = ?", (mentor_id, circle_id))
        await record(tx, circle_id, now, "co_mentor_added", admin_id, mentor_id)
        name, mentor = await display_name(tx, mentor_id), await display_name(tx, circle.mentor_id)
        girls = await members(tx, circle_id)
        cards = await meetings.join_as_lead(tx, circle, mentor_id, now, offsets)
    write = ((Button(Msg(N_("Write to the circle")), cb("circ", "w", circle_id), emoji="✍️"),),)
    hers = (
        Msg(N_("🌱 You are now co-mentor of the circle {circle}, with {mentor}."), circle=circle.name, mentor=mentor),
        Msg(N_("/circle opens it: you can write to it and schedule sessions. Nobody sees your account.")),
    )
    told = Msg(N_("{name} joins your circle {circle} as co-mentor."), name=name, circle=circle.name)
    others = [*girls, *circle.leads]
    return [Notice(mentor_id, hers, write), *cards] + [Notice(to, (told,)) for to in others]


async def remove(store: CircleStore, circle_id: int, admin_id: int, now: datetime) -> list[Notice]:
    """`CircleRefused("done")` if it has no co-mentor (a second press)."""
    async with store.db.transaction() as tx:
        circle = await circle_in(tx, circle_id)
        if circle is None or circle.co_mentor_id is None:
            raise CircleRefused("done")
        co_mentor = circle.co_mentor_id
        await tx.execute("UPDATE circles SET co_mentor_id = NULL WHERE id = ?", (circle_id,))
        await drop_queue(tx, circle_id, co_mentor)
        await record(tx, circle_id, now, "co_mentor_removed", admin_id, co_mentor)
        name = await display_name(tx, co_mentor)
        girls = await members(tx, circle_id)
    hers = Msg(N_("You are no longer co-mentor of the circle {circle}. Thank you! 🌸"), circle=circle.name)
    told = Msg(N_("{name} is no longer co-mentor of your circle {circle}."), name=name, circle=circle.name)
    others = [*girls, *(lead for lead in circle.leads if lead != co_mentor)]
    return [Notice(co_mentor, (hers,))] + [Notice(to, (told,)) for to in others]
