"""Circle sessions' use cases: schedule, answer (RSVP), remind, mark who attended, rate. Each
checks who asks and changes the database in one transaction, and returns what to tell whom."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.calendar_file import session_ics
from bot.callbacks import cb
from bot.circles import meeting_store as ms
from bot.circles import rules
from bot.circles.rules import CircleRefused
from bot.circles.store import CircleStore, circle_in, display_name, members, not_suspended, record
from bot.i18n import N_, Translator
from bot.notices import Button, Document, Line, Msg, Notice, When, ZoneName
from bot.sessions.reminder_plan import catch_up_decision, plan_reminders


async def _lead_circle(tx, circle_id: int, user_id: int):
    circle = await circle_in(tx, circle_id)
    if circle is None or user_id not in circle.leads or not await not_suspended(tx, (user_id,)):
        raise CircleRefused("not_a_member")
    if circle.status != "active":
        raise CircleRefused("circle_paused")
    return circle


async def check_lead(store: CircleStore, circle_id: int, user_id: int) -> None:
    async with store.db.reading() as s:
        await _lead_circle(s, circle_id, user_id)


def _rsvp_buttons(session_id: int) -> tuple[tuple[Button, ...], ...]:
    return (
        (
            Button(Msg(N_("I'll be there")), cb("circs", "y", session_id), emoji="✅"),
            Button(Msg(N_("I can't")), cb("circs", "n", session_id), emoji="✖️"),
        ),
    )


def _card(session: ms.CircleSession, circle, to: int, lead: bool, mentor_zone: str, now: datetime) -> Notice:
    lines: list[Line] = [
        Msg("📅 <b>{heading}</b>", heading=Msg(N_("Circle session: {topic}"), topic=session.topic)),
        Msg(N_("Circle {circle}"), circle=circle.name),
        Msg(
            "🕒 {line}",
            line=Msg(
                N_("{when} (your time, {zone})"),
                when=Msg("{start}–{end}", start=When(session.starts_at), end=When(session.ends_at, "time")),
                zone=ZoneName(),
            ),
        ),
        Msg("🎥 {s}", s=Msg(N_("Meeting link: {link}"), link=session.meeting_link)),
    ]
    if circle.age_band == rules.MINOR_BAND:
        lines.append(Msg("🛡 {s}", s=Msg(N_("An adult observer (a parent or teacher) may join the call."))))
    if not lead:
        lines.append(Msg(N_("Will you come? You can change your answer later.")))
    return Notice(to, tuple(lines), () if lead else _rsvp_buttons(session.id), _ics(session, circle, mentor_zone, now))


def _ics(session: ms.CircleSession, circle, mentor_zone: str, now: datetime) -> Document:
    def content(t: Translator, _: ZoneInfo) -> bytes:
        summary = t("Circle session: {topic}").format(topic=session.topic)
        description = "\n".join((summary, t("Meeting link: {link}").format(link=session.meeting_link)))
        return session_ics(
            f"circle-session-{session.id}@steminist-mentor-bot",
            session.starts_at,
            session.minutes,
            summary,
            description,
            session.meeting_link,
            mentor_zone,
            now=now,
        )

    return Document(f"circle-session-{session.id}.ics", content, caption=Msg(N_("Add it to your calendar 📅")))


async def schedule(
    store: CircleStore,
    circle_id: int,
    lead_id: int,
    start: datetime,
    topic: str,
    now: datetime,
    offsets: Iterable[timedelta],
    new_link: Callable[[], str],
) -> list[Notice]:
    """A group session: the card and .ics to every member and lead, and a reminder row per person."""
    refused = rules.session_time_refusal(start, now)
    if refused:
        raise CircleRefused(refused)
    async with store.db.transaction() as tx:
        circle = await _lead_circle(tx, circle_id, lead_id)
        link = rules.room_for(circle.age_band, await ms.own_link(tx, circle.mentor_id), new_link())
        topic = topic.strip()[: rules.TOPIC_MAX]
        session_id = await ms.insert_session(tx, circle_id, lead_id, start, rules.SESSION_MINUTES, topic, link, now)
        girls = await members(tx, circle_id)
        await ms.add_attendees(tx, session_id, girls)
        leads = await not_suspended(tx, circle.leads)
        everyone = [*girls, *(lead for lead in circle.leads if lead in leads)]
        await ms.plan_reminders(tx, session_id, plan_reminders(start, everyone, offsets, now))
        await record(tx, circle_id, now, "session", lead_id, detail=str(session_id))
        session = await ms.session_in(tx, session_id)
        zone = await ms.zone_of(tx, circle.mentor_id)
    return [_card(session, circle, to, to in circle.leads, zone, now) for to in everyone]


async def join_as_lead(tx, circle, lead_id: int, now: datetime, offsets: Iterable[timedelta]) -> list[Notice]:
    """A lead who joins a circle with sessions ahead (a co-mentor) gets each one's card and reminders, as
    the leads who were there when it was scheduled did."""
    zone = await ms.zone_of(tx, circle.mentor_id)
    cards = []
    for session in await ms.upcoming(tx, circle.id, now):
        await ms.plan_reminders(tx, session.id, plan_reminders(session.starts_at, [lead_id], offsets, now))
        cards.append(_card(session, circle, lead_id, True, zone, now))
    return cards


async def answer(store: CircleStore, session_id: int, user_id: int, coming: bool, now: datetime) -> None:
    """Her RSVP, changeable until the session begins."""
    async with store.db.transaction() as tx:
        session = await ms.session_in(tx, session_id)
        if session is None or await tx.fetchval(
            "SELECT status FROM circle_members WHERE circle_id = ? AND user_id = ?", (session.circle_id, user_id)
        ) not in ("active", "paused"):
            raise CircleRefused("not_a_member")
        if session.status != "scheduled" or session.starts_at <= now:
            raise CircleRefused("session_over")
        if not await ms.set_rsvp(tx, session_id, user_id, "yes" if coming else "no"):
            raise CircleRefused("not_a_member")


async def due_reminders(store: CircleStore, now: datetime) -> list[Notice]:
    """Each due reminder once: sent while the session is ahead, to those who have not declined;
    otherwise skipped (a reminder after the start helps nobody)."""
    notices = []
    for reminder_id, session_id, recipient in await ms.due_reminders(store.db, now):
        async with store.db.transaction() as tx:
            session = await ms.session_in(tx, session_id)
            circle = await circle_in(tx, session.circle_id)
            rsvp = await tx.fetchval(
                "SELECT rsvp FROM circle_attendance WHERE session_id = ? AND user_id = ?", (session_id, recipient)
            )
            still_in = recipient in circle.leads or recipient in await members(tx, circle.id)
            still_in = still_in and bool(await not_suspended(tx, (recipient,)))
            send = (
                session.status == "scheduled"
                and circle.status == "active"
                and still_in
                and rules.reminded(rsvp)
                and catch_up_decision(now, session.starts_at, now) == "send"
            )
            if not await ms.settle_reminder(tx, reminder_id, "sent" if send else "skipped") or not send:
                continue
        lines = (
            Msg(
                N_("⏰ Reminder: the circle session “{topic}” ({circle}) is on {when} ({zone})."),
                topic=session.topic,
                circle=circle.name,
                when=When(session.starts_at),
                zone=ZoneName(),
            ),
            Msg("🎥 {s}", s=Msg(N_("Meeting link: {link}"), link=session.meeting_link)),
        )
        lead = recipient in circle.leads
        notices.append(Notice(recipient, lines, () if lead else _rsvp_buttons(session_id)))
    return notices


async def attendance_view(store: CircleStore, session_id: int) -> tuple[tuple[Line, ...], tuple]:
    """The lead's attendance card: each member with ✅ if marked as come, and Save."""
    session = await ms.session_in(store.db, session_id)
    rows = []
    for user_id, rsvp, attended, _ in await ms.attendance(store.db, session_id):
        mark = "✅" if attended else "▫️"
        said = {"yes": " (✓)", "no": " (✖)"}.get(rsvp or "", "")
        rows.append(
            (Button(f"{mark} {await display_name(store.db, user_id)}{said}", cb("circs", "ma", session_id, user_id)),)
        )
    rows.append((Button(Msg(N_("Save attendance")), cb("circs", "sv", session_id), emoji="💾"),))
    lines = (
        Msg(N_("Who came to the circle session “{topic}”?"), topic=session.topic),
        Msg(N_("Tap a name to mark her, then save.")),
    )
    return lines, tuple(rows)


