"""What a request tells whom, as notices (no Telegram): the mentor's request card and
what she may press on it, the mentee's side, the re-offer, the closings and the admins' alerts.
"""

from __future__ import annotations

from bot.callbacks import cb
from bot.contact_guard.rules import Action
from bot.domain import AGE_LABELS, FIELD_LABELS, GOAL_LABELS, LANGUAGE_NAMES, REGION_LABELS, STAGE_LABELS
from bot.i18n import N_
from bot.mentorship.rules import DECLINE_LABELS, MAX_PENDING_REQUESTS, MISSED_TO_PAUSE, REFUSALS, Refusal
from bot.mentorship.store.requests import Request
from bot.notices import Button, Html, Line, Msg, Notice, Quote, When
from bot.onboarding.store import Profile

HEADINGS = {
    "new": N_("📨 A new mentee would like you as her mentor"),
    "cohort": N_("📨 The programme team suggests a mentee for you"),
    "reminder": N_("⏰ Reminder: she is still waiting for your answer"),
    # The other wording of an experiment on the nudge (bot.experiments, setting nudge_wording).
    "reminder_warm": N_("⏰ She is still hoping to hear from you: a short answer, even a no, helps her move on 💛"),
    "answer": N_("💬 She answered your question"),
}

Rows = tuple[tuple[Button, ...], ...]


def refusal(code: Refusal) -> Msg:
    return Msg(REFUSALS[code], n=MAX_PENDING_REQUESTS)


def percent(score: int) -> Msg:
    """A match's score as her locale writes a percentage."""
    return Msg(N_("{score}%"), score=score)


def label(table: dict, code: str | None) -> Msg | str:
    """The label of a code, translated for the reader; an unknown code (an older version) as is."""
    if code is None:
        return "—"
    return Msg(table[code]) if code in table else code


def labels(table: dict, codes, *, by_code: bool = False) -> Msg | str:
    """Labels of several codes in the table's order (or the codes' own), joined by commas, each translated."""
    keys = sorted(k for k in codes if k in table) if by_code else [k for k in table if k in codes]
    found = [Msg(table[key]) for key in keys]
    if not found:
        return "—"
    return Msg(", ".join(f"{{v{i}}}" for i in range(len(found))), **{f"v{i}": m for i, m in enumerate(found)})


def bold(text: Msg | str) -> Msg:
    return Msg("<b>{s}</b>", s=text)


# --- the mentor's side -------------------------------------------------------------------------


def request_buttons(request_id: int) -> Rows:
    return (
        (
            Button(Msg(N_("Accept")), cb("req", "acc", request_id), emoji="✅"),
            Button(Msg(N_("Decline")), cb("req", "dec", request_id), emoji="✖️"),
        ),
        (Button(Msg(N_("Ask a question")), cb("req", "ask", request_id), emoji="❓"),),
    )


def decline_buttons(request_id: int) -> Rows:
    rows = tuple((Button(Msg(text), cb("req", "why", request_id, code)),) for code, text in DECLINE_LABELS.items())
    return (*rows, (Button(Msg(N_("Back")), cb("req", "back", request_id), emoji="↩️"),))


def request_card(request: Request, mentee: Profile, heading: str | None = None) -> Notice:
    """The mentee as her mentor sees the request: every value of hers escaped when rendered."""
    heading = heading or ("cohort" if request.source == "cohort" else "new")
    a = mentee.answers
    age = Msg(N_("under 18")) if mentee.is_minor else label(AGE_LABELS, a.age_band)
    rows = (
        (N_("Region"), label(REGION_LABELS, a.region)),
        (N_("Stage"), label(STAGE_LABELS, a.stage)),
        (N_("Fields"), labels(FIELD_LABELS, a.fields)),
        (N_("Goals"), labels(GOAL_LABELS, a.goals)),
        (N_("Languages"), labels(LANGUAGE_NAMES, a.languages)),
    )
    lines: list[Line] = [
        bold(Msg(HEADINGS[heading])),
        "",
        Msg("<b>{name}</b> · {age}", name=a.display_name or "—", age=age),
    ]
    lines += [Msg("<b>{caption}:</b> {value}", caption=Msg(caption), value=value) for caption, value in rows]
    if request.note:
        lines += ["", Msg("<b>{caption}:</b>", caption=Msg(N_("Her note"))), Quote(request.note)]
    if request.question and request.answer:
        lines += ["", Msg("<b>{caption}:</b> {q}", caption=Msg(N_("Your question")), q=request.question)]
        lines.append(Msg("<b>{caption}:</b> <i>{a}</i>", caption=Msg(N_("Her answer")), a=request.answer))
    if request.score is not None:
        lines += ["", Msg(N_("Compatibility: {score}"), score=percent(request.score))]
    if mentee.is_minor:
        minor = N_("She is under 18: if you accept, you talk through this bot only, and contacts are never shared.")
        lines.append(Msg("🛡 {s}", s=Msg(minor)))
    # A full date and time: an abbreviated month ("дек.") must not meet the sentence's full stop.
    lines.append(Msg(N_("Please answer by {date}."), date=When(request.expires_at)))
    return Notice(request.mentor_id, tuple(lines), request_buttons(request.id))


def withdrawn(mentor_id: int, mentee_name: str) -> Notice:
    return Notice(mentor_id, (Msg(N_("{name} has withdrawn her request."), name=mentee_name),))


def found_a_mentor(mentor_id: int, mentee_name: str) -> Notice:
    told = N_("{name} has found a mentor, so her request to you is closed. Thank you for your time! 🌷")
    return Notice(mentor_id, (Msg(told, name=mentee_name),))


