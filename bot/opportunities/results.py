"""Whether she got in: asked after the result date (or a while after the deadline) of one she applied
to, once, and once more if she was still waiting. Its SQL is here too (it is all about one row)."""

from __future__ import annotations

from datetime import datetime

from bot.callbacks import cb
from bot.db import Database
from bot.db.database import Session
from bot.i18n import N_
from bot.notices import Button, Msg, Notice
from bot.opportunities import store
from bot.opportunities.rules import ACCEPTED_ASKS, RESULT_WAIT, accepted_due, reading_language

AREA = "opp"


async def plan(tx: Session, opportunity_id: int, user_id: int) -> None:
    """She applied: the accepted question is due after the result date."""
    opportunity = await store.get(tx, opportunity_id)
    if opportunity is not None:
        await tx.execute(
            "UPDATE opportunity_outcomes SET accepted_due_at = ? WHERE opportunity_id = ? AND user_id = ?",
            (accepted_due(opportunity.deadline_at, opportunity.result_on).isoformat(), opportunity_id, user_id),
        )


async def due_questions(db: Database, now: datetime, limit: int = 200) -> list[Notice]:
    notices = []
    async with db.transaction() as tx:
        rows = await tx.fetchall(
            "SELECT opportunity_id, user_id FROM opportunity_outcomes WHERE applied = 1 AND accepted IS NULL"
            " AND accepted_due_at <= ? AND accepted_asks < ? LIMIT ?",
            (now.isoformat(), ACCEPTED_ASKS, limit),
        )
        opportunities = await store.by_ids(tx, {opportunity_id for opportunity_id, _ in rows})
        for opportunity_id, user_id in rows:
            # Claimed before it is sent: never asked twice for the same due moment.
            await tx.execute(
                "UPDATE opportunity_outcomes SET accepted_asks = accepted_asks + 1, accepted_due_at = NULL"
                " WHERE opportunity_id = ? AND user_id = ?",
                (opportunity_id, user_id),
            )
            opportunity = opportunities.get(opportunity_id)
            seeker = await store.seeker(tx, user_id)
            language = reading_language(seeker, frozenset(opportunity.titles)) if seeker and opportunity else None
            if language is None:
                continue
            buttons = (
                (
                    Button(Msg(N_("Yes")), cb(AREA, "acc", opportunity_id, "y")),
                    Button(Msg(N_("No")), cb(AREA, "acc", opportunity_id, "n")),
                ),
                (Button(Msg(N_("Still waiting")), cb(AREA, "acc", opportunity_id, "w")),),
            )
            question = Msg(N_("You applied to “{title}”. Did you get in?"), title=opportunity.titles[language])
            notices.append(Notice(user_id, (question,), buttons))
    return notices


async def answer(db: Database, user_id: int, opportunity_id: int, choice: str, now: datetime) -> Msg:
    async with db.transaction() as tx:
        row = await tx.fetchone(
            "SELECT accepted, accepted_asks FROM opportunity_outcomes"
            " WHERE opportunity_id = ? AND user_id = ? AND applied = 1",
            (opportunity_id, user_id),
        )
        if row is None or row[0] is not None or row[1] == 0 or choice not in ("y", "n", "w"):
            return Msg(N_("Already noted, thank you."))
        if choice == "w":
            if row[1] >= ACCEPTED_ASKS:
                return Msg(N_("Thank you. Good luck! 🍀"))
            await tx.execute(
                "UPDATE opportunity_outcomes SET accepted_due_at = ? WHERE opportunity_id = ? AND user_id = ?",
                ((now + RESULT_WAIT).isoformat(), opportunity_id, user_id),
            )
            return Msg(N_("Fingers crossed! I'll ask again in a month."))
        await tx.execute(
            "UPDATE opportunity_outcomes SET accepted = ?, accepted_due_at = NULL"
            " WHERE opportunity_id = ? AND user_id = ?",
            (int(choice == "y"), opportunity_id, user_id),
        )
    if choice == "y":
        return Msg(N_("Congratulations! 🎉 That is wonderful news."))
    return Msg(N_("Thank you for telling me. Applying was brave, and there will be other chances."))
