"""A mentor recommends an opportunity to her mentee, with a line of her own: only in an active
mentorship, only what fits the mentee (minors' rules), and no contact details in a line to a minor."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.callbacks import cb
from bot.db import Database
from bot.db.database import Session
from bot.domain import AgeBand
from bot.i18n import N_
from bot.notices import Button, Msg, Notice, Quote
from bot.opportunities import flow, store
from bot.opportunities.rules import Opportunity, Seeker, fits
from bot.safety import find_contact_details

AREA = "oprec"
NOTE_MAX = 300

NOT_YOURS = Msg(N_("You can recommend opportunities only to your current mentees."))
NOT_FOR_HER = Msg(N_("This one is not open to {name} (her age, region, field, stage or language)."))
CONTACTS = Msg(
    N_("{name} is under 18: your line can't include contact details ({found}). Please write it without them.")
)
ALREADY = Msg(N_("You have already recommended this one to {name}."))
SENT = Msg(N_("Sent to {name} ✓"))


@dataclass(frozen=True, slots=True)
class Mentee:
    user_id: int
    name: str


async def mentees(tx: Session, mentor_id: int) -> list[Mentee]:
    rows = await tx.fetchall(
        "SELECT m.mentee_id, COALESCE(NULLIF(p.display_name, ''), NULLIF(u.first_name, ''), '—')"
        " FROM mentorships m JOIN users u ON u.id = m.mentee_id LEFT JOIN profiles p ON p.user_id = m.mentee_id"
        " WHERE m.mentor_id = ? AND m.status = 'active' ORDER BY m.started_at, m.id",
        (mentor_id,),
    )
    return [Mentee(row[0], row[1]) for row in rows]


def buttons_for(opportunity: Opportunity, theirs: list[tuple[Mentee, Seeker | None]], now: datetime) -> tuple:
    """'Recommend to <name>' on a mentor's card, for each mentee it fits."""
    return tuple(
        (Button(Msg(N_("Recommend to {name}"), name=m.name), cb(AREA, "pick", opportunity.id, m.user_id), emoji="🌟"),)
        for m, seeker in theirs
        if seeker is not None and fits(seeker, opportunity, now) is not None
    )


async def mentees_with_profiles(tx: Session, mentor_id: int) -> list[tuple[Mentee, Seeker | None]]:
    return [(m, await store.seeker(tx, m.user_id)) for m in await mentees(tx, mentor_id)]


async def browse(db: Database, user_id: int, now: datetime, after: int | None = None) -> Notice | None:
    """A mentor's `/opportunities`: the open ones that fit one of her mentees, each with 'Recommend
    to <name>'; None when she has no current mentee (she browses as anyone does)."""
    async with db.reading() as s:
        theirs = await mentees_with_profiles(s, user_id)
        if not theirs:
            return None
        language = await s.fetchval("SELECT language FROM users WHERE id = ?", (user_id,))
        found = [(o, b) for o in await store.open_ones(s, now) if (b := buttons_for(o, theirs, now))]
    if not found:
        return Notice(user_id, (Msg(N_("No open opportunities fit your mentees right now.")),))
    index = 0 if after is None else next((i + 1 for i, (o, _) in enumerate(found) if o.id == after), 0)
    if index >= len(found):
        return Notice(user_id, (Msg(N_("That was the last one. /opportunities starts the list again.")),))
    opportunity, buttons = found[index]
    shown_in = language if language in opportunity.titles else next(iter(opportunity.titles))
    her = Seeker(age_band=None, region=None, stage=None, language=language)
    shown = flow.card(opportunity, her, shown_in, index + 1, len(found), saved=False)
    more = (Button(Msg(N_("Next")), cb(AREA, "next", opportunity.id), emoji="➡️"),)
    return Notice(user_id, shown.lines, (*buttons, more))


async def check(db: Database, mentor_id: int, mentee_id: int, opportunity_id: int, now: datetime) -> Msg | None:
    """Why she can't recommend it (before she types her line), or None."""
    async with db.reading() as s:
        return (await _checked(s, mentor_id, mentee_id, opportunity_id, now))[0]


@dataclass(frozen=True, slots=True)
class _Checked:
    mentee: Mentee
    seeker: Seeker
    opportunity: Opportunity


async def _checked(
    s: Session, mentor_id: int, mentee_id: int, opportunity_id: int, now: datetime
) -> tuple[Msg | None, _Checked | None]:
    """(why not, None), or (None, what was read to decide it)."""
    mentee = next((m for m in await mentees(s, mentor_id) if m.user_id == mentee_id), None)
    if mentee is None:
        return NOT_YOURS, None
    opportunity = await store.get(s, opportunity_id)
    seeker = await store.seeker(s, mentee_id)
    if opportunity is None or seeker is None or fits(seeker, opportunity, now) is None:
        return Msg(NOT_FOR_HER.message, name=mentee.name), None
    done = await s.fetchval(
        "SELECT 1 FROM opportunity_recommendations WHERE opportunity_id = ? AND mentor_id = ? AND mentee_id = ?",
        (opportunity_id, mentor_id, mentee_id),
    )
    if done:
        return Msg(ALREADY.message, name=mentee.name), None
    return None, _Checked(mentee, seeker, opportunity)


async def recommend(
    db: Database, mentor_id: int, mentee_id: int, opportunity_id: int, note: str | None, now: datetime
) -> tuple[Msg, list[Notice]]:
    """(what to tell the mentor, the notice to her mentee); every rule checked again at sending."""
    async with db.transaction() as tx:
        refused, checked = await _checked(tx, mentor_id, mentee_id, opportunity_id, now)
        if checked is None:
            return refused, []
        mentee, seeker, opportunity = checked.mentee, checked.seeker, checked.opportunity
        if note and seeker.age_band != AgeBand.ADULT and (found := find_contact_details(note)):
            return Msg(CONTACTS.message, name=mentee.name, found=", ".join(what for _, what in found)), []
        await tx.execute(
            "INSERT INTO opportunity_recommendations (opportunity_id, mentor_id, mentee_id, note, created_at)"
            " VALUES (?, ?, ?, ?, ?)",
            (opportunity_id, mentor_id, mentee_id, note, now.isoformat()),
        )
        await store.mark_shown(tx, opportunity_id, mentee_id, now)
        mentor_name = await tx.fetchval(
            "SELECT COALESCE(NULLIF(p.display_name, ''), NULLIF(u.first_name, ''), '—') FROM users u"
            " LEFT JOIN profiles p ON p.user_id = u.id WHERE u.id = ?",
            (mentor_id,),
        )
    return Msg(SENT.message, name=mentee.name), [_notice(mentee_id, mentor_name, opportunity, seeker, note, now)]


def _notice(mentee_id: int, mentor_name: str, opportunity: Opportunity, seeker: Seeker, note: str | None, now):
    language = fits(seeker, opportunity, now)
    lines = [Msg(N_("🌟 Your mentor {name} recommends this to you:"), name=mentor_name)]
    if note:
        lines.append(Quote(note))
    lines.append("")
    shown = flow.card(opportunity, seeker, language, 0, 0, saved=False)
    lines += list(shown.lines)
    save = Button(Msg(N_("Save")), cb(flow.AREA, "save", opportunity.id), emoji="⭐")
    return Notice(mentee_id, tuple(lines), ((save,),))
