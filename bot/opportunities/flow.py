"""The use cases: browse, save, dismiss, the deadline reminders, the applied question, the file import.
Each checks the rules, changes the database in one transaction and returns what to tell whom."""

from __future__ import annotations

import html
from datetime import datetime
from urllib.parse import quote
from zoneinfo import ZoneInfo

from bot.callbacks import cb
from bot.db import Database
from bot.domain import LANGUAGE_BUTTONS, Language
from bot.i18n import N_
from bot.notices import Button, Html, Line, Msg, Notice, When
from bot.opportunities import importing, results, store
from bot.opportunities.rules import (
    KIND_LABELS,
    Opportunity,
    Seeker,
    fits,
    fitting,
    reading_language,
    reminder_moments,
    superseded,
)

# The admin command that opens an import; the same text as a document's caption means the same.
IMPORT_COMMAND = "opportunities_import"

AREA = "opp"
PREVIEW_ROWS, PROBLEM_LINES = 20, 40
# Not "in N days": a reminder sent late (the bot was down) must still be true.
REMINDER_TEXTS = {
    1: N_("⏰ Less than a day left: the deadline for “{title}” is {when}."),
    7: N_("⏰ Coming up: the deadline for “{title}” is {when}."),
}
SAVED = Msg(N_("Saved. I'll remind you 7 days and 1 day before the deadline."))
# A shared card's deep link: https://t.me/<bot>?start=opp_<id>
LINK_PREFIX = "opp_"
DIGEST_BUTTON = Button(Msg(N_("Weekly digest")), cb(AREA, "dg", "show"), emoji="🔔")


def share_url(bot_name: str, opportunity_id: int) -> str:
    link = f"https://t.me/{bot_name}?start={LINK_PREFIX}{opportunity_id}"
    return "https://t.me/share/url?url=" + quote(link, safe="")


def card(
    opportunity: Opportunity,
    seeker: Seeker,
    language: str,
    position: int,
    total: int,
    saved: bool,
    bot_name: str = "",
) -> Notice:
    lines: list[Line] = [
        Html(f"<b>{html.escape(opportunity.titles[language])}</b>"),
        Msg(N_("{kind} · {organiser}"), kind=Msg(KIND_LABELS[opportunity.kind]), organiser=opportunity.organiser),
    ]
    if language != seeker.language:
        lines.append(Msg(N_("(in {language})"), language=LANGUAGE_BUTTONS[Language(language)]))
    if text := opportunity.texts.get(language):
        lines += ["", text]
    lines += ["", Msg(N_("Deadline: {when}"), when=When(opportunity.deadline_at))]
    if opportunity.starts_on:
        lines.append(Msg(N_("Dates: {start} – {end}"), start=opportunity.starts_on, end=opportunity.ends_on or ""))
    if opportunity.women_only:
        lines.append(Msg(N_("For girls and women")))
    if opportunity.verified:
        lines.append(Msg(N_("✅ Checked by the programme")))
    lines.append(opportunity.link)
    if total:
        lines += ["", Msg(N_("{n} of {total}"), n=position, total=total)]
    save = Button(Msg(N_("Saved")), cb(AREA, "save", opportunity.id), emoji="✓") if saved else None
    save = save or Button(Msg(N_("Save")), cb(AREA, "save", opportunity.id), emoji="⭐")
    buttons = (
        (save, Button(Msg(N_("Not for me")), cb(AREA, "no", opportunity.id))),
        (Button(Msg(N_("Next")), cb(AREA, "next", opportunity.id), emoji="➡️"),),
    )
    if bot_name:
        share = Button(Msg(N_("Share")), url=share_url(bot_name, opportunity.id), emoji="📤")
        buttons += ((share, DIGEST_BUTTON),)
    return Notice(0, tuple(lines), buttons)


async def browse(
    db: Database, user_id: int, now: datetime, after: int | None = None, at: int | None = None, bot_name: str = ""
) -> Notice:
    """The card that fits her after `after` (or `at` itself, or the first), or a word that there is none."""
    async with db.transaction() as tx:
        seeker = await store.seeker(tx, user_id)
        if seeker is None:
            return Notice(user_id, (Msg(N_("Finish your profile first: /start. Then I can find what fits you.")),))
        chosen = await store.choices(tx, user_id)
        fit = fitting(seeker, [o for o in await store.open_ones(tx, now) if chosen.get(o.id) != "dismissed"], now)
        if not fit:
            return Notice(
                user_id,
                (Msg(N_("No open opportunities fit you right now. I'll have more soon.")),),
                ((DIGEST_BUTTON,),),
            )
        index = next((i for i, (o, _) in enumerate(fit) if o.id == at), 0)
        if after is not None:
            index = next((i + 1 for i, (o, _) in enumerate(fit) if o.id == after), 0)
            if index >= len(fit):
                return Notice(user_id, (Msg(N_("That was the last one. /opportunities starts the list again.")),))
        opportunity, language = fit[index]
        await store.mark_shown(tx, opportunity.id, user_id, now)
    saved = chosen.get(opportunity.id) == "saved"
    shown = card(opportunity, seeker, language, index + 1, len(fit), saved, bot_name)
    return Notice(user_id, shown.lines, shown.buttons)


