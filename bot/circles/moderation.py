"""An admin decides a report on a circle message: resume the sender, remove her from the circle, or
close the report (she stays paused). Each is recorded in the circle's events and told to those concerned."""

from __future__ import annotations

from datetime import datetime

from bot.circles.rules import CircleRefused
from bot.circles.store import CircleStore, circle_in, display_name, member_status, record, take_out
from bot.i18n import N_
from bot.notices import Msg, Notice
from bot.safety import may_resume

ACTIONS = ("resume", "remove", "close")


async def decide(store: CircleStore, report_id: int, admin_id: int, action: str, now: datetime) -> list[Notice]:
    """`CircleRefused("done")` if the report was already decided (a second admin, a second press)."""
    async with store.db.transaction() as tx:
        row = await tx.fetchone(
            "SELECT circle_id, reporter_id, reported_id FROM circle_reports WHERE id = ? AND status = 'open'",
            (report_id,),
        )
        if row is None or action not in ACTIONS:
            raise CircleRefused("done")
        circle_id, reporter_id, sender_id = row
        circle = await circle_in(tx, circle_id)
        await tx.execute("UPDATE circle_reports SET status = 'closed' WHERE id = ?", (report_id,))
        lead = sender_id in circle.leads
        if action == "resume":
            others = await tx.fetchval(
                "SELECT COUNT(*) FROM circle_reports WHERE circle_id = ? AND reported_id = ? AND status = 'open'",
                (circle_id, sender_id),
            )
            if not may_resume(others):
                raise CircleRefused("other_reports")  # rolled back: this report stays open too
            if lead and circle.status == "paused":
                await tx.execute("UPDATE circles SET status = 'active' WHERE id = ?", (circle_id,))
            elif not lead:
                await tx.execute(
                    "UPDATE circle_members SET status = 'active'"
                    " WHERE circle_id = ? AND user_id = ? AND status = 'paused'",
                    (circle_id, sender_id),
                )
        elif action == "remove":
            if lead or await member_status(tx, circle_id, sender_id) not in ("active", "paused"):
                raise CircleRefused("done")
            await take_out(tx, circle_id, sender_id, "removed", now)
        await record(tx, circle_id, now, f"report_{action}", admin_id, sender_id, str(report_id))
        name = await display_name(tx, sender_id)
    told = {
        "resume": (
            Msg(
                N_("The programme team has looked at the report: you can write to {circle} again."), circle=circle.name
            ),
        ),
        "remove": (
            Msg(
                N_("After a report, the programme team has taken you out of the circle {circle}."),
                circle=circle.name,
            ),
        ),
        "close": (),
    }[action]
    notices = [Notice(sender_id, told)] if told and sender_id else []
    if reporter_id:
        notices.append(
            Notice(
                reporter_id,
                (Msg(N_("The programme team has looked at your report about {name}. Thank you."), name=name),),
            )
        )
    if action == "remove":
        lines = (Msg(N_("After a report, {name} is no longer in the circle {circle}."), name=name, circle=circle.name),)
        notices += [Notice(lead_id, lines) for lead_id in circle.leads]
    return notices
