"""A mentor as a mentee sees her in `/mentors`: her card, and the reasons of a match in words."""

from __future__ import annotations

import html
from datetime import datetime
from zoneinfo import ZoneInfo

from babel.lists import format_list
from babel.numbers import format_percent

from bot.domain import (
    AVAILABILITY_LABELS,
    FIELD_LABELS,
    GOAL_LABELS,
    LANGUAGE_NAMES,
    REGION_LABELS,
    STAGE_LABELS,
    Availability,
)
from bot.i18n import N_, Translator
from bot.matching.rules import Match, MentorProfile, Reason
from bot.onboarding.store import Profile
from bot.telegram.cards import label, labels

# Availability inside a sentence ("free on weekday evenings and weekends").
TIMES_IN_SENTENCE = {
    Availability.WEEKDAY_MORNINGS: N_("weekday mornings"),
    Availability.WEEKDAY_EVENINGS: N_("weekday evenings"),
    Availability.WEEKENDS: N_("weekends"),
}


def words(t: Translator, items: list[str]) -> str:
    """'Kyrgyz and Russian' / 'кыргызский и русский', in her language's own list style."""
    return format_list(items, locale=t.locale) if items else "—"


def reason_text(t: Translator, reason: Reason) -> str:
    """One reason of a match in plain words; an unknown code (a newer core) shows nothing."""
    values = list(reason.values)
    each = {
        "shared_language": lambda: t("you both speak {languages}").format(
            languages=words(t, [label(t, LANGUAGE_NAMES, v) for v in values])
        ),
        "field": lambda: words(t, [label(t, FIELD_LABELS, v) for v in values]),
        "topic": lambda: t("can help with: {topics}").format(
            topics=words(t, [label(t, GOAL_LABELS, v) for v in values])
        ),
        "ahead": lambda: t("further along: {stage}").format(stage=label(t, STAGE_LABELS, values[0])),
        "same_stage": lambda: t("at your stage too: {stage}").format(stage=label(t, STAGE_LABELS, values[0])),
        "availability": lambda: t("free on {times}").format(
            times=words(t, [label(t, TIMES_IN_SENTENCE, v) for v in values])
        ),
        "region": lambda: t("also in {region}").format(region=label(t, REGION_LABELS, values[0])),
        "has_time": lambda: t("has time for a new mentee"),
    }.get(reason.code)
    return each() if each else ""


def last_active(t: Translator, moment: datetime | None, now: datetime, zone: ZoneInfo) -> str:
    if moment is None:
        return t("not yet")
    days = (now.astimezone(zone).date() - moment.astimezone(zone).date()).days
    if days <= 0:
        return t("today")
    return t.ngettext("{n} day ago", "{n} days ago", days).format(n=days)


def percent(t: Translator, score: int) -> str:
    return format_percent(score / 100, locale=t.locale)


def mentor_card(
    t: Translator,
    profile: Profile,
    mentor: MentorProfile,
    match: Match,
    now: datetime,
    zone: ZoneInfo,
    field: str | None,
) -> str:
    a = profile.answers
    lines = [f"<b>{html.escape(a.display_name or '—')}</b>"]
    work = " · ".join(html.escape(v) for v in (a.job_title, a.organisation) if v)
    if work:
        lines.append(work)
    lines.append("🔬 " + labels(t, FIELD_LABELS, a.fields))
    lines.append("🗣 " + labels(t, LANGUAGE_NAMES, a.languages))
    lines.append("📍 " + label(t, REGION_LABELS, a.region) + " · 🕒 " + labels(t, AVAILABILITY_LABELS, a.availability))
    if a.bio:
        lines += ["", f"<i>{html.escape(a.bio)}</i>"]
    lines += [
        "",
        "<b>" + t("Compatibility: {score}").format(score=percent(t, match.score)) + "</b>",
    ]
    lines += ["• " + text for text in map(lambda r: reason_text(t, r), match.reasons) if text]
    lines += [
        "",
        t("Last active: {when}").format(when=last_active(t, mentor.last_active_at, now, zone)),
    ]
    if field:
        lines.append(t("Showing mentors in: {field}").format(field=label(t, FIELD_LABELS, field)))
    return "\n".join(lines)
