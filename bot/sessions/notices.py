"""What the sessions feature tells whom, as notices: the session card (with its .ics once
confirmed), the mentor's request card, and the word to the other person after a change.

Pure: the two people are read once (`People`) and passed in; each notice is rendered in its
reader's language and zone only when it is sent.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.calendar_file import session_ics
from bot.callbacks import cb
from bot.i18n import N_, Translator
from bot.notices import Button, Document, Line, Msg, Notice, When, ZoneName
from bot.sessions.rules import MIN_NOTICE, REFUSALS, Refusal, Status, slot_code
from bot.sessions.slot_times import Slot
from bot.sessions.store.rows import People, SessionRow


def refusal(code: Refusal) -> Msg:
    return Msg(REFUSALS[code], hours=int(MIN_NOTICE.total_seconds() // 3600))


def when(session: SessionRow) -> Msg:
    """'Tue, Mar 11 18:00–19:00' in the reader's zone."""
    return Msg("{start}–{end}", start=When(session.starts_at), end=When(session.ends_at, "time"))


def slot_buttons(free: list[Slot], data: Callable[[str], str]) -> tuple[tuple[Button, ...], ...]:
    """Free times as buttons, two a row, each shown in the reader's zone."""
    buttons = [Button(Msg("{when}", when=When(slot.start_utc)), data(slot_code(slot.start_utc))) for slot in free]
    return tuple(tuple(buttons[i : i + 2]) for i in range(0, len(buttons), 2))


def card_lines(session: SessionRow, viewer: int, people: People) -> tuple[Line, ...]:
    name = people.name(session.other(viewer))
    heading = (
        N_("Session with your mentor {name}") if viewer == session.mentee_id else N_("Session with your mentee {name}")
    )
    lines: list[Line] = [
        Msg("📅 <b>{heading}</b>", heading=Msg(heading, name=name)),
        Msg("🕒 {line}", line=Msg(N_("{when} (your time, {zone})"), when=when(session), zone=ZoneName())),
    ]
    if session.status == Status.CONFIRMED:
        lines.append(Msg("✅ {s}", s=Msg(N_("Confirmed"))))
    elif session.status == Status.REQUESTED and viewer == session.mentee_id:
        lines.append(Msg("⏳ {s}", s=Msg(N_("Waiting for {name} to confirm"), name=name)))
    elif session.status == Status.REQUESTED:
        lines.append(Msg("⏳ {s}", s=Msg(N_("Waiting for your confirmation"))))
    elif session.status in (Status.CANCELLED, Status.DECLINED):
        lines.append(Msg("✖️ {s}", s=Msg(N_("Called off"))))
    if session.meeting_link:
        lines.append(Msg("🎥 {s}", s=Msg(N_("Meeting link: {link}"), link=session.meeting_link)))
    if session.agenda:
        lines.append(Msg("📝 {s}", s=Msg(N_("What to talk about: {agenda}"), agenda=session.agenda)))
    if session.for_minor and viewer == session.mentee_id:
        minor = N_(
            "Because you are under 18, a parent or another adult you trust is welcome to join the call as an observer."
        )
        lines.append(Msg("🛡 {s}", s=Msg(minor)))
    elif session.for_minor:
        minor = N_(
            "{name} is under 18: an adult observer (a parent or teacher) may join the call. "
            "Please meet only through this link and talk through the bot."
        )
        lines.append(Msg("🛡 {s}", s=Msg(minor, name=name)))
    return tuple(lines)


def card_buttons(session: SessionRow) -> tuple[tuple[Button, ...], ...]:
    if session.status not in (Status.REQUESTED, Status.CONFIRMED):
        return ()
    return (
        (
            Button(Msg(N_("Reschedule")), cb("ses", "mv", session.id), emoji="🔁"),
            Button(Msg(N_("Cancel")), cb("ses", "cx", session.id), emoji="✖️"),
        ),
    )