def expired_to_mentor(request: Request, mentee_name: str, paused: bool) -> Notice:
    lines: list[Line] = [Msg(N_("The request from {name} expired after a week without an answer."), name=mentee_name)]
    if paused:
        paused_text = N_(
            "Because {n} requests in a row went unanswered, I've stopped suggesting you "
            "to new mentees for now, so that they don't wait in vain. When you have time "
            "again: /profile, then Take mentees again."
        )
        lines += ["", Msg(paused_text, n=MISSED_TO_PAUSE)]
    return Notice(request.mentor_id, tuple(lines))


# --- the mentee's side -------------------------------------------------------------------------


def mentee_buttons(request_id: int, *, answer: bool = False) -> Rows:
    """What a mentee can do with her pending request: answer a question, withdraw, report, block."""
    rows: list[tuple[Button, ...]] = []
    if answer:
        rows.append((Button(Msg(N_("Answer")), cb("req", "ans", request_id), emoji="✍️"),))
    rows.append(
        (
            Button(Msg(N_("Withdraw")), cb("req", "wd", request_id), emoji="↩️"),
            Button(Msg(N_("Report")), cb("req", "rep", request_id), emoji="⚠️"),
            Button(Msg(N_("Block")), cb("req", "blk", request_id), emoji="🚫"),
        )
    )
    return tuple(rows)


def sent(mentee_id: int, request_id: int, mentor_name: str) -> Notice:
    text = N_(
        "Sent! 📨 I'll tell you as soon as {name} answers. If she can't answer within a week, "
        "I'll suggest someone else."
    )
    return Notice(mentee_id, (Msg(text, name=mentor_name),), mentee_buttons(request_id))


def question(request: Request, mentor_name: str, text: str) -> Notice:
    asks = Msg(N_("{name} has a question before answering your request:"), name=mentor_name)
    return Notice(request.mentee_id, (Msg("❓ {s}", s=asks), "", Quote(text)), mentee_buttons(request.id, answer=True))


def cohort_matched(mentee_id: int, mentor_name: str) -> Notice:
    text = N_(
        "Good news: the programme team has matched you with {name} and sent her your "
        "profile. I'll tell you as soon as she answers. 🌱"
    )
    return Notice(mentee_id, (Msg(text, name=mentor_name),))


# Why her request closed without her doing, told before her next best match.
DECLINED = N_("{name} can't be your mentor this time: {reason}. It's not about you. 💛")
EXPIRED = N_(
    "{name} couldn't answer your request within a week, so I've closed it. "
    "Mentors are busy people: it's not about you. 💛"
)
MENTOR_PAUSED = N_("{name} has paused taking mentees, so I've closed your request to her. It's not about you. 💛")
MENTOR_LEFT = N_("{name} has left the programme, so I've closed your request to her. 💛")


def reoffer(mentee_id: int, told: Msg, next_card: Notice | None, explanation: Notice | None) -> list[Notice]:
    """What happened, then her next best match (or why there is none)."""
    if next_card is not None:
        return [Notice(mentee_id, (told, "", Msg(N_("Here is your next best match:")))), next_card]
    return [Notice(mentee_id, (told,)), *([explanation] if explanation else [])]


# --- what the one who acted is told --------------------------------------------------------------

ACCEPTED = N_("Accepted ✓")
DECLINED_MINE = N_("Declined: {reason}")
QUESTION_SENT = N_("Sent ✓ I'll bring you her answer.")
ANSWER_SENT = N_("Sent ✓ I'll tell you as soon as she decides.")


def withdrawn_mine(mentor_name: str, block: bool) -> Msg:
    if block:
        return Msg(N_("Blocked. {name} can't reach you through me, and you won't be matched again."), name=mentor_name)
    return Msg(N_("Your request to {name} is withdrawn."), name=mentor_name)


# --- the programme team -------------------------------------------------------------------------


def report_alert(
    admin_id: int,
    report_id: int,
    request_id: int,
    reporter: str,
    reporter_id: int,
    reported: str,
    reported_id: int,
    reason: str,
    messages: list[tuple[str, str, str]],
) -> Notice:
    """A mentee reported the mentor of her pending request, with what was said on it."""
    lines: list[Line] = [
        Msg("🚨 <b>{s}</b>", s=Msg(N_("Safety report #{id}"), id=Html(str(report_id)))),
        Msg(N_("A mentee reported the mentor of her pending request #{id}."), id=Html(str(request_id))),
        Msg(N_("From: {who}"), who=Msg("{name} · id {id}", name=reporter, id=Html(str(reporter_id)))),
        Msg(N_("About: {who}"), who=Msg("{name} · id {id}", name=reported, id=Html(str(reported_id)))),
        Msg(N_("Reason: {reason}"), reason=Msg(reason)),
    ]
    for sender, kind, text in messages:
        mark = "❓" if kind == "question" else "·"
        lines.append(Msg(mark + " {name}: {text}", name=sender, text=text[:300]))
    return Notice(admin_id, tuple(lines))


def ask_for_note(mentor_name: str, limit: int) -> Msg:
    text = N_(
        "Would you like to add a short note for {name}? Say who you are and what you hope for. "
        "Type it now (up to {n} characters), or send your request without one."
    )
    return Msg(text, name=mentor_name, n=Html(str(limit)))


def held(action: Action) -> Msg:
    """Her note, question or answer was not sent: it has contact details in it."""
    if action is Action.SHARE:
        return Msg(
            N_(
                "I didn't send this: it has contact details in it. To exchange contacts, use "
                "“Share my contact” in /mentorship once you both agree. Please type your message again without them."
            )
        )
    return Msg(
        N_(
            "I held this message back: it has contact details in it (a phone number, a username, a link or "
            "an e-mail). With a participant under 18, all talk stays inside this bot, to keep everyone safe. "
            "Please type it again without them."
        )
    )
