"""Joining an open circle: a lead or an admin opens it, a mentee who fits asks, a lead accepts or
declines. Every rule of formation is checked again at each step, in the same transaction."""

from __future__ import annotations

from datetime import datetime

from bot.callbacks import cb
from bot.circles import rules
from bot.circles.rules import CircleRefused
from bot.circles.store import (
    Circle,
    CircleStore,
    circle_in,
    display_name,
    in_a_circle,
    member_status,
    members,
    person,
    record,
    reported,
)
from bot.db._rows import iso
from bot.i18n import N_
from bot.matching.store import mentee_in
from bot.notices import Button, Msg, Notice


async def set_open(store: CircleStore, circle_id: int, actor_id: int, is_admin: bool, opened: bool, now: datetime):
    """An admin or one of the circle's leads opens (or closes) it to mentees asking to join."""
    async with store.db.transaction() as tx:
        circle = await circle_in(tx, circle_id)
        if circle is None or not (is_admin or actor_id in circle.leads) or circle.status not in ("active", "paused"):
            raise CircleRefused("not_a_member")
        await tx.execute("UPDATE circles SET open_to_join = ? WHERE id = ?", (int(opened), circle_id))
        await record(tx, circle_id, now, "opened" if opened else "closed_to_join", actor_id)
    return circle


async def _refusal(tx, circle: Circle, user_id: int, *, asking: bool) -> str | None:
    """Why she may not join this circle now, or None: the same checks as formation, plus room."""
    if circle.status != "active" or not circle.open_to_join:
        return "not_open"
    her, profile = await person(tx, user_id), await mentee_in(tx, user_id)
    if her is None or profile is None or her.role != "mentee":
        return "not_open"
    if circle.language not in {language.value for language in profile.languages}:
        return "not_open"
    if rules.band_of(her.minor) != circle.age_band:
        return "not_open"
    leads = [await person(tx, lead) for lead in circle.leads]
    if any(lead is None for lead in leads):
        return "not_open"
    marks = ",".join("?" * len(circle.leads))
    if await tx.fetchval("SELECT blocked_bot FROM users WHERE id = ?", (user_id,)) or await tx.fetchval(
        f"SELECT 1 FROM exclusions WHERE mentee_id = ? AND mentor_id IN ({marks})", (user_id, *circle.leads)
    ):
        return "not_open"
    refused = rules.member_refusal(
        her,
        leads,
        circle.age_band,
        reported_a_lead=await reported(tx, user_id, circle.leads),
        in_another_circle=asking and await in_a_circle(tx, user_id),
    )
    if refused:
        return "not_open"
    if len(await members(tx, circle.id)) >= rules.MAX_SIZE:
        return "full"
    return None


async def open_for(store: CircleStore, user_id: int) -> list[Circle]:
    """The open circles she could ask to join now."""
    rows = await store.db.fetchall("SELECT id FROM circles WHERE open_to_join = 1 AND status = 'active' ORDER BY id")
    found = []
    async with store.db.reading() as s:
        for (circle_id,) in rows:
            circle = await circle_in(s, circle_id)
            if await _refusal(s, circle, user_id, asking=True) is None:
                found.append(circle)
    return found


async def ask(store: CircleStore, circle_id: int, user_id: int, now: datetime) -> list[Notice]:
    async with store.db.transaction() as tx:
        circle = await circle_in(tx, circle_id)
        if circle is None:
            raise CircleRefused("not_open")
        if await member_status(tx, circle_id, user_id) in ("removed", "active", "paused", "asked"):
            raise CircleRefused("not_open")
        refused = await _refusal(tx, circle, user_id, asking=True)
        if refused:
            raise CircleRefused(refused)
        await tx.execute(
            "INSERT INTO circle_members (circle_id, user_id, status, joined_at) VALUES (?, ?, 'asked', ?)"
            " ON CONFLICT (circle_id, user_id) DO UPDATE SET status = 'asked', joined_at = excluded.joined_at,"
            " left_at = NULL",
            (circle_id, user_id, iso(now)),
        )
        await record(tx, circle_id, now, "asked", user_id, user_id)
        name = await display_name(tx, user_id)
    buttons = (
        (
            Button(Msg(N_("Accept")), cb("circj", "y", circle_id, user_id), emoji="✅"),
            Button(Msg(N_("Decline")), cb("circj", "n", circle_id, user_id), emoji="✖️"),
        ),
    )
    line = Msg(N_("{name} asks to join your circle {circle}."), name=name, circle=circle.name)
    return [Notice(lead, (line,), buttons) for lead in circle.leads] + [
        Notice(user_id, (Msg(N_("I've asked the mentor of {circle}. I'll tell you her answer."), circle=circle.name),))
    ]


async def decide(
    store: CircleStore, circle_id: int, lead_id: int, member_id: int, accept: bool, now: datetime
) -> list[Notice]:
    """A lead's answer. She joins from now on: messages written before reach her never."""
    async with store.db.transaction() as tx:
        circle = await circle_in(tx, circle_id)
        if circle is None or lead_id not in circle.leads:
            raise CircleRefused("not_a_member")
        if await member_status(tx, circle_id, member_id) != "asked":
            raise CircleRefused("answered")
        refused = await _refusal(tx, circle, member_id, asking=False) if accept else None
        if accept and not refused:
            await tx.execute(
                "UPDATE circle_members SET status = 'active', joined_at = ? WHERE circle_id = ? AND user_id = ?",
                (iso(now), circle_id, member_id),
            )
            await record(tx, circle_id, now, "joined", lead_id, member_id)
        else:
            await tx.execute("DELETE FROM circle_members WHERE circle_id = ? AND user_id = ?", (circle_id, member_id))
            await record(tx, circle_id, now, "declined", lead_id, member_id, refused)
        name = await display_name(tx, member_id)
    if accept and not refused:
        welcome = (
            Msg(N_("🌱 Welcome to the circle {circle}!"), circle=circle.name),
            Msg(N_("Messages go through me: nobody sees your account. /circle opens it.")),
        )
        told = Msg(N_("{name} has joined the circle {circle}."), name=name, circle=circle.name)
        write = ((Button(Msg(N_("Write to the circle")), cb("circ", "w", circle_id), emoji="✍️"),),)
        return [Notice(member_id, welcome, write)] + [Notice(lead, (told,)) for lead in circle.leads]
    sorry = Msg(N_("The circle {circle} cannot take you now. /circle shows other open circles."), circle=circle.name)
    return [Notice(member_id, (sorry,))] + [
        Notice(lead, (Msg(N_("{name} is not joining {circle}."), name=name, circle=circle.name),))
        for lead in circle.leads
    ]