def ics(session: SessionRow, people: People, first_id: int, now: datetime) -> Document:
    """The calendar file, in the reader's language, with the start in the mentor's zone."""

    def content(t: Translator, _: ZoneInfo) -> bytes:
        names: dict[str, Any] = {"mentee": people.mentee_name, "mentor": people.mentor_name}
        summary = t("Mentoring session: {mentee} and {mentor}").format(**names)
        description = [summary]
        if session.agenda:
            description.append(t("What to talk about: {agenda}").format(agenda=session.agenda))
        if session.meeting_link:
            description.append(t("Meeting link: {link}").format(link=session.meeting_link))
        if session.for_minor:
            description.append(t("An adult observer (a parent or teacher) may join the call."))
        return session_ics(
            f"session-{first_id}@steminist-mentor-bot",
            session.starts_at,
            session.minutes,
            summary,
            "\n".join(description),
            session.meeting_link,
            people.mentor_zone,
            now=now,
            sequence=session.sequence,
        )

    return Document(f"session-{session.id}.ics", content, caption=Msg(N_("Add it to your calendar 📅")))


def card(
    session: SessionRow,
    viewer: int,
    people: People,
    intro: tuple[Line, ...] = (),
    document: Document | None = None,
) -> Notice:
    """The session card to one side, with `intro` above it and, once confirmed, the .ics."""
    lines = (*intro, "", *card_lines(session, viewer, people)) if intro else card_lines(session, viewer, people)
    return Notice(viewer, lines, card_buttons(session), document)


def both_confirmed(session: SessionRow, people: People, intro: str, first_id: int, now: datetime) -> list[Notice]:
    """A confirmed session: the card and .ics to both, each with `intro` in her language."""
    document = ics(session, people, first_id, now)
    return [card(session, viewer, people, (Msg(intro),), document) for viewer in (session.mentee_id, session.mentor_id)]


def request_card(session: SessionRow, people: People) -> Notice:
    """The mentor's card for a requested session, with Confirm and Decline."""
    return Notice(
        session.mentor_id,
        (
            Msg(N_("{name} would like a session with you:"), name=people.mentee_name),
            "",
            *card_lines(session, session.mentor_id, people),
        ),
        (
            (
                Button(Msg(N_("Confirm")), cb("book", "ok", session.id), emoji="✅"),
                Button(Msg(N_("Decline")), cb("book", "no", session.id), emoji="✖️"),
            ),
        ),
    )


def declined(session: SessionRow, people: People) -> Notice:
    return Notice(
        session.mentee_id,
        (
            Msg(
                N_("{name} can't meet on {when}. Please pick another time with /book. 🌷"),
                name=people.mentor_name,
                when=When(session.starts_at),
            ),
        ),
    )


def not_confirmed_in_time(session: SessionRow, people: People) -> Notice:
    return Notice(
        session.mentee_id,
        (
            Msg(
                N_(
                    "{name} didn't confirm your session on {when} in time, so it's off. "
                    "Please pick another time with /book. 🌷"
                ),
                name=people.mentor_name,
                when=When(session.starts_at),
            ),
        ),
    )


def moved(old: SessionRow, new: SessionRow, by: int, people: People, reason: str | None, now: datetime, first_id: int):
    """To the other side of a move: the card again once confirmed, else the word and the request card."""
    other = new.other(by)
    lines: list[Line] = [
        Msg(
            N_("{name} moved your session from {old} to {new}."),
            name=people.name(by),
            old=When(old.starts_at),
            new=When(new.starts_at),
        )
    ]
    if reason:
        lines.append(Msg(N_("Reason: {reason}"), reason=reason))
    if new.status == Status.CONFIRMED:
        return [card(new, other, people, tuple(lines), ics(new, people, first_id, now))]
    return [Notice(other, tuple(lines)), request_card(new, people)]


def cancelled(session: SessionRow, by: int, people: People, reason: str | None) -> Notice:
    other = session.other(by)
    lines: list[Line] = [Msg(N_("{name} cancelled your session on {when}."), name=people.name(by), when=when(session))]
    if reason:
        lines.append(Msg(N_("Reason: {reason}"), reason=reason))
    if other == session.mentee_id:
        lines.append(Msg(N_("Use /book to pick another time.")))
    return Notice(other, tuple(lines))