async def ask_attendance(store: CircleStore, now: datetime) -> list[Notice]:
    """Once a session has ended, whoever scheduled it is asked who came."""
    notices = []
    for session_id in await ms.ended_unasked(store.db, now):
        async with store.db.transaction() as tx:
            claim = "UPDATE circle_sessions SET asked_at = ? WHERE id = ? AND asked_at IS NULL"
            if not await tx.execute(claim, (now.isoformat(), session_id)):
                continue
            session = await ms.session_in(tx, session_id)
            circle = await circle_in(tx, session.circle_id)
        to = session.scheduled_by if session.scheduled_by in circle.leads else circle.mentor_id
        if to is not None:
            lines, buttons = await attendance_view(store, session_id)
            notices.append(Notice(to, lines, buttons))
    return notices


async def _led_session(tx, session_id: int, user_id: int) -> tuple[ms.CircleSession, object]:
    session = await ms.session_in(tx, session_id)
    circle = None if session is None else await circle_in(tx, session.circle_id)
    if circle is None or user_id not in circle.leads:
        raise CircleRefused("not_a_member")
    return session, circle


async def toggle(store: CircleStore, session_id: int, lead_id: int, member_id: int, now: datetime) -> None:
    async with store.db.transaction() as tx:
        session, _ = await _led_session(tx, session_id, lead_id)
        if session.status != "scheduled" or session.starts_at > now:
            raise CircleRefused("session_over" if session.status != "scheduled" else "not_yet")
        if not await ms.toggle_attended(tx, session_id, member_id):
            raise CircleRefused("not_a_member")


