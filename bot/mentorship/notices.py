"""What the mentorship area tells people, as notices (no Telegram): the mentorship card, relayed
messages, contacts, the end, reports and what admins decided. Shared by the request and the
mentorship use cases.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from bot.callbacks import cb
from bot.i18n import N_
from bot.mentorship.rules import END_LABELS, REPORT_LABELS, EndReason, ReportReason, Status
from bot.mentorship.store.rows import Mentorship
from bot.notices import Button, Html, Line, Msg, Notice, When


def ended(to: int, by_name: str, reason: EndReason | None, *, to_mentee: bool) -> Notice:
    """Her mentorship with `by_name` has ended (by the other side, an admin or an erasure)."""
    lines: list[Line] = [Msg(N_("Your mentorship with {name} has ended."), name=by_name)]
    if reason is not None:
        lines.append(Msg(N_("Reason: {reason}"), reason=Msg(END_LABELS[reason])))
    lines.append(Msg(N_("Thank you for the time you gave. 💛")))
    if to_mentee:
        lines.append(Msg(N_("Whenever you are ready, /mentors finds you a new mentor.")))
    return Notice(to, tuple(lines))


# --- the card /mentorship shows, and what the pressed card becomes -------------------------


def card(m: Mentorship, viewer: int, other_name: str, *, minor: bool) -> Notice:
    heading = N_("Your mentor: {name}") if viewer == m.mentee_id else N_("Your mentee: {name}")
    lines: list[Line] = [
        Msg("<b>{heading}</b>", heading=Msg(heading, name=other_name)),
        Msg(N_("Together since {date}"), date=When(m.started_at, "date")),
    ]
    if m.status == Status.PAUSED:
        paused = N_("Paused: the programme team is looking into it. Messages are on hold for now.")
        lines.append(Msg("⏸ {s}", s=Msg(paused)))
    if minor:
        never = N_("The mentee is under 18: you talk through this bot only, and contacts are never shared.")
        lines.append(Msg("🛡 {s}", s=Msg(never)))
    elif m.contacts_sent_at:
        lines.append(Msg("🤝 {s}", s=Msg(N_("Contacts exchanged ✓"))))
    elif m.shares(viewer):
        lines.append(Msg("🤝 {s}", s=Msg(N_("You agreed to share contacts; waiting for {name}."), name=other_name)))
    rows: list[tuple[Button, ...]] = []
    if m.status == Status.ACTIVE:
        if not minor and not m.contacts_sent_at and not m.shares(viewer):
            rows.append((Button(Msg(N_("Share my contact")), cb("ship", "share", m.id), emoji="🤝"),))
        rows.append((Button(Msg(N_("Message through the bot")), cb("ship", "msg", m.id), emoji="✉️"),))
    rows.append(
        (
            Button(Msg(N_("Report")), cb("ship", "report", m.id), emoji="⚠️"),
            Button(Msg(N_("Block")), cb("ship", "block", m.id), emoji="🚫"),
        )
    )
    rows.append((Button(Msg(N_("End mentorship")), cb("ship", "end", m.id), emoji="🏁"),))
    return Notice(viewer, tuple(lines), tuple(rows))


def reasons(m: Mentorship, action: str, labels: dict) -> tuple[tuple[Button, ...], ...]:
    rows = [(Button(Msg(text), cb("ship", action, m.id, code)),) for code, text in labels.items()]
    rows.append((Button(Msg(N_("Back")), cb("ship", "show", m.id), emoji="↩️"),))
    return tuple(rows)


def block_question(m: Mentorship, other_name: str) -> Notice:
    question = N_(
        "Block {name}? The mentorship ends at once, {name} can't write to you through me, "
        "and you won't be matched again."
    )
    return Notice(
        0,
        (Msg(question, name=other_name),),
        (
            (Button(Msg(N_("Yes, block")), cb("ship", "blockok", m.id), emoji="🚫"),),
            (Button(Msg(N_("Back")), cb("ship", "show", m.id), emoji="↩️"),),
        ),
    )


# --- between the two of them -----------------------------------------------------------------


def relayed(to: int, mentorship_id: int, sender_name: str, text: str) -> Notice:
    """A message passed on, with a Reply button; her text as she typed it (escaped)."""
    return Notice(
        to,
        (Msg("✉️ {s}", s=Msg(N_("Message from {name}:"), name=sender_name)), "", text),
        ((Button(Msg(N_("Reply")), cb("ship", "msg", mentorship_id), emoji="↩️"),),),
    )


def share_asked(to: int, mentorship_id: int, by_name: str) -> Notice:
    return Notice(
        to,
        (Msg(N_("{name} would like to exchange contacts. If you agree too, tap below."), name=by_name),),
        ((Button(Msg(N_("Share my contact")), cb("ship", "share", mentorship_id), emoji="🤝"),),),
    )


def contact(to: int, other_id: int, other_name: str, username: str | None) -> Notice:
    link = Msg('<a href="tg://user?id={id}">{name}</a>', id=Html(str(other_id)), name=other_name)
    if username:
        link = Msg("{link} (@{username})", link=link, username=username)
    told = N_("🤝 You both agreed: here is how to reach {name} directly: {link}")
    return Notice(to, (Msg(told, name=other_name, link=link),))


def paused(to: int, by_name: str) -> Notice:
    told = N_("Your mentorship with {name} is paused for now. The programme team will be in touch.")
    return Notice(to, (Msg(told, name=by_name),))


# --- the programme team ----------------------------------------------------------------------


def who(name: str, user_id: int, *, mentee: bool, minor: bool) -> Msg:
    role = Msg(N_("mentee") if mentee else N_("mentor"))
    under = Msg(" · {u}", u=Msg(N_("under 18"))) if minor else Html("")
    return Msg("{name} ({role}{minor}) · id {id}", name=name, role=role, minor=under, id=Html(str(user_id)))


def report_alert(
    admins: Sequence[int],
    report_id: int,
    m: Mentorship,
    reason: str,
    reporter: Msg,
    reported: Msg,
    messages: Sequence[tuple[str, datetime, str]],
    counter_of: int | None,
) -> list[Notice]:
    """Every admin hears of a report at once: who, the mentorship, the last messages."""
    lines: list[Line] = [Msg("🚨 <b>{title}</b>", title=Msg(N_("Safety report #{id}"), id=Html(str(report_id))))]
    if counter_of:
        counter = N_("A counter-report to report #{first}: the reported side reported back.")
        lines.append(Msg(counter, first=Html(str(counter_of))))
    lines += [
        Msg(N_("From: {who}"), who=reporter),
        Msg(N_("About: {who}"), who=reported),
        Msg(N_("Mentorship #{id}, since {date}: now paused"), id=Html(str(m.id)), date=When(m.started_at, "date")),
        Msg(N_("Reason: {reason}"), reason=Msg(REPORT_LABELS[ReportReason(reason)])),
        "",
        Msg("<b>{s}</b>", s=Msg(N_("Last messages through the bot:"))),
    ]
    for sender, sent_at, text in messages:
        lines.append(Msg("{sender}, {when}: {text}", sender=sender, when=When(sent_at), text=text[:300]))
    if not messages:
        lines.append(Msg(N_("(none)")))
    return [Notice(admin_id, tuple(lines)) for admin_id in admins]


def report_details(admins: Sequence[int], report_id: int, text: str) -> list[Notice]:
    lines = (Msg(N_("More details for safety report #{id}:"), id=Html(str(report_id))), "", text)
    return [Notice(admin_id, lines) for admin_id in admins]


# What the programme team's decision on a report tells each side.
WARNING = N_(
    "The programme team received a report about your conversation. Please keep every conversation "
    "kind, respectful and inside the bot. Another report may suspend your account."
)
SUSPENDED = N_(
    "The programme team has suspended your account after a safety report. You can no longer be "
    "matched or send messages. If you think this is a mistake, please contact the programme organisers."
)
ENDED = N_("The programme team has ended this mentorship after a safety report. Thank you for telling us.")
ENDED_OTHER = N_(
    "The programme team has ended your mentorship. /mentors can help you find a new one when you are ready."
)
WARNED = N_(
    "The programme team has spoken to the other person about your report. Your mentorship can go on; "
    "you can still block or end it at any time in /mentorship."
)
DISMISSED = N_(
    "The programme team looked at your report carefully and your mentorship can go on. "
    "You can still block or end it at any time in /mentorship."
)
STILL_PAUSED = N_(
    "The programme team has looked at your report. The mentorship stays paused while the team "
    "finishes looking into everything; they will be in touch."
)


# A report on a pending request: no mentorship to pause, resume or end (the request was withdrawn).
REVIEWED = N_("The programme team has looked at your report about {name}. Thank you.")


def told(to: int | None, message: str, **values: str) -> list[Notice]:
    """One of the texts above, for someone who may have been erased (then no one)."""
    return [] if to is None else [Notice(to, (Msg(message, **values),))]
