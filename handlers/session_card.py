"""The session card every session journey shows: its text, buttons and .ics, in her language."""

from __future__ import annotations

import html
import io
import logging
from zoneinfo import ZoneInfo

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import Forbidden, TelegramError

from bot.calendar_file import session_ics
from bot.callbacks import cb
from bot.i18n import Translator
from bot.services import Services
from bot.sessions.rules import MIN_NOTICE, REFUSALS, Refusal, Status
from bot.sessions.store.rows import SessionRow
from handlers.mentoring_common import deliver, name_of, reader_of

log = logging.getLogger(__name__)


def refusal_text(t: Translator, code: Refusal) -> str:
    return t(REFUSALS[code]).format(hours=int(MIN_NOTICE.total_seconds() // 3600))


def when_text(t: Translator, zone: ZoneInfo, session: SessionRow) -> str:
    """'Tue, Mar 11 18:00–19:00' in the reader's zone."""
    return f"{t.datetime(session.starts_at, zone)}–{t.time(session.ends_at, zone)}"


async def card_text(services: Services, t: Translator, zone: ZoneInfo, viewer: int, session: SessionRow) -> str:
    other = session.other(viewer)
    name = await name_of(services, other)
    heading = (
        t("Session with your mentor {name}") if viewer == session.mentee_id else t("Session with your mentee {name}")
    )
    lines = [
        "📅 <b>" + heading.format(name=name) + "</b>",
        "🕒 " + t("{when} (your time, {zone})").format(when=when_text(t, zone, session), zone=html.escape(zone.key)),
    ]
    if session.status == Status.CONFIRMED:
        lines.append("✅ " + t("Confirmed"))
    elif session.status == Status.REQUESTED and viewer == session.mentee_id:
        lines.append("⏳ " + t("Waiting for {name} to confirm").format(name=name))
    elif session.status == Status.REQUESTED:
        lines.append("⏳ " + t("Waiting for your confirmation"))
    elif session.status in (Status.CANCELLED, Status.DECLINED):
        lines.append("✖️ " + t("Called off"))
    if session.meeting_link:
        lines.append("🎥 " + t("Meeting link: {link}").format(link=html.escape(session.meeting_link)))
    if session.agenda:
        lines.append("📝 " + t("Agenda: {agenda}").format(agenda=html.escape(session.agenda)))
    if session.for_minor and viewer == session.mentee_id:
        lines.append(
            "🛡 "
            + t(
                "Because you are under 18, a parent or another adult you trust is welcome to "
                "join the call as an observer."
            )
        )
    elif session.for_minor:
        lines.append(
            "🛡 "
            + t(
                "{name} is under 18: an adult observer (a parent or teacher) may join the call. "
                "Please meet only through this link and talk through the bot."
            ).format(name=name)
        )
    return "\n".join(lines)


def card_keyboard(t: Translator, session: SessionRow) -> InlineKeyboardMarkup | None:
    if session.status not in (Status.REQUESTED, Status.CONFIRMED):
        return None
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton("🔁 " + t("Reschedule"), callback_data=cb("ses", "mv", session.id)),
                InlineKeyboardButton("✖️ " + t("Cancel"), callback_data=cb("ses", "cx", session.id)),
            ]
        ]
    )


async def send_card(
    bot: Bot, services: Services, session: SessionRow, viewer: int, *, ics: bool, intro: str = ""
) -> None:
    """The card (and, once confirmed, the .ics) to one side, in her language and zone."""
    t, zone = await reader_of(services, viewer)
    text = await card_text(services, t, zone, viewer, session)
    sent = await deliver(bot, services, viewer, f"{intro}\n\n{text}" if intro else text, card_keyboard(t, session))
    if sent is not None and ics:
        await send_ics(bot, services, session, viewer, t)


async def send_ics(bot: Bot, services: Services, session: SessionRow, viewer: int, t: Translator) -> None:
    """The calendar file, with the start in the mentor's zone and the meeting link."""
    _, mentor_zone = await reader_of(services, session.mentor_id)
    names = {
        "mentee": html.unescape(await name_of(services, session.mentee_id)),
        "mentor": html.unescape(await name_of(services, session.mentor_id)),
    }
    description = [t("Mentoring session: {mentee} and {mentor}").format(**names)]
    if session.agenda:
        description.append(t("Agenda: {agenda}").format(agenda=session.agenda))
    if session.meeting_link:
        description.append(t("Meeting link: {link}").format(link=session.meeting_link))
    if session.for_minor:
        description.append(t("An adult observer (a parent or teacher) may join the call."))
    data = session_ics(
        f"session-{await services.sessions.first_id(session.id)}@steminist-mentor-bot",
        session.starts_at,
        session.minutes,
        t("Mentoring session: {mentee} and {mentor}").format(**names),
        "\n".join(description),
        session.meeting_link,
        mentor_zone.key,
        now=services.clock.now(),
        sequence=session.sequence,
    )
    try:
        await bot.send_document(
            viewer,
            io.BytesIO(data),
            filename=f"session-{session.id}.ics",
            caption=t("Add it to your calendar 📅"),
        )
    except Forbidden:
        await services.users.mark_blocked(viewer, services.clock.now())
    except TelegramError as error:
        log.warning("could not send the .ics to %s: %s", viewer, error)


async def both_confirmed(bot: Bot, services: Services, session: SessionRow, intro: str) -> None:
    """A confirmed session: the card and .ics to both, each with `intro` in her language."""
    for viewer in (session.mentee_id, session.mentor_id):
        t, _ = await reader_of(services, viewer)
        await send_card(bot, services, session, viewer, ics=True, intro=t(intro))