async def save_attendance(store: CircleStore, session_id: int, lead_id: int, now: datetime) -> list[Notice]:
    """The session counts as held; those who came are asked to rate it."""
    async with store.db.transaction() as tx:
        session, circle = await _led_session(tx, session_id, lead_id)
        if session.starts_at > now:
            raise CircleRefused("not_yet")
        if not await tx.execute("UPDATE circle_sessions SET status = 'held' WHERE id = ? AND status = 'scheduled'",
                                (session_id,)):  # fmt: skip
            raise CircleRefused("session_over")
        came = [u for u, _, attended, _ in await ms.attendance(tx, session_id) if attended]
        await record(tx, circle.id, now, "attendance", lead_id, detail=f"{session_id}: {len(came)}")
    stars = tuple(Button(str(n), cb("circs", "rt", session_id, n)) for n in range(1, 6))
    ask = (Msg(N_("How was the circle session “{topic}”? Rate it from 1 to 5."), topic=session.topic),)
    return [Notice(u, ask, (stars,)) for u in came]


async def rate(store: CircleStore, session_id: int, user_id: int, stars: int) -> None:
    if not 1 <= stars <= 5:
        raise CircleRefused("not_a_member")
    async with store.db.transaction() as tx:
        session = await ms.session_in(tx, session_id)
        if session is None or session.status != "held" or not await ms.set_rating(tx, session_id, user_id, stars):
            raise CircleRefused("not_a_member")