async def open_shared(db: Database, user_id: int, opportunity_id: int, now: datetime, bot_name: str = "") -> Notice:
    """A card opened from a shared link: shown only if it fits her (her profile decides)."""
    async with db.reading() as s:
        seeker = await store.seeker(s, user_id)
        opportunity = await store.get(s, opportunity_id)
    if seeker is None:
        return Notice(
            user_id,
            (
                Msg(
                    N_(
                        "Someone shared an opportunity with you. Finish your profile, then "
                        "/opportunities shows it if it fits you."
                    )
                ),
            ),
        )
    if opportunity is None or fits(seeker, opportunity, now) is None:
        return Notice(
            user_id,
            (Msg(N_("This opportunity is closed or not open to you. /opportunities shows the ones that fit you.")),),
        )
    return await browse(db, user_id, now, at=opportunity_id, bot_name=bot_name)


async def save(db: Database, user_id: int, opportunity_id: int, now: datetime) -> Msg:
    """She saves one: its reminders are planned. Refused when it is not (or no longer) for her."""
    async with db.transaction() as tx:
        seeker = await store.seeker(tx, user_id)
        opportunity = await store.get(tx, opportunity_id)
        if seeker is None or opportunity is None or fits(seeker, opportunity, now) is None:
            return Msg(N_("This one is not open to you."))
        if not await store.choose(tx, opportunity_id, user_id, "saved", now):
            return Msg(N_("Already saved."))
        await store.plan_reminders(tx, opportunity_id, user_id, reminder_moments(opportunity.deadline_at, now))
    return SAVED


async def dismiss(db: Database, user_id: int, opportunity_id: int, now: datetime) -> Notice:
    """'Not for me': never shown again, no reminders; then the next card."""
    async with db.transaction() as tx:
        if await store.get(tx, opportunity_id) is not None:
            await store.choose(tx, opportunity_id, user_id, "dismissed", now)
            await store.skip_reminders(tx, opportunity_id, user_id, now)
    return await browse(db, user_id, now, after=None)


async def due_reminders(db: Database, now: datetime) -> list[Notice]:
    """Each due reminder claimed once: sent if it still makes sense, else skipped."""
    notices = []
    async with db.transaction() as tx:
        dues = await store.due_reminders(tx, now)
        # Reminders of a popular deadline come due together: each opportunity read once.
        opportunities = await store.by_ids(tx, {due.opportunity_id for due in dues})
        for due in dues:
            opportunity = opportunities.get(due.opportunity_id)
            seeker = await store.seeker(tx, due.user_id) if opportunity and due.saved else None
            language = fits(seeker, opportunity, now) if seeker else None
            if language is None or superseded(opportunity.deadline_at, due.offset_days, now):
                await store.finish_reminder(tx, due, "skipped", now)
                continue
            if not await store.finish_reminder(tx, due, "sent", now):
                continue
            message = REMINDER_TEXTS.get(due.offset_days, REMINDER_TEXTS[max(REMINDER_TEXTS)])
            notices.append(
                Notice(
                    due.user_id,
                    (
                        Msg(
                            message,
                            title=opportunity.titles[language],
                            when=When(opportunity.deadline_at),
                        ),
                        opportunity.link,
                    ),
                )
            )
    return notices


async def applied_questions(db: Database, now: datetime) -> list[Notice]:
    """After the deadline, each girl who saved it is asked once whether she applied."""
    notices = []
    async with db.transaction() as tx:
        unasked = await store.unasked(tx, now)
        opportunities = await store.by_ids(tx, {opportunity_id for opportunity_id, _ in unasked})
        for opportunity_id, user_id in unasked:
            if not await store.mark_asked(tx, opportunity_id, user_id, now):
                continue
            opportunity = opportunities[opportunity_id]
            seeker = await store.seeker(tx, user_id)
            language = reading_language(seeker, frozenset(opportunity.titles)) if seeker else None
            if language is None:
                continue
            notices.append(
                Notice(
                    user_id,
                    (
                        Msg(
                            N_("The deadline for “{title}” has passed. Did you apply?"),
                            title=opportunity.titles[language],
                        ),
                    ),
                    (
                        (
                            Button(Msg(N_("Yes")), cb(AREA, "ap", opportunity_id, 1)),
                            Button(Msg(N_("No")), cb(AREA, "ap", opportunity_id, 0)),
                        ),
                    ),
                )
            )
    return notices


