"""A mentor as a mentee sees her in `/mentors`, as notice lines (no Telegram): her card, the reasons
of a match in words, the buttons under it, and why nobody is shown when nobody is.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from bot.callbacks import cb
from bot.domain import (
    AVAILABILITY_LABELS,
    FIELD_LABELS,
    GOAL_LABELS,
    LANGUAGE_NAMES,
    REGION_LABELS,
    STAGE_LABELS,
    Availability,
)
from bot.i18n import N_
from bot.matching.notices import Rows, bold, label, labels, percent
from bot.matching.rules import NOT_IN_FIELD, Match, MentorProfile, Reason, Rejection
from bot.notices import Button, Line, Msg, Quote
from bot.onboarding.store import Profile

ALL = "all"  # callback value for "no field filter"

# Availability inside a sentence ("free on weekday evenings and weekends").
TIMES_IN_SENTENCE = {
    Availability.WEEKDAY_MORNINGS: N_("weekday mornings"),
    Availability.WEEKDAY_EVENINGS: N_("weekday evenings"),
    Availability.WEEKENDS: N_("weekends"),
}


def ngettext(singular: str, plural: str) -> tuple[str, str]:
    """Marks a plural pair for the catalogs (babel's ngettext:1,2 keyword); `Msg` picks the form."""
    return singular, plural


DAYS_AGO = ngettext("{n} day ago", "{n} days ago")


def words(items: list[Msg | str]) -> Msg | str:
    """'Kyrgyz and Russian' / 'кыргызский и русский', each part translated for the reader."""
    if not items:
        return "—"
    if len(items) == 1:
        return items[0]
    if len(items) == 2:
        return Msg(N_("{first} and {last}"), first=items[0], last=items[1])
    rest = Msg(", ".join(f"{{v{i}}}" for i in range(len(items) - 1)), **{f"v{i}": v for i, v in enumerate(items[:-1])})
    return Msg(N_("{rest}, and {last}"), rest=rest, last=items[-1])


def reason_text(reason: Reason) -> Msg | None:
    """One reason of a match in plain words; an unknown code (a newer core) shows nothing."""
    values = list(reason.values)
    each = {
        "shared_language": lambda: Msg(
            N_("you both speak {languages}"), languages=words([label(LANGUAGE_NAMES, v) for v in values])
        ),
        "field": lambda: words([label(FIELD_LABELS, v) for v in values]),
        "topic": lambda: Msg(N_("can help with: {topics}"), topics=words([label(GOAL_LABELS, v) for v in values])),
        "ahead": lambda: Msg(N_("further along: {stage}"), stage=label(STAGE_LABELS, values[0])),
        "same_stage": lambda: Msg(N_("at your stage too: {stage}"), stage=label(STAGE_LABELS, values[0])),
        "availability": lambda: Msg(N_("free on {times}"), times=words([label(TIMES_IN_SENTENCE, v) for v in values])),
        "region": lambda: Msg(N_("also in {region}"), region=label(REGION_LABELS, values[0])),
        "has_time": lambda: Msg(N_("has time for a new mentee")),
    }.get(reason.code)
    return each() if each else None


def last_active(moment: datetime | None, now: datetime, zone: ZoneInfo) -> Msg:
    """Days since she was last active, counted in the reader's zone."""
    if moment is None:
        return Msg(N_("not yet"))
    days = (now.astimezone(zone).date() - moment.astimezone(zone).date()).days
    if days <= 0:
        return Msg(N_("today"))
    return Msg(DAYS_AGO[0], plural=DAYS_AGO[1], n=days)


def card(
    profile: Profile, mentor: MentorProfile, match: Match, now: datetime, zone: ZoneInfo, field: str | None
) -> tuple[Line, ...]:
    a = profile.answers
    lines: list[Line] = [bold(a.display_name or "—")]
    work = " · ".join(v for v in (a.job_title, a.organisation) if v)
    if work:
        lines.append(work)
    lines.append(Msg("🔬 {v}", v=labels(FIELD_LABELS, a.fields)))
    lines.append(Msg("🗣 {v}", v=labels(LANGUAGE_NAMES, a.languages)))
    lines.append(
        Msg(
            "📍 {region} · 🕒 {times}",
            region=label(REGION_LABELS, a.region),
            times=labels(AVAILABILITY_LABELS, a.availability),
        )
    )
    if a.bio:
        lines += ["", Quote(a.bio)]
    lines += ["", bold(Msg(N_("Compatibility: {score}"), score=percent(match.score)))]
    lines += [Msg("• {r}", r=text) for text in map(reason_text, match.reasons) if text is not None]
    lines += ["", Msg(N_("Last active: {when}"), when=last_active(mentor.last_active_at, now, zone))]
    if field:
        lines.append(Msg(N_("Showing mentors in: {field}"), field=label(FIELD_LABELS, field)))
    return tuple(lines)


def fields_button() -> Button:
    return Button(Msg(N_("Narrow by field")), cb("find", "fields"), emoji="🔎")


def all_fields_button() -> Button:
    return Button(Msg(N_("All fields")), cb("find", "next", 0, ALL), emoji="🌐")


def card_buttons(mentor_id: int, index: int, field: str | None) -> Rows:
    return (
        (
            Button(Msg(N_("Request")), cb("find", "req", mentor_id), emoji="📨"),
            Button(Msg("{next} ➡️", next=Msg(N_("Next"))), cb("find", "next", index + 1, field or ALL)),
        ),
        (fields_button(),),
    )


def everyone_seen(field: str | None) -> tuple[tuple[Line, ...], Rows]:
    start = Button(Msg(N_("From the start")), cb("find", "next", 0, field or ALL), emoji="⏮")
    return (Msg(N_("That's everyone who suits you right now.")),), ((start,), (fields_button(),))


def field_choice() -> tuple[tuple[Line, ...], Rows]:
    buttons = [Button(Msg(text), cb("find", "next", 0, code)) for code, text in FIELD_LABELS.items()]
    rows = [tuple(buttons[i : i + 2]) for i in range(0, len(buttons), 2)]
    return (Msg(N_("Which field?")),), (*rows, (all_fields_button(),))


def nobody(counts: dict[str, int], field: str | None, waiting: bool) -> Msg:
    """Why nobody is shown, and what she can do about it."""
    if field and counts.get(NOT_IN_FIELD):
        return Msg(
            N_("No free mentor who suits you works in {field} yet. Try all fields: others fit you too."),
            field=label(FIELD_LABELS, field),
        )
    counted = {code: n for code, n in counts.items() if code not in (Rejection.NOT_APPROVED, NOT_IN_FIELD)}
    if not any(counted.values()):
        return Msg(
            N_(
                "There are no mentors in the programme yet. New mentors join all the time: "
                "please try /mentors again in a few days. 🌱"
            )
        )
    # The commonest obstacle; on a tie, the one she can do something about comes first.
    order = [
        Rejection.NO_SHARED_LANGUAGE,
        Rejection.NOT_CLEARED_FOR_MINORS,
        Rejection.EXCLUDED,
        Rejection.FULL,
        Rejection.PAUSED,
    ]
    top = max(order, key=lambda code: (counted.get(code, 0), -order.index(code)))
    if top == Rejection.NO_SHARED_LANGUAGE:
        text = N_(
            "No mentor speaks your languages yet. If you speak another language too, "
            "add it in /profile (Languages) and try again."
        )
    elif top == Rejection.NOT_CLEARED_FOR_MINORS:
        text = N_(
            "For girls under 18, only mentors checked by the programme team can be matched, "
            "and none of them is free right now. Please try again in a few days. 🌱"
        )
    elif top == Rejection.EXCLUDED and waiting:
        text = N_(
            "You have already asked every mentor who suits you. They have up to a week to answer, "
            "and I'll tell you as soon as they do."
        )
    elif top == Rejection.EXCLUDED:
        text = N_(
            "You have already been in touch with every mentor who suits you. "
            "New mentors join all the time: please try again in a few days."
        )
    else:
        text = N_(
            "All the mentors who suit you are busy right now. Places free up often: "
            "please try /mentors again in a few days."
        )
    return Msg(text)
