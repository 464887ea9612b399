"""Survey use cases: plan and send the waves, start, answer or skip, say no thanks."""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import datetime

from bot.callbacks import cb
from bot.db import Database
from bot.notices import Button, Html, Notice
from bot.outcomes import store
from bot.outcomes.rules import CLOSE_AFTER, REMIND_AFTER, MentorshipDates, Question, due_waves, surveys
from bot.outcomes.store import Invitation


def _parse(moment: str | None) -> datetime | None:
    return datetime.fromisoformat(moment) if moment else None


def invitation_notice(inv: Invitation, key: str, button: str) -> Notice:
    s = surveys()
    return Notice(
        inv.user_id,
        (Html(html.escape(s.text(key, inv.language))),),
        buttons=(
            (Button(s.text(button, inv.language), cb("sv", "go", inv.id)),),
            (Button(s.text("no_thanks", inv.language), cb("sv", "no", inv.id)),),
        ),
    )


async def run_schedule(db: Database, now: datetime) -> list[Notice]:
    """Create the invitations that fell due, close the forgotten ones, remind once, invite once."""
    async with db.transaction() as tx:
        for mentee, mentorship, started, ended in await store.first_mentorships(tx):
            dates = MentorshipDates(mentee, _parse(started), _parse(ended))
            for wave, at in due_waves(dates, now).items():
                await store.add_invitation(tx, mentee, wave, mentorship, at)
        for mentor, mentorship, ended in await store.mentors_first_ends(tx):
            await store.add_invitation(tx, mentor, "mentor_end", mentorship, _parse(ended))
        await store.close_stale(tx, now - CLOSE_AFTER)
        reminders = await store.claim_reminders(tx, now - REMIND_AFTER, now)
        invited = await store.claim_due(tx, now)
    return [invitation_notice(inv, "reminder", "continue") for inv in reminders] + [
        invitation_notice(inv, f"invite_{inv.wave}", "start") for inv in invited
    ]


@dataclass(frozen=True)
class Step:
    """What she sees next: a question (with its number), the end, or a closed survey."""

    invitation: Invitation | None
    question: Question | None = None
    number: int = 0
    total: int = 0
    done: bool = False


def _step(inv: Invitation) -> Step:
    questions = surveys().waves[inv.wave]
    if inv.status == "done":
        return Step(inv, done=True)
    return Step(inv, questions[inv.step], inv.step + 1, len(questions))


async def _hers(tx, user_id: int, invitation_id: int) -> Invitation | None:
    inv = await store.invitation(tx, invitation_id)
    if inv is None or inv.user_id != user_id or inv.status not in ("sent", "started", "done"):
        return None
    return inv


async def begin(db: Database, user_id: int, invitation_id: int, now: datetime) -> Step:
    """Start, or carry on from the question she is on."""
    async with db.transaction() as tx:
        inv = await _hers(tx, user_id, invitation_id)
        if inv is None:
            return Step(None)
        if inv.status == "sent":
            await store.set_step(tx, inv.id, inv.step, "started", now)
        return _step(inv)


async def answer(db: Database, user_id: int, invitation_id: int, step: int, value: str | None, now: datetime) -> Step:
    """Save her answer (None: skipped) to question `step` and move on; a stale press only re-shows."""
    s = surveys()
    async with db.transaction() as tx:
        inv = await _hers(tx, user_id, invitation_id)
        if inv is None:
            return Step(None)
        if inv.status == "done" or step != inv.step:
            return _step(inv)
        questions = s.waves[inv.wave]
        question = questions[step]
        if value is not None and value != "na" and question.score(value) is None:
            return _step(inv)
        if value == "na" and inv.wave != "about":  # only who-she-is items offer it
            return _step(inv)
        await store.save_answer(tx, inv, question.code, value, s.version, now)
        status = "done" if step + 1 >= len(questions) else "started"
        await store.set_step(tx, inv.id, step + 1, status, now)
        return _step(await store.invitation(tx, inv.id))


async def decline(db: Database, user_id: int, invitation_id: int, now: datetime) -> bool:
    async with db.transaction() as tx:
        inv = await store.invitation(tx, invitation_id)
        if inv is None or inv.user_id != user_id:
            return False
        await store.opt_out(tx, user_id, now)
        return True


async def indicators(db: Database, since: datetime, until: datetime) -> tuple[list, int]:
    """The indicator report for the cohort whose baseline fell due in [since, until), and its size."""
    from bot.outcomes.report import indicator_report_by_person
    from bot.outcomes.rules import disabled

    async with db.reading() as tx:
        people, waves, wg = await store.report_rows(tx, since.isoformat(), until.isoformat())
    for user_id, person in people.items():
        person["disability"] = disabled(wg.get(user_id, {}))
    return indicator_report_by_person(people, waves), len(people)


async def mentor_survey(db: Database, since: datetime, until: datetime) -> list:
    """The mentors' end survey for invitations due in [since, until): each question's mean and n."""
    from bot.outcomes.report import mentor_summary

    async with db.reading() as tx:
        rows = await store.mentor_answers(tx, since.isoformat(), until.isoformat())
    return mentor_summary(rows)


async def export(db: Database, user_id: int) -> dict[str, list[dict]]:
    async with db.reading() as tx:
        return await store.export(tx, user_id)