async def answer_applied(db: Database, user_id: int, opportunity_id: int, applied: bool, now: datetime) -> Msg:
    async with db.transaction() as tx:
        if not await store.answer_applied(tx, opportunity_id, user_id, applied, now):
            return Msg(N_("Already noted, thank you."))
        if applied:
            await results.plan(tx, opportunity_id, user_id)
    if applied:
        return Msg(N_("Well done for applying! Good luck 🍀"))
    return Msg(N_("Thank you for telling me. There will be other chances."))


async def start_import(db: Database, admin_id: int, now: datetime) -> None:
    async with db.transaction() as tx:
        await store.await_file(tx, admin_id, now)


async def check_import(
    db: Database, admin_id: int, filename: str, data: bytes, now: datetime, zone: ZoneInfo, caption: str | None
) -> Notice | None:
    """The file checked row by row: every problem named, the valid rows previewed and kept for the
    confirm. None when she sent a file without asking for an import (it is not ours)."""
    async with db.transaction() as tx:
        waiting, _ = await store.import_state(tx, admin_id)
        if not (_asked(caption) or waiting):
            return None
        try:
            valid, problems = importing.check_file(filename, data, now, zone)
        except importing.FileUnreadable as error:
            await store.end_import(tx, admin_id)
            return Notice(admin_id, (Msg(N_("I could not read this file.")), error.msg))
        await store.keep_rows(tx, admin_id, [row for _, row in valid], now)
    lines: list[Line] = [
        Msg(N_("Valid rows: {n}. Rows with problems: {bad}."), n=len(valid), bad=len({p.row for p in problems}))
    ]
    if problems:
        lines += ["", Msg(N_("<b>Problems</b> (these rows will not be added):"))]
        lines += [
            Msg(N_("Row {row}, {column}: {problem}"), row=p.row, column=p.column, problem=p.message)
            for p in problems[:PROBLEM_LINES]
        ]
        if len(problems) > PROBLEM_LINES:
            lines.append(Msg(N_("…and {n} more."), n=len(problems) - PROBLEM_LINES))
    if not valid:
        return Notice(admin_id, (*lines, "", Msg(N_("Nothing to add. Fix the file and send it again."))))
    lines += ["", Msg(N_("<b>To add:</b>"))]
    for number, row in valid[:PREVIEW_ROWS]:
        languages = ", ".join(sorted(row["titles"]))
        title = next(iter(row["titles"].values()))
        deadline = When(datetime.fromisoformat(row["deadline_at"]), "date")
        lines.append(
            Msg(
                N_("Row {row}: {title} ({languages}), deadline {when}"),
                row=number,
                title=title,
                languages=languages,
                when=deadline,
            )
        )
    if len(valid) > PREVIEW_ROWS:
        lines.append(Msg(N_("…and {n} more."), n=len(valid) - PREVIEW_ROWS))
    buttons = (
        (
            Button(Msg(N_("Add them")), cb(AREA, "imp", "ok"), emoji="✅"),
            Button(Msg(N_("Cancel")), cb(AREA, "imp", "no")),
        ),
    )
    return Notice(admin_id, tuple(lines), buttons)


async def confirm_import(db: Database, admin_id: int, now: datetime, add: bool) -> Msg:
    async with db.transaction() as tx:
        _, rows = await store.import_state(tx, admin_id)
        await store.end_import(tx, admin_id)
        if not add:
            return Msg(N_("Import cancelled. Nothing was added."))
        if not rows:
            return Msg(N_("There is nothing waiting to be added."))
        for row in rows:
            await store.add(tx, row, admin_id, now)
    return Msg(N_("Opportunities added: {n}."), n=len(rows))


def _asked(caption: str | None) -> bool:
    return (caption or "").strip().startswith(f"/{IMPORT_COMMAND}")


async def expects_file(db: Database, admin_id: int, caption: str | None) -> bool:
    """Whether an admin's document is an opportunities file: sent with the import command, or after it."""
    if _asked(caption):
        return True
    async with db.reading() as s:
        waiting, _ = await store.import_state(s, admin_id)
    return waiting
