"""Forming circles from waiting mentees: a preview saved as 'forming', then confirmed (everyone told,
exactly once) or discarded. Each in one transaction."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.callbacks import cb
from bot.circles import grouping, rules
from bot.circles.rules import CircleRefused
from bot.circles.store import CircleStore, circle_in, display_name, in_a_circle, members, person, record, reported
from bot.db._rows import iso
from bot.i18n import N_
from bot.notices import Button, Msg, Notice

LENGTH = timedelta(days=90)  # a formed circle runs this long unless its mentor ends it sooner


@dataclass(frozen=True, slots=True)
class Formed:
    batch: int | None
    circles: list[tuple[int, str, list[int]]]  # (circle id, name, mentee ids)
    left: list[int]


async def form(store: CircleStore, admin_id: int, now: datetime) -> Formed:
    """Group the waiting mentees and save the circles as 'forming': a preview nobody has heard of yet."""
    mentees, leads, excluded = await store.waiting_mentees(), await store.leads(), await store.excluded()
    # The safety rules of each pair (suspension, consent, minors) go into the plan as exclusions, so the
    # optimisation never counts on a girl who would be refused below.
    people = {i: await person(store.db, i) for i in {m.user_id for m in mentees} | {lead.user_id for lead in leads}}
    for mentee in mentees:
        for lead in leads:
            her, mentor = people[mentee.user_id], people[lead.user_id]
            band = rules.band_of(mentee.is_minor)
            if (
                her is None
                or mentor is None
                or rules.member_refusal(her, [mentor], band, reported_a_lead=False, in_another_circle=False)
            ):
                excluded.add((mentee.user_id, lead.user_id))
    # Seconds of solving: in a thread (HiGHS lets go of the GIL), so everyone else's replies keep coming.
    plans, left = await asyncio.to_thread(grouping.plan_circles, mentees, leads, excluded)
    if not plans:
        return Formed(None, [], left)
    circles = []
    girl, lead_of = {m.user_id: m for m in mentees}, {lead.user_id: lead for lead in leads}
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
            # The hard rules once more on what is left of the plan (size, language, band, clearance).
            if rules.plan_breaks(plan, lead_of[plan.mentor_id], [girl[i] for i in kept], excluded):
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
            name = f"{await display_name(tx, plan.mentor_id)} #{circle_id}"
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
            mentor = await display_name(tx, circle.mentor_id)
            buttons = ((Button(Msg(N_("Write to the circle")), cb("circ", "w", circle_id), emoji="✍️"),),)
            for mentee_id in girls:
                notices.append(
                    Notice(
                        mentee_id,
                        (
                            Msg(N_("🌱 You are in a mentoring circle: {circle}."), circle=circle.name),
                            Msg(
                                N_("{n} girls and your mentor {name}."),
                                name=mentor,
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
